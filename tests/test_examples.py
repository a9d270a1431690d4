"""Every example under examples/ is planned with the real engine, as a team would run it.

Terraform examples are found by their versions.tf, so a new example is planned without touching
this file. adopt-existing needs roles that already exist and is planned against a fake AWS in
test_adopt.py; the CDKTF app is synthesised and planned in test_cdktf.py.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from tests import workspace
from tests.engine import EXAMPLES, ROOT, Engine, engine_by_name, engine_names, opentofu
from tests.plan.harness import Case, Workbench, discover

CASES = discover()

pytestmark = pytest.mark.engine

# Examples that need more than an offline plan, and the test that plans them.
PLANNED_ELSEWHERE = {
    "adopt-existing": "tests/test_adopt.py",
    "cdktf": "tests/test_cdktf.py",
}
TERRAFORM_EXAMPLES = sorted(
    path.parent.relative_to(EXAMPLES).as_posix()
    for path in EXAMPLES.rglob("versions.tf")
    if not any(part in ("cdktf.out", ".terraform") for part in path.parts)
)
OFFLINE_EXAMPLES = [name for name in TERRAFORM_EXAMPLES if name.split("/")[0] not in PLANNED_ELSEWHERE]
STANDARD_FILES = ("main.tf", "variables.tf", "outputs.tf", "versions.tf", "README.md")
TEAMS = ("analytics", "data-science")


def example_case(example: str, name: str = "defaults") -> Case:
    """A plan case of an example (tests/plan/examples/<example>/<name>.tfvars): its plan is made once per
    session and engine, in the root of the example's cases (tests/plan/harness.py)."""
    return next(case for case in CASES if case.target == f"examples/{example}" and case.name == name)


def plan_example(workbench: Workbench, engine: Engine, example: str, name: str = "defaults") -> dict[str, Any]:
    """`show -json` of an example's plan as if it were the root, from its case `name`."""
    return workbench.case_plan(engine, example_case(example, name))


def sets_no_input(case: Case) -> bool:
    return not re.search(r"^\s*[A-Za-z_][A-Za-z0-9_-]*\s*=", case.tfvars.read_text(encoding="utf-8"), re.MULTILINE)


def test_every_example_is_planned() -> None:
    folders = sorted(path.name for path in EXAMPLES.iterdir() if path.is_dir())
    covered = {name.split("/")[0] for name in OFFLINE_EXAMPLES} | set(PLANNED_ELSEWHERE)
    assert folders and set(folders) <= covered, f"examples nobody plans: {sorted(set(folders) - covered)}"
    for name, test in PLANNED_ELSEWHERE.items():
        assert (EXAMPLES / name).is_dir() and (ROOT / test).is_file(), f"{name} is said to be planned by {test}"
    assert "default-roles" in OFFLINE_EXAMPLES
    assert {f"team-workspaces/{team}" for team in TEAMS} <= set(OFFLINE_EXAMPLES)


@pytest.mark.parametrize("example", TERRAFORM_EXAMPLES)
def test_example_has_the_standard_files(example: str) -> None:
    folder = EXAMPLES / example
    missing = [name for name in STANDARD_FILES if not (folder / name).is_file()]
    assert not missing, f"examples/{example} lacks {missing}"
    assert "provider \"aws\"" in (folder / "main.tf").read_text(encoding="utf-8")


def test_examples_are_formatted() -> None:
    result = opentofu().run("fmt", "-check", "-recursive", "-diff", "-no-color", str(EXAMPLES), cwd=ROOT, check=False)
    assert result.returncode == 0, f"run `tofu fmt -recursive examples`:\n{result.stdout}{result.stderr}"


@pytest.mark.parametrize("engine_name", engine_names())
@pytest.mark.parametrize("example", OFFLINE_EXAMPLES)
def test_example_plans_only_creates(engine_name: str, example: str, workbench: Workbench) -> None:
    # The example as a team runs it: its `defaults` case sets no input.
    assert sets_no_input(example_case(example)), f"tests/plan/examples/{example}/defaults.tfvars sets inputs; the example as written has none"
    plan_json = plan_example(workbench, engine_by_name(engine_name), example)
    planned = workspace.actions(plan_json)
    assert planned, f"examples/{example} plans nothing"
    assert {tuple(a) for a in planned.values()} == {("create",)}, planned
    roles = [c for c in workspace.managed_changes(plan_json) if c["type"] == "aws_iam_role"]
    assert roles, f"examples/{example} creates no role"
    for role in roles:
        if "assume_role_policy" not in role["change"]["after"]:
            # EMRFS roles trust the EC2 role by its ARN, known only after apply.
            assert role["change"]["after_unknown"]["assume_role_policy"] is True, role["address"]
            continue
        trust = json.loads(role["change"]["after"]["assume_role_policy"])
        assert trust["Statement"], f"{role['address']} has an empty trust policy"


def test_default_roles_match_create_default_roles(workbench: Workbench) -> None:
    plan_json = plan_example(workbench, opentofu(), "default-roles")
    roles = {c["change"]["after"]["name"]: c for c in workspace.managed_changes(plan_json) if c["type"] == "aws_iam_role"}
    assert set(roles) == {"EMR_DefaultRole", "EMR_EC2_DefaultRole", "EMR_AutoScaling_DefaultRole"}
    principals = {
        name: json.loads(change["change"]["after"]["assume_role_policy"])["Statement"][0]["Principal"]["Service"]
        for name, change in roles.items()
    }
    assert principals["EMR_DefaultRole"] == "elasticmapreduce.amazonaws.com"
    assert principals["EMR_EC2_DefaultRole"] == "ec2.amazonaws.com"
    assert sorted(principals["EMR_AutoScaling_DefaultRole"]) == ["application-autoscaling.amazonaws.com", "elasticmapreduce.amazonaws.com"]
    attached = sorted(
        c["change"]["after"]["policy_arn"] for c in workspace.managed_changes(plan_json) if c["type"] == "aws_iam_role_policy_attachment"
    )
    assert attached == [
        "arn:aws:iam::aws:policy/service-role/AmazonElasticMapReduceRole",
        "arn:aws:iam::aws:policy/service-role/AmazonElasticMapReduceforAutoScalingRole",
        "arn:aws:iam::aws:policy/service-role/AmazonElasticMapReduceforEC2Role",
    ]
    profile = next(c for c in workspace.managed_changes(plan_json) if c["type"] == "aws_iam_instance_profile")
    assert profile["change"]["after"]["name"] == profile["change"]["after"]["role"] == "EMR_EC2_DefaultRole"
    # The module called with create = false plans nothing.
    assert not [address for address in workspace.actions(plan_json) if address.startswith("module.disabled.")]


def test_default_roles_follow_the_partition(workbench: Workbench) -> None:
    case = example_case("default-roles", "partition-aws-cn")
    assert case.region == "cn-north-1"
    plan_json = plan_example(workbench, opentofu(), "default-roles", case.name)
    text = json.dumps(workspace.managed_changes(plan_json))
    assert "arn:aws-cn:iam::aws:policy/service-role/AmazonElasticMapReduceRole" in text
    assert "elasticmapreduce.amazonaws.com.cn" in text
    assert "arn:aws:" not in text


@pytest.fixture(scope="module")
def team_plans(workbench: Workbench) -> dict[str, dict[str, Any]]:
    for team in TEAMS:
        assert sets_no_input(example_case(f"team-workspaces/{team}")), f"the {team} workspace's defaults case sets inputs"
    return {team: plan_example(workbench, opentofu(), f"team-workspaces/{team}") for team in TEAMS}


def _by_type(plan_json: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [c["change"]["after"] for c in workspace.managed_changes(plan_json) if c["type"] == kind]


def test_exactly_one_team_workspace_creates_the_service_linked_role(team_plans: dict[str, dict[str, Any]]) -> None:
    creators = [team for team, plan_json in team_plans.items() if _by_type(plan_json, "aws_iam_service_linked_role")]
    assert creators == ["analytics"]
    (linked,) = _by_type(team_plans["analytics"], "aws_iam_service_linked_role")
    assert linked["aws_service_name"] == "elasticmapreduce.amazonaws.com"


def test_team_workspaces_differ_as_the_spec_says(team_plans: dict[str, dict[str, Any]]) -> None:
    analytics, science = team_plans["analytics"], team_plans["data-science"]
    analytics_roles = {role["name"]: role for role in _by_type(analytics, "aws_iam_role")}
    science_roles = {role["name"]: role for role in _by_type(science, "aws_iam_role")}
    # Name prefixes, and no name shared between the two workspaces (they share an account).
    assert all(name.startswith("analytics-") for name in analytics_roles), sorted(analytics_roles)
    assert all(name.startswith("ds-") for name in science_roles), sorted(science_roles)
    assert "analytics-EMR_EC2_DefaultRole" in analytics_roles and "ds-EMR_EC2_DefaultRole" in science_roles
    # Permissions boundary: data-science only.
    assert {role["permissions_boundary"] for role in science_roles.values()} == {"arn:aws:iam::111122223333:policy/ds-emr-boundary"}
    assert {role["permissions_boundary"] for role in analytics_roles.values()} == {None}
    # Path and tags from the spec's defaults and each team.
    assert {role["path"] for role in [*analytics_roles.values(), *science_roles.values()]} == {"/emr/"}
    assert analytics_roles["analytics-EMR_DefaultRole"]["tags"] == {"ManagedBy": "emr-iam", "Team": "analytics", "emr-iam:team": "analytics"}
    assert science_roles["ds-EMR_DefaultRole"]["tags"] == {"ManagedBy": "emr-iam", "Team": "data-science", "emr-iam:team": "data-science"}
    # EMRFS roles, and the mappings in order (the security configuration's JSON is only known after
    # apply, so the mappings are read where the team module passes them on).
    assert {role["name"] for role in _by_type(analytics, "aws_iam_role") if "emrfs" in role["name"]} == {
        "analytics-emrfs-raw",
        "analytics-emrfs-curated",
    }
    assert {role["name"] for role in _by_type(science, "aws_iam_role") if "emrfs" in role["name"]} == {"ds-emrfs-notebooks"}
    mappings = {
        team: plan_json["configuration"]["root_module"]["module_calls"]["emr_iam"]["module"]["module_calls"]["emr_iam"]["expressions"][
            "emrfs_role_mappings"
        ]["constant_value"]
        for team, plan_json in team_plans.items()
    }
    assert [(m["role"], m["identifier_type"], m["identifiers"]) for m in mappings["analytics"]] == [
        ("analytics-emrfs-raw", "Group", ["data-engineers"]),
        ("analytics-emrfs-curated", "User", ["alice", "bob"]),
        ("analytics-emrfs-curated", "Prefix", ["s3://analytics-lake/curated/"]),
    ]
    assert [(m["role"], m["identifier_type"], m["identifiers"]) for m in mappings["data-science"]] == [
        ("ds-emrfs-notebooks", "Group", ["data-scientists"])
    ]
    # Extra policies: analytics gets a scoped EC2 policy, data-science the managed one plus S3 read-only on EMRFS.
    assert [p["name"] for p in _by_type(analytics, "aws_iam_policy") if p["name"] == "analytics-EMR_EC2_DefaultRole"]
    science_attached = {a.get("policy_arn") for a in _by_type(science, "aws_iam_role_policy_attachment")}
    assert "arn:aws:iam::aws:policy/service-role/AmazonElasticMapReduceforEC2Role" in science_attached
    assert "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess" in science_attached
    assert "arn:aws:iam::aws:policy/service-role/AmazonElasticMapReduceRole" in science_attached  # managed_policy: v1
    analytics_attached = {a.get("policy_arn") for a in _by_type(analytics, "aws_iam_role_policy_attachment")}
    assert "arn:aws:iam::aws:policy/service-role/AmazonEMRServicePolicy_v2" in analytics_attached


def test_team_workspace_outputs_name_the_cluster_settings(team_plans: dict[str, dict[str, Any]]) -> None:
    outputs = team_plans["data-science"]["planned_values"]["outputs"]
    assert outputs["service_role_name"]["value"] == "ds-EMR_DefaultRole"
    assert outputs["instance_profile_name"]["value"] == "ds-EMR_EC2_DefaultRole"
    assert outputs["autoscaling_role_name"]["value"] == "ds-EMR_AutoScaling_DefaultRole"


def test_team_workspace_module_block_is_short() -> None:
    for team in TEAMS:
        text = (EXAMPLES / "team-workspaces" / team / "main.tf").read_text(encoding="utf-8")
        block = text[text.index('module "emr_iam"') :]
        assert f'source = "../../../modules/teams/{team}"' in block
        assert block.count("\n") <= 6, f"the {team} workspace should only point at its generated module:\n{block}"

