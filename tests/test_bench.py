"""The plan benchmark compares like with like (bench/run.py, section 4).

`make bench` times a plan of the generated team module against bench/handwritten/main.tf, "the same
resources written by hand". Both are planned here with the real engine and provider, as the bench
plans them, and must plan the same managed resources with the same values: if the generator changes
what a team gets, the hand-written file must follow, or the ratio compares different work. Values a
plan does not know yet (policies that name a role's ARN) are compared by `make bench`, which applies
both to a local fake AWS and compares the states (bench/compare.py).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bench import compare, specgen
from generator.rendering import render
from tests.engine import ROOT, opentofu, plan_json, provider_block

pytestmark = pytest.mark.engine

HANDWRITTEN = ROOT / "bench" / "handwritten" / "main.tf"


def test_the_hand_written_file_plans_what_the_generated_team_module_plans(tmp_path: Path) -> None:
    spec = specgen.write(1, tmp_path / "teams-1.yaml")
    generated, handwritten = tmp_path / "generated", tmp_path / "handwritten"
    render(spec, generated / "modules")
    module = f'module "emr_iam" {{\n  source = "./modules/teams/{specgen.team_name(0)}"\n}}\n'
    (generated / "main.tf").write_text(provider_block("us-east-1") + "\n" + module, encoding="utf-8")
    handwritten.mkdir()
    (handwritten / "main.tf").write_text(HANDWRITTEN.read_text(encoding="utf-8"), encoding="utf-8")
    (handwritten / "provider.tf").write_text(provider_block("us-east-1"), encoding="utf-8")
    engine = opentofu()
    ours, theirs = compare.planned(plan_json(engine, generated)), compare.planned(plan_json(engine, handwritten))
    assert sum(ours.values()) >= 25, "the generated module plans fewer resources than the benchmark team has"
    differences = compare.differences(ours, theirs)
    assert not differences, f"bench/handwritten/main.tf no longer plans what the generated module plans; update it:\n{differences}"
