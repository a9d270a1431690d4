"""Templates to files: render every module in memory, then update the output tree safely.

Nothing touches the disk until every file has rendered. Changed files are staged next to their
targets and swapped in with renames; if any step fails, the files already swapped are restored,
so the tree is either the old one or the new one. Files whose content is unchanged are not
written (their modification times stay), and files that an earlier render generated but this
one does not are removed. Files the generator never wrote are never touched.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import os
import posixpath
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, TypeVar

import jinja2

from generator import TEMPLATE_DIRS, catalog, facts, hcl
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


@functools.lru_cache(maxsize=4)
def environment(user_templates: str | None = None) -> jinja2.Environment:
    """The Jinja environment; a user folder, when given, is searched before the shipped templates."""
    folders = [str(folder) for folder in TEMPLATE_DIRS if folder.is_dir()]
    if user_templates:
        folders.insert(0, user_templates)
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(folders),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        autoescape=False,
        trim_blocks=False,
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


# A process renders at least this many teams; below twice as many, parallel work does not pay
# for starting a worker (measured: a fork and its results cost about as much as 15 teams).
TEAMS_PER_JOB = 32


def available_cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def render_tree(source: SpecFile, spec_label: str, user_templates: str | None = None, jobs: int = 1) -> dict[str, str]:
    """Every generated file, by path relative to the output folder.

    With `jobs` > 1 and enough teams, teams are resolved and rendered in forked worker processes
    (where the platform can fork); the result, and the first error, are the same as with one job.
    """
    # Each template is looked up (and its file checked for changes) once per render, not once per team.
    template = functools.lru_cache(maxsize=None)(environment(user_templates).get_template)
    context = {"spec_path": spec_label}
    files: dict[str, str] = {}
    for module in catalog.GENERIC_MODULES:
        files.update(_module_files(template, module, f"modules/{module.name}/main.tf.j2", context))
    template(TEAM_TEMPLATE)  # compiled once here, before any fork
    count = len(source.spec.teams)
    jobs = max(1, min(jobs, count // TEAMS_PER_JOB))
    chunks = [range(count * job // jobs, count * (job + 1) // jobs) for job in range(jobs)]
    _TeamRenderer.current = _TeamRenderer(source, template, context)
    try:
        if jobs == 1 or not hasattr(os, "fork"):
            results = [_TeamRenderer.chunk(range(count))]
        else:
            import multiprocessing

            with multiprocessing.get_context("fork").Pool(jobs - 1) as pool:
                pending = [pool.apply_async(_TeamRenderer.chunk, (chunk,)) for chunk in chunks[1:]]
                results = [_TeamRenderer.chunk(chunks[0]), *(result.get() for result in pending)]
    finally:
        _TeamRenderer.current = None
    claims: list[tuple[str, Claims]] = []
    for result in results:
        if isinstance(result, EmrIamError):  # the first failing team, as a serial render would report
            raise result
        claims += result[0]
        files.update(result[1])
    check_unique_names(claims, source)
    return files


TEAM_TEMPLATE = "team/main.tf.j2"


@dataclass
class _TeamRenderer:
    """What a worker needs to render a range of teams; forked workers inherit `current`."""

    source: SpecFile
    template: Callable[[str], jinja2.Template]
    context: dict[str, Any]

    current: ClassVar[_TeamRenderer | None] = None

    @staticmethod
    def chunk(indices: range) -> tuple[list[tuple[str, Claims]], dict[str, str]] | EmrIamError:
        renderer = _TeamRenderer.current
        assert renderer is not None
        claims: list[tuple[str, Claims]] = []
        files: dict[str, str] = {}
        try:
            for index in indices:
                team = resolve_team(renderer.source, index)
                claims.append((team.team, team.unique_names))
                files.update(_module_files(renderer.template, team.definition, TEAM_TEMPLATE, {**renderer.context, "team": team}))
        except EmrIamError as error:
            return error
        return claims, files


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


def plan_changes(files: Mapping[str, str], out_dir: Path) -> tuple[Changes, dict[str, str]]:
    """Compare rendered files with the folder: what to write (with content) and what to remove."""
    files = {**files, MANIFEST: _manifest_text(list(files))}
    changes = Changes(generated=list(files))
    to_write: dict[str, str] = {}
    for relative, text in files.items():
        target = out_dir / relative
        try:
            current = target.read_bytes()
        except (FileNotFoundError, NotADirectoryError):
            current = None
        except IsADirectoryError:
            raise OutputError(f"{target}: is a directory where the generator writes a file") from None
        if current == text.encode("utf-8"):
            changes.unchanged += 1
        else:
            changes.written.append(relative)
            to_write[relative] = text
    changes.removed = sorted(set(_read_manifest(out_dir)) - set(files))
    changes.removed = [relative for relative in changes.removed if (out_dir / relative).is_file()]
    return changes, to_write


def _write_file(path: str, text: str) -> None:
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(text)


def apply_changes(out_dir: Path, to_write: Mapping[str, str], removed: list[str]) -> None:
    """Stage every changed file, then swap them in; on any failure restore what was there."""
    root = str(out_dir)
    staged: list[tuple[str, str]] = []
    swapped: list[tuple[str, str | None]] = []  # target, backup of its old content
    created: list[str] = []  # folders made for new files, removed again on failure
    ready: set[str] = set()  # folders known to exist
    token = f".emr-iam-{os.getpid()}"
    try:
        for relative, text in to_write.items():
            target = os.path.join(root, relative)
            folder = os.path.dirname(target)
            if folder not in ready:
                missing = folder
                while not os.path.exists(missing):
                    created.append(missing)
                    missing = os.path.dirname(missing)
                os.makedirs(folder, exist_ok=True)
                ready.add(folder)
            temporary = f"{target}{token}.new"
            staged.append((temporary, target))  # before writing: a half-written file is cleaned up too
            _write_file(temporary, text)
        for temporary, target in staged:
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
        for temporary, _ in staged:
            _unlink(temporary)
        for folder in sorted(set(created), key=len, reverse=True):
            if os.path.isdir(folder) and not os.listdir(folder):
                os.rmdir(folder)
        if isinstance(error, OSError):
            raise OutputError(f"{out_dir}: cannot write the modules: {error.strerror or error}; nothing was changed") from None
        raise
    for _, backup in swapped:
        if backup is not None:
            _unlink(backup)
    for relative in removed:
        _remove_empty_parents(out_dir, (out_dir / relative).parent)


def _unlink(path: str) -> None:
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)


def _remove_empty_parents(root: Path, folder: Path) -> None:
    while folder != root and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent


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
    spec_path: str | Path, out_dir: str | Path, *, dry_run: bool = False, user_templates: str | None = None, jobs: int = 1
) -> Changes:
    """Render the spec into `out_dir`; with `dry_run`, only report what would change; `jobs`: see render_tree."""
    spec_path, out_dir = Path(spec_path), Path(out_dir)
    source = read_spec(spec_path)
    if out_dir.exists() and not out_dir.is_dir():
        raise OutputError(f"{out_dir}: is not a directory")
    files = render_tree(source, spec_label(spec_path, out_dir), user_templates, jobs)
    changes, to_write = plan_changes(files, out_dir)
    if not dry_run and (to_write or changes.removed):
        apply_changes(out_dir, to_write, changes.removed)
    return changes


@_without_cyclic_gc
def diff(spec_path: str | Path, out_dir: str | Path, user_templates: str | None = None, jobs: int = 1) -> str:
    """A unified diff from the folder as it is to what `render` would write."""
    import difflib

    spec_path, out_dir = Path(spec_path), Path(out_dir)
    files = render_tree(read_spec(spec_path), spec_label(spec_path, out_dir), user_templates, jobs)
    changes, to_write = plan_changes(files, out_dir)
    chunks: list[str] = []
    for relative in changes.stale:
        target = out_dir / relative
        old = target.read_text(encoding="utf-8", errors="replace").splitlines(keepends=True) if target.is_file() else []
        new = to_write.get(relative, "").splitlines(keepends=True)
        chunks.extend(difflib.unified_diff(old, new, f"a/{relative}", f"b/{relative}"))
    return "".join(chunks)
