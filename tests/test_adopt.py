"""Adopting existing roles: the generated import blocks take over what create-default-roles made.

The roles are created in a local fake AWS (moto_server on loopback) with boto3, exactly as
`aws emr create-default-roles` creates them (awscli/customizations/emr/createdefaultroles.py):
same names, 2008-10-17 trust policies with an empty Sid, the AWS managed policies, and the
instance profile named like the EMR role for EC2.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from generator import adopt, facts
from generator.cli import main
from tests import workspace
from tests.engine import EXAMPLES, Engine, copy_tree, engine_by_name, engine_names, opentofu
from tests.moto_server import MotoServer

EXAMPLE = "adopt-existing"
MODULE = "default_roles"
# Role name -> (service principals, AWS managed policy), as create-default-roles makes them.
CLI_ROLES = {
    "EMR_EC2_DefaultRole": ("ec2.amazonaws.com", "service-role/AmazonElasticMapReduceforEC2Role"),
    "EMR_DefaultRole": ("elasticmapreduce.amazonaws.com", "service-role/AmazonElasticMapReduceRole"),
    "EMR_AutoScaling_DefaultRole": (
        ["elasticmapreduce.amazonaws.com", "application-autoscaling.amazonaws.com"],
        "service-role/AmazonElasticMapReduceforAutoScalingRole",
    ),
}
# What the first plan may change in place on an adopted role (documented in the example README).
DOCUMENTED_UPDATES = {"assume_role_policy", "force_detach_policies"}


def create_default_roles(moto: MotoServer) -> dict[str, str]:
    """What `aws emr create-default-roles` does; returns each role's unique ID."""
    iam = moto.client("iam")
    for name, (principal, policy) in CLI_ROLES.items():
        trust = {
            "Version": "2008-10-17",
            "Statement": [{"Sid": "", "Effect": "Allow", "Principal": {"Service": principal}, "Action": "sts:AssumeRole"}],
        }
        iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(trust))
        iam.attach_role_policy(RoleName=name, PolicyArn=f"arn:aws:iam::aws:policy/{policy}")
        if name == "EMR_EC2_DefaultRole":
            iam.create_instance_profile(InstanceProfileName=name)
            iam.add_role_to_instance_profile(InstanceProfileName=name, RoleName=name)
    return {name: iam.get_role(RoleName=name)["Role"]["RoleId"] for name in CLI_ROLES}


def prepare(tmp_path: Path, endpoint: str, engine: Engine, *, with_imports: bool = True) -> Path:
    folder = copy_tree(tmp_path) / "examples" / EXAMPLE
    if not with_imports:
        (folder / "imports.tf").unlink()
    workspace.write_offline_provider(folder, endpoint=endpoint)
    workspace.init(engine, folder)
    return folder


def _changed_attributes(change: dict[str, Any]) -> set[str]:
    before, after = change["change"]["before"] or {}, change["change"]["after"] or {}
    return {key for key in set(before) | set(after) if before.get(key) != after.get(key)}


def test_committed_imports_are_current(tmp_path: Path) -> None:
    generated = tmp_path / "imports.tf"
    assert main(["imports", "--default-roles", "--module", MODULE, "--out", str(generated)]) == 0
    committed = EXAMPLES / EXAMPLE / "imports.tf"
    assert committed.read_text(encoding="utf-8") == generated.read_text(encoding="utf-8"), (
        f"{committed} is stale: run python -m generator imports --default-roles --module {MODULE} --out {committed}"
    )


@pytest.mark.engine
@pytest.mark.parametrize("engine_name", engine_names())
def test_adoption_imports_without_destroying(engine_name: str, moto: MotoServer, tmp_path: Path) -> None:
    engine = engine_by_name(engine_name)
    role_ids = create_default_roles(moto)
    folder = prepare(tmp_path, moto.endpoint, engine)
    plan_json = workspace.plan(engine, folder)

    changes = workspace.managed_changes(plan_json)
    expected = {target.address: target.id for target in adopt.import_targets(adopt.DEFAULT_ROLES_ARGUMENTS, f"module.{MODULE}")}
    imported = {c["address"]: c["change"]["importing"]["id"] for c in changes if c["change"].get("importing")}
    assert imported == expected
    assert len(imported) == 7  # 3 roles, 3 managed policy attachments, 1 instance profile

    planned = {c["address"]: c["change"]["actions"] for c in changes}
    assert set(planned) == set(expected), "the adoption must not add anything besides the imported objects"
    assert all(actions in (["no-op"], ["update"]) for actions in planned.values()), planned
    updated = [c for c in changes if c["change"]["actions"] == ["update"]]
    assert {c["type"] for c in updated} == {"aws_iam_role"} and len(updated) == 3
    for change in updated:
        assert _changed_attributes(change) <= DOCUMENTED_UPDATES, change["address"]
        before = json.loads(change["change"]["before"]["assume_role_policy"])
        after = json.loads(change["change"]["after"]["assume_role_policy"])
        # Only the document version and the statement ID differ: the same principals may assume it.
        assert (before["Version"], before["Statement"][0]["Sid"]) == ("2008-10-17", "")
        assert (after["Version"], after["Statement"][0]["Sid"]) == ("2012-10-17", "AssumeRole")
        for document in (before, after):
            (statement,) = document["Statement"]
            del statement["Sid"]
            principal = statement["Principal"]["Service"]
            statement["Principal"]["Service"] = sorted(principal) if isinstance(principal, list) else [principal]
        assert before["Statement"] == after["Statement"]

    engine.run("apply", "-input=false", "-no-color", "plan.bin", cwd=folder)
    engine.plans_no_change(folder)

    # The same roles, not new ones of the same name: their unique IDs did not change.
    iam = moto.client("iam")
    assert {name: iam.get_role(RoleName=name)["Role"]["RoleId"] for name in CLI_ROLES} == role_ids
    profile = iam.get_instance_profile(InstanceProfileName="EMR_EC2_DefaultRole")["InstanceProfile"]
    assert [role["RoleName"] for role in profile["Roles"]] == ["EMR_EC2_DefaultRole"]
    role = iam.get_role(RoleName="EMR_DefaultRole")["Role"]
    assert role["AssumeRolePolicyDocument"]["Version"] == "2012-10-17"


@pytest.mark.engine
def test_without_imports_the_apply_fails_on_existing_roles(moto: MotoServer, tmp_path: Path) -> None:
    """The problem the import blocks solve: the same workspace without them cannot create the roles."""
    engine = opentofu()
    create_default_roles(moto)
    folder = prepare(tmp_path, moto.endpoint, engine, with_imports=False)
    plan_json = workspace.plan(engine, folder)
    assert {tuple(actions) for actions in workspace.actions(plan_json).values()} == {("create",)}
    result = engine.run("apply", "-input=false", "-no-color", "plan.bin", cwd=folder, check=False)
    assert result.returncode != 0
    assert "EntityAlreadyExists" in result.stderr


def test_team_imports_follow_the_spec(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["imports", "--team", "data-science", "--module", "ds", "--format", "commands"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "terraform import 'module.ds.module.emr_iam.module.service_role[0].aws_iam_role.this[0]' ds-EMR_DefaultRole"
    assert (
        "terraform import 'module.ds.module.emr_iam.module.ec2_role[0].aws_iam_instance_profile.this[0]' ds-EMR_EC2_DefaultRole"
        in lines
    )
    # data-science uses the v1 service policy and the managed EC2 policy; analytics neither of them.
    assert any(line.endswith("ds-EMR_DefaultRole/arn:aws:iam::aws:policy/service-role/AmazonElasticMapReduceRole") for line in lines)
    assert main(["imports", "--team", "analytics", "--format", "commands", "--partition", "aws-us-gov"]) == 0
    analytics = capsys.readouterr().out
    assert "arn:aws-us-gov:iam::aws:policy/service-role/AmazonEMRServicePolicy_v2" in analytics
    assert "AmazonElasticMapReduceforEC2Role" not in analytics  # the scoped policy is the team's own: nothing to import


def test_imports_can_leave_out_roles_that_do_not_exist() -> None:
    targets = adopt.import_targets(adopt.DEFAULT_ROLES_ARGUMENTS, "module.x", roles=["service_role", "ec2_role"])
    assert [t.id for t in targets] == [
        "EMR_DefaultRole",
        "EMR_DefaultRole/arn:aws:iam::aws:policy/service-role/AmazonElasticMapReduceRole",
        "EMR_EC2_DefaultRole",
        "EMR_EC2_DefaultRole",
        "EMR_EC2_DefaultRole/arn:aws:iam::aws:policy/service-role/AmazonElasticMapReduceforEC2Role",
    ]
    assert facts.DEFAULT_ROLE_NAMES["autoscaling_role"] not in "".join(t.id for t in targets)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["imports", "--default-roles", "--roles", "spot_role"], "cannot adopt spot_role"),
        (["imports", "--default-roles", "--partition", "aws-mars"], "partition 'aws-mars'"),
        (["imports", "--default-roles", "--module", "not-an identifier"], "not a valid HCL identifier"),
        (["imports", "--team", "nobody"], "has no team 'nobody'"),
    ],
)
def test_imports_reject_bad_input(argv: list[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 2
    assert message in capsys.readouterr().err


def test_a_name_prefix_cannot_be_imported(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = tmp_path / "spec.yaml"
    spec.write_text("version: 1\nteams:\n  - name: solo\n    ec2_role:\n      use_name_prefix: true\n", encoding="utf-8")
    assert main(["imports", "--spec", str(spec), "--team", "solo"]) == 2
    assert "ec2_role uses a name prefix" in capsys.readouterr().err


# --- runtime roles made by hand before ------------------------------------------------------------

RUNTIME_SPEC = Path(__file__).parent / "specs" / "runtime-roles.yaml"


def test_runtime_roles_are_imported_only_when_asked(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["imports", "--spec", str(RUNTIME_SPEC), "--team", "analytics", "--format", "commands"]) == 0
    assert "runtime_roles" not in capsys.readouterr().out
    assert main(["imports", "--spec", str(RUNTIME_SPEC), "--team", "analytics", "--roles", "runtime_roles", "--format", "commands",
                 "--partition", "aws-cn"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "terraform import 'module.emr_iam.module.emr_iam.module.runtime_roles[0].aws_iam_role.this[\"analytics-etl\"]' analytics-etl",
        "terraform import 'module.emr_iam.module.emr_iam.module.runtime_roles[0].aws_iam_role.this[\"analytics-adhoc\"]' analytics-adhoc",
        "terraform import 'module.emr_iam.module.emr_iam.module.runtime_roles[0].aws_iam_role_policy_attachment"
        ".this[\"analytics-adhoc/AmazonS3ReadOnlyAccess\"]' analytics-adhoc/arn:aws-cn:iam::aws:policy/AmazonS3ReadOnlyAccess",
    ]
    assert main(["imports", "--default-roles", "--roles", "runtime_roles"]) == 2
    assert "the module creates no runtime roles" in capsys.readouterr().err


@pytest.mark.engine
def test_a_runtime_role_made_by_hand_is_adopted(moto: MotoServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """finance-reports exists with another trust; the import takes it over and the apply corrects its trust in place."""
    from generator.rendering import render
    from generator.spec import load_spec
    from tests.effective import prerequisites
    from tests.engine import provider_block

    iam = moto.client("iam")
    trust = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"Service": "ec2.amazonaws.com"}}]}
    role_id = iam.create_role(RoleName="finance-reports", Path="/emr/", AssumeRolePolicyDocument=json.dumps(trust))["Role"]["RoleId"]
    folder = tmp_path / "workspace"
    folder.mkdir()
    render(str(RUNTIME_SPEC), str(folder / "modules"))
    finance = [team for team in load_spec(RUNTIME_SPEC).teams if team.name == "finance"]
    setup = prerequisites(finance)  # the step submitter carol
    depends = ", ".join(f"{kind}.{name}" for kind, name in re.findall(r'^resource "(\w+)" "(\w+)"', setup, re.M))
    (folder / "main.tf").write_text(
        setup + f'\nmodule "emr_iam" {{\n  source     = "./modules/teams/finance"\n  depends_on = [{depends}]\n}}\n', encoding="utf-8"
    )
    (folder / "provider.tf").write_text(provider_block("us-east-1", endpoint=moto.endpoint), encoding="utf-8")
    assert main(["imports", "--spec", str(RUNTIME_SPEC), "--team", "finance", "--roles", "runtime_roles", "--out", str(folder / "imports.tf")]) == 0
    capsys.readouterr()
    engine = opentofu()
    engine.init(folder)
    plan_json = workspace.plan(engine, folder)
    changes = workspace.managed_changes(plan_json)
    imported = {c["address"]: c["change"]["importing"]["id"] for c in changes if c["change"].get("importing")}
    assert imported == {'module.emr_iam.module.emr_iam.module.runtime_roles[0].aws_iam_role.this["finance-reports"]': "finance-reports"}
    engine.run("apply", "-input=false", "-no-color", "plan.bin", cwd=folder)
    engine.plans_no_change(folder)
    role = iam.get_role(RoleName="finance-reports")["Role"]
    assert role["RoleId"] == role_id
    principals = {s["Principal"].get("AWS") for s in role["AssumeRolePolicyDocument"]["Statement"]}
    assert principals == {iam.get_role(RoleName="finance-EMR_EC2_DefaultRole")["Role"]["Arn"]}


# --- EMR Serverless job runtime roles made by hand before ---------------------------------------

SERVERLESS_SPEC = Path(__file__).parent / "specs" / "serverless.yaml"


def test_serverless_roles_are_imported_only_when_asked(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["imports", "--spec", str(SERVERLESS_SPEC), "--team", "analytics", "--format", "commands"]) == 0
    assert "serverless_roles" not in capsys.readouterr().out
    assert main(["imports", "--spec", str(SERVERLESS_SPEC), "--team", "analytics", "--roles", "serverless_roles", "--format", "commands",
                 "--partition", "aws-us-gov"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "terraform import 'module.emr_iam.module.emr_iam.module.serverless_roles[0].aws_iam_role.this[\"analytics-spark-etl\"]'"
        " analytics-spark-etl",
        "terraform import 'module.emr_iam.module.emr_iam.module.serverless_roles[0].aws_iam_role.this[\"analytics-spark-adhoc\"]'"
        " analytics-spark-adhoc",
        "terraform import 'module.emr_iam.module.emr_iam.module.serverless_roles[0].aws_iam_role_policy_attachment"
        ".this[\"analytics-spark-adhoc/AmazonS3ReadOnlyAccess\"]' analytics-spark-adhoc/arn:aws-us-gov:iam::aws:policy/AmazonS3ReadOnlyAccess",
    ]
    assert main(["imports", "--default-roles", "--roles", "serverless_roles"]) == 2
    assert "the module creates no EMR Serverless job runtime roles" in capsys.readouterr().err


@pytest.mark.engine
def test_a_serverless_role_made_by_hand_is_adopted(moto: MotoServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """finance-spark-reports exists with a trust of its own; the import takes it over and the apply corrects its trust in place."""
    from generator.rendering import render
    from tests.engine import provider_block

    iam = moto.client("iam")
    trust = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                                     "Principal": {"Service": "emr-serverless.amazonaws.com"}}]}
    role_id = iam.create_role(RoleName="finance-spark-reports", Path="/emr/", AssumeRolePolicyDocument=json.dumps(trust))["Role"]["RoleId"]
    folder = tmp_path / "workspace"
    folder.mkdir()
    render(str(SERVERLESS_SPEC), str(folder / "modules"))
    (folder / "main.tf").write_text('module "emr_iam" {\n  source = "./modules/teams/finance"\n}\n', encoding="utf-8")
    (folder / "provider.tf").write_text(provider_block("us-east-1", endpoint=moto.endpoint), encoding="utf-8")
    assert main(["imports", "--spec", str(SERVERLESS_SPEC), "--team", "finance", "--roles", "serverless_roles",
                 "--out", str(folder / "imports.tf")]) == 0
    capsys.readouterr()
    engine = opentofu()
    engine.init(folder)
    plan_json = workspace.plan(engine, folder)
    changes = workspace.managed_changes(plan_json)
    imported = {c["address"]: c["change"]["importing"]["id"] for c in changes if c["change"].get("importing")}
    address = 'module.emr_iam.module.emr_iam.module.serverless_roles[0].aws_iam_role.this["finance-spark-reports"]'
    assert imported == {address: "finance-spark-reports"}
    (role_change,) = [c for c in changes if c["address"] == address]
    assert role_change["change"]["actions"] == ["update"], role_change["change"]["actions"]
    engine.run("apply", "-input=false", "-no-color", "plan.bin", cwd=folder)
    engine.plans_no_change(folder)
    role = iam.get_role(RoleName="finance-spark-reports")["Role"]
    assert role["RoleId"] == role_id
    (statement,) = role["AssumeRolePolicyDocument"]["Statement"]
    assert statement["Condition"]["StringEquals"]["aws:SourceAccount"] in ("123456789012", ["123456789012"])


# --- EMR on EKS job execution roles made by hand before -----------------------------------------

EKS_SPEC = Path(__file__).parent / "specs" / "eks.yaml"


def test_eks_roles_are_imported_only_when_asked(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["imports", "--spec", str(EKS_SPEC), "--team", "analytics", "--format", "commands"]) == 0
    assert "eks_roles" not in capsys.readouterr().out
    assert main(["imports", "--spec", str(EKS_SPEC), "--team", "analytics", "--roles", "eks_roles", "--format", "commands",
                 "--partition", "aws-us-gov"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "terraform import 'module.emr_iam.module.emr_iam.module.eks_roles[0].aws_iam_role.this[\"analytics-spark\"]' analytics-spark",
        "terraform import 'module.emr_iam.module.emr_iam.module.eks_roles[0].aws_iam_role.this[\"analytics-nightly\"]' analytics-nightly",
        "terraform import 'module.emr_iam.module.emr_iam.module.eks_roles[0].aws_iam_role_policy_attachment"
        ".this[\"analytics-nightly/AmazonS3ReadOnlyAccess\"]' analytics-nightly/arn:aws-us-gov:iam::aws:policy/AmazonS3ReadOnlyAccess",
    ]
    assert main(["imports", "--spec", str(RUNTIME_SPEC), "--team", "analytics", "--roles", "eks_roles"]) == 2
    assert "the module creates no EMR on EKS job execution roles" in capsys.readouterr().err


@pytest.mark.parametrize("output", ["hcl", "commands"])
def test_nothing_to_import_names_the_roles_the_team_has(tmp_path: Path, capsys: pytest.CaptureFixture[str], output: str) -> None:
    """A team with EMR on EKS roles only: the default --roles adopt nothing, and the error says which choice would."""
    spec = tmp_path / "spec.yaml"
    spec.write_text(
        "version: 1\nteams:\n  - name: streaming\n    source_account_id: \"111122223333\"\n"
        "    service_role: {create: false}\n    ec2_role: {create: false}\n    autoscaling_role: {create: false}\n"
        "    eks:\n      roles:\n        - name: spark\n          clusters:\n            - name: prod\n"
        "              oidc_issuer: https://oidc.eks.us-east-1.amazonaws.com/id/ABC\n              namespaces: [jobs]\n"
    )
    assert main(["imports", "--spec", str(spec), "--team", "streaming", "--format", output]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == (
        "emr-iam: error: nothing to import: the module creates none of the chosen roles (service_role, ec2_role, autoscaling_role);"
        " it creates eks_roles: use --roles eks_roles\n"
    )
    assert main(["imports", "--spec", str(spec), "--team", "streaming", "--roles", "eks_roles", "--format", output]) == 0
    assert "eks_roles[0].aws_iam_role.this[\"spark\"]" in capsys.readouterr().out


@pytest.mark.engine
def test_an_eks_role_made_by_hand_is_adopted(moto: MotoServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """finance-reports exists with the trust of another namespace; the import takes it over and the apply corrects its trust in place."""
    from awscli.customizations.emrcontainers.base36 import Base36

    from generator.rendering import render
    from tests.engine import provider_block

    iam = moto.client("iam")
    issuer = "oidc.eks.us-east-1.amazonaws.com/id/FEDCBA9876543210FEDCBA9876543210"
    by_hand = f"system:serviceaccount:old-namespace:emr-containers-sa-*-*-123456789012-{Base36().encode('finance-reports')}"
    trust = {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Action": "sts:AssumeRoleWithWebIdentity",
        "Principal": {"Federated": f"arn:aws:iam::123456789012:oidc-provider/{issuer}"},
        "Condition": {"StringLike": {f"{issuer}:sub": by_hand}},
    }]}
    role_id = iam.create_role(RoleName="finance-reports", Path="/emr/", AssumeRolePolicyDocument=json.dumps(trust))["Role"]["RoleId"]
    folder = tmp_path / "workspace"
    folder.mkdir()
    render(str(EKS_SPEC), str(folder / "modules"))
    (folder / "main.tf").write_text('module "emr_iam" {\n  source = "./modules/teams/finance"\n}\n', encoding="utf-8")
    (folder / "provider.tf").write_text(provider_block("us-east-1", endpoint=moto.endpoint), encoding="utf-8")
    assert main(["imports", "--spec", str(EKS_SPEC), "--team", "finance", "--roles", "eks_roles", "--out", str(folder / "imports.tf")]) == 0
    capsys.readouterr()
    engine = opentofu()
    engine.init(folder)
    plan_json = workspace.plan(engine, folder)
    changes = workspace.managed_changes(plan_json)
    imported = {c["address"]: c["change"]["importing"]["id"] for c in changes if c["change"].get("importing")}
    assert imported == {'module.emr_iam.module.emr_iam.module.eks_roles[0].aws_iam_role.this["finance-reports"]': "finance-reports"}
    engine.run("apply", "-input=false", "-no-color", "plan.bin", cwd=folder)
    engine.plans_no_change(folder)
    role = iam.get_role(RoleName="finance-reports")["Role"]
    assert role["RoleId"] == role_id
    (statement,) = role["AssumeRolePolicyDocument"]["Statement"]
    assert statement["Condition"]["StringLike"][f"{issuer}:sub"] == [by_hand.replace("old-namespace", "reports")]


# --- EMR Studio roles made by the console before ---------------------------------------------------

STUDIO_SPEC = Path(__file__).parent / "specs" / "studio.yaml"


def test_studio_roles_are_imported_only_when_asked(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["imports", "--spec", str(STUDIO_SPEC), "--team", "analytics", "--format", "commands"]) == 0
    assert "studio_roles" not in capsys.readouterr().out
    # IAM Identity Center mode: the service role and the user role.
    assert main(["imports", "--spec", str(STUDIO_SPEC), "--team", "analytics", "--roles", "studio_roles", "--format", "commands"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "terraform import 'module.emr_iam.module.emr_iam.module.studio_roles[0].aws_iam_role.service[0]' analytics-EMRStudio_Service_Role",
        "terraform import 'module.emr_iam.module.emr_iam.module.studio_roles[0].aws_iam_role.user[0]' analytics-EMRStudio_User_Role",
    ]
    # IAM mode: no user role; the service role's managed policy attachment comes with it.
    assert main(["imports", "--spec", str(STUDIO_SPEC), "--team", "finance", "--roles", "studio_roles", "--format", "commands",
                 "--partition", "aws-cn"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "terraform import 'module.emr_iam.module.emr_iam.module.studio_roles[0].aws_iam_role.service[0]' finance-EMRStudio_Service_Role",
        "terraform import 'module.emr_iam.module.emr_iam.module.studio_roles[0].aws_iam_role_policy_attachment.service[\"AmazonS3ReadOnlyAccess\"]'"
        " finance-EMRStudio_Service_Role/arn:aws-cn:iam::aws:policy/AmazonS3ReadOnlyAccess",
    ]
    assert main(["imports", "--spec", str(SERVERLESS_SPEC), "--team", "analytics", "--roles", "studio_roles"]) == 2
    assert "the module creates no EMR Studio roles" in capsys.readouterr().err


@pytest.mark.engine
def test_a_studio_service_role_made_by_the_console_is_adopted(moto: MotoServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """finance-EMRStudio_Service_Role exists without confused-deputy conditions, with a managed policy; the import takes both over and the apply adds them in place."""
    from generator.rendering import render
    from tests.engine import provider_block

    iam = moto.client("iam")
    trust = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                                     "Principal": {"Service": "elasticmapreduce.amazonaws.com"}}]}
    role_id = iam.create_role(RoleName="finance-EMRStudio_Service_Role", Path="/emr/",
                              AssumeRolePolicyDocument=json.dumps(trust))["Role"]["RoleId"]
    iam.attach_role_policy(RoleName="finance-EMRStudio_Service_Role", PolicyArn="arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess")
    for kind, name in (("group", "finance-notebook-users"), ("user", "carol")):
        getattr(iam, f"create_{kind}")(**{f"{kind.title()}Name": name})
    iam.create_role(RoleName="finance-studio-admins", AssumeRolePolicyDocument=json.dumps(trust))
    folder = tmp_path / "workspace"
    folder.mkdir()
    render(str(STUDIO_SPEC), str(folder / "modules"))
    (folder / "main.tf").write_text('module "emr_iam" {\n  source = "./modules/teams/finance"\n}\n', encoding="utf-8")
    (folder / "provider.tf").write_text(provider_block("us-east-1", endpoint=moto.endpoint), encoding="utf-8")
    assert main(["imports", "--spec", str(STUDIO_SPEC), "--team", "finance", "--roles", "studio_roles", "--out", str(folder / "imports.tf")]) == 0
    capsys.readouterr()
    engine = opentofu()
    engine.init(folder)
    plan_json = workspace.plan(engine, folder)
    changes = workspace.managed_changes(plan_json)
    imported = {c["address"]: c["change"]["importing"]["id"] for c in changes if c["change"].get("importing")}
    address = "module.emr_iam.module.emr_iam.module.studio_roles[0].aws_iam_role.service[0]"
    assert imported == {
        address: "finance-EMRStudio_Service_Role",
        'module.emr_iam.module.emr_iam.module.studio_roles[0].aws_iam_role_policy_attachment.service["AmazonS3ReadOnlyAccess"]':
            "finance-EMRStudio_Service_Role/arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess",
    }
    (role_change,) = [c for c in changes if c["address"] == address]
    assert role_change["change"]["actions"] == ["update"], role_change["change"]["actions"]
    engine.run("apply", "-input=false", "-no-color", "plan.bin", cwd=folder)
    engine.plans_no_change(folder)
    role = iam.get_role(RoleName="finance-EMRStudio_Service_Role")["Role"]
    assert role["RoleId"] == role_id
    (statement,) = role["AssumeRolePolicyDocument"]["Statement"]
    assert statement["Condition"]["StringEquals"]["aws:SourceAccount"] in ("123456789012", ["123456789012"])
