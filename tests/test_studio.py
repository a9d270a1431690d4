"""EMR Studio roles, judged on what an apply really creates and by IAM's documented evaluation.

tests/specs/studio.yaml holds two teams in one account: `analytics` in IAM Identity Center mode with
a session policy of each tier, `finance` in IAM authentication mode. It is rendered, applied to a
local fake AWS (moto_server), planned again (no changes), read back with boto3 and destroyed. The
documents read back are evaluated with tests/iam_eval.py against what AWS's guides say, written
here as requests and the answers AWS documents, not as the generator's constants:

- "Create an EMR Studio service role" (EMR Management Guide, emr-studio-service-role.html): the
  trust (elasticmapreduce, aws:SourceAccount, aws:SourceArn arn:aws:elasticmapreduce:<region>:<account>:*),
  the network actions only on resources tagged for-use-with-amazon-emr-managed-policies=true,
  ModifyNetworkInterfaceAttribute without a tag, Git secrets only when tagged, and the Workspace
  bucket's S3 and KMS actions.
- "Configure EMR Studio user permissions" (emr-studio-user-permissions.html): the user role's trust
  (sts:AssumeRole and sts:SetContext), the basic, intermediate and advanced example policies (what
  each tier adds), PassRole of the Studio service role, CreateStudioPresignedUrl in IAM mode
  ("Assign a user or group to an EMR Studio", emr-studio-manage-users.html).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from generator import policies
from generator.spec import load_spec
from tests import iam_eval
from tests.effective import Deployment, account, applied_alone
from tests.engine import ROOT, opentofu
from tests.helpers import run_cli, write_spec
from tests.moto_server import ACCOUNT_ID

SPEC = ROOT / "tests" / "specs" / "studio.yaml"
REGION = "us-east-1"
OTHER_ACCOUNT = "210987654321"
# Literal values of AWS's guides, not the generator's constants.
EMR = "elasticmapreduce.amazonaws.com"
TAG = "for-use-with-amazon-emr-managed-policies"
TAGGED = {f"aws:ResourceTag/{TAG}": "true"}
REQUESTED = {f"aws:RequestTag/{TAG}": "true"}
KEY = f"arn:aws:kms:us-east-1:{ACCOUNT_ID}:key/8c1d2e3f-4a5b-4c6d-9e7f-0a1b2c3d4e5f"
FINANCE_STUDIO = "es-FINANCE0123456789ABCDEFGH"
# The team tag (the spec's default key, the team's name): on the team's clusters, Workspaces and virtual
# clusters, and in the request that creates one.
TEAM_TAG_KEY = "emr-iam:team"


def team_tags(team: str) -> dict[str, str]:
    """IAM gives an EMR resource's tags under the global and EMR's own key (Service Authorization Reference)."""
    return {f"{prefix}:{kind}/{TEAM_TAG_KEY}": team for prefix in ("aws", "elasticmapreduce") for kind in ("ResourceTag", "RequestTag")}


OTHER_TEAM = {"analytics": "finance", "finance": "analytics"}


def ec2(resource: str, account_id: str = ACCOUNT_ID) -> str:
    return f"arn:aws:ec2:{REGION}:{account_id}:{resource}"


def emr(resource: str, account_id: str = ACCOUNT_ID) -> str:
    return f"arn:aws:elasticmapreduce:{REGION}:{account_id}:{resource}"


def _list(value: Any) -> list[Any]:
    if value is None:
        return []
    return [value] if isinstance(value, (str, dict)) else list(value)


def may_assume(trust: dict[str, Any], service: str, action: str, context: dict[str, str]) -> bool:
    statements = []
    for statement in _list(trust.get("Statement")):
        principals = statement.get("Principal") or {}
        assert set(principals) == {"Service"} and "NotPrincipal" not in statement, statement
        if service in _list(principals.get("Service")):
            statements.append({key: value for key, value in statement.items() if key != "Principal"})
    return iam_eval.allows([{"Statement": statements}], action, "*", context)


@pytest.fixture(scope="module")
def applied(tmp_path_factory: pytest.TempPathFactory) -> Any:
    with applied_alone(tmp_path_factory.mktemp("studio"), Deployment(SPEC, REGION)) as (moto, workdir, teams):
        yield moto, workdir, teams, account(moto, REGION)


@pytest.mark.engine
def test_apply_plans_no_change_again_and_reads_back(applied: Any) -> None:
    moto, workdir, teams, _ = applied
    opentofu().plans_no_change(workdir)

    analytics, finance = teams["analytics"], teams["finance"]
    assert analytics["studio_service_role_arn"] == f"arn:aws:iam::{ACCOUNT_ID}:role/emr/analytics-EMRStudio_Service_Role"
    assert analytics["studio_user_role_arn"] == f"arn:aws:iam::{ACCOUNT_ID}:role/emr/analytics-EMRStudio_User_Role"
    assert sorted(analytics["studio_session_policy_arns"]) == ["analytics-studio-advanced", "analytics-studio-basic", "analytics-studio-intermediate"]
    # IAM authentication mode has no user role.
    assert finance["studio_user_role_arn"] is None and finance["studio_user_role_name"] is None

    iam = moto.client("iam", REGION)
    # AWS: attach every session policy to the user role before assigning users and groups.
    attached = {p["PolicyArn"] for p in iam.list_attached_role_policies(RoleName="analytics-EMRStudio_User_Role")["AttachedPolicies"]}
    assert attached == set(analytics["studio_session_policy_arns"].values())
    assert iam.list_role_policies(RoleName="analytics-EMRStudio_Service_Role")["PolicyNames"] == ["emr-studio-service"]
    # IAM mode: each policy on the identities the spec names, and nowhere else.
    basic, advanced = finance["studio_session_policy_arns"]["finance-studio-basic"], finance["studio_session_policy_arns"]["finance-studio-advanced"]
    assert [p["PolicyArn"] for p in iam.list_attached_group_policies(GroupName="finance-notebook-users")["AttachedPolicies"]] == [basic]
    assert [p["PolicyArn"] for p in iam.list_attached_user_policies(UserName="carol")["AttachedPolicies"]] == [basic]
    assert [p["PolicyArn"] for p in iam.list_attached_role_policies(RoleName="finance-studio-admins")["AttachedPolicies"]] == [advanced]
    service_attached = [p["PolicyArn"] for p in iam.list_attached_role_policies(RoleName="finance-EMRStudio_Service_Role")["AttachedPolicies"]]
    assert service_attached == ["arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"]


@pytest.mark.engine
def test_service_role_trusts_emr_for_its_own_account_only(applied: Any) -> None:
    _, _, teams, found = applied
    for team in ("analytics", "finance"):
        trust = found.roles[teams[team]["studio_service_role_arn"]].trust
        own = {"aws:SourceAccount": ACCOUNT_ID, "aws:SourceArn": emr("studio/es-ANY0123456789")}
        assert may_assume(trust, EMR, "sts:AssumeRole", own), team
        assert not may_assume(trust, EMR, "sts:AssumeRole", {"aws:SourceAccount": OTHER_ACCOUNT,
                                                             "aws:SourceArn": emr("studio/es-ANY0123456789", OTHER_ACCOUNT)}), team
        # Without the confused-deputy context (a request not made for this account's EMR): refused.
        assert not may_assume(trust, EMR, "sts:AssumeRole", {}), team
        assert not may_assume(trust, "ec2.amazonaws.com", "sts:AssumeRole", own), team
        assert not may_assume(trust, EMR, "sts:SetContext", own), team


@pytest.mark.engine
def test_user_role_trusts_emr_to_assume_it_and_set_the_context(applied: Any) -> None:
    _, _, teams, found = applied
    trust = found.roles[teams["analytics"]["studio_user_role_arn"]].trust
    for action in ("sts:AssumeRole", "sts:SetContext"):
        assert may_assume(trust, EMR, action, {}), action
    assert not may_assume(trust, EMR, "sts:TagSession", {})
    assert not may_assume(trust, "ec2.amazonaws.com", "sts:AssumeRole", {})


def _service_documents(found: Any, role_arn: str) -> list[dict[str, Any]]:
    return list(found.roles[role_arn].policies.values())


# What AWS's example service role policy allows, as requests: (action, resource, context).
SERVICE_ALLOWS = [
    ("elasticmapreduce:DescribeCluster", emr("cluster/j-ABC"), {}),
    ("elasticmapreduce:ListInstances", emr("cluster/j-ABC"), {}),
    ("elasticmapreduce:ListSteps", emr("cluster/j-ABC"), {}),
    ("ec2:CreateNetworkInterfacePermission", ec2("network-interface/eni-1"), TAGGED),
    ("ec2:DeleteNetworkInterface", ec2("network-interface/eni-1"), TAGGED),
    ("ec2:ModifyNetworkInterfaceAttribute", ec2("instance/i-1"), {}),
    ("ec2:ModifyNetworkInterfaceAttribute", ec2("network-interface/eni-1"), {}),
    ("ec2:ModifyNetworkInterfaceAttribute", ec2("security-group/sg-1"), {}),
    ("ec2:AuthorizeSecurityGroupEgress", ec2("security-group/sg-1"), TAGGED),
    ("ec2:AuthorizeSecurityGroupIngress", ec2("security-group/sg-1"), TAGGED),
    ("ec2:RevokeSecurityGroupEgress", ec2("security-group/sg-1"), TAGGED),
    ("ec2:RevokeSecurityGroupIngress", ec2("security-group/sg-1"), TAGGED),
    ("ec2:DeleteNetworkInterfacePermission", ec2("network-interface/eni-1"), TAGGED),
    ("ec2:CreateSecurityGroup", ec2("security-group/sg-1"), REQUESTED),
    ("ec2:CreateSecurityGroup", ec2("vpc/vpc-1"), TAGGED),
    ("ec2:CreateTags", ec2("security-group/sg-1"), {**REQUESTED, "ec2:CreateAction": "CreateSecurityGroup"}),
    ("ec2:CreateNetworkInterface", ec2("network-interface/eni-1"), REQUESTED),
    ("ec2:CreateNetworkInterface", ec2("subnet/subnet-1"), TAGGED),
    ("ec2:CreateNetworkInterface", ec2("security-group/sg-1"), TAGGED),
    ("ec2:CreateTags", ec2("network-interface/eni-1"), {"ec2:CreateAction": "CreateNetworkInterface"}),
    *((f"ec2:Describe{what}", "*", {}) for what in ("SecurityGroups", "NetworkInterfaces", "Tags", "Instances", "Subnets", "Vpcs")),
]
# What it refuses: the same actions on untagged resources or without the create action, others' accounts.
SERVICE_REFUSES = [
    ("ec2:DeleteNetworkInterface", ec2("network-interface/eni-1"), {}),
    ("ec2:AuthorizeSecurityGroupIngress", ec2("security-group/sg-1"), {}),
    ("ec2:CreateSecurityGroup", ec2("vpc/vpc-1"), {}),
    ("ec2:CreateNetworkInterface", ec2("subnet/subnet-1"), {}),
    ("ec2:CreateTags", ec2("security-group/sg-1"), REQUESTED),
    ("ec2:CreateTags", ec2("instance/i-1"), {"ec2:CreateAction": "CreateNetworkInterface"}),
    ("ec2:DeleteNetworkInterface", ec2("network-interface/eni-1", OTHER_ACCOUNT), TAGGED),
    ("elasticmapreduce:DescribeCluster", emr("cluster/j-ABC", OTHER_ACCOUNT), {}),
    ("ec2:TerminateInstances", ec2("instance/i-1"), TAGGED),
    ("elasticmapreduce:RunJobFlow", "*", {}),
    ("iam:PassRole", f"arn:aws:iam::{ACCOUNT_ID}:role/emr/analytics-EMR_DefaultRole", {"iam:PassedToService": EMR}),
]


@pytest.mark.engine
def test_service_role_allows_what_aws_documents_on_tagged_resources_and_its_workspaces_only(applied: Any) -> None:
    _, _, teams, found = applied
    analytics = _service_documents(found, teams["analytics"]["studio_service_role_arn"])
    finance = _service_documents(found, teams["finance"]["studio_service_role_arn"])
    for documents, team in ((analytics, "analytics"), (finance, "finance")):
        for action, resource, context in SERVICE_ALLOWS:
            assert iam_eval.allows(documents, action, resource, {**team_tags(team), **context}), (team, action, resource, context)
        for action, resource, context in SERVICE_REFUSES:
            assert not iam_eval.allows(documents, action, resource, {**team_tags(team), **context}), (team, action, resource, context)
        # The team's clusters only: another team's, or an untagged one, are refused.
        for action in ("elasticmapreduce:DescribeCluster", "elasticmapreduce:ListInstances", "elasticmapreduce:ListSteps"):
            assert not iam_eval.allows(documents, action, emr("cluster/j-ABC"), team_tags(OTHER_TEAM[team])), (team, action)
            assert not iam_eval.allows(documents, action, emr("cluster/j-ABC"), {}), (team, action)
    # Workspace collaboration (analytics only): the service role looks up the account's IAM users and
    # roles and IAM Identity Center's users, as AWS's AllowWorkspaceCollaboration statement has it.
    lookups = [("iam:GetUser", f"arn:aws:iam::{ACCOUNT_ID}:user/alice"), ("iam:GetRole", f"arn:aws:iam::{ACCOUNT_ID}:role/analyst"),
               ("iam:ListUsers", "*"), ("iam:ListRoles", "*"), ("sso-directory:SearchUsers", "*"),
               ("sso:GetManagedApplicationInstance", "*")]
    for action, resource in lookups:
        assert iam_eval.allows(analytics, action, resource), action
        assert not iam_eval.allows(finance, action, resource), action
    assert not iam_eval.allows(analytics, "iam:GetUser", f"arn:aws:iam::{OTHER_ACCOUNT}:user/alice")
    assert not iam_eval.allows(analytics, "iam:GetUser", f"arn:aws-cn:iam::{ACCOUNT_ID}:user/alice")
    secret = f"arn:aws:secretsmanager:{REGION}:{ACCOUNT_ID}:secret:emr-studio-git-AbCdEf"
    assert iam_eval.allows(analytics, "secretsmanager:GetSecretValue", secret, TAGGED)
    assert not iam_eval.allows(analytics, "secretsmanager:GetSecretValue", secret, {})
    # git_secrets: false
    assert not iam_eval.allows(finance, "secretsmanager:GetSecretValue", secret, TAGGED)
    # Workspaces: read and write under the prefix of the team's own bucket, nothing in other buckets.
    for action in ("s3:PutObject", "s3:GetObject", "s3:DeleteObject"):
        assert iam_eval.allows(analytics, action, "arn:aws:s3:::analytics-studio/workspaces/e-1/notebook.ipynb"), action
        assert not iam_eval.allows(analytics, action, "arn:aws:s3:::analytics-studio/other/notebook.ipynb"), action
        assert not iam_eval.allows(analytics, action, "arn:aws:s3:::finance-studio/e-1/notebook.ipynb"), action
        assert iam_eval.allows(finance, action, "arn:aws:s3:::finance-studio/e-1/notebook.ipynb"), action
    for action in ("s3:ListBucket", "s3:GetEncryptionConfiguration"):
        assert iam_eval.allows(analytics, action, "arn:aws:s3:::analytics-studio"), action
        assert not iam_eval.allows(analytics, action, "arn:aws:s3:::finance-studio"), action
    # An encrypted bucket's key: analytics names one, finance none.
    for action in ("kms:Decrypt", "kms:GenerateDataKey", "kms:ReEncryptFrom", "kms:ReEncryptTo", "kms:DescribeKey"):
        assert iam_eval.allows(analytics, action, KEY), action
        assert not iam_eval.allows(analytics, action, KEY.replace("8c1d", "9c1d")), action
        assert not iam_eval.allows(finance, action, KEY), action


# Requests each tier of AWS's example user policies allows; each tier allows those of the tiers below.
BASIC = [
    ("elasticmapreduce:CreateEditor", "*", {}),
    ("elasticmapreduce:ListEditors", "*", {}),
    ("elasticmapreduce:StartEditor", emr("editor/e-1"), {}),
    ("elasticmapreduce:AttachEditor", emr("editor/e-1"), {}),
    ("elasticmapreduce:DeleteEditor", emr("editor/e-1"), {}),
    ("elasticmapreduce:LinkRepository", "*", {}),
    ("elasticmapreduce:DescribeCluster", emr("cluster/j-1"), {}),
    ("elasticmapreduce:ListClusters", "*", {}),
    ("elasticmapreduce:GetPersistentAppUIPresignedURL", emr("cluster/j-1"), {}),
    ("emr-containers:DescribeVirtualCluster", f"arn:aws:emr-containers:{REGION}:{ACCOUNT_ID}:/virtualclusters/vc1", {}),
    ("emr-containers:DescribeJobRun", f"arn:aws:emr-containers:{REGION}:{ACCOUNT_ID}:/virtualclusters/vc1/jobruns/jr1", {}),
    ("secretsmanager:ListSecrets", "*", {}),
    ("secretsmanager:CreateSecret", f"arn:aws:secretsmanager:{REGION}:{ACCOUNT_ID}:secret:emr-studio-git-AbCdEf", REQUESTED),
    ("secretsmanager:TagResource", f"arn:aws:secretsmanager:{REGION}:{ACCOUNT_ID}:secret:emr-studio-git-AbCdEf", {}),
    ("s3:ListAllMyBuckets", "*", {}),
    ("s3:GetObject", f"arn:aws:s3:::aws-logs-{ACCOUNT_ID}-{REGION}/elasticmapreduce/j-1/steps/s-1/stderr.gz", {}),
]
INTERMEDIATE = [
    ("servicecatalog:SearchProducts", "*", {}),
    ("servicecatalog:ProvisionProduct", f"arn:aws:catalog:{REGION}:{ACCOUNT_ID}:product/prod-1", {}),
    ("cloudformation:DescribeStackResources", f"arn:aws:cloudformation:{REGION}:{ACCOUNT_ID}:stack/SC-1/abc", {}),
]
ADVANCED = [("elasticmapreduce:RunJobFlow", "*", {})]
# The requests above that need the team tag (on the resource, or in the request that creates one).
TEAM_SCOPED = {
    "elasticmapreduce:CreateEditor", "elasticmapreduce:StartEditor", "elasticmapreduce:AttachEditor", "elasticmapreduce:DeleteEditor",
    "elasticmapreduce:DescribeCluster", "elasticmapreduce:GetPersistentAppUIPresignedURL", "emr-containers:DescribeVirtualCluster",
    "emr-containers:DescribeJobRun", "elasticmapreduce:RunJobFlow",
}
# Workspace collaboration (emr-studio-workspace-collaboration.html): on a Workspace whose
# creatorUserId tag is the caller's aws:userId, and on no other.
CALLER = "AROAEXAMPLECALLERID:alice"
COLLABORATION_ACTIONS = ["elasticmapreduce:UpdateEditor", "elasticmapreduce:PutWorkspaceAccess",
                         "elasticmapreduce:DeleteWorkspaceAccess", "elasticmapreduce:ListWorkspaceAccessIdentities"]
OWN_WORKSPACE = {"aws:userId": CALLER, "elasticmapreduce:ResourceTag/creatorUserId": CALLER}
OTHERS_WORKSPACE = {"aws:userId": CALLER, "elasticmapreduce:ResourceTag/creatorUserId": "AROAEXAMPLECALLERID:bob"}
COLLABORATIVE = {("analytics", "intermediate")}
TIERS = {"basic": BASIC, "intermediate": BASIC + INTERMEDIATE, "advanced": BASIC + INTERMEDIATE + ADVANCED}
ABOVE = {"basic": INTERMEDIATE + ADVANCED, "intermediate": ADVANCED, "advanced": []}


def _team_tag(team: Any) -> tuple[str, str]:
    return team.team_tag.key, team.team_tag.value or team.name


def _role(team: str, name: str) -> str:
    return f"arn:aws:iam::{ACCOUNT_ID}:role/emr/{team}-{name}"


@pytest.mark.engine
@pytest.mark.parametrize(("team", "tier"), [("analytics", "basic"), ("analytics", "intermediate"), ("analytics", "advanced"),
                                            ("finance", "basic"), ("finance", "advanced")])
def test_each_tier_allows_what_aws_documents_for_it_and_passes_only_its_own_teams_roles(applied: Any, team: str, tier: str) -> None:
    _, _, teams, found = applied
    documents = [found.customer_managed[teams[team]["studio_session_policy_arns"][f"{team}-studio-{tier}"]]]
    own, other = team_tags(team), team_tags(OTHER_TEAM[team])
    for action, resource, context in TIERS[tier]:
        assert iam_eval.allows(documents, action, resource, {**own, **context}), (action, resource)
    for action, resource, context in ABOVE[tier]:
        assert not iam_eval.allows(documents, action, resource, {**own, **context}), (action, resource)
    # The team's clusters, Workspaces and virtual clusters only, and new clusters for the team only
    # (tests/test_team_isolation.py checks every action of every statement this way).
    for action, resource, context in TIERS[tier]:
        if action in TEAM_SCOPED:
            assert not iam_eval.allows(documents, action, resource, {**other, **context}), (action, resource)
            assert not iam_eval.allows(documents, action, resource, context) or action == "elasticmapreduce:CreateEditor", action
    # A Workspace the caller created is theirs without the team tag; a Workspace without a cluster
    # and without tags can be created (Studio tags it with its creator).
    mine = {"aws:userId": CALLER, "aws:ResourceTag/creatorUserId": CALLER, "elasticmapreduce:ResourceTag/creatorUserId": CALLER}
    for action in ("elasticmapreduce:StartEditor", "elasticmapreduce:DeleteEditor", "elasticmapreduce:DescribeEditor"):
        assert iam_eval.allows(documents, action, emr("editor/e-1"), mine), action
        assert not iam_eval.allows(documents, action, emr("editor/e-1"), {**mine, **OTHERS_WORKSPACE, "aws:ResourceTag/creatorUserId": "bob"})
    assert iam_eval.allows(documents, "elasticmapreduce:CreateEditor", "*", {})
    for action in COLLABORATION_ACTIONS:
        assert iam_eval.allows(documents, action, emr("editor/e-1"), OWN_WORKSPACE) is ((team, tier) in COLLABORATIVE), action
        assert not iam_eval.allows(documents, action, emr("editor/e-1"), OTHERS_WORKSPACE), action
        assert not iam_eval.allows(documents, action, emr("editor/e-1", OTHER_ACCOUNT), OWN_WORKSPACE), action
        assert not iam_eval.allows(documents, action, emr("cluster/j-1"), OWN_WORKSPACE), action
    # Not another account's resources, nor secrets without the Studio prefix and tag.
    assert not iam_eval.allows(documents, "elasticmapreduce:DescribeCluster", emr("cluster/j-1", OTHER_ACCOUNT))
    assert not iam_eval.allows(documents, "secretsmanager:CreateSecret", f"arn:aws:secretsmanager:{REGION}:{ACCOUNT_ID}:secret:db-AbCdEf", REQUESTED)
    assert not iam_eval.allows(documents, "secretsmanager:CreateSecret",
                               f"arn:aws:secretsmanager:{REGION}:{ACCOUNT_ID}:secret:emr-studio-git-AbCdEf", {})

    # PassRole: the team's own Studio service role to EMR; advanced also its EMR service role (to EMR)
    # and role for EC2 (to EC2); never another team's roles, never to another service.
    everything = set(found.roles)
    passable = {(role, service) for role in everything for service in (EMR, "ec2.amazonaws.com")
                if iam_eval.allows(documents, "iam:PassRole", role, {"iam:PassedToService": service})}
    expected = {(_role(team, "EMRStudio_Service_Role"), EMR)}
    if tier == "advanced":
        expected |= {(_role(team, "EMR_DefaultRole"), EMR), (_role(team, "EMR_EC2_DefaultRole"), "ec2.amazonaws.com")}
    assert passable == expected

    # IAM authentication mode: presigned URLs of the team's Studio only; IAM Identity Center mode: none.
    presign = "elasticmapreduce:CreateStudioPresignedUrl"
    assert iam_eval.allows(documents, presign, emr(f"studio/{FINANCE_STUDIO}")) is (team == "finance")
    assert not iam_eval.allows(documents, presign, emr("studio/es-OTHER0123456789"))


@pytest.mark.engine
def test_generation_time_sizes_bound_the_documents_aws_stores(applied: Any) -> None:
    """The sizes the generator checks against IAM's quotas are at least those of the documents read back."""
    _, _, teams, found = applied
    spec = load_spec(SPEC)
    for team in spec.teams:
        studio = team.studio
        outputs = teams[team.name]
        service = found.roles[outputs["studio_service_role_arn"]].policies["inline emr-studio-service"]
        estimate = policies.studio_service_policy(ACCOUNT_ID, studio.workspace_bucket or "", studio.workspace_prefix,
                                                  studio.kms_key_arns, studio.git_secrets, _team_tag(team), studio.any_collaboration)
        assert policies.policy_size(estimate) >= len(json.dumps(service, separators=(",", ":"))), team.name
        cluster_roles = [outputs["service_role_arn"], outputs["ec2_role_arn"]]
        for session in studio.session_policies:
            real = found.customer_managed[outputs["studio_session_policy_arns"][f"{team.name}-{session.name}"]]
            ids = None if studio.auth_mode == "SSO" else list(studio.studio_ids)
            estimate = policies.studio_session_policy(session.tier, ACCOUNT_ID, studio.workspace_bucket or "",
                                                      outputs["studio_service_role_arn"], cluster_roles, ids, _team_tag(team),
                                                      session.collaboration)
            assert policies.policy_size(estimate) >= len(json.dumps(real, separators=(",", ":"))), (team.name, session.name)


# --- generation-time checks -----------------------------------------------------------------------

BASE = {"version": 1, "defaults": {"name_prefix": "{team}-", "source_account_id": "123456789012"}}


def _team(**studio: Any) -> dict[str, Any]:
    return {**BASE, "teams": [{"name": "analytics", "studio": {"create": True, "workspace_bucket": "analytics-studio", **studio}}]}


@pytest.mark.parametrize(
    ("document", "field", "message"),
    [
        ({**BASE, "teams": [{"name": "a", "studio": {"create": True}}]}, "teams[0].studio.workspace_bucket", "is required with create: true"),
        (_team(session_policies=[]), "teams[0].studio.session_policies", "a Studio user needs at least one policy"),
        (
            _team(session_policies=[{"name": "p", "tier": "basic"}, {"name": "p", "tier": "advanced"}]),
            "teams[0].studio.session_policies[1].name", "'p' is listed twice",
        ),
        (_team(session_policies=[{"name": "p", "tier": "expert"}]), "teams[0].studio.session_policies[0].tier", "'basic', 'intermediate' or 'advanced'"),
        (
            _team(session_policies=[{"name": "p", "tier": "basic", "attach_to_groups": ["g"]}]),
            "teams[0].studio.session_policies[0]", "are for auth_mode IAM",
        ),
        (_team(studio_ids=["es-ABC"]), "teams[0].studio.studio_ids", "is for auth_mode IAM"),
        (_team(auth_mode="IAM", studio_ids=["es-abc"]), "teams[0].studio.studio_ids[0]", "must be an EMR Studio ID"),
        (_team(auth_mode="OIDC"), "teams[0].studio.auth_mode", "'SSO' or 'IAM'"),
        (_team(service_role={"name": "s" * 60}), "teams[0].studio.service_role.name", "over the IAM limit of 64"),
        (_team(user_role={"name": "u" * 60}), "teams[0].studio.user_role.name", "over the IAM limit of 64"),
        (_team(session_policies=[{"name": "p" * 125, "tier": "basic"}]), "teams[0].studio.session_policies[0].name", "over the IAM limit of 128"),
        # Every session policy is attached to the user role, beside its own managed policies.
        (
            _team(session_policies=[{"name": f"p{i}", "tier": "basic"} for i in range(9)],
                  user_role={"aws_managed_policies": ["ReadOnlyAccess", "AmazonS3ReadOnlyAccess"]}),
            "teams[0].studio.user_role", "number of managed policies attached to the role is 11, over the IAM limit of 10",
        ),
        (
            _team(service_role={"inline_policies": {"emr-studio-service": {"Statement": [
                {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:{partition}:s3:::b/*"}]}}}),
            "teams[0].studio.service_role.inline_policies.emr-studio-service", "is the one the module gives its own policy",
        ),
        # A name another team's (or the same team's) role already has.
        (
            {**BASE, "teams": [{"name": "a", "emrfs": {"roles": [{"name": "EMRStudio_Service_Role"}]},
                                "studio": {"create": True, "workspace_bucket": "a-studio"}}]},
            "teams[0].studio.service_role.name", "'a-EMRStudio_Service_Role' is already used",
        ),
        (
            {"version": 1, "teams": [{"name": "a", "name_prefix": "x-", "studio": {"create": True, "workspace_bucket": "a-studio"}},
                                     {"name": "b", "name_prefix": "x-", "service_role": {"name": "b-service"},
                                      "ec2_role": {"name": "b-ec2"}, "autoscaling_role": {"name": "b-scaling"},
                                      "passrole_policy": {"name": "b-passrole"}, "emrfs": {"security_configuration_name": "b-emrfs"},
                                      "studio": {"create": True, "workspace_bucket": "b-studio"}}]},
            "teams[1].studio.service_role.name", "'x-EMRStudio_Service_Role' is already used by team 'a'",
        ),
    ],
    ids=["no-bucket", "no-policy", "duplicate-policy", "bad-tier", "attach-in-sso", "studio-ids-in-sso", "bad-studio-id",
         "bad-auth-mode", "service-role-name", "user-role-name", "policy-name", "user-role-policies", "own-inline-name",
         "clashes-with-emrfs-role", "clashes-with-other-team"],
)
def test_studio_errors_are_one_line_naming_the_field(
    document: dict[str, Any], field: str, message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = write_spec(tmp_path, json.dumps(document))
    code, _, stderr = run_cli(capsys, "validate", "--spec", str(spec))
    assert code == 2 and len(stderr.splitlines()) == 1, stderr
    assert f": {field}: " in stderr and message in stderr, stderr


def test_studio_is_off_by_default_and_merges_from_defaults(tmp_path: Path) -> None:
    from generator.model import resolve
    from generator.spec import read_spec

    document = {
        "version": 1,
        "defaults": {"studio": {"workspace_bucket": "shared-studio", "session_policies": [{"name": "basic", "tier": "basic"}]}},
        "teams": [
            {"name": "a", "name_prefix": "a-"},
            {"name": "b", "name_prefix": "b-", "studio": {"create": True, "workspace_prefix": "b/"}},
        ],
    }
    a, b = (module.arguments for module in resolve(read_spec(str(write_spec(tmp_path, json.dumps(document))))))
    assert "create_studio" not in a and not any(key.startswith("studio_") for key in a)  # off, as by default: nothing written
    assert b["create_studio"] is True and b["studio_workspace_bucket"] == "shared-studio" and b["studio_workspace_prefix"] == "b/"
    assert b["studio_session_policies"] == {"b-basic": {"tier": "basic"}}
    assert b["studio_service_role_name"] == "b-EMRStudio_Service_Role" and b["studio_user_role_name"] == "b-EMRStudio_User_Role"


@pytest.mark.engine
def test_the_module_stops_a_plan_that_attaches_session_policies_in_sso_mode(tmp_path: Path) -> None:
    """Called directly (not through the spec, which refuses it), the module refuses attach lists in SSO mode too."""
    import shutil

    from tests.engine import provider_block

    shutil.copytree(ROOT / "modules" / "emr-studio-roles", tmp_path / "module")
    (tmp_path / "main.tf").write_text(
        'module "studio" {\n  source           = "./module"\n  workspace_bucket = "analytics-studio"\n  team_tag_value   = "analytics"\n'
        '  session_policies = {\n    basic = { tier = "basic", attach_to_groups = ["analysts"] }\n  }\n}\n',
        encoding="utf-8",
    )
    (tmp_path / "provider.tf").write_text(provider_block(REGION), encoding="utf-8")
    engine = opentofu()
    engine.init(tmp_path)
    result = engine.run("plan", "-input=false", "-no-color", cwd=tmp_path, check=False)
    assert result.returncode == 1, result.stdout
    assert "attach_to_users, attach_to_groups and attach_to_roles are for auth_mode IAM" in " ".join(result.stderr.split())
