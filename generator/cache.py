"""Skip a render when nothing it depends on has changed since the last one.

A render's output depends only on its inputs: the spec's bytes, the templates, the generator's
own code, the installed libraries that shape the text, and where the spec and the output
folder are. After a render (or a `check` that finds nothing stale) the CLI records a fingerprint
of those inputs together with the size, modification time, change time and inode of every file
the render generated and of every folder holding them. A later run with the same fingerprint, whose
files and folders all still carry the recorded stat, would write nothing, so it stops there. Anything else (an edited spec or
template, another generator version, a generated file edited, touched, replaced or deleted)
means a render, which compares contents as always.

The record also keeps, per team, a digest of what its module depends on (`team_inputs`), its files
and the names it claims. When only the spec changed, a team whose digest and files match the record
is kept (`LastRender`): it is neither resolved nor rendered, and its files are neither read nor
written; its claimed names still take part in the check that names are unique. Editing one team of
a large spec re-renders that team only (bench/README.md). A change to anything else in the
fingerprint, or to the spec's settings other than its teams, renders every team.

A file changed in the same clock tick as the record was written could keep its recorded times;
as in git's "racily clean" rule, a file whose modification or change time is not older than the
record makes the record untrusted.

Records live outside the output folder, which is committed: in $EMR_IAM_CACHE_DIR, else
$XDG_CACHE_HOME/emr-iam, else ~/.cache/emr-iam, one JSON file per output folder. A record that
cannot be read or written is never an error: the render runs in full.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from generator import template_folders

if TYPE_CHECKING:
    from generator.spec import SpecFile
    from generator.templating import TeamFiles

FORMAT = 3
# Libraries (their import names) whose versions can change the rendered text.
LIBRARIES = ("jinja2", "markupsafe", "pydantic", "pydantic_core", "yaml")
PACKAGE = Path(__file__).resolve().parent


def cache_dir() -> Path:
    if os.environ.get("EMR_IAM_CACHE_DIR"):
        return Path(os.environ["EMR_IAM_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "emr-iam"


def compiled_templates_dir() -> str:
    """Where the CLI keeps Jinja's compiled templates (generator/templating.py); keyed by template source."""
    return str(cache_dir() / "templates")


@dataclass(frozen=True)
class Fingerprint:
    """The inputs of one render of `spec` into `out`, as a digest, and where its record lives.

    `base` is the digest of every input but the spec's bytes: a team whose settings are unchanged
    under the same base renders the same files (`LastRender`).
    """

    out: Path
    digest: str
    base: str = ""

    @property
    def record(self) -> Path:
        return cache_dir() / (hashlib.sha256(str(self.out).encode()).hexdigest()[:32] + ".json")


def _files_under(folder: Path, suffixes: tuple[str, ...] | None = None) -> Iterable[Path]:
    for root, dirs, names in os.walk(folder):
        dirs[:] = sorted(name for name in dirs if name != "__pycache__")
        for name in sorted(names):
            if suffixes is None or name.endswith(suffixes):
                yield Path(root, name)


def _libraries() -> list[str]:
    """Where each library is installed and the stat of its `__init__.py`: installing another version
    rewrites that file. Found without importing the library or reading its package metadata
    (importlib.metadata pulls in the email package: 25 ms of every run, a fifth of a no-op render)."""
    import importlib.util

    found = []
    for name in LIBRARIES:
        spec = importlib.util.find_spec(name)
        if spec is None or spec.origin is None:
            found.append(f"{name} missing")
            continue
        stat = os.stat(spec.origin)
        found.append(f"{name}:{spec.origin}:{stat.st_size}:{stat.st_mtime_ns}:{stat.st_ino}")
    return found


def fingerprint(spec: str | Path, out: str | Path, user_templates: str | None = None) -> Fingerprint | None:
    """The fingerprint of a render's inputs, or None when an input cannot be read (the render reports it)."""
    out_path = Path(os.path.realpath(out))
    digest = hashlib.sha256()

    def add(label: str, data: bytes) -> None:
        digest.update(f"{label}\0{len(data)}\0".encode())
        digest.update(data)

    try:
        spec_path = Path(os.path.realpath(spec))
        add("format", str(FORMAT).encode())
        add("python", sys.version.encode())
        add("paths", f"{spec_path}\0{out_path}\0{user_templates or ''}".encode())
        add("libraries", "\0".join(_libraries()).encode())
        for path in _files_under(PACKAGE, (".py",)):
            add(f"code:{path.relative_to(PACKAGE)}", path.read_bytes())
        for rank, folder in enumerate(template_folders(user_templates)):  # the first folder found wins
            for path in _files_under(folder):
                add(f"template:{rank}:{path.relative_to(folder)}", path.read_bytes())
        base = digest.hexdigest()
        add("spec", spec_path.read_bytes())
    except (OSError, ValueError):
        return None
    return Fingerprint(out_path, digest.hexdigest(), base)


def _stat(path: str) -> list[int]:
    status = os.stat(path)
    return [status.st_size, status.st_mtime_ns, status.st_ctime_ns, status.st_ino]


def _read(key: Fingerprint) -> tuple[dict[str, Any], int] | None:
    """The output folder's record and when it was written; None when there is none of this format."""
    try:
        recorded_at = os.stat(key.record).st_mtime_ns
        record = json.loads(key.record.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return (record, recorded_at) if isinstance(record, dict) and record.get("format") == FORMAT else None


def save(key: Fingerprint, generated: Iterable[str], teams: Mapping[str, dict[str, Any]] | None = None) -> None:
    """Record the generated files' stat under the fingerprint, and each team's entry (`LastRender`);
    silently does nothing when it cannot."""
    record = key.record
    temporary = record.with_name(f"{record.name}.{os.getpid()}.tmp")
    try:
        root = str(key.out)
        from generator.output_tree import owned_folders

        generated = sorted(generated)
        files = {relative: _stat(os.path.join(root, relative)) for relative in generated}
        # A file added to a generated folder changes the folder's times: the record no longer holds.
        files.update({folder + "/": _stat(os.path.join(root, folder)) for folder in sorted(owned_folders(generated))})
        record.parent.mkdir(parents=True, exist_ok=True)
        entry = {"format": FORMAT, "inputs": key.digest, "base": key.base, "out": str(key.out), "files": files, "teams": teams or {}}
        temporary.write_text(json.dumps(entry), encoding="utf-8")
        os.replace(temporary, record)
    except OSError:
        forget(key, temporary)


def team_inputs(key: Fingerprint, source: SpecFile) -> dict[str, str]:
    """A digest per team of everything its module's files depend on: every input of the fingerprint but the spec's bytes,
    the spec's settings other than its teams (quotas, defaults, accounts and their regions), and the team's own
    settings as validated, inherited values included."""
    spec = source.spec
    shared = hashlib.sha256(f"{key.base}\0".encode() + spec.model_dump_json(exclude={"teams"}).encode()).digest()
    found = {}
    for team in spec.teams:
        digest = hashlib.sha256(shared)
        digest.update(team.model_dump_json().encode())
        found[team.name] = digest.hexdigest()
    return found


class LastRender:
    """The record of the last render into an output folder, read once: `fresh` stops a render whose inputs and
    files are unchanged; for a render that goes on, `kept` names the teams it need not render.

    A team whose inputs (`team_inputs`) are those recorded, and whose files all carry their recorded
    stat, is kept: neither resolved, rendered, read nor written. The others render in full. Only a
    whole render, or a `check` that finds nothing stale, replaces the record.
    """

    def __init__(self, key: Fingerprint):
        self.key = key
        self.read = _read(key)  # read once, for `fresh` and then `kept`
        self.inputs: dict[str, str] = {}
        self.teams: dict[str, TeamFiles] = {}

    def fresh(self) -> int | None:
        """How many generated files are up to date, when the record says so and the folder agrees; else None."""
        if self.read is None:
            return None
        record, recorded_at = self.read
        try:
            if record["inputs"] != self.key.digest:
                return None
            files: dict[str, list[int]] = record["files"]
            root = str(self.key.out)
            if not all(_as_recorded(os.path.join(root, relative), expected, recorded_at) for relative, expected in files.items()):
                return None
        except (KeyError, TypeError, AttributeError):
            return None
        return sum(not relative.endswith("/") for relative in files)  # the files; folders end in /

    def kept(self, source: SpecFile) -> dict[str, TeamFiles]:
        from generator.templating import TeamFiles

        self.inputs = team_inputs(self.key, source)
        if self.read is None:
            return {}
        record, recorded_at = self.read
        try:
            if record["base"] != self.key.base:
                return {}
            files: dict[str, list[int]] = record["files"]
            root = str(self.key.out)
            kept = {}
            for name, entry in record["teams"].items():
                if self.inputs.get(name) != entry["inputs"]:
                    continue
                if all(_as_recorded(os.path.join(root, relative), files.get(relative), recorded_at) for relative in entry["files"]):
                    claims = {field: (kind, value) for field, kind, value in entry["claims"]}
                    kept[name] = TeamFiles(tuple(entry["files"]), claims)
        except (KeyError, TypeError, AttributeError, ValueError):
            return {}
        return kept

    def rendered(self, teams: Mapping[str, TeamFiles]) -> None:
        self.teams = dict(teams)

    def save(self, generated: Iterable[str]) -> None:
        teams = {
            name: {
                "inputs": self.inputs[name],
                "files": list(team.files),
                "claims": [[field, *claim] for field, claim in team.claims.items()],
            }
            for name, team in self.teams.items() if name in self.inputs
        }
        save(self.key, generated, teams)


def _as_recorded(path: str, expected: list[int] | None, recorded_at: int) -> bool:
    """Whether the file carries its recorded stat, and is older than the record (git's "racily clean" rule)."""
    try:
        current = _stat(path)
    except OSError:
        return False
    return current == expected and current[1] < recorded_at and current[2] < recorded_at


def forget(key: Fingerprint, *others: Path) -> None:
    """Drop the record of an output folder (after a render or `check` that found stray files), and any scraps."""
    for path in (key.record, *others):
        with contextlib.suppress(OSError):
            path.unlink(missing_ok=True)

