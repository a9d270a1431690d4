"""Golden files: tests/golden/<spec>/ holds what each spec in tests/specs/ renders for its teams.

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
REGENERATE = "make golden"


def rendered_teams(spec: Path, workspace: Path) -> dict[str, str]:
    """The team modules a spec renders, by path under teams/ (the shared modules are checked by `check`)."""
    # Rendered from a copy at specs/<name>.yaml so headers name the spec the same way on every machine.
    (workspace / "specs").mkdir(parents=True, exist_ok=True)
    copy = workspace / "specs" / spec.name
    shutil.copyfile(spec, copy)
    out = workspace / "modules"
    render(copy, out)
    return {str(p.relative_to(out / "teams")): p.read_text() for p in sorted((out / "teams").rglob("*")) if p.is_file()}


def main() -> int:
    for spec in sorted(SPECS.glob("*.yaml")):
        target = GOLDEN / spec.stem
        with tempfile.TemporaryDirectory() as workspace:
            files = rendered_teams(spec, Path(workspace))
        shutil.rmtree(target, ignore_errors=True)
        for relative, text in files.items():
            (target / relative).parent.mkdir(parents=True, exist_ok=True)
            (target / relative).write_text(text)
        print(f"{target.relative_to(HERE.parent)}: {len(files)} files")
    return 0


if __name__ == "__main__":
    sys.exit(main())
