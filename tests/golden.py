"""Golden files: what each spec in tests/specs/ renders for its teams, recording only what the spec decides.

tests/golden/<spec>/<team>/ holds the team module's `main.tf`, `variables.tf` and `README.md`: a team
module names only the pieces the team uses, so these are the spec's decisions. The rest of a team module
is its interface, the same for every team of every spec but for the spec named in the headers: it is held
once, in tests/golden/_team-interface/ (`outputs.tf` and `versions.tf`, with `<spec>` in its place). So a
module that is off by default changes no golden file of a spec that does not use it, and the interface once.

`make golden` (python -m tests.golden) rewrites them; review the diff before committing.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

from generator.rendering import render

HERE = Path(__file__).resolve().parent
SPECS = HERE / "specs"
GOLDEN = HERE / "golden"
INTERFACE = GOLDEN / "_team-interface"
REGENERATE = "make golden"
# Files of a team module that are its interface, held once for every team.
INTERFACE_FILES = ("outputs.tf", "versions.tf")
SPEC_PLACEHOLDER = "specs/<spec>.yaml"


def rendered_teams(spec: Path, workspace: Path) -> dict[str, str]:
    """The team modules a spec renders, by path under teams/ (the shared modules are checked by `check`)."""
    # Rendered from a copy at specs/<name>.yaml so headers name the spec the same way on every machine.
    (workspace / "specs").mkdir(parents=True, exist_ok=True)
    copy = workspace / "specs" / spec.name
    shutil.copyfile(spec, copy)
    out = workspace / "modules"
    render(copy, out)
    return {str(p.relative_to(out / "teams")): p.read_text() for p in sorted((out / "teams").rglob("*")) if p.is_file()}


def split(spec: str, files: dict[str, str]) -> tuple[dict[str, str], dict[str, str]]:
    """A spec's rendered team files as (the files of tests/golden/<spec>/, by path; the interface, by `<team>/<file>`).

    The interface entries are compared with the one file in tests/golden/_team-interface/; every byte of the
    rendering is in one or the other."""
    own: dict[str, str] = {}
    interface: dict[str, str] = {}
    for path, text in files.items():
        if path.split("/", 1)[1] in INTERFACE_FILES:
            interface[path] = text.replace(f"specs/{spec}.yaml", SPEC_PLACEHOLDER)
        else:
            own[path] = text
    return own, interface


def main() -> int:
    interface: dict[str, str] = {}
    for spec in sorted(SPECS.glob("*.yaml")):
        target = GOLDEN / spec.stem
        with tempfile.TemporaryDirectory() as workspace:
            own, teams_interface = split(spec.stem, rendered_teams(spec, Path(workspace)))
        for path, text in teams_interface.items():
            name = path.split("/", 1)[1]
            if interface.setdefault(name, text) != text:
                print(f"{spec.stem}/{path} differs from the other teams' beyond the spec's name: "
                      f"the golden format holds one {name} for every team", file=sys.stderr)
                return 1
        shutil.rmtree(target, ignore_errors=True)
        for relative, text in own.items():
            (target / relative).parent.mkdir(parents=True, exist_ok=True)
            (target / relative).write_text(text)
        print(f"{target.relative_to(HERE.parent)}: {len(own)} files")
    shutil.rmtree(INTERFACE, ignore_errors=True)
    INTERFACE.mkdir(parents=True)
    for name, text in sorted(interface.items()):
        (INTERFACE / name).write_text(text)
    print(f"{INTERFACE.relative_to(HERE.parent)}: {len(interface)} files")
    return 0


if __name__ == "__main__":
    sys.exit(main())
