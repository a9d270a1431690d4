"""Runtime roles for EMR steps, judged on what an apply really creates and by IAM's documented evaluation.

tests/specs/runtime-roles.yaml holds two teams in one account: `analytics` with a Lake Formation
governed and a plain runtime role, both taking the submitter's source identity, and `finance` with
a plain runtime role beside EMRFS role mappings. (S3 Access Grants cannot be applied to moto, which
refuses the region in `arn:aws:s3:<region>:<account>:access-grants/default`; its planned policy,
held by the plan inventory, is evaluated instead.) It is rendered, applied to a local
fake AWS (moto_server), planned again (no changes), read back with boto3 and destroyed. The
documents read back are evaluated with tests/iam_eval.py: each runtime role can be assumed by its
own team's EMR role for EC2 only (the trust policy of the role and the EC2 role's identity policies
must both allow it), a step submitter may use exactly their own team's runtime roles, and the
security configurations decode to the JSON of AWS's guides, field by field ("Runtime roles for
Amazon EMR steps", "Enable Lake Formation with Amazon EMR", EMR Management Guide).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from generator import facts
from tests import iam_eval
from tests.effective import Account, Deployment, account, applied_alone, apply_spec
from tests.engine import DESTROY, ROOT, opentofu
from tests.helpers import run_cli, write_spec
from tests.moto_server import ACCOUNT_ID, MotoServer

SPEC = ROOT / "tests" / "specs" / "runtime-roles.yaml"
REGION = "us-east-1"
CLUSTER = f"arn:aws:elasticmapreduce:{REGION}:{ACCOUNT_ID}:cluster/j-1K48XXXXXXHCB"
# Literal values of AWS's guides, not the generator's constants.
LAKE_FORMATION_TAG = {"aws:RequestTag/LakeFormationAuthorizedCaller": "Amazon EMR"}
SECURITY_CONFIGURATION_ANALYTICS = {
    "AuthorizationConfiguration": {
        "IAMConfiguration": {
            "EnableApplicationScopedIAMRole": True,
            "ApplicationScopedIAMRoleConfiguration": {"PropagateSourceIdentity": True},
        },
        "LakeFormationConfiguration": {"AuthorizedSessionTagValue": "Amazon EMR"},
    }
}
EMRFS_SITE = [
    {
        "Classification": "emrfs-site",
        "Properties": {"fs.s3.s3AccessGrants.enabled": "true", "fs.s3.s3AccessGrants.fallbackToIAM": "false"},
    }
]


def _list(value: Any) -> list[Any]:
    if value is None:
        return []
    return [value] if isinstance(value, (str, dict)) else list(value)


def trust_allows(trust: dict[str, Any], principal: str, action: str, context: dict[str, Any] | None = None) -> bool:
    """Whether a role's trust policy lets the role `principal` call `action` on it (statements naming it by ARN)."""
    statements = []
    for statement in _list(trust.get("Statement")):
        principals = statement.get("Principal") or {}
        assert set(principals) <= {"AWS", "Service"} and "NotPrincipal" not in statement, statement
        if principal in _list(principals.get("AWS")):
            statements.append({key: value for key, value in statement.items() if key != "Principal"})
    return iam_eval.allows([{"Statement": statements}], action, "*", context)


def may(found: Account, caller: str, action: str, role: str, context: dict[str, Any] | None = None) -> bool:
    """Same-account role to role: the caller's identity policies and the target's trust policy must both allow."""
    identity = found.roles[caller].policies.values()
    return iam_eval.allows(identity, action, role, context) and trust_allows(found.roles[role].trust, caller, action, context)


@pytest.fixture
def applied(moto: MotoServer, tmp_path: Path) -> tuple[MotoServer, Path, dict[str, dict[str, Any]]]:
    workdir = tmp_path / "root"
    workdir.mkdir()
    return moto, workdir, apply_spec(Deployment(SPEC, REGION), workdir, moto)


@pytest.fixture(scope="module")
def deployed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[MotoServer, Path, dict[str, dict[str, Any]]]]:
    """One apply for the tests that only read what it made (the first test applies again: it destroys)."""
    with applied_alone(tmp_path_factory.mktemp("runtime-roles"), Deployment(SPEC, REGION)) as found:
        yield found


@pytest.mark.engine
def test_apply_plans_no_change_again_reads_back_and_destroys(applied: tuple[MotoServer, Path, dict[str, dict[str, Any]]]) -> None:
    moto, workdir, teams = applied
    engine = opentofu()
    engine.plans_no_change(workdir)

    emr = moto.client("emr", REGION)

    def configuration(team: str) -> dict[str, Any]:
        decoded: dict[str, Any] = json.loads(
            emr.describe_security_configuration(Name=teams[team]["security_configuration_name"])["SecurityConfiguration"]
        )
        return decoded

    # One security configuration per team, the runtime roles' settings merged into it.
    assert teams["analytics"]["security_configuration_name"] == "analytics-emrfs"
    assert configuration("analytics") == SECURITY_CONFIGURATION_ANALYTICS
    ledger = teams["finance"]["emrfs_role_arns"]["finance-emrfs-ledger"]
    assert configuration("finance") == {
        "AuthorizationConfiguration": {
            "EmrFsConfiguration": {"RoleMappings": [{"Role": ledger, "IdentifierType": "Group", "Identifiers": ["accountants"]}]},
            "IAMConfiguration": {"EnableApplicationScopedIAMRole": True},
        }
    }
    # No role uses S3 Access Grants: no cluster classification.
    assert teams["analytics"]["configurations_json"] is None and teams["finance"]["configurations_json"] is None
    assert sorted(teams["analytics"]["runtime_role_arns"]) == ["analytics-adhoc", "analytics-etl"]
    assert teams["finance"]["runtime_role_arns"] == {"finance-reports": f"arn:aws:iam::{ACCOUNT_ID}:role/emr/finance-reports"}

    iam = moto.client("iam", REGION)
    inline = {name: set(iam.list_role_policies(RoleName=name)["PolicyNames"]) for name in ("analytics-etl", "analytics-adhoc", "finance-reports")}
    assert inline == {
        "analytics-etl": {"s3-access", "lake-formation"},
        "analytics-adhoc": set(),
        "finance-reports": {"s3-access"},
    }
    attached = [policy["PolicyArn"] for policy in iam.list_attached_role_policies(RoleName="analytics-adhoc")["AttachedPolicies"]]
    assert attached == ["arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"]
    ec2_inline = set(iam.list_role_policies(RoleName="finance-EMR_EC2_DefaultRole")["PolicyNames"])
    assert ec2_inline == {"emrfs-assume-roles", "emr-runtime-roles-assume"}

    engine.run(*DESTROY, cwd=workdir)
    assert [role["RoleName"] for role in iam.list_roles()["Roles"]] == []
    assert iam.list_policies(Scope="Local")["Policies"] == []
    for team in teams.values():
        with pytest.raises(emr.exceptions.InvalidRequestException):
            emr.describe_security_configuration(Name=team["security_configuration_name"])


@pytest.mark.engine
def test_each_runtime_role_is_assumable_by_its_own_teams_ec2_role_only(deployed: tuple[MotoServer, Path, dict[str, dict[str, Any]]]) -> None:
    moto, _, teams = deployed
    found = account(moto, REGION)
    spec_roles = {f"{team}-{role['name']}": role for team, roles in _spec_runtime_roles().items() for role in roles}
    runtime = {arn: team for team, outputs in teams.items() for arn in outputs["runtime_role_arns"].values()}
    assert len(runtime) == 3 and {arn.rsplit("/", 1)[1] for arn in runtime} == set(spec_roles)
    checked = 0
    for team, outputs in teams.items():
        ec2 = outputs["ec2_role_arn"]
        for role, owner in runtime.items():
            settings = spec_roles[role.rsplit("/", 1)[1]]
            own = owner == team
            tag = LAKE_FORMATION_TAG if settings.get("lake_formation") else None
            assert may(found, ec2, "sts:AssumeRole", role) is own, (team, role)
            assert may(found, ec2, "sts:TagSession", role, tag) is own, (team, role)
            assert may(found, ec2, "sts:SetSourceIdentity", role) is (own and bool(settings.get("propagate_source_identity"))), (team, role)
            checked += 3
        # Lake Formation: the session may be tagged only with EMR's own tag value.
        etl = teams["analytics"]["runtime_role_arns"]["analytics-etl"]
        assert not may(found, ec2, "sts:TagSession", etl, {"aws:RequestTag/LakeFormationAuthorizedCaller": "someone else"})
        assert not may(found, ec2, "sts:TagSession", etl)
        # The EC2 role assumes exactly its own team's EMRFS and runtime roles, nothing else in the account.
        assumable = {arn for arn in found.roles if iam_eval.allows(found.roles[ec2].policies.values(), "sts:AssumeRole", arn)}
        assert assumable == set(outputs["runtime_role_arns"].values()) | set(outputs["emrfs_role_arns"].values()), team
    assert checked == 18
    # No role of the account trusts anything but its own team's EC2 role (runtime roles) or a service.
    for role, owner in runtime.items():
        principals = {value for statement in found.roles[role].trust["Statement"] for value in _list(statement["Principal"].get("AWS"))}
        assert principals == {teams[owner]["ec2_role_arn"]}, role


def tagged(team: str) -> dict[str, str]:
    """The request context of a resource, and of a request, that carry the team tag (the spec's default key,
    the team's name): IAM gives an EMR resource's tags under the global and EMR's own keys."""
    return {f"{prefix}:{kind}/emr-iam:team": team for prefix in ("aws", "elasticmapreduce") for kind in ("ResourceTag", "RequestTag")}


@pytest.mark.engine
def test_step_submitters_use_exactly_their_teams_runtime_roles(deployed: tuple[MotoServer, Path, dict[str, dict[str, Any]]]) -> None:
    moto, _, teams = deployed
    found = account(moto, REGION)
    iam = moto.client("iam", REGION)
    analytics, finance = teams["analytics"], teams["finance"]
    assert analytics["step_submitter_policy_name"] == "analytics-EMR_RuntimeRoleSteps"
    # Attached where the spec says, and only there.
    assert found.group_policies["analytics-step-submitters"].keys() == {analytics["step_submitter_policy_arn"]}
    carol = [policy["PolicyArn"] for policy in iam.list_attached_user_policies(UserName="carol")["AttachedPolicies"]]
    assert carol == [finance["step_submitter_policy_arn"]]
    for team, other in (("analytics", "finance"), ("finance", "analytics")):
        document = [found.customer_managed[teams[team]["step_submitter_policy_arn"]]]
        own, foreign = teams[team]["runtime_role_arns"].values(), teams[other]["runtime_role_arns"].values()
        for action in ("elasticmapreduce:AddJobFlowSteps", "elasticmapreduce:GetClusterSessionCredentials"):
            for role in own:
                assert iam_eval.allows(document, action, CLUSTER, {**tagged(team), "elasticmapreduce:ExecutionRoleArn": role}), (team, action)
                # The team's clusters only: not another team's, not an untagged one (no cluster ARNs listed).
                assert not iam_eval.allows(document, action, CLUSTER, {**tagged(other), "elasticmapreduce:ExecutionRoleArn": role})
                assert not iam_eval.allows(document, action, CLUSTER, {"elasticmapreduce:ExecutionRoleArn": role}), (team, action)
            for role in [*foreign, *teams[team]["emrfs_role_arns"].values(), teams[team]["ec2_role_arn"]]:
                assert not iam_eval.allows(document, action, CLUSTER, {**tagged(team), "elasticmapreduce:ExecutionRoleArn": role}), (team, role)
            # A step without a runtime role, and another account's cluster, are not allowed either.
            assert not iam_eval.allows(document, action, CLUSTER, tagged(team))
            assert not iam_eval.allows(document, action, CLUSTER.replace(ACCOUNT_ID, "210987654321"),
                                       {**tagged(team), "elasticmapreduce:ExecutionRoleArn": next(iter(own))})
        for role in own:
            assert iam_eval.allows(document, "iam:PassRole", role, {"iam:PassedToService": "elasticmapreduce.amazonaws.com"})
            assert not iam_eval.allows(document, "iam:PassRole", role, {"iam:PassedToService": "ec2.amazonaws.com"})
        for role in foreign:
            assert not iam_eval.allows(document, "iam:PassRole", role, {"iam:PassedToService": "elasticmapreduce.amazonaws.com"})


@pytest.mark.engine
def test_lake_formation_reaches_exactly_the_account_catalog(deployed: tuple[MotoServer, Path, dict[str, dict[str, Any]]]) -> None:
    moto, _, teams = deployed
    found = account(moto, REGION)
    roles = {name: found.roles[arn].policies.values() for team in teams.values() for name, arn in team["runtime_role_arns"].items()}
    table = f"arn:aws:glue:{REGION}:{ACCOUNT_ID}:table/sales/orders"
    for name, documents in roles.items():
        governed = name == "analytics-etl"
        assert iam_eval.allows(documents, "lakeformation:GetDataAccess", "*") is governed, name
        assert iam_eval.allows(documents, "glue:GetTable", table) is governed, name
        assert iam_eval.allows(documents, "glue:GetPartitions", table) is governed, name
        # Reads only, and only this account's catalog.
        assert not iam_eval.allows(documents, "glue:DeleteTable", table), name
        assert not iam_eval.allows(documents, "glue:GetTable", table.replace(ACCOUNT_ID, "210987654321")), name
    # The one "*" is an action IAM only evaluates on "*" (facts.WILDCARD_RESOURCE_ACTIONS says why).
    lake_formation = found.roles[teams["analytics"]["runtime_role_arns"]["analytics-etl"]].policies["inline lake-formation"]
    stars = [statement for statement in lake_formation["Statement"] if "*" in _list(statement["Resource"])]
    assert [_list(statement["Action"]) for statement in stars] == [["lakeformation:GetDataAccess"]]
    assert set(facts.LAKE_FORMATION_ACTIONS) <= set(facts.WILDCARD_RESOURCE_ACTIONS)


INVENTORIES = ROOT / "tests" / "plan" / "modules" / "emr-runtime-roles"


# The partition-aws and partition-aws-us-gov cases have no inventory of their own: test_plans holds them to their
# partition-aws-cn twin, partition for partition (tests/plan/README.md).
@pytest.mark.parametrize("case", ["s3-access-grants", "partition-aws-cn"])
def test_planned_access_grants_reach_exactly_the_default_instance(case: str) -> None:
    """The planned policy (the inventory test_plans holds the real plan to) asks only the account's default instance."""
    import yaml

    inventory = yaml.safe_load((INVENTORIES / f"{case}.yaml").read_text(encoding="utf-8"))
    (address, values), = [(a, v) for a, v in inventory["values"].items() if a.startswith("aws_iam_role_policy.s3_access_grants[")]
    region = "us-east-1" if case == "s3-access-grants" else facts.PARTITION_SAMPLE_REGIONS[case.removeprefix("partition-")]
    partition = "aws" if case == "s3-access-grants" else case.removeprefix("partition-")
    grants = f"arn:{partition}:s3:{region}:{ACCOUNT_ID}:access-grants/default"
    documents = [values["policy"]]
    for action in ("s3:GetDataAccess", "s3:GetAccessGrantsInstanceForPrefix"):
        assert iam_eval.allows(documents, action, grants), address
        assert not iam_eval.allows(documents, action, grants.replace(ACCOUNT_ID, "210987654321")), address
        assert not iam_eval.allows(documents, action, grants.replace(region, "eu-west-1")), address
        assert not iam_eval.allows(documents, action, grants.replace("/default", "/other")), address
    assert not iam_eval.allows(documents, "s3:GetObject", f"arn:{partition}:s3:::analytics-lake/x"), address
    classification = json.loads(json.dumps(inventory["outputs"]["configurations_json"]))
    fallback = "true" if case == "s3-access-grants" else "false"
    assert classification == [{**EMRFS_SITE[0], "Properties": {**EMRFS_SITE[0]["Properties"], "fs.s3.s3AccessGrants.fallbackToIAM": fallback}}]


def _spec_runtime_roles() -> dict[str, list[dict[str, Any]]]:
    import yaml

    data = yaml.safe_load(SPEC.read_text(encoding="utf-8"))
    return {team["name"]: team.get("runtime_roles", []) for team in data["teams"]}


# --- generation-time checks -----------------------------------------------------------------------

BASE = {"version": 1, "defaults": {"name_prefix": "{team}-"}}


def _team(**settings: Any) -> dict[str, Any]:
    return {**BASE, "teams": [{"name": "analytics", **settings}]}


@pytest.mark.parametrize(
    ("document", "field", "message"),
    [
        (_team(runtime_roles=[{"name": "etl"}, {"name": "etl"}]), "teams[0].runtime_roles[1].name", "'etl' is listed twice"),
        (_team(runtime_roles=[{"name": "etl"}], emrfs={"create": False}), "teams[0].emrfs.create", "runtime roles need the team's security configuration"),
        (_team(runtime_roles=[{"name": "etl"}], ec2_role={"create": False}), "teams[0].runtime_roles", "trust the team's EMR role for EC2"),
        (
            _team(runtime_roles=[{"name": "etl", "lake_formation": True}],
                  emrfs={"roles": [{"name": "raw"}], "mappings": [{"role": "raw", "identifier_type": "User", "identifiers": ["bob"]}]}),
            "teams[0].runtime_roles[0].lake_formation",
            "Lake Formation and EMRFS role mappings cannot share",
        ),
        (
            _team(runtime_roles=[{"name": "a", "propagate_source_identity": True}, {"name": "b"}]),
            "teams[0].runtime_roles[1].propagate_source_identity",
            "for every runtime role of the team or for none",
        ),
        (_team(runtime_roles=[{"name": "raw"}], emrfs={"roles": [{"name": "raw"}]}), "teams[0].runtime_roles[0].name", "'analytics-raw' is already used"),
        (
            _team(runtime_roles=[{"name": "etl", "lake_formation": True, "inline_policies": {"lake-formation": {"Statement": [
                {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}]}}}]),
            "teams[0].runtime_roles[0].inline_policies.lake-formation",
            "is the one the module gives its own policy",
        ),
        (_team(runtime_roles=[{"name": "x" * 60}]), "teams[0].runtime_roles[0].name", "over the IAM limit of 64"),
        # The EC2 role's permission to assume them grows with every role (and twice with source identity).
        (
            # Without the step submitter policy, which would be over its own limit first.
            _team(runtime_roles=[{"name": f"runtime-role-with-a-rather-long-name-{i:03d}", "propagate_source_identity": True} for i in range(80)],
                  step_submitter_policy={"create": False}),
            "teams[0].ec2_role",
            "size of the role's inline policies in characters is",
        ),
        # The step submitter policy names every role twice (ExecutionRoleArn and PassRole).
        (
            _team(runtime_roles=[{"name": f"runtime-role-with-a-rather-long-name-{i:03d}"} for i in range(40)]),
            "teams[0].runtime_roles",
            "size of the step submitter policy in characters is",
        ),
        (
            _team(runtime_roles=[{"name": "etl"}], step_submitter_policy={"name": "p" * 125}),
            "teams[0].step_submitter_policy.name",
            "over the IAM limit of 128",
        ),
    ],
    ids=["duplicate", "no-security-configuration", "no-ec2-role", "lake-formation-and-mappings", "mixed-source-identity",
         "clashes-with-emrfs-role", "reserved-inline-name", "name-length", "ec2-assume-policy-size", "submitter-policy-size",
         "submitter-name-length"],
)
def test_runtime_role_errors_are_one_line_naming_the_field(
    document: dict[str, Any], field: str, message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = write_spec(tmp_path, json.dumps(document))
    code, _, stderr = run_cli(capsys, "validate", "--spec", str(spec))
    assert code == 2 and len(stderr.splitlines()) == 1, stderr
    assert f": {field}: " in stderr and message in stderr, stderr


def test_runtime_roles_merge_from_defaults_and_are_replaced_as_a_list(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from generator.spec import load_spec

    document = {
        "version": 1,
        "defaults": {"runtime_roles": [{"name": "steps"}], "step_submitter_policy": {"attach_to_groups": ["submitters"]}},
        "teams": [{"name": "a", "name_prefix": "a-"}, {"name": "b", "name_prefix": "b-", "runtime_roles": [{"name": "etl", "lake_formation": True}],
                                                     "step_submitter_policy": {"name": "b-steps"}}],
    }
    spec = load_spec(write_spec(tmp_path, json.dumps(document)))
    a, b = spec.teams
    assert [role.name for role in a.runtime_roles] == ["steps"] and [role.name for role in b.runtime_roles] == ["etl"]
    assert b.runtime_roles[0].lake_formation and not b.runtime_roles[0].s3_access_grants
    # Mappings merge key by key: b keeps the groups from defaults and sets its own name.
    assert b.step_submitter_policy.attach_to_groups == ["submitters"] and b.step_submitter_policy.name == "b-steps"
