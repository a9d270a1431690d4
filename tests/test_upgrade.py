"""A workspace applied with an earlier release plans no change after the upgrade: what moved, moves.

Up to BEFORE_COUNT the composite `emr-iam` called each piece module without `count`. Now each module
block has `count` (a team pays nothing at plan time for the pieces it does not use), so every resource of
the composite's pieces has a new address: `module.<piece>[0]...`. The composite's `moved` blocks carry the
state over. This test renders tests/specs/isolation.yaml (three teams in one account, every piece in
use) with the generator of BEFORE_COUNT, applies it to the local fake AWS, renders it again with this
generator and plans: every resource moves, none is created, replaced or destroyed (the team tag is
added in place), and a second plan after the apply is empty.
"""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import tarfile
from pathlib import Path
from typing import Any

import pytest
import tftest

from generator.rendering import render
from generator.spec import load_spec
from tests.engine import ROOT, engine_by_name, provider_block
from tests.moto_server import MotoServer
from tests.plan import harness
from tests.test_apply import changes_of, saved_plan, state_of

pytestmark = pytest.mark.engine

# The last commit whose composite had module blocks without `count`.
BEFORE_COUNT = "7cec99d75422e85e27f956f3def54f95568198dd"
SPEC = ROOT / "tests" / "specs" / "isolation.yaml"


def _old_generator(folder: Path) -> Path:
    """The generator and templates of BEFORE_COUNT, from git (a clone of the repository holds them)."""
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", "--format=tar", BEFORE_COUNT, "generator", "templates"],
        capture_output=True, check=True, timeout=60,
    ).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(folder, filter="data")
    return folder


def test_a_workspace_of_the_release_before_count_moves_without_a_change(moto: MotoServer, tmp_path: Path) -> None:
    old = _old_generator(tmp_path / "old")
    modules = tmp_path / "modules"
    env = {**os.environ, "PYTHONPATH": str(old)}
    subprocess.run(
        [sys.executable, "-m", "generator", "render", "--spec", str(SPEC), "--out", str(modules)],
        cwd=old, env=env, capture_output=True, check=True, timeout=120,
    )
    assert "  count  =" not in (modules / "emr-iam" / "main.tf").read_text(encoding="utf-8")
    teams = [team.name for team in load_spec(SPEC).teams]
    root = tmp_path / "workspace"
    root.mkdir()
    (root / "main.tf").write_text(
        "".join(f'module "{team}" {{\n  source = "../modules/teams/{team}"\n}}\n\n' for team in teams), encoding="utf-8"
    )
    (root / "provider.tf").write_text(provider_block("us-east-1", moto.endpoint), encoding="utf-8")
    engine = engine_by_name("tofu")
    test = tftest.TerraformTest(str(root), binary=str(engine.binary), env=engine.env())
    test.setup(plugin_dir=str(harness.PLUGIN_DIR), cleanup_on_exit=False)
    test.execute_command("apply", "-input=false", "-no-color", "-auto-approve")
    iam = moto.client("iam")
    role_ids = {role["RoleName"]: role["RoleId"] for role in iam.list_roles()["Roles"]}
    assert len(role_ids) > 20

    render(SPEC, modules)
    test.execute_command("init", "-input=false", "-no-color", f"-plugin-dir={harness.PLUGIN_DIR}")
    plan = saved_plan(test)
    # Nothing is created, replaced or destroyed; the only in-place change is the team tag the release after it added to
    # the team's own roles, instance profiles and policies (CHANGELOG). A policy document that names a role being tagged
    # is read again at apply, so the plan shows it as unknown: after the apply it must be what it was.
    deferred: dict[tuple[str, str], Any] = {}
    for change in plan["resource_changes"]:
        if change["mode"] == "managed" and change["change"]["actions"] != ["no-op"]:
            before, after, unknown = change["change"]["before"], change["change"]["after"], change["change"]["after_unknown"]
            changed = {key for key in set(before) | set(after) if before.get(key) != after.get(key)}
            for key in [key for key in changed if unknown.get(key) is True]:
                deferred[(change["address"], key)] = before[key]
                changed.remove(key)
            assert change["change"]["actions"] == ["update"] and changed <= {"tags", "tags_all"}, (
                change["address"], {key: (before.get(key), after.get(key)) for key in changed - {"tags", "tags_all"}}
            )
            if "tags" in changed:
                assert after["tags"] == {**(before["tags"] or {}), "emr-iam:team": after["tags"]["emr-iam:team"]}, change["address"]
    managed = [change for change in plan["resource_changes"] if change["mode"] == "managed"]
    moved = {change["previous_address"]: change["address"] for change in managed if "previous_address" in change}
    # Every resource was created under a piece module of a team's composite and moves to its instance [0].
    assert len(moved) == len(managed) > 50
    for before, after in moved.items():
        piece = re.fullmatch(r"(module\.\w+\.module\.emr_iam\.module\.\w+)(\..+)", before)
        assert piece and after == f"{piece[1]}[0]{piece[2]}", (before, after)

    test.execute_command("apply", "-input=false", "-no-color", "plan.bin")
    state = state_of(test)[0]
    assert {where: state[where[0]][where[1]] for where in deferred} == deferred
    again = saved_plan(test)
    assert changes_of(again) == {} and not [change for change in again["resource_changes"] if "previous_address" in change]
    # The same roles: none was replaced.
    assert {role["RoleName"]: role["RoleId"] for role in iam.list_roles()["Roles"]} == role_ids
