"""Rendered team modules match the golden files under tests/golden/ byte for byte."""

from __future__ import annotations

import difflib
from pathlib import Path

import pytest

from tests.golden import GOLDEN, REGENERATE, SPECS, rendered_teams

SPEC_FILES = sorted(SPECS.glob("*.yaml"))


@pytest.mark.parametrize("spec", SPEC_FILES, ids=[p.stem for p in SPEC_FILES])
def test_golden(spec: Path, tmp_path: Path) -> None:
    files = rendered_teams(spec, tmp_path)
    golden_dir = GOLDEN / spec.stem
    expected = {str(p.relative_to(golden_dir)): p.read_text() for p in sorted(golden_dir.rglob("*")) if p.is_file()}
    assert sorted(files) == sorted(expected), f"files differ from {golden_dir}; run `{REGENERATE}` and review"
    for name, text in files.items():
        if text != expected[name]:
            diff = "".join(difflib.unified_diff(expected[name].splitlines(True), text.splitlines(True), f"golden/{name}", f"rendered/{name}"))
            pytest.fail(f"{spec.stem}/{name} differs from the golden file; run `{REGENERATE}` and review:\n{diff}")


def test_golden_covers_every_spec() -> None:
    assert sorted(p.name for p in GOLDEN.iterdir()) == [p.stem for p in SPEC_FILES]
