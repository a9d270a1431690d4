"""Templates to files: render every module, then update the output tree safely.

Changed files are staged next to their targets (`<file>.emr-iam-<pid>.new`, each process its own
teams) and swapped in with renames only once every team has rendered and every check has passed;
a failure before that discards what was staged, and a failure during the swap restores the files
already swapped, so the tree is either the old one or the new one. Files whose content is
unchanged are not written (their modification times stay), and files that an earlier render
generated but this one does not are removed. Files the generator never wrote are never touched.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import os
import pickle
import posixpath
import signal
import traceback
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import jinja2

from generator import catalog, facts, hcl, template_folders
from generator.catalog import ModuleDef, Variable
from generator.errors import EmrIamError, OutputError
from generator.model import Claims, check_unique_names, resolve_team
from generator.spec import SpecFile, read_spec

MANIFEST = ".emr-iam-manifest"
REQUIRED_VERSION = ">= 1.3"
AWS_PROVIDER_VERSION = ">= 3.39"


def _expr(code: str) -> hcl.Expr:
    return hcl.Expr(code)


def _variable_body(variable: Variable) -> str:
    return hcl.body(
        {"description": variable.description, "type": hcl.Expr(variable.type), "default": variable.default}, 2
    ).rstrip("\n")


def _md(text: Any) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _md_default(value: Any) -> str:
    return "`" + " ".join(hcl.expression(value).split()) + "`"


class _CompiledTemplates(jinja2.FileSystemBytecodeCache):
    """Jinja's cache of compiled templates (keyed by each template's source) in the CLI's cache folder.

    Best effort: a folder that cannot be made, read or written means templates are compiled again.
    """

    def __init__(self, directory: str):
        with contextlib.suppress(OSError):
            os.makedirs(directory, exist_ok=True)
        super().__init__(directory)

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        with contextlib.suppress(OSError, ValueError, EOFError):
            super().load_bytecode(bucket)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        with contextlib.suppress(OSError):
            super().dump_bytecode(bucket)


def environment(user_templates: str | None = None, compiled_templates: str | None = None) -> jinja2.Environment:
    """A Jinja environment for one render; a user folder, when given, is searched before the shipped templates.

    Templates are read and compiled once per environment and never checked for changes again
    (`auto_reload=False`): each `{% include %}` would otherwise stat its file on every use. With
    `compiled_templates` (a folder), compiled templates are kept there for the next process.
    """
    env = jinja2.Environment(
        bytecode_cache=_CompiledTemplates(compiled_templates) if compiled_templates else None,
        loader=jinja2.FileSystemLoader([str(folder) for folder in template_folders(user_templates)]),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        autoescape=False,
        trim_blocks=False,
        auto_reload=False,
    )
    env.filters.update(
        hcl=lambda value, indent=0: hcl.expression(value, indent),
        hcl_body=lambda value, indent=2: hcl.body(value, indent),
        expr=_expr,
        variable_body=_variable_body,
        md=_md,
        md_default=_md_default,
    )
    env.globals.update(
        service_principals=facts.SERVICE_PRINCIPALS_BY_PARTITION,
        service_role_policies={"v2": facts.MANAGED_POLICIES["service_role_v2"], "v1": facts.MANAGED_POLICIES["service_role_v1"]},
        ec2_role_policy=facts.MANAGED_POLICIES["ec2_role"],
        autoscaling_role_policy=facts.MANAGED_POLICIES["autoscaling_role"],
        spot_role_path=facts.SPOT_SERVICE_LINKED_ROLE_PATH,
        spot_service_name=facts.SPOT_SERVICE_NAME,
        service_linked_role_name=facts.SERVICE_LINKED_ROLE_NAME,
        required_version=REQUIRED_VERSION,
        aws_provider_version=AWS_PROVIDER_VERSION,
    )
    return env


def _module_files(
    template: Callable[[str], jinja2.Template], module: ModuleDef, main: str, context: Mapping[str, Any]
) -> dict[str, str]:
    base = {"module": module, **context}
    files = {
        "main.tf": template(main).render(base, comment="#"),
        "variables.tf": template("common/variables.tf.j2").render(base, comment="#"),
        "outputs.tf": template("common/outputs.tf.j2").render(base, comment="#"),
        "versions.tf": template("common/versions.tf.j2").render(base, comment="#"),
        "README.md": template("common/README.md.j2").render(base),
    }
    return {f"{module.name}/{name}": text for name, text in files.items()}


@dataclass
class Changes:
    """What a render does to the output folder."""

    written: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: int = 0
    generated: list[str] = field(default_factory=list)  # every file the spec produces, the manifest included

    @property
    def stale(self) -> list[str]:
        return sorted(self.written + self.removed)


def _read_manifest(out_dir: Path) -> list[str]:
    try:
        lines = (out_dir / MANIFEST).read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return []
    except (OSError, UnicodeDecodeError) as error:
        raise OutputError(f"{out_dir / MANIFEST}: cannot be read: {error}") from None
    # A manifest line never leaves the output folder.
    return [line for line in lines if line and not line.startswith("#") and _is_inside(line)]


def _is_inside(relative: str) -> bool:
    normal = posixpath.normpath(relative)
    return not (normal.startswith("../") or normal == ".." or posixpath.isabs(normal))


def _manifest_text(paths: list[str]) -> str:
    return "# Files generated by emr-iam; `render` removes them when the spec no longer produces them.\n" + "".join(
        f"{path}\n" for path in sorted(paths)
    )


def _compare(files: Mapping[str, str], root: str) -> tuple[list[str], dict[str, str], int]:
    """Which rendered files differ from the folder: (all paths, changed files with content, unchanged count)."""
    to_write: dict[str, str] = {}
    unchanged = 0
    for relative, text in files.items():
        target = os.path.join(root, relative)
        try:
            with open(target, "rb") as handle:
                current: bytes | None = handle.read()
        except (FileNotFoundError, NotADirectoryError):
            current = None
        except IsADirectoryError:
            raise OutputError(f"{target}: is a directory where the generator writes a file") from None
        if current == text.encode("utf-8"):
            unchanged += 1
        else:
            to_write[relative] = text
    return list(files), to_write, unchanged


def _write_file(path: str, text: str) -> None:
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(text)


def _unlink(path: str) -> None:
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)


def _write_error(out_dir: str | Path, error: OSError) -> OutputError:
    return OutputError(f"{out_dir}: cannot write the modules: {error.strerror or error}; nothing was changed")


@dataclass
class Staging:
    """Changed files written next to their targets (not yet swapped in), and the folders made for them."""

    staged: list[tuple[str, str]] = field(default_factory=list)  # temporary file, target
    created: list[str] = field(default_factory=list)

    def stage(self, root: str, to_write: Mapping[str, str], token: str) -> None:
        """Write each file as `<target><token>.new`; on failure discard everything staged so far."""
        ready: set[str] = set()  # folders known to exist
        try:
            for relative, text in to_write.items():
                target = os.path.join(root, relative)
                folder = os.path.dirname(target)
                if folder not in ready:
                    missing = folder
                    while not os.path.exists(missing):
                        self.created.append(missing)
                        missing = os.path.dirname(missing)
                    os.makedirs(folder, exist_ok=True)
                    ready.add(folder)
                temporary = f"{target}{token}.new"
                self.staged.append((temporary, target))  # before writing: a half-written file is cleaned up too
                _write_file(temporary, text)
        except BaseException as error:
            self.discard()
            if isinstance(error, OSError):
                raise _write_error(root, error) from None
            raise

    def merge(self, other: Staging) -> None:
        self.staged += other.staged
        self.created += other.created

    def discard(self) -> None:
        """Remove the staged files and the folders made for them, when empty.

        The folders stay listed: another process may still have files in a folder this one made,
        and the parent discards every process's staging again once all are in.
        """
        for temporary, _ in self.staged:
            _unlink(temporary)
        self.staged = []
        for folder in sorted(set(self.created), key=len, reverse=True):
            with contextlib.suppress(OSError):  # best effort: the error being reported matters more
                if not os.listdir(folder):
                    os.rmdir(folder)


def _swap(out_dir: Path, staging: Staging, removed: list[str], token: str) -> None:
    """Swap the staged files in and move removed files away; on any failure restore what was there."""
    root = str(out_dir)
    swapped: list[tuple[str, str | None]] = []  # target, backup of its old content
    try:
        for temporary, target in staging.staged:
            backup = None
            if os.path.exists(target):
                backup = f"{target}{token}.old"
                os.link(target, backup)
            swapped.append((target, backup))
            os.replace(temporary, target)
        for relative in removed:
            target = os.path.join(root, relative)
            backup = f"{target}{token}.old"
            os.replace(target, backup)
            swapped.append((target, backup))
    except BaseException as error:
        for target, backup in reversed(swapped):
            if backup is None:
                _unlink(target)
            elif os.path.exists(target) and os.path.samefile(backup, target):
                # The swap never happened; rename() between two links of one file does nothing.
                os.unlink(backup)
            else:
                os.replace(backup, target)
        staging.discard()
        if isinstance(error, OSError):
            raise _write_error(out_dir, error) from None
        raise
    for _, backup in swapped:
        if backup is not None:
            _unlink(backup)
    for relative in removed:
        _remove_empty_parents(out_dir, (out_dir / relative).parent)


def _remove_empty_parents(root: Path, folder: Path) -> None:
    while folder != root and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent


# --- teams, in this process or in forked workers ---------------------------------------------

TEAM_TEMPLATE = "team/main.tf.j2"
# A process renders at least this many teams; below twice as many, parallel work does not pay
# for starting a worker (measured: a fork and its result cost about as much as 15 teams).
TEAMS_PER_JOB = 32


def available_cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


@dataclass
class _Chunk:
    """What one process reports for its range of teams."""

    claims: list[tuple[str, Claims]]
    generated: list[str]
    to_write: dict[str, str]  # changed files; their content only when the caller asked for it
    unchanged: int
    staging: Staging
    error: EmrIamError | None = None


@dataclass
class _Job:
    """Everything a process needs to render, compare and stage a range of teams; workers inherit it by fork."""

    source: SpecFile
    template: Callable[[str], jinja2.Template]
    context: dict[str, Any]
    root: str
    stage: bool  # write the changed files next to their targets
    keep_texts: bool  # report the changed files' content (for a diff)
    token: str

    def run(self, indices: range) -> _Chunk:
        claims: list[tuple[str, Claims]] = []
        files: dict[str, str] = {}
        staging = Staging()
        try:
            for index in indices:
                team = resolve_team(self.source, index)
                claims.append((team.team, team.unique_names))
                files.update(_module_files(self.template, team.definition, TEAM_TEMPLATE, {**self.context, "team": team}))
            generated, to_write, unchanged = _compare(files, self.root)
            if self.stage:
                staging.stage(self.root, to_write, self.token)
        except EmrIamError as error:
            return _Chunk(claims, [], {}, 0, staging, error)
        changed = to_write if self.keep_texts else dict.fromkeys(to_write, "")
        return _Chunk(claims, generated, changed, unchanged, staging)


class _Worker:
    """A forked process running one job on a range of teams; its _Chunk comes back pickled through a pipe."""

    def __init__(self, job: _Job, indices: range):
        read_end, write_end = os.pipe()
        self.pid = os.fork()
        if self.pid == 0:  # the worker: it never returns into the caller's code
            status = 1
            try:
                # SIGINT stays blocked here as in the parent (_interrupts_deferred): Ctrl-C is the parent's
                # to handle, and it still collects this result, to discard what was staged.
                os.close(read_end)
                chunk: _Chunk | None = None
                try:
                    chunk = job.run(indices)
                    payload = pickle.dumps(chunk, protocol=pickle.HIGHEST_PROTOCOL)
                except Exception:  # a bug: its traceback travels to the parent, and nothing staged stays
                    if chunk is not None:
                        chunk.staging.discard()
                    payload = pickle.dumps(RuntimeError(f"a render worker failed:\n{traceback.format_exc()}"))
                with open(write_end, "wb") as pipe:
                    pipe.write(payload)
                status = 0
            finally:
                os._exit(status)
        os.close(write_end)
        self.read_end = read_end

    def result(self) -> _Chunk:
        with open(self.read_end, "rb") as pipe:
            payload = pipe.read()
        _, status = os.waitpid(self.pid, 0)
        if status or not payload:
            raise RuntimeError(f"render worker {self.pid} ended with status {status} and no result")
        result = pickle.loads(payload)
        if isinstance(result, RuntimeError):
            raise result
        assert isinstance(result, _Chunk)
        return result


def _chunks(count: int, jobs: int) -> list[range]:
    return [range(count * job // jobs, count * (job + 1) // jobs) for job in range(jobs)]


def _run_teams(job: _Job, count: int, jobs: int) -> list[_Chunk]:
    """Every range's result in team order; with jobs > 1, all ranges but the first run in forked workers."""
    jobs = max(1, min(jobs, count // TEAMS_PER_JOB)) if hasattr(os, "fork") else 1
    ranges = _chunks(count, jobs)
    workers: list[_Worker] = []
    own: _Chunk | None = None
    try:
        for indices in ranges[1:]:
            workers.append(_Worker(job, indices))
        own = job.run(ranges[0])
    finally:
        # Every worker is waited for, even when this process failed, so that nothing a worker
        # staged is left behind.
        collected: list[_Chunk] = []
        failure: Exception | None = None
        for worker in workers:
            try:
                collected.append(worker.result())
            except Exception as error:
                failure = failure or error
        if own is None or failure is not None:
            for chunk in [own, *collected] if own is not None else collected:
                chunk.staging.discard()
    if failure is not None:
        raise failure
    return [own, *collected]


@contextlib.contextmanager
def _interrupts_deferred() -> Iterator[None]:
    """Hold Ctrl-C while teams render and stage (in this process and its workers); it lands afterwards.

    Staged files are tracked by whoever staged them; an interrupt that lands between a worker's
    result and the parent's record of it could otherwise leave files behind.
    """
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


# --- the whole render ------------------------------------------------------------------------


def _render(
    spec_path: Path, out_dir: Path, *, write: bool, keep_texts: bool, user_templates: str | None, jobs: int,
    compiled_templates: str | None,
) -> tuple[Changes, dict[str, str]]:
    """Render and compare with the folder; with `write`, stage the changed files and swap them in.

    Returns what changes, and the changed files (with their content when `keep_texts`).
    """
    source = read_spec(spec_path)
    if out_dir.exists() and not out_dir.is_dir():
        raise OutputError(f"{out_dir}: is not a directory")
    template = environment(user_templates, compiled_templates).get_template
    context = {"spec_path": spec_label(spec_path, out_dir)}
    files: dict[str, str] = {}
    for module in catalog.GENERIC_MODULES:
        files.update(_module_files(template, module, f"modules/{module.name}/main.tf.j2", context))
    template(TEAM_TEMPLATE)  # compiled here, before any fork
    token = f".emr-iam-{os.getpid()}"
    root = str(out_dir)
    job = _Job(source, template, context, root, write, keep_texts, token)
    staging = Staging()
    try:
        with _interrupts_deferred():
            chunks = _run_teams(job, len(source.spec.teams), jobs)
            for chunk in chunks:
                staging.merge(chunk.staging)
        claims: list[tuple[str, Claims]] = []
        for chunk in chunks:
            if chunk.error is not None:  # the first failing team, as one process would report it
                raise chunk.error
            claims += chunk.claims
        check_unique_names(claims, source)
        generated, to_write, unchanged = _compare(files, root)
        for chunk in chunks:
            generated += chunk.generated
            to_write.update(chunk.to_write)
            unchanged += chunk.unchanged
        manifest = {MANIFEST: _manifest_text(generated)}
        _, manifest_change, manifest_unchanged = _compare(manifest, root)
        generated.append(MANIFEST)
        to_write.update(manifest_change)
        unchanged += manifest_unchanged
        own = {relative: files[relative] for relative in files if relative in to_write}
        own.update(manifest_change)
        removed = sorted(set(_read_manifest(out_dir)) - set(generated))
        removed = [relative for relative in removed if (out_dir / relative).is_file()]
        if write:
            extra = Staging()
            extra.stage(root, own, token)
            staging.merge(extra)
            if to_write or removed:
                _swap(out_dir, staging, removed, token)
    except BaseException:
        staging.discard()  # after a swap there is nothing left to discard
        raise
    return Changes(written=list(to_write), removed=removed, unchanged=unchanged, generated=generated), to_write


def spec_label(spec_path: Path, out_dir: Path) -> str:
    """How generated headers name the spec: relative to the folder that holds the output folder."""
    try:
        return Path(os.path.relpath(spec_path.resolve(), out_dir.resolve().parent)).as_posix()
    except ValueError:
        return spec_path.name


_Result = TypeVar("_Result")


def _without_cyclic_gc(function: Callable[..., _Result]) -> Callable[..., _Result]:
    """Pause the cyclic garbage collector while a render runs.

    A large spec builds hundreds of thousands of long-lived objects (YAML nodes, models, HCL
    values) and no garbage cycles; left on, the collector rescans all of them every few
    thousand allocations, which took over a third of a 1,000-team render.
    """

    @functools.wraps(function)
    def paused(*args: Any, **kwargs: Any) -> _Result:
        if not gc.isenabled():
            return function(*args, **kwargs)
        gc.disable()
        try:
            return function(*args, **kwargs)
        finally:
            gc.enable()

    return paused


@_without_cyclic_gc
def render(
    spec_path: str | Path,
    out_dir: str | Path,
    *,
    dry_run: bool = False,
    user_templates: str | None = None,
    jobs: int = 1,
    compiled_templates: str | None = None,
) -> Changes:
    """Render the spec into `out_dir`; with `dry_run`, only report what would change.

    With `jobs` > 1 and enough teams, teams are resolved, rendered and staged in forked worker
    processes (where the platform can fork); the files, and the first error, are the same as
    with one job. `compiled_templates`: a folder where compiled templates are kept between runs.
    """
    spec_path, out_dir = Path(spec_path), Path(out_dir)
    return _render(
        spec_path, out_dir, write=not dry_run, keep_texts=False, user_templates=user_templates, jobs=jobs,
        compiled_templates=compiled_templates,
    )[0]


@_without_cyclic_gc
def diff(
    spec_path: str | Path, out_dir: str | Path, user_templates: str | None = None, jobs: int = 1, compiled_templates: str | None = None
) -> str:
    """A unified diff from the folder as it is to what `render` would write."""
    import difflib

    spec_path, out_dir = Path(spec_path), Path(out_dir)
    changes, to_write = _render(
        spec_path, out_dir, write=False, keep_texts=True, user_templates=user_templates, jobs=jobs, compiled_templates=compiled_templates
    )
    chunks: list[str] = []
    for relative in changes.stale:
        target = out_dir / relative
        old = target.read_text(encoding="utf-8", errors="replace").splitlines(keepends=True) if target.is_file() else []
        new = to_write.get(relative, "").splitlines(keepends=True)
        chunks.extend(difflib.unified_diff(old, new, f"a/{relative}", f"b/{relative}"))
    return "".join(chunks)
