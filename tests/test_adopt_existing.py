"""An adoption never replaces what it adopts: paths are compared before the import, by the SDK or by the engine.

The provider replaces (destroys, then creates) a role or instance profile whose path changes. These tests
plant that mismatch in a local fake AWS (moto_server) and check both guards: `imports --check-existing`
refuses it before writing anything, and the `imports.tf` written without it stops the plan. A control plan
without the guards shows the provider's replacement, so the fields checked are the ones it replaces on.
Then a role of every adoptable kind is adopted in aws, aws-cn and aws-us-gov: imported, nothing
destroyed, applied, planned again empty.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from generator import adopt, facts
from generator.cli import main
from generator.rendering import render
from tests import workspace
from tests.engine import opentofu, provider_block
from tests.moto_server import MotoServer
from tests.test_adopt import CLI_ROLES, create_default_roles

TRUST = json.dumps({
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"Service": "ec2.amazonaws.com"}}],
})
# A platform's defaults put its roles under /platform/emr/; team legacy adopts roles named as AWS names them.
LEGACY_SPEC = """\
version: 1
defaults:
  path: /platform/emr/
teams:
  - name: legacy
    service_role: {managed_policy: v1}
    passrole_policy: {create: false}
    emrfs: {create: false}
"""
REGIONS = {"aws": "us-east-1", "aws-cn": "cn-north-1", "aws-us-gov": "us-gov-west-1"}


@pytest.fixture
def aws_env(moto: MotoServer, monkeypatch: pytest.MonkeyPatch) -> MotoServer:
    """The SDK's usual chain, pointed at the fake AWS: what `--check-existing` reads with."""
    for name, value in {
        "AWS_ENDPOINT_URL": moto.endpoint, "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_CONFIG_FILE": "/dev/null", "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    monkeypatch.delenv("AWS_DEFAULT_REGION", raising=False)
    monkeypatch.delenv("AWS_REGION", raising=False)
    return moto


def _legacy_spec(tmp_path: Path) -> Path:
    spec = tmp_path / "platform.yaml"
    spec.write_text(LEGACY_SPEC, encoding="utf-8")
    return spec


def _plant(moto: MotoServer, mismatch: str) -> None:
    """Roles as create-default-roles makes them (at /), or at the spec's path with only the instance profile at /."""
    if mismatch == "role":
        create_default_roles(moto)
        return
    iam = moto.client("iam")
    for name, (_, policy) in CLI_ROLES.items():
        iam.create_role(RoleName=name, Path="/platform/emr/", AssumeRolePolicyDocument=TRUST)
        iam.attach_role_policy(RoleName=name, PolicyArn=f"arn:aws:iam::aws:policy/{policy}")
    ec2 = facts.DEFAULT_ROLE_NAMES["ec2_role"]
    iam.create_instance_profile(InstanceProfileName=ec2)
    iam.add_role_to_instance_profile(InstanceProfileName=ec2, RoleName=ec2)


EXPECTED = {
    "role": (
        "emr-iam: error: team legacy: cannot adopt role EMR_DefaultRole: its path is / and the module asks for /platform/emr/;"
        " the provider cannot change a path in place and would destroy the role, then create it: set path: / for team legacy"
        " in {spec} (a team's own value overrides defaults), or move it\n"
    ),
    "instance profile": (
        "emr-iam: error: team legacy: cannot adopt instance profile EMR_EC2_DefaultRole: its path is / and the module asks for"
        " /platform/emr/; the provider cannot change a path in place and would destroy the instance profile, then create it:"
        " set path: / for team legacy in {spec} (a team's own value overrides defaults), or move it\n"
    ),
}


@pytest.mark.parametrize("mismatch", ["role", "instance profile"])
def test_check_existing_refuses_an_adoption_that_replaces(
    aws_env: MotoServer, tmp_path: Path, capsys: pytest.CaptureFixture[str], mismatch: str
) -> None:
    _plant(aws_env, mismatch)
    spec = _legacy_spec(tmp_path)
    out = tmp_path / "imports.tf"
    argv = ["imports", "--spec", str(spec), "--team", "legacy", "--check-existing", "--out", str(out)]
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert captured.err == EXPECTED[mismatch].format(spec=spec)
    assert captured.out == "" and not out.exists()


def test_check_existing_leaves_out_what_does_not_exist(aws_env: MotoServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Only the service role exists, at the right path and without its policy: only the role is imported."""
    aws_env.client("iam").create_role(RoleName="EMR_DefaultRole", Path="/platform/emr/", AssumeRolePolicyDocument=TRUST)
    spec = _legacy_spec(tmp_path)
    assert main(["imports", "--spec", str(spec), "--team", "legacy", "--check-existing", "--format", "commands"]) == 0
    captured = capsys.readouterr()
    assert captured.out == "terraform import 'module.emr_iam.module.emr_iam.module.service_role[0].aws_iam_role.this[0]' EMR_DefaultRole\n"
    notes = captured.err.splitlines()
    assert "emr-iam: attachment of AmazonElasticMapReduceRole to EMR_DefaultRole does not exist: the plan creates it" in notes
    assert "emr-iam: instance profile EMR_EC2_DefaultRole does not exist: the plan creates it" in notes
    assert len(notes) == 6  # the policy attachment; the EC2 role, its profile and policy; the scaling role and its policy


def _team_workspace(tmp_path: Path, spec: Path, team: str, region: str, endpoint: str, arguments: str = "") -> Path:
    folder = tmp_path / "workspace"
    folder.mkdir()
    render(str(spec), str(folder / "modules"))
    (folder / "main.tf").write_text(f'module "emr_iam" {{\n  source = "./modules/teams/{team}"\n{arguments}}}\n', encoding="utf-8")
    (folder / "provider.tf").write_text(provider_block(region, endpoint=endpoint), encoding="utf-8")
    return folder


@pytest.mark.engine
@pytest.mark.parametrize("mismatch", ["role", "instance profile"])
def test_the_plan_stops_before_it_replaces(moto: MotoServer, tmp_path: Path, capsys: pytest.CaptureFixture[str], mismatch: str) -> None:
    """imports.tf written without --check-existing: its guards stop the plan; without them the provider plans a replacement."""
    _plant(moto, mismatch)
    spec = _legacy_spec(tmp_path)
    folder = _team_workspace(tmp_path, spec, "legacy", "us-east-1", moto.endpoint)
    assert main(["imports", "--spec", str(spec), "--team", "legacy", "--out", str(folder / "imports.tf")]) == 0
    capsys.readouterr()
    engine = opentofu()
    engine.init(folder)
    stopped = engine.run("plan", "-input=false", "-no-color", "-out=plan.bin", cwd=folder, check=False)
    assert stopped.returncode == 1
    message = " ".join(stopped.stderr.replace("│", " ").split())
    assert EXPECTED[mismatch].format(spec=spec).removeprefix("emr-iam: error: ").strip() in message, stopped.stderr
    if (folder / "plan.bin").exists():  # an errored plan may be saved, but never applies
        assert engine.run("apply", "-input=false", "-no-color", "plan.bin", cwd=folder, check=False).returncode != 0
    assert moto.client("iam").get_role(RoleName="EMR_DefaultRole")["Role"]["Path"] == ("/" if mismatch == "role" else "/platform/emr/")

    # The control: the same imports without the guards plan the replacement the guards prevent.
    imports = (folder / "imports.tf").read_text(encoding="utf-8")
    (folder / "imports.tf").write_text(imports[: imports.index("\n# The provider replaces")] + "\n", encoding="utf-8")
    replaced = {
        address: actions for address, actions in workspace.actions(workspace.plan(engine, folder)).items() if "delete" in actions
    }
    kind = "aws_iam_instance_profile" if mismatch == "instance profile" else "aws_iam_role"
    assert any(address.endswith(f"{kind}.this[0]") for address in replaced), replaced


# --- every kind, in three partitions ---------------------------------------------------------

# One team with a role of every kind the modules create; everything that exists is adopted.
ADOPTED_SPEC = """\
version: 1
defaults:
  path: /emr/
teams:
  - name: legacy
    source_account_id: "{account}"
    service_linked_role: {{create: true}}
    passrole_policy: {{create: false}}
    emrfs:
      roles:
        - name: emrfs-raw
          aws_managed_policies: [AmazonS3ReadOnlyAccess]
    runtime_roles:
      - name: etl
        aws_managed_policies: [AmazonS3ReadOnlyAccess]
    step_submitter_policy: {{create: false}}
    serverless:
      create: true
      service_linked_role: true
      submitter_policy: false
      runtime_roles:
        - name: spark
          aws_managed_policies: [AmazonS3ReadOnlyAccess]
    eks:
      submitter_policy: false
      roles:
        - name: jobs
          clusters:
            - name: prod
              oidc_issuer: https://oidc.eks.{region}.amazonaws.com/id/A1B2C3
              namespaces: [jobs]
    studio:
      create: true
      auth_mode: SSO
      workspace_bucket: legacy-studio
      session_policies:
        - {{name: studio-basic, tier: basic}}
"""


@pytest.mark.engine
@pytest.mark.parametrize("partition", list(REGIONS))
def test_every_kind_is_adopted_without_a_replacement(
    aws_env: MotoServer, tmp_path: Path, capsys: pytest.CaptureFixture[str], partition: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every role of every adoptable kind exists at the module's path: imported, nothing destroyed, applied, planned empty."""
    region = REGIONS[partition]
    monkeypatch.setenv("AWS_DEFAULT_REGION", region)
    iam = aws_env.client("iam", region)
    spec = tmp_path / "platform.yaml"
    spec.write_text(ADOPTED_SPEC.format(account=aws_env.account_id, region=region), encoding="utf-8")
    arguments = adopt.team_arguments(str(spec), "legacy")
    choices = adopt.adoptable_choices(arguments, "module.emr_iam.module.emr_iam", partition)
    assert choices == list(adopt.ADOPTABLE), "the spec must have a role of every kind"
    # Made by hand where the module puts them. moto's CreateServiceLinkedRole names roles by its own rule
    # (not AWSServiceRoleForEMRCleanup), so the service-linked roles are made as IAM keeps them: same name, path.
    made = adopt.import_targets(arguments, "module.emr_iam.module.emr_iam", partition=partition, roles=choices)
    folder = _team_workspace(tmp_path, spec, "legacy", region, aws_env.endpoint)
    engine = opentofu()
    engine.init(folder)
    # moto refuses sts:SetContext in UpdateAssumeRolePolicy (IAM accepts it: AWS's Studio user role trust has it), so
    # the Studio user role is made with the trust the module plans and needs no update.
    planned = {c["address"]: c["change"]["after"] for c in workspace.managed_changes(workspace.plan(engine, folder))}
    trusts = {
        target.name: planned[target.address]["assume_role_policy"] for target in made if target.address.endswith("studio_roles[0].aws_iam_role.user[0]")
    }
    for target in made:
        if target.kind in ("role", "service-linked role"):
            iam.create_role(RoleName=target.name, Path=target.path, AssumeRolePolicyDocument=trusts.get(target.name, TRUST))
        elif target.kind == "instance profile":
            iam.create_instance_profile(InstanceProfileName=target.name, Path=target.path)
            iam.add_role_to_instance_profile(InstanceProfileName=target.name, RoleName=target.name)
        else:
            role, _, arn = target.id.partition("/")
            iam.attach_role_policy(RoleName=role, PolicyArn=arn)
    role_ids = {target.name: iam.get_role(RoleName=target.name)["Role"]["RoleId"] for target in made if "role" in target.kind}

    argv = [
        "imports", "--spec", str(spec), "--team", "legacy", "--partition", partition, "--check-existing",
        "--roles", ",".join(choices), "--out", str(folder / "imports.tf"),
    ]
    assert main(argv) == 0, capsys.readouterr().err
    assert capsys.readouterr().err == ""
    ids = dict(re.findall(r"to = (\S+)\n  id = \"([^\"]+)\"", (folder / "imports.tf").read_text(encoding="utf-8")))
    assert len(ids) == len(made)
    # The service-linked roles' import IDs in the provider's format: the role's ARN, with its service's path.
    base = "module.emr_iam.module.emr_iam.module."
    for block, name, service in (
        ("service_linked_role", facts.SERVICE_LINKED_ROLE_NAME, facts.SERVICE_PRINCIPALS["elasticmapreduce"][partition]),
        ("serverless_service_linked_role", facts.SERVERLESS_SERVICE_LINKED_ROLE_NAME, facts.SERVERLESS_SERVICE_LINKED_ROLE_SERVICE),
    ):
        arn = f"arn:{partition}:iam::{aws_env.account_id}:role/aws-service-role/{service}/{name}"
        assert ids[f"{base}{block}[0].aws_iam_service_linked_role.this[0]"] == arn

    changes = workspace.managed_changes(workspace.plan(engine, folder))
    imported = {c["address"]: c["change"]["importing"]["id"] for c in changes if c["change"].get("importing")}
    assert imported == ids
    assert [c["address"] for c in changes if "delete" in c["change"]["actions"]] == []
    engine.run("apply", "-input=false", "-no-color", "plan.bin", cwd=folder)
    engine.plans_no_change(folder)
    assert {name: iam.get_role(RoleName=name)["Role"]["RoleId"] for name in role_ids} == role_ids


def test_a_service_linked_role_of_another_service_form_is_refused(
    aws_env: MotoServer, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """In aws-cn the module creates the EMR service-linked role for elasticmapreduce.amazonaws.com.cn; one made for the
    global form sits at another path, and the provider would replace it (aws_service_name). The account comes from STS."""
    monkeypatch.setenv("AWS_DEFAULT_REGION", "cn-north-1")
    iam = aws_env.client("iam", "cn-north-1")
    iam.create_role(
        RoleName=facts.SERVICE_LINKED_ROLE_NAME, Path="/aws-service-role/elasticmapreduce.amazonaws.com/", AssumeRolePolicyDocument=TRUST
    )
    spec = tmp_path / "platform.yaml"
    spec.write_text("version: 1\nteams:\n  - name: legacy\n    service_linked_role: {create: true}\n", encoding="utf-8")
    argv = ["imports", "--spec", str(spec), "--team", "legacy", "--partition", "aws-cn", "--check-existing", "--roles", "service_linked_role"]
    assert main(argv) == 2
    assert capsys.readouterr().err == (
        "emr-iam: error: team legacy: cannot adopt the service-linked role AWSServiceRoleForEMRCleanup: it exists at path"
        " /aws-service-role/elasticmapreduce.amazonaws.com/, for another service name than the"
        " /aws-service-role/elasticmapreduce.amazonaws.com.cn/ the module creates it for, and the provider would replace it;"
        " leave it out of --roles (and set create: false for it: one workspace per account creates it)\n"
    )
    # Without the account ID (no source_account_id, no --check-existing) the ARN cannot be written.
    assert main(argv[:-3] + ["--roles", "service_linked_role"]) == 2
    assert "set source_account_id for the team, or pass --account-id" in capsys.readouterr().err


def test_check_existing_warns_of_what_the_apply_changes_in_place(
    aws_env: MotoServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A permissions boundary the spec does not set, and an instance profile that holds another role: adopted, with a warning."""
    iam = aws_env.client("iam")
    boundary = iam.create_policy(PolicyName="legacy-boundary", PolicyDocument=json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
    ))["Policy"]["Arn"]
    iam.create_role(RoleName="EMR_DefaultRole", Path="/platform/emr/", AssumeRolePolicyDocument=TRUST, PermissionsBoundary=boundary)
    iam.create_role(RoleName="EMR_EC2_DefaultRole", Path="/platform/emr/", AssumeRolePolicyDocument=TRUST)
    iam.create_role(RoleName="old-nodes", Path="/", AssumeRolePolicyDocument=TRUST)
    iam.create_instance_profile(InstanceProfileName="EMR_EC2_DefaultRole", Path="/platform/emr/")
    iam.add_role_to_instance_profile(InstanceProfileName="EMR_EC2_DefaultRole", RoleName="old-nodes")
    spec = _legacy_spec(tmp_path)
    assert main(["imports", "--spec", str(spec), "--team", "legacy", "--check-existing", "--format", "commands"]) == 0
    notes = capsys.readouterr().err.splitlines()
    assert f"emr-iam: warning: role EMR_DefaultRole has the permissions boundary {boundary}; the apply removes it" in notes
    assert (
        "emr-iam: warning: instance profile EMR_EC2_DefaultRole holds the role old-nodes; the apply puts EMR_EC2_DefaultRole in"
        " its place, and clusters launched with the profile get that role"
    ) in notes
