"""Least privilege, checked on the policies the generator builds and the modules really produce.

The rules:
- `"Resource": "*"` is allowed only for the actions in facts.WILDCARD_RESOURCE_ACTIONS, the one
  list of exceptions (each with its reason), and every entry of that list is needed.
- Every `iam:PassRole` statement carries `iam:PassedToService`, and a team's PassRole policy names
  exactly the role ARNs the team's module created (no wildcards).
- An EMRFS role trusts only the EMR role for EC2 of its own team, by ARN; no other team's EC2 role
  can assume it, and each EC2 role may assume only its own team's EMRFS roles.

The documents come from three places: Python (generator/policies.py and the spec's own inline
policies), an offline plan of every team module and of each piece module with known inputs
(`tofu show -json` of a saved plan), and an apply of every team module against a local fake AWS
(moto on loopback) read back with boto3. The apply is what makes the checks sound for documents
whose ARNs are only known after apply: the team modules' PassRole policies, EMRFS trust policies,
the EC2 roles' permission to assume the EMRFS roles and the security configurations.
"""

from __future__ import annotations

import fnmatch
import json
import re
from pathlib import Path
from typing import Any

import pytest

from generator import facts, hcl, policies
from generator.model import resolve
from generator.spec import S3Access, load_spec, read_spec
from tests import effective, partitions
from tests.engine import ROOT, Engine, copy_tree, opentofu, provider_block
from tests.helpers import run_cli, write_spec
from tests.moto_server import MotoServer

SPEC = ROOT / "specs" / "platform.yaml"
TEMPLATES = ROOT / "templates"
WILDCARD_ALLOWED = {action.lower() for action in facts.WILDCARD_RESOURCE_ACTIONS}
SERVICE_PRINCIPALS = {principal for by_partition in facts.SERVICE_PRINCIPALS.values() for principal in by_partition.values()}
# Which services each EMR role may be passed to (the composite module's contract).
PASSED_TO = {
    "service_role": {"elasticmapreduce.amazonaws.com"},
    "ec2_role": {"ec2.amazonaws.com"},
    # AmazonEMRFullAccessPolicy_v2 passes the scaling role to application-autoscaling only.
    "autoscaling_role": {"application-autoscaling.amazonaws.com"},
}


# --- the rules, on decoded policy documents ----------------------------------------------------


def _list(value: Any) -> list[Any]:
    if value is None:
        return []
    return [value] if isinstance(value, (str, dict)) else list(value)


def _statements(document: dict[str, Any]) -> list[dict[str, Any]]:
    return [statement for statement in _list(document.get("Statement"))]


def wildcard_problems(document: dict[str, Any], where: str) -> list[str]:
    """Allow statements that use "Resource": "*" (or NotResource/NotAction) beyond the exceptions."""
    problems = []
    for index, statement in enumerate(_statements(document)):
        if statement.get("Effect") != "Allow":
            continue
        label = f"{where} statement {statement.get('Sid', index)}"
        if "NotResource" in statement:
            problems.append(f"{label}: Allow with NotResource")
        if "*" not in _list(statement.get("Resource")):
            continue
        if "NotAction" in statement:
            problems.append(f'{label}: NotAction with "Resource": "*"')
        broad = [action for action in _list(statement.get("Action")) if action.lower() not in WILDCARD_ALLOWED]
        if broad:
            problems.append(f'{label}: "Resource": "*" for {broad}, which are not in facts.WILDCARD_RESOURCE_ACTIONS')
    return problems


def wildcard_actions(document: dict[str, Any]) -> set[str]:
    """The actions a document grants on "Resource": "*"."""
    return {
        action
        for statement in _statements(document)
        if statement.get("Effect") == "Allow" and "*" in _list(statement.get("Resource"))
        for action in _list(statement.get("Action"))
    }


def _grants_passrole(statement: dict[str, Any]) -> bool:
    if "NotAction" in statement:
        return "iam:passrole" not in {action.lower() for action in _list(statement["NotAction"])}
    return any(fnmatch.fnmatchcase("iam:passrole", action.lower()) for action in _list(statement.get("Action")))


def passrole_grants(document: dict[str, Any], where: str) -> tuple[dict[str, set[str]], list[str]]:
    """Role ARN -> services it may be passed to, and the problems of every PassRole statement."""
    grants: dict[str, set[str]] = {}
    problems = []
    for index, statement in enumerate(_statements(document)):
        if statement.get("Effect") != "Allow" or not _grants_passrole(statement):
            continue
        label = f"{where} statement {statement.get('Sid', index)}"
        if _list(statement.get("Action")) != ["iam:PassRole"]:
            problems.append(f"{label}: PassRole granted by {statement.get('Action') or 'NotAction'}, not by iam:PassRole alone")
        services = set(_list((statement.get("Condition") or {}).get("StringEquals", {}).get("iam:PassedToService")))
        if not services:
            problems.append(f"{label}: iam:PassRole without a StringEquals iam:PassedToService condition")
        elif not services <= SERVICE_PRINCIPALS:
            problems.append(f"{label}: iam:PassedToService names unknown services {sorted(services - SERVICE_PRINCIPALS)}")
        resources = _list(statement.get("Resource"))
        if "NotResource" in statement or not resources:
            problems.append(f"{label}: iam:PassRole without a Resource list")
        for resource in resources:
            if not isinstance(resource, str) or re.search(r"[*?]", resource) or ":role/" not in resource:
                problems.append(f"{label}: iam:PassRole on {resource!r}, not on one role ARN")
            grants.setdefault(resource, set()).update(services)
    return grants, problems


def trusted_principals(trust: dict[str, Any]) -> tuple[set[str], list[str]]:
    """Every principal a trust policy lets assume the role, and problems with its shape."""
    principals: set[str] = set()
    problems = []
    for statement in _statements(trust):
        if statement.get("Effect") != "Allow":
            continue
        if "NotPrincipal" in statement or statement.get("Principal") == "*":
            problems.append(f"trust statement {statement.get('Sid')}: open to every principal")
            continue
        kinds = statement.get("Principal") or {}
        for kind, values in kinds.items():
            principals.update(f"{kind}:{value}" for value in _list(values))
        actions = sorted(_list(statement.get("Action")))
        conditions = statement.get("Condition") or {}
        if "Federated" in kinds:
            # IRSA (EMR on EKS): web identities of the OIDC provider, only for subjects it names.
            subjects = [key for key in conditions.get("StringLike", {}) if key.endswith(":sub")]
            if actions != ["sts:AssumeRoleWithWebIdentity"] or len(kinds) != 1 or not subjects:
                problems.append(f"trust statement {statement.get('Sid')}: a web identity statement needs only its action and a :sub condition")
        elif _list(kinds.get("Service")) == list(facts.EKS_POD_IDENTITY_PRINCIPALS.values())[:1]:
            # EKS Pod Identity: assume and tag the session, only with the session tags of the cluster, namespace and service account.
            tags = set(conditions.get("StringEquals", {}))
            wanted = {f"aws:RequestTag/{tag}" for tag in facts.EKS_POD_IDENTITY_SESSION_TAGS.values()}
            if actions != sorted(facts.EKS_POD_IDENTITY_ACTIONS) or tags != wanted:
                problems.append(f"trust statement {statement.get('Sid')}: Pod Identity needs exactly {wanted}, has {tags} for {actions}")
        elif actions == ["sts:AssumeRole", "sts:SetContext"] and set(kinds) == {"Service"} and all(
            service.startswith("elasticmapreduce.") for service in _list(kinds["Service"])
        ):
            # The EMR Studio user role ("Configure EMR Studio user permissions"): EMR assumes it and sets the user's context.
            pass
        elif actions != ["sts:AssumeRole"]:
            problems.append(f"trust statement {statement.get('Sid')}: actions {statement.get('Action')}")
    return principals, problems


# --- the rules themselves can fail ---------------------------------------------------------------


def test_rules_catch_what_they_exist_for() -> None:
    wide = {"Statement": [{"Effect": "Allow", "Action": ["s3:GetObject", "ec2:DescribeTags"], "Resource": "*"}]}
    assert wildcard_problems(wide, "wide") and wildcard_actions(wide) == {"s3:GetObject", "ec2:DescribeTags"}
    assert wildcard_problems({"Statement": {"Effect": "Allow", "NotAction": "iam:*", "Resource": ["*"]}}, "x")
    assert not wildcard_problems({"Statement": [{"Effect": "Deny", "Action": "*", "Resource": "*"}]}, "deny")
    _, problems = passrole_grants({"Statement": [{"Effect": "Allow", "Action": "iam:Pass*", "Resource": "arn:aws:iam::1:role/*"}]}, "p")
    assert len(problems) == 3  # not iam:PassRole alone, no condition, a wildcard role
    grants, problems = passrole_grants(
        {"Statement": [{"Effect": "Allow", "Action": "iam:PassRole", "Resource": "arn:aws:iam::1:role/r",
                        "Condition": {"StringEquals": {"iam:PassedToService": "ec2.amazonaws.com"}}}]}, "ok")
    assert not problems and grants == {"arn:aws:iam::1:role/r": {"ec2.amazonaws.com"}}
    federated = {"Effect": "Allow", "Action": "sts:AssumeRoleWithWebIdentity", "Principal": {"Federated": "arn:aws:iam::1:oidc-provider/x"}}
    assert trusted_principals({"Statement": [federated]})[1], "a web identity trust without a :sub condition"
    assert not trusted_principals({"Statement": [{**federated, "Condition": {"StringLike": {"x:sub": "system:serviceaccount:a:b"}}}]})[1]
    pods = {"Effect": "Allow", "Action": ["sts:AssumeRole", "sts:TagSession"], "Principal": {"Service": "pods.eks.amazonaws.com"}}
    assert trusted_principals({"Statement": [pods]})[1], "a Pod Identity trust without session tag conditions"
    principals, problems = trusted_principals({"Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": "*"}]})
    assert problems and not principals


# --- the exceptions: one list, each with its reason, each needed ---------------------------------


def test_every_exception_has_a_reason() -> None:
    for action, reason in facts.WILDCARD_RESOURCE_ACTIONS.items():
        assert re.fullmatch(r"[a-z0-9-]+:[A-Za-z0-9]+", action), action
        assert len(reason) > 20, f"{action}: the reason must say why IAM needs '*'"


def test_no_template_spells_out_a_wildcard_resource() -> None:
    """The modules' own documents take their "*" only from the generator (facts), never inline."""
    pattern = re.compile(r'(?:resources\s*=\s*\[\s*"\*"\s*\]|Resource"?\s*[=:]\s*"\*")')
    offenders = [str(path.relative_to(ROOT)) for path in TEMPLATES.rglob("*.j2") if pattern.search(path.read_text(encoding="utf-8"))]
    assert offenders == []


SKIP = re.compile(r"#\s*checkov:skip=([A-Z0-9_]+)(?::(.*))?")


def test_every_checkov_skip_is_in_a_template_with_a_reason_and_documented() -> None:
    """Skips live in templates/ (so modules/ carries them), say why, and README's Security lists them."""
    in_templates = {
        match.group(1): (match.group(2) or "").strip()
        for path in TEMPLATES.rglob("*.j2")
        for match in SKIP.finditer(path.read_text(encoding="utf-8"))
    }
    assert in_templates, "expected the documented skips"
    for check, reason in in_templates.items():
        assert len(reason) >= 30, f"{check}: a skip needs its reason"
    rendered = {
        match.group(1)
        for folder in (ROOT / "modules", ROOT / "examples")
        for path in folder.rglob("*.tf")
        if ".terraform" not in path.parts
        for match in SKIP.finditer(path.read_text(encoding="utf-8"))
    }
    assert rendered <= set(in_templates), "a skip written by hand outside templates/"
    security = (ROOT / "README.md").read_text(encoding="utf-8").split("## Security", 1)[1].split("\n## ", 1)[0]
    assert {check for check in in_templates if f"`{check}`" not in security} == set()


# The team tag the sampled policies carry.
TEAM_TAG = (facts.TEAM_TAG_KEY, "analytics")
SAMPLE_LOCATIONS = [
    [],
    [S3Access(bucket="logs-bucket", prefix="logs/", access="read_write")],
    [S3Access(bucket="lake", prefix=""), S3Access(bucket="lake", prefix="raw/deep/", access="read_write"), S3Access(bucket="other.bucket")],
]


@pytest.mark.parametrize("account_id", [None, "111122223333"])
@pytest.mark.parametrize("locations", SAMPLE_LOCATIONS, ids=["no-s3", "one-prefix", "buckets-and-prefixes"])
def test_python_policies_use_star_only_for_the_exceptions(locations: list[S3Access], account_id: str | None) -> None:
    scoped = policies.concrete(policies.ec2_scoped_policy(locations, account_id))
    assert wildcard_problems(scoped, "ec2_scoped_policy") == []
    lake_formation = policies.sample_document(
        policies.RUNTIME_LAKE_FORMATION, {policies.MODULE_REGION: "*", policies.MODULE_ACCOUNT: account_id or facts.ACCOUNT_ID_PLACEHOLDER}
    )
    assert wildcard_problems(lake_formation, "lake_formation_policy") == []
    account = account_id or facts.ACCOUNT_ID_PLACEHOLDER
    studio_service = policies.concrete(policies.studio_service_policy(account, "studio-bucket", "workspaces/", [], True, TEAM_TAG, True))
    studio_user = policies.concrete(policies.studio_session_policy(
        "advanced", account, "studio-bucket", policies.role_arn_sample("/", "studio"), [policies.role_arn_sample("/", "emr")], ["es-ABC"],
        TEAM_TAG, True,
    ))
    assert wildcard_problems(studio_service, "studio_service_policy") == wildcard_problems(studio_user, "studio_session_policy") == []
    # Every exception is needed: the scoped EC2 policy, a Lake Formation runtime role's policy
    # (modules/emr-runtime-roles writes the same statements) and EMR Studio's policies (the
    # module's statements come from the same facts) use them, all of them.
    used = wildcard_actions(scoped) | wildcard_actions(lake_formation) | wildcard_actions(studio_service) | wildcard_actions(studio_user)
    assert used == set(facts.WILDCARD_RESOURCE_ACTIONS)
    assert passrole_grants(scoped, "ec2_scoped_policy") == ({}, [])
    if locations:
        s3_only = policies.concrete(policies.s3_access_policy(locations))
        assert wildcard_problems(s3_only, "s3_access_policy") == [] and wildcard_actions(s3_only) == set()


def test_default_spec_inline_policies_follow_the_rules() -> None:
    spec = load_spec(SPEC)
    checked = 0
    for team in spec.teams:
        holders = [team.service_role, team.ec2_role, team.autoscaling_role, *team.emrfs.roles]
        for holder in holders:
            for name, document in holder.inline_policies.items():
                decoded = policies.user_policy(document)
                assert wildcard_problems(decoded, f"{team.name}/{name}") == []
                checked += 1
    assert checked >= 1


ROLE = "arn:aws:iam::111122223333:role/r"
PASSED = {"StringEquals": {"iam:PassedToService": "elasticmapreduce.amazonaws.com"}}


@pytest.mark.parametrize(
    ("statement", "accepted"),
    [
        ({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}, False),
        ({"Effect": "Allow", "Action": ["ec2:DescribeTags", "s3:*"], "Resource": ["arn:aws:s3:::b/*", "*"]}, False),
        ({"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}, False),
        ({"Effect": "Allow", "Action": ["EC2:describetags", "cloudwatch:PutMetricData"], "Resource": "*"}, True),
        ({"Effect": "Deny", "Action": "s3:*", "Resource": "*"}, True),
        ({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}, True),
        ({"Effect": "Allow", "Action": "iam:PassRole", "Resource": ROLE}, False),
        ({"Effect": "Allow", "Action": "iam:*", "Resource": ROLE}, False),
        ({"Effect": "Allow", "NotAction": "s3:*", "Resource": ROLE}, False),
        ({"Effect": "Allow", "Action": "iam:PassRole", "Resource": ROLE.replace("/r", "/r*"), "Condition": PASSED}, False),
        ({"Effect": "Allow", "Action": "iam:PassRole", "Resource": ROLE, "Condition": PASSED}, True),
        ({"Effect": "Allow", "Action": "IAM:passrole", "Resource": [ROLE], "Condition": {"StringLike": {"IAM:PassedToService": "ec2.*"}}}, True),
        ({"Effect": "Deny", "Action": "iam:PassRole", "Resource": "*"}, True),
    ],
    ids=[
        "object-action", "star-in-a-list", "not-action", "exceptions-any-case", "deny", "scoped",
        "passrole-no-condition", "iam-star-no-condition", "not-action-passes-roles", "passrole-wildcard-role",
        "passrole-scoped", "passrole-any-case", "deny-passrole",
    ],
)
def test_spec_inline_policies_follow_the_rules(
    statement: dict[str, Any], accepted: bool, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    document = {"version": 1, "teams": [{"name": "solo", "emrfs": {"roles": [{"name": "r", "inline_policies": {"p": {"Statement": [statement]}}}]}}]}
    spec = write_spec(tmp_path, json.dumps(document))
    code, _, stderr = run_cli(capsys, "validate", "--spec", str(spec))
    if accepted:
        assert code == 0, stderr
    else:
        assert code == 2 and len(stderr.splitlines()) == 1
        assert re.search(r"Statement\[0\]\.(Resource|Condition): ", stderr), stderr
        assert '"*" is allowed only' in stderr or "iam:PassRole" in stderr, stderr


# --- plans: every team module and each piece with known inputs ----------------------------------

POLICY_ATTRIBUTES = {
    "aws_iam_policy": "policy",
    "aws_iam_role_policy": "policy",
    "aws_iam_user_policy": "policy",
    "aws_iam_group_policy": "policy",
    "aws_iam_role": "assume_role_policy",
}
ACCOUNT = "123456789012"
PIECE_ARNS = {
    "service_role": f"arn:aws:iam::{ACCOUNT}:role/emr/lp-EMR_DefaultRole",
    "ec2_role": f"arn:aws:iam::{ACCOUNT}:role/emr/lp-EMR_EC2_DefaultRole",
    "autoscaling_role": f"arn:aws:iam::{ACCOUNT}:role/emr/lp-EMR_AutoScaling_DefaultRole",
}


def team_dirs() -> list[str]:
    return sorted(path.name for path in (ROOT / "modules" / "teams").iterdir() if (path / "main.tf").is_file())


def _label(team: str) -> str:
    return "team_" + team.replace("-", "_")


def _pieces_config() -> str:
    """Each piece module with inputs known at plan time, documents built by generator/policies.py."""
    locations = SAMPLE_LOCATIONS[2]
    scoped = hcl.jsonencode(policies.ec2_scoped_policy(locations, "111122223333"), 2)
    s3_access = hcl.jsonencode(policies.s3_access_policy(locations), 8)
    passrole_roles = hcl.expression(
        {key: {"arn": arn, "passed_to_services": sorted(s.split(".")[0] for s in PASSED_TO[key])} for key, arn in PIECE_ARNS.items()}, 2
    )
    return f"""
data "aws_partition" "current" {{}}

locals {{
  partition = data.aws_partition.current.partition
}}

module "service_role" {{
  source            = "./modules/emr-service-role"
  name              = "lp-EMR_DefaultRole"
  path              = "/emr/"
  managed_policy    = "none"
  source_account_id = "111122223333"
}}

module "ec2_role" {{
  source                    = "./modules/emr-ec2-role"
  name                      = "lp-EMR_EC2_DefaultRole"
  path                      = "/emr/"
  attach_aws_managed_policy = false
  scoped_policy_json        = {scoped}
}}

module "autoscaling_role" {{
  source            = "./modules/emr-autoscaling-role"
  name              = "lp-EMR_AutoScaling_DefaultRole"
  path              = "/emr/"
  source_account_id = "111122223333"
}}

module "emrfs" {{
  source        = "./modules/emrfs-role-mappings"
  ec2_role_arn  = "{PIECE_ARNS['ec2_role']}"
  ec2_role_name = "lp-EMR_EC2_DefaultRole"
  path          = "/emr/"
  roles = {{
    lp-emrfs = {{
      inline_policies = {{
        s3-access = {s3_access}
      }}
    }}
  }}
  role_mappings               = [{{ role = "lp-emrfs", identifier_type = "User", identifiers = ["alice"] }}]
  security_configuration_name = "lp-emrfs"
}}

module "composite" {{
  source = "./modules/emr-iam"
}}

module "passrole" {{
  source = "./modules/emr-passrole-policy"
  name   = "lp-EMR_PassRole"
  path   = "/emr/"
  roles  = {passrole_roles}
}}
"""


def _plan(engine: Engine, root: Path, config: str, region: str = "us-east-1") -> dict[str, Any]:
    (root / "main.tf").write_text(config, encoding="utf-8")
    (root / "provider.tf").write_text(provider_block(region), encoding="utf-8")
    engine.init(root)
    engine.run("plan", "-input=false", "-no-color", "-out=plan.bin", cwd=root)
    plan: dict[str, Any] = json.loads(engine.run("show", "-json", "-no-color", "plan.bin", cwd=root).stdout)
    return plan


def planned_documents(plan: dict[str, Any]) -> tuple[dict[str, dict[str, Any]], list[str]]:
    """Decoded policy documents by resource address, and the addresses whose document is unknown."""
    known: dict[str, dict[str, Any]] = {}
    unknown = []
    for change in plan["resource_changes"]:
        attribute = POLICY_ATTRIBUTES.get(change["type"])
        if change["mode"] != "managed" or attribute is None or "create" not in change["change"]["actions"]:
            continue
        if (change["change"].get("after_unknown") or {}).get(attribute):
            unknown.append(change["address"])
        else:
            known[change["address"]] = json.loads(change["change"]["after"][attribute])
    return known, unknown


@pytest.fixture(scope="module")
def plan(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """One offline plan: every team module of the default spec and each piece module."""
    root = copy_tree(tmp_path_factory.mktemp("least-privilege-plan"))
    teams = "".join(f'\nmodule "{_label(team)}" {{\n  source = "./modules/teams/{team}"\n}}\n' for team in team_dirs())
    return _plan(opentofu(), root, teams + _pieces_config())


@pytest.mark.engine
def test_planned_documents_follow_the_rules(plan: dict[str, Any]) -> None:
    known, unknown = planned_documents(plan)
    problems = []
    for address, document in known.items():
        problems += wildcard_problems(document, address)
        problems += passrole_grants(document, address)[1]
        if re.search(r"(^|\.)aws_iam_role\.", address):
            problems += [f"{address}: {p}" for p in trusted_principals(document)[1]]
    assert problems == []
    # Real documents were checked: every team's scoped/inline ones and every piece's.
    for team in team_dirs():
        assert any(address.startswith(f"module.{_label(team)}.") for address in known), team
    for piece in ("service_role", "ec2_role", "autoscaling_role", "emrfs", "passrole", "composite"):
        assert any(address.startswith(f"module.{piece}.") for address in known), piece
    # What a plan cannot show (ARNs of roles it creates) is in team modules or is the EMRFS assume
    # policy; the apply test below reads every one of those back.
    assert unknown, "expected documents that name created roles"
    for address in unknown:
        assert address.startswith(("module.team_", "module.composite.")) or address == "module.emrfs.aws_iam_role_policy.ec2_assume[0]", address


@pytest.mark.engine
def test_planned_piece_passrole_is_exactly_the_given_roles(plan: dict[str, Any]) -> None:
    known, _ = planned_documents(plan)
    grants, problems = passrole_grants(known["module.passrole.aws_iam_policy.this[0]"], "passrole")
    assert problems == []
    assert grants == {arn: PASSED_TO[key] for key, arn in PIECE_ARNS.items()}
    # No other planned document grants PassRole at all.
    others = {
        address: passrole_grants(document, address)[0]
        for address, document in known.items()
        if not address.startswith(("module.passrole.", "module.composite.module.passrole_policy."))
    }
    assert {address: found for address, found in others.items() if found} == {}


@pytest.mark.engine
def test_planned_piece_emrfs_role_trusts_only_the_given_ec2_role(plan: dict[str, Any]) -> None:
    known, _ = planned_documents(plan)
    principals, problems = trusted_principals(known['module.emrfs.aws_iam_role.this["lp-emrfs"]'])
    assert problems == [] and principals == {f"AWS:{PIECE_ARNS['ec2_role']}"}


def _spec_encryption(team_name: str) -> dict[str, Any]:
    module = next(team for team in resolve(read_spec(SPEC)) if team.team == team_name)
    encryption: dict[str, Any] = module.arguments["emrfs_encryption_configuration"]
    return encryption


@pytest.mark.engine
@pytest.mark.parametrize(("partition", "region"), sorted(facts.PARTITION_SAMPLE_REGIONS.items()))
def test_planned_security_configuration_carries_the_spec_encryption(partition: str, region: str, tmp_path: Path) -> None:
    """Every team of the default spec encrypts at rest (SSE-KMS, local disks) and in transit (PEM);
    the planned configuration decodes to exactly that, with the KMS ARNs in the provider's partition."""
    spec = load_spec(SPEC)
    modules = []
    for team in spec.teams:
        encryption = _spec_encryption(team.name)
        section = policies.concrete(encryption, {"local.partition": partition})["EncryptionConfiguration"]
        assert section["EnableAtRestEncryption"] is True and section["EnableInTransitEncryption"] is True, team.name
        assert section["AtRestEncryptionConfiguration"]["S3EncryptionConfiguration"]["EncryptionMode"] == "SSE-KMS", team.name
        assert section["AtRestEncryptionConfiguration"]["LocalDiskEncryptionConfiguration"]["EncryptionKeyProviderType"] == "AwsKms"
        assert section["InTransitEncryptionConfiguration"]["TLSCertificateConfiguration"]["CertificateProviderType"] == "PEM"
        modules.append(
            f'\nmodule "{_label(team.name)}" {{\n  source                      = "./modules/emrfs-role-mappings"\n'
            f'  security_configuration_name = "{team.name}-encryption"\n'
            f"  encryption_configuration = {hcl.expression(encryption, 2)}\n}}\n"
        )
    # The team module hands the same value to emr-iam: the planned emrfs module decodes it.
    root = copy_tree(tmp_path)
    config = 'data "aws_partition" "current" {}\n\nlocals {\n  partition = data.aws_partition.current.partition\n}\n' + "".join(modules)
    if partitions.needs_override(partition):
        (root / "main.tf").write_text(config, encoding="utf-8")
        assert partitions.write_overrides(root, partition)
    planned = _plan(opentofu(), root, config, region)
    configurations = {
        change["address"]: json.loads(change["change"]["after"]["configuration"])
        for change in planned["resource_changes"]
        if change["type"] == "aws_emr_security_configuration"
    }
    assert len(configurations) == len(spec.teams)
    for team in spec.teams:
        decoded = configurations[f"module.{_label(team.name)}.aws_emr_security_configuration.this[0]"]
        assert decoded == policies.concrete(_spec_encryption(team.name), {"local.partition": partition})
        keys = [decoded["EncryptionConfiguration"]["AtRestEncryptionConfiguration"][kind]["AwsKmsKey"]
                for kind in ("S3EncryptionConfiguration", "LocalDiskEncryptionConfiguration")]
        assert all(key.startswith(f"arn:{partition}:kms:") for key in keys), keys
        # ... and the generated team module does not hard-code a partition for them.
        assert "arn:aws:kms:" not in (ROOT / "modules" / "teams" / team.name / "main.tf").read_text(encoding="utf-8")


# --- apply: two teams against a local fake AWS, read back with boto3 ---------------------------


def _document(value: Any) -> dict[str, Any]:
    decoded: dict[str, Any] = json.loads(value) if isinstance(value, str) else value
    return decoded


@pytest.fixture
def applied(moto: MotoServer, tmp_path: Path) -> tuple[MotoServer, dict[str, dict[str, Any]]]:
    """Every team module of the default spec applied to one fake account; the teams' outputs."""
    spec = load_spec(SPEC)
    assert sorted(team.name for team in spec.teams) == team_dirs(), "modules/teams is stale: run make modules"
    engine = opentofu()
    root = copy_tree(tmp_path)
    prerequisites = effective.prerequisites(list(spec.teams))
    addresses = [f"{kind}.{name}" for kind, name in re.findall(r'^resource "(\w+)" "(\w+)"', prerequisites, re.M)]
    depends = f"\n  depends_on = [{', '.join(addresses)}]\n" if addresses else "\n"
    teams = "".join(
        f'\nmodule "{_label(team)}" {{\n  source = "./modules/teams/{team}"{depends}}}\n\noutput "{_label(team)}" {{\n  value = module.{_label(team)}\n}}\n'
        for team in team_dirs()
    )
    (root / "main.tf").write_text(prerequisites + teams, encoding="utf-8")
    (root / "provider.tf").write_text(provider_block("us-east-1", endpoint=moto.endpoint), encoding="utf-8")
    engine.init(root)
    engine.run("apply", "-auto-approve", "-input=false", "-no-color", cwd=root)
    outputs = json.loads(engine.run("output", "-json", "-no-color", cwd=root).stdout)
    return moto, {team: outputs[_label(team)]["value"] for team in team_dirs()}


def _account_documents(moto: MotoServer) -> tuple[dict[str, dict[str, Any]], dict[str, dict[str, Any]]]:
    """Every role's trust policy, and every inline and customer-managed policy, by a readable name."""
    iam = moto.client("iam")
    trusts: dict[str, dict[str, Any]] = {}
    permissions: dict[str, dict[str, Any]] = {}
    for role in iam.get_paginator("list_roles").paginate().build_full_result()["Roles"]:
        trusts[role["Arn"]] = _document(role["AssumeRolePolicyDocument"])
        for name in iam.list_role_policies(RoleName=role["RoleName"])["PolicyNames"]:
            permissions[f"{role['Arn']} inline {name}"] = _document(iam.get_role_policy(RoleName=role["RoleName"], PolicyName=name)["PolicyDocument"])
    for policy in iam.get_paginator("list_policies").paginate(Scope="Local").build_full_result()["Policies"]:
        version = iam.get_policy_version(PolicyArn=policy["Arn"], VersionId=policy["DefaultVersionId"])
        permissions[policy["Arn"]] = _document(version["PolicyVersion"]["Document"])
    return trusts, permissions


@pytest.mark.engine
def test_applied_teams_are_least_privilege(applied: tuple[MotoServer, dict[str, dict[str, Any]]]) -> None:
    moto_server, teams = applied
    trusts, permissions = _account_documents(moto_server)
    spec = {team.name: team for team in load_spec(SPEC).teams}
    emrfs_teams = [team for team, outputs in teams.items() if outputs["emrfs_role_arns"]]
    assert len(emrfs_teams) >= 2, "the default spec must keep two teams with EMRFS roles for the isolation proof"

    # "*" only for the exceptions, in every customer-managed and inline policy in the account.
    problems = [problem for where, document in permissions.items() for problem in wildcard_problems(document, where)]
    assert problems == []

    # PassRole: only in the teams' PassRole policies, each on exactly its own team's created roles,
    # and in a service role's pass-cluster-roles, on exactly its own team's EC2 and scaling roles.
    passrole_policies = {outputs["passrole_policy_arn"]: team for team, outputs in teams.items() if outputs["passrole_policy_arn"]}
    assert len(passrole_policies) == sum(team.passrole_policy.create for team in spec.values())
    service_role_passes = {f"{outputs['service_role_arn']} inline pass-cluster-roles": outputs for outputs in teams.values()}
    # EMR Serverless job submitter policies: exactly their own team's job runtime roles, to emr-serverless only.
    serverless_submitters = {outputs["serverless_submitter_policy_arn"]: team for team, outputs in teams.items()
                             if outputs["serverless_submitter_policy_arn"]}
    assert len(serverless_submitters) == 2, "the default spec must keep two teams with EMR Serverless for the isolation proof"
    # EMR Studio users' policies: their own team's Studio service role, to EMR; the advanced tier also
    # their own team's EMR service role (to EMR) and role for EC2 (to EC2).
    studio_policies = {
        outputs["studio_session_policy_arns"][f"{spec[team].name_prefix.replace('{team}', team)}{session.name}"]: (team, session.tier)
        for team, outputs in teams.items() if spec[team].studio.create for session in spec[team].studio.session_policies
    }
    assert studio_policies, "the default spec must keep a team with EMR Studio"
    for where, document in permissions.items():
        grants, problems = passrole_grants(document, where)
        assert problems == []
        if where in studio_policies:
            team, tier = studio_policies[where]
            outputs = teams[team]
            expected_studio = {outputs["studio_service_role_arn"]: PASSED_TO["service_role"]}
            if tier == "advanced":
                expected_studio |= {outputs[f"{key}_arn"]: PASSED_TO[key] for key in ("service_role", "ec2_role")}
            assert grants == expected_studio, where
            continue
        if where in serverless_submitters:
            own = teams[serverless_submitters[where]]["serverless_role_arns"].values()
            assert grants == {arn: {facts.SERVICE_PRINCIPALS["emr-serverless"]["aws"]} for arn in own}, where
            continue
        if where in service_role_passes:
            outputs = service_role_passes[where]
            assert grants == {outputs[f"{key}_arn"]: PASSED_TO[key] for key in ("ec2_role", "autoscaling_role")}, where
            continue
        if where not in passrole_policies:
            assert grants == {}, f"{where} grants iam:PassRole"
            continue
        outputs = teams[passrole_policies[where]]
        expected = {outputs[f"{key}_arn"]: services for key, services in PASSED_TO.items() if outputs[f"{key}_arn"]}
        assert grants == expected, where

    # Every role trusts AWS services or a role of this account, never "*" or another account.
    for arn, trust in trusts.items():
        principals, problems = trusted_principals(trust)
        assert problems == [], arn
        # EMR on EKS roles trust their clusters' OIDC providers, in the account the team's spec names and no other.
        owner = next((team for team, outputs in teams.items() if arn in outputs["eks_role_arns"].values()), None)
        account_id = spec[owner].source_account_id if owner else None
        providers = {p for p in principals if account_id and p.startswith(f"Federated:arn:aws:iam::{account_id}:oidc-provider/")}
        strangers = {p for p in principals if not (p.startswith("Service:") or p in {f"AWS:{role}" for role in trusts})} - providers
        assert strangers == set(), arn

    # EMRFS: each role trusts exactly its own team's EC2 role; each EC2 role assumes exactly its own.
    for team, outputs in teams.items():
        own_ec2 = outputs["ec2_role_arn"]
        others = {other["ec2_role_arn"] for name, other in teams.items() if name != team}
        for emrfs_arn in outputs["emrfs_role_arns"].values():
            principals, problems = trusted_principals(trusts[emrfs_arn])
            assert problems == [] and principals == {f"AWS:{own_ec2}"}, emrfs_arn
            assert not any(other in json.dumps(trusts[emrfs_arn]) for other in others), emrfs_arn
        # Nothing else in the account trusts this team's EC2 role.
        trusting = {arn for arn, trust in trusts.items() if f"AWS:{own_ec2}" in trusted_principals(trust)[0]}
        assert trusting == set(outputs["emrfs_role_arns"].values()), team
        assumable = {
            resource
            for where, document in permissions.items()
            if where.startswith(f"{own_ec2} inline ")
            for statement in _statements(document)
            if "sts:AssumeRole" in _list(statement.get("Action"))
            for resource in _list(statement.get("Resource"))
        }
        assert assumable == set(outputs["emrfs_role_arns"].values()), team

    # The security configurations map users only to their own team's EMRFS roles, in spec order,
    # and carry the spec's encryption with the KMS ARNs in the account's partition.
    emr = moto_server.client("emr")
    for team, outputs in teams.items():
        if not outputs["security_configuration_name"]:
            continue
        decoded = json.loads(emr.describe_security_configuration(Name=outputs["security_configuration_name"])["SecurityConfiguration"])
        mappings = decoded.get("AuthorizationConfiguration", {}).get("EmrFsConfiguration", {}).get("RoleMappings", [])
        names = {arn: name for name, arn in outputs["emrfs_role_arns"].items()}
        prefix = spec[team].name_prefix.replace("{team}", team)
        assert [(names.get(m["Role"]), m["IdentifierType"], m["Identifiers"]) for m in mappings] == [
            (prefix + m.role, m.identifier_type, list(m.identifiers)) for m in spec[team].emrfs.mappings
        ]
        expected = policies.concrete(_spec_encryption(team), {"local.partition": "aws"})
        assert {key: value for key, value in decoded.items() if key != "AuthorizationConfiguration"} == expected, team
