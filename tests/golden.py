"""Golden files: what each spec in tests/specs/ renders for its teams, recording only what the spec decides.

tests/golden/<spec>/<team>/ holds the team module's `main.tf`, its `README.md` without the inputs table,
and `defaults.yaml`, the defaults of TEAM_DEFAULTS the spec gives the team. The rest of a team module is
its interface, the same for every team of every spec but for the spec named in the headers and those
defaults: it is held once, in tests/golden/_team-interface/ (`outputs.tf`, `variables.tf`, `versions.tf`
and the README's inputs table, with `<spec>` and `<team default>` in their places). So a module that is
off by default changes the interface once, not the golden files of every spec.

`make golden` (python -m tests.golden) rewrites them; review the diff before committing.
"""

from __future__ import annotations

import re
import shutil
import sys
import tempfile
from pathlib import Path

import yaml

from generator.rendering import render

HERE = Path(__file__).resolve().parent
SPECS = HERE / "specs"
GOLDEN = HERE / "golden"
INTERFACE = GOLDEN / "_team-interface"
REGENERATE = "make golden"
# Files of a team module that are its interface, held once for every team.
INTERFACE_FILES = ("outputs.tf", "variables.tf", "versions.tf")
INPUTS_TABLE = "README-inputs.md"
# Variables of the team interface whose default the spec decides for each team.
TEAM_DEFAULTS = ("create_service_linked_role", "source_account_id")
DEFAULTS_FILE = "defaults.yaml"
TEAM_DEFAULT = "<team default>"
SPEC_PLACEHOLDER = "specs/<spec>.yaml"
INPUTS_PLACEHOLDER = f"<!-- the inputs table: tests/golden/{INTERFACE.name}/{INPUTS_TABLE} -->\n"


def rendered_teams(spec: Path, workspace: Path) -> dict[str, str]:
    """The team modules a spec renders, by path under teams/ (the shared modules are checked by `check`)."""
    # Rendered from a copy at specs/<name>.yaml so headers name the spec the same way on every machine.
    (workspace / "specs").mkdir(parents=True, exist_ok=True)
    copy = workspace / "specs" / spec.name
    shutil.copyfile(spec, copy)
    out = workspace / "modules"
    render(copy, out)
    return {str(p.relative_to(out / "teams")): p.read_text() for p in sorted((out / "teams").rglob("*")) if p.is_file()}


def _default_pattern(name: str) -> re.Pattern[str]:
    # The default line of variable `name`: `  default     = <value>` inside its block.
    return re.compile(rf'(^variable "{name}" {{\n(?:(?!^}}).*\n)*?  default\s*= )(.*)$', re.MULTILINE)


def split(spec: str, files: dict[str, str]) -> tuple[dict[str, str], dict[str, str]]:
    """A spec's rendered team files as (the files of tests/golden/<spec>/, by path; the interface, by file name).

    The interface holds one entry per interface file and team (`<team>/<file>`), to compare with the one
    in tests/golden/_team-interface/: the team's files hold the rest, every byte of the rendering."""
    own: dict[str, str] = {}
    interface: dict[str, str] = {}
    teams = sorted({path.split("/", 1)[0] for path in files})
    for team in teams:
        defaults: dict[str, str] = {}
        for path, text in files.items():
            if not path.startswith(f"{team}/"):
                continue
            name = path.split("/", 1)[1]
            neutral = text.replace(f"specs/{spec}.yaml", SPEC_PLACEHOLDER)
            if name == "variables.tf":
                for variable in TEAM_DEFAULTS:
                    found = _default_pattern(variable).search(neutral)
                    if found:
                        defaults[variable] = found[2]
                        neutral = neutral[: found.start(2)] + TEAM_DEFAULT + neutral[found.end(2) :]
            if name in INTERFACE_FILES:
                interface[f"{team}/{name}"] = neutral
            elif name == "README.md" and "\n## Inputs\n" in text and "\n## Outputs\n" in text:
                start, end = text.index("\n## Inputs\n") + 1, text.index("\n## Outputs\n") + 1
                interface[f"{team}/{INPUTS_TABLE}"] = text[start:end]
                own[path] = text[:start] + INPUTS_PLACEHOLDER + text[end:]
            else:
                own[path] = text
        # The README's table shows the same defaults, as `value`: the interface keeps the placeholder there too.
        table = interface.get(f"{team}/{INPUTS_TABLE}")
        if table is not None:
            lines = table.splitlines(keepends=True)
            for index, line in enumerate(lines):
                for variable, value in defaults.items():
                    cell = f"| `{value}` |\n"
                    if line.startswith(f"| `{variable}` |") and line.endswith(cell):
                        lines[index] = line.removesuffix(cell) + f"| {TEAM_DEFAULT} |\n"
            interface[f"{team}/{INPUTS_TABLE}"] = "".join(lines)
        own[f"{team}/{DEFAULTS_FILE}"] = yaml.safe_dump(defaults, sort_keys=False)
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
                print(f"{spec.stem}/{path} differs from the other teams' beyond the spec's name and {TEAM_DEFAULTS}: "
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
