"""Rendered team modules match the golden files under tests/golden/ byte for byte."""

from __future__ import annotations

import difflib
import re
from pathlib import Path

import pytest

from generator.catalog import PIECES
from generator.hcl import Expr
from generator.model import resolve, used_pieces
from generator.spec import read_spec
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


@pytest.mark.parametrize("spec", SPEC_FILES, ids=[p.stem for p in SPEC_FILES])
def test_a_piece_a_team_does_not_use_is_not_in_its_module(spec: Path) -> None:
    """A team module names only the pieces the team uses: a new piece, off by default, changes no team without it.

    A piece that is off leaves no argument in the team's `main.tf` (its toggle stays, as false, only where the
    composite turns it on by default), and the team's `variables.tf` declares only what `main.tf` reads.
    """
    source = read_spec(spec)
    for module in resolve(source):
        used = {piece.block for piece in used_pieces(module.arguments, module.definition.variables)}
        for piece in PIECES:
            if piece.block in used or any(isinstance(module.arguments.get(name), Expr) for name in (piece.toggle.name, *piece.requires)):
                continue
            named = set(piece.own_composite_names) & set(module.arguments)
            expected = {piece.toggle.name} if piece.toggle.default and module.arguments.get(piece.toggle.name) is False else set()
            assert named == expected, f"{spec.stem}: team {module.team} does not use {piece.block} but names {sorted(named)}"
        read = {name for value in module.arguments.values() if isinstance(value, Expr) for name in re.findall(r"\bvar\.(\w+)", value.code)}
        declared = {variable.name for variable in module.definition.variables}
        assert declared <= read, f"{spec.stem}: team {module.team} declares {sorted(declared - read)}, which nothing reads"
