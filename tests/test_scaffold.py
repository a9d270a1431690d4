"""`emr-iam scaffold`: a workspace per team that plans in its own account and is refused in any other.

An organisation of four accounts (one in aws-us-gov, one holding two teams) and six teams is rendered
and scaffolded; each workspace is planned against a local fake AWS that answers as the team's account
(moto_server with that account ID), so the provider's `allowed_account_ids` check runs for real. The
same workspace planned against another account is refused by the provider before anything changes.
"""

from __future__ import annotations

import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from generator.cli import main
from tests import workspace
from tests.engine import ROOT, opentofu
from tests.moto_server import MotoServer

ORGANISATION = """\
version: 1
defaults:
  path: /emr/
accounts:
  shared:
    id: "210987654321"
    permissions_boundary: "arn:{partition}:iam::{account}:policy/emr-boundary"
  risk: {id: "310987654321"}
  gov: {id: "410987654321", region: us-gov-west-1}
  research: {id: "510987654321", region: eu-west-1}
teams:
  - {name: payments, account: shared, name_prefix: "{team}-", runtime_roles: [{name: etl}]}
  - {name: ledger, account: shared, name_prefix: "{team}-", service_linked_role: {create: true}}
  - {name: risk, account: risk}
  - name: gov-analytics
    account: gov
    service_role: {create: false}
    ec2_role: {create: false}
    autoscaling_role: {create: false}
    passrole_policy: {create: false}
    serverless: {runtime_roles: [{name: spark}]}
  - {name: research, account: research}
  - {name: legacy, source_account_id: "610987654321", name_prefix: "legacy-"}
"""
REGIONS = {"210987654321": "us-east-1", "310987654321": "us-east-1", "410987654321": "us-gov-west-1",
           "510987654321": "eu-west-1", "610987654321": "us-east-1"}
README = ROOT / "README.md"
TEAMS = {"payments": "210987654321", "ledger": "210987654321", "risk": "310987654321", "gov-analytics": "410987654321",
         "research": "510987654321", "legacy": "610987654321"}


@pytest.fixture(scope="module")
def organisation(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("organisation")
    (root / "platform.yaml").write_text(ORGANISATION, encoding="utf-8")
    assert main(["render", "--spec", str(root / "platform.yaml"), "--out", str(root / "modules"), "-q"]) == 0
    assert main(["scaffold", "--spec", str(root / "platform.yaml"), "--out", str(root / "workspaces"),
                 "--modules", str(root / "modules")]) == 0
    return root


def test_each_workspace_is_pinned_to_its_account(organisation: Path) -> None:
    for team, account in TEAMS.items():
        main_tf = (organisation / "workspaces" / team / "main.tf").read_text(encoding="utf-8")
        assert f'allowed_account_ids = ["{account}"]' in main_tf
        assert f'source = "../../modules/teams/{team}"' in main_tf
    variables = (organisation / "workspaces" / "gov-analytics" / "variables.tf").read_text(encoding="utf-8")
    assert 'default     = "us-gov-west-1"' in variables
    # The outputs are those of what the team creates: no cluster roles for an EMR Serverless team.
    outputs = (organisation / "workspaces" / "gov-analytics" / "outputs.tf").read_text(encoding="utf-8")
    assert "serverless_role_arns" in outputs and "service_role_name" not in outputs and "security_configuration" not in outputs


@pytest.mark.engine
def test_every_workspace_plans_in_its_own_account(organisation: Path) -> None:
    engine = opentofu()
    formatted = engine.run("fmt", "-check", "-recursive", str(organisation / "workspaces"), cwd=organisation, check=False)
    assert formatted.returncode == 0, formatted.stdout
    for account in sorted(set(TEAMS.values())):
        with MotoServer(account_id=account) as moto:
            for team in (team for team, owner in TEAMS.items() if owner == account):
                folder = organisation / "workspaces" / team
                workspace.write_offline_provider(folder, region=REGIONS[account], endpoint=moto.endpoint)
                workspace.init(engine, folder)
                planned = workspace.actions(workspace.plan(engine, folder))
                assert planned and {tuple(actions) for actions in planned.values()} == {("create",)}, team
                (folder / workspace.OVERRIDE).unlink()


@pytest.mark.engine
def test_another_account_is_refused_by_the_provider(organisation: Path, moto: MotoServer) -> None:
    """The fake AWS answers as account 123456789012; the payments workspace allows only 210987654321."""
    engine = opentofu()
    folder = organisation / "workspaces" / "risk"
    workspace.write_offline_provider(folder, endpoint=moto.endpoint)
    try:
        workspace.init(engine, folder)
        refused = engine.run("plan", "-input=false", "-no-color", cwd=folder, check=False)
    finally:
        (folder / workspace.OVERRIDE).unlink()
    assert refused.returncode == 1
    message = " ".join(refused.stderr.replace("│", " ").split())
    assert "not allowed" in message and moto.account_id in message, refused.stderr


def test_scaffolding_again_changes_nothing_and_keeps_edits(tmp_path: Path) -> None:
    """The README's command, typed in a fresh folder, twice; an edited file survives and is reported as kept."""
    (tmp_path / "specs").mkdir()
    (tmp_path / "specs" / "platform.yaml").write_text(ORGANISATION, encoding="utf-8")
    typed = next(line for line in README.read_text(encoding="utf-8").splitlines() if line.startswith("python -m generator scaffold"))
    command = [sys.executable, *shlex.split(typed)[1:]]
    first = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=120, check=False)
    assert first.returncode == 0, first.stderr
    assert first.stdout.count(": created\n") == 4 * len(TEAMS)
    texts = {path: path.read_text(encoding="utf-8") for path in (tmp_path / "workspaces").rglob("*.tf")}
    edited = tmp_path / "workspaces" / "risk" / "main.tf"
    edited.write_text(texts[edited] + '\nresource "aws_s3_bucket" "logs" {}\n', encoding="utf-8")
    second = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=120, check=False)
    assert second.returncode == 0, second.stderr
    lines = second.stdout.splitlines()
    assert "workspaces/risk/main.tf: kept (it differs from what scaffold writes: yours)" in lines
    assert sum(line.endswith(": unchanged") for line in lines) == 4 * len(TEAMS) - 1
    assert edited.read_text(encoding="utf-8").endswith('resource "aws_s3_bucket" "logs" {}\n')
    assert {path: path.read_text(encoding="utf-8") for path in texts if path != edited} == {p: t for p, t in texts.items() if p != edited}


def test_a_team_that_is_not_in_the_spec_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "platform.yaml").write_text(ORGANISATION, encoding="utf-8")
    assert main(["scaffold", "--spec", str(tmp_path / "platform.yaml"), "--out", str(tmp_path / "w"), "--team", "riks"]) == 2
    assert capsys.readouterr().err == (
        f"emr-iam: error: {tmp_path / 'platform.yaml'}: has no team 'riks' (teams: payments, ledger, risk, gov-analytics,"
        " research, legacy)\n"
    )
    assert not (tmp_path / "w").exists()
