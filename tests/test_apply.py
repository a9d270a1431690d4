"""Apply, a second plan with no changes, read-back and destroy against a local fake AWS (moto).

For every example with plan cases, the composite module and a team module: the case is
applied to this worker's moto_server, a second plan must change nothing (no perpetual diff),
boto3 reads back that AWS holds what the state says and what the spec or inputs asked for, and
a destroy leaves no role, policy, instance profile or security configuration behind.
A spec change over existing state is checked from the plan JSON in test_spec_change_*.
"""

from __future__ import annotations

import json
import textwrap
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import tftest

from generator import facts
from generator.catalog import SERVERLESS_SUBMITTER_POLICY_NAME
from generator.rendering import render
from generator.spec import Team, load_spec
from tests.engine import DESTROY, ROOT, Engine, copy_tree, engine_by_name, engine_names, provider_block
from tests.moto_server import ACCOUNT_ID, MotoServer
from tests.plan import harness
from tests.plan.harness import Case, Workbench

pytestmark = pytest.mark.engine

SPEC = ROOT / "specs" / "platform.yaml"
MANAGED = "arn:aws:iam::aws:policy/"
EMR, EC2, AUTOSCALING = (facts.SERVICE_PRINCIPALS[service]["aws"] for service in ("elasticmapreduce", "ec2", "application-autoscaling"))
SERVERLESS = facts.SERVICE_PRINCIPALS["emr-serverless"]["aws"]
# moto gap: moto names an elasticmapreduce service-linked role after the service,
# "AWSServiceRoleForelasticmapreduce", not AWSServiceRoleForEMRCleanup as AWS does. The test
# asserts what moto really does; the plan cases check what the module asks for.
MOTO_SERVICE_LINKED_ROLE = "AWSServiceRoleForelasticmapreduce"
SERVICE_LINKED_ROLE_PATH = f"/aws-service-role/{EMR}/"


# --- what AWS must hold ---------------------------------------------------------------------------


@dataclass
class ExpectedRole:
    path: str
    services: list[str] = field(default_factory=list)  # trusted service principals
    trusted_role: str | None = None  # name of the role trusted instead (EMRFS roles trust the EC2 role)
    managed: set[str] = field(default_factory=set)  # attached policy ARNs, exactly
    inline: set[str] = field(default_factory=set)  # inline policy names, exactly
    tags: dict[str, str] = field(default_factory=dict)  # a subset of the role's tags
    source_account: str | None = None  # aws:SourceAccount condition of the trust policy
    oidc_providers: list[str] = field(default_factory=list)  # EMR on EKS (IRSA): the OIDC providers trusted instead, in order
    actions: list[str] = field(default_factory=lambda: ["sts:AssumeRole"])  # what the trust allows


@dataclass
class Expected:
    roles: dict[str, ExpectedRole]
    instance_profiles: dict[str, str] = field(default_factory=dict)  # profile name -> role name
    # security configuration name -> role mappings in order: (role name, identifier type, identifiers)
    security_configurations: dict[str, list[tuple[str, str, list[str]]]] = field(default_factory=dict)
    encrypted: dict[str, bool] = field(default_factory=dict)  # security configuration -> has EncryptionConfiguration
    policies: dict[str, list[str]] = field(default_factory=dict)  # customer-managed policy -> groups it is attached to
    service_linked_role: bool = False


def expected_for_team(team_name: str, outputs: dict[str, Any], overrides: dict[str, Any] | None = None) -> Expected:
    """What specs/platform.yaml says a team's module creates (`overrides`: the workspace's inputs)."""
    overrides = overrides or {}
    team: Team = next(team for team in load_spec(SPEC).teams if team.name == team_name)
    prefix = team.name_prefix.replace("{team}", team.name)
    path, tags = team.path, {**team.tags, **overrides.get("tags", {})}
    account = overrides.get("source_account_id", team.source_account_id)
    roles: dict[str, ExpectedRole] = {}
    policies: dict[str, list[str]] = {}

    def extras(settings: Any) -> set[str]:
        return {MANAGED + name for name in settings.aws_managed_policies} | set(settings.policy_arns)

    service, ec2, autoscaling, emrfs = team.service_role, team.ec2_role, team.autoscaling_role, team.emrfs
    assert not (service.use_name_prefix or ec2.use_name_prefix or autoscaling.use_name_prefix), "names must be known"
    ec2_name = prefix + ec2.name
    if service.create:
        managed = {"v2": {MANAGED + facts.MANAGED_POLICIES["service_role_v2"]}, "v1": {MANAGED + facts.MANAGED_POLICIES["service_role_v1"]}}
        inline = set(service.inline_policies)
        if service.allow_spot_service_linked_role and not facts.MANAGED_POLICY_CREATES_SPOT_ROLE[service.managed_policy]:
            inline.add("create-spot-service-linked-role")
        # v2 passes only the default names at /: any other name or path gets the pass-cluster-roles policy.
        passed = {"ec2_role": ec2, "autoscaling_role": autoscaling}
        if not facts.MANAGED_POLICY_PASSES_ANY_ROLE[service.managed_policy] and any(
            role.create and not (service.managed_policy == "v2" and path == "/" and prefix + role.name == facts.V2_PASSABLE_ROLE_NAMES[key])
            for key, role in passed.items()
        ):
            inline.add("pass-cluster-roles")
        roles[prefix + service.name] = ExpectedRole(
            path, [EMR], managed=managed.get(service.managed_policy, set()) | extras(service), inline=inline, tags=tags, source_account=account
        )
    emrfs_names = {role.name: prefix + role.name for role in emrfs.roles}
    emrfs_on = emrfs.create and ec2.create and bool(emrfs.roles)
    if ec2.create:
        managed = {MANAGED + facts.MANAGED_POLICIES["ec2_role"]} if ec2.policy == "managed" else set()
        if ec2.policy == "scoped":
            managed.add(f"arn:aws:iam::{ACCOUNT_ID}:policy{path}{ec2_name}")
            policies[ec2_name] = []
        inline = set(ec2.inline_policies) | ({"emrfs-assume-roles"} if emrfs_on else set())
        roles[ec2_name] = ExpectedRole(path, [EC2], managed=managed | extras(ec2), inline=inline, tags=tags)
    if autoscaling.create:
        roles[prefix + autoscaling.name] = ExpectedRole(
            path,
            [EMR, AUTOSCALING],
            managed={MANAGED + facts.MANAGED_POLICIES["autoscaling_role"]} | extras(autoscaling),
            inline=set(autoscaling.inline_policies),
            tags=tags,
            source_account=account if autoscaling.trust_conditions else None,
        )
    configurations, encrypted = {}, {}
    if emrfs_on:
        for role in emrfs.roles:
            inline = set(role.inline_policies) | ({"s3-access"} if role.s3_access else set())
            roles[emrfs_names[role.name]] = ExpectedRole(path, trusted_role=ec2_name, managed=extras(role), inline=inline, tags=tags)
        # The spec's name, else the generator's default, which the module reports.
        name = emrfs.security_configuration_name or outputs["security_configuration_name"]
        configurations[name] = [(emrfs_names[m.role], m.identifier_type, list(m.identifiers)) for m in emrfs.mappings]
        encrypted[name] = emrfs.encryption is not None
    if team.passrole_policy.create:
        policies[prefix + team.passrole_policy.name] = list(team.passrole_policy.attach_to_groups)
    serverless = team.serverless
    if serverless.create:
        for role in serverless.runtime_roles:
            inline = set(role.inline_policies) | ({"s3-access"} if role.s3_access else set())
            roles[prefix + role.name] = ExpectedRole(path, [SERVERLESS], managed=extras(role), inline=inline, tags=tags, source_account=account)
        if serverless.submitter_policy and serverless.runtime_roles:
            policies[prefix + SERVERLESS_SUBMITTER_POLICY_NAME] = []
    if team.eks.create and team.eks.roles:
        for eks_role in team.eks.roles:
            providers = [f"arn:aws:iam::{account}:oidc-provider/{cluster.oidc_issuer.removeprefix('https://')}"
                         for cluster in sorted(eks_role.clusters, key=lambda cluster: cluster.name) if cluster.oidc_issuer]
            roles[prefix + eks_role.name] = ExpectedRole(
                path, managed=extras(eks_role), inline={"s3-access"} if eks_role.s3_access else set(), tags=tags, oidc_providers=providers
            )
        if team.eks.submitter_policy:
            policies[prefix + "EMR_EKS_StartJobRun"] = []
    studio = team.studio
    if studio.create:
        roles[prefix + studio.service_role.name] = ExpectedRole(
            path, [EMR], managed=extras(studio.service_role), inline={"emr-studio-service", *studio.service_role.inline_policies},
            tags=tags, source_account=account,
        )
        session_arns = set()
        for session in studio.session_policies:
            policies[prefix + session.name] = list(session.attach_to_groups)
            session_arns.add(f"arn:aws:iam::{ACCOUNT_ID}:policy{path}{prefix + session.name}")
        if studio.auth_mode == "SSO":
            # AWS: every session policy is attached to the user role.
            roles[prefix + studio.user_role.name] = ExpectedRole(
                path, [EMR], managed=extras(studio.user_role) | session_arns, inline=set(studio.user_role.inline_policies), tags=tags,
                actions=["sts:AssumeRole", "sts:SetContext"],
            )
    return Expected(
        roles=roles,
        instance_profiles={ec2_name: ec2_name} if ec2.create else {},
        security_configurations=configurations,
        encrypted=encrypted,
        policies=policies,
        service_linked_role=overrides.get("create_service_linked_role", team.service_linked_role.create),
    )


def expected_default_roles(outputs: dict[str, Any]) -> Expected:
    """examples/default-roles: exactly what `aws emr create-default-roles` creates."""
    return Expected(
        roles={
            "EMR_DefaultRole": ExpectedRole("/", [EMR], managed={MANAGED + facts.MANAGED_POLICIES["service_role_v1"]}),
            "EMR_EC2_DefaultRole": ExpectedRole("/", [EC2], managed={MANAGED + facts.MANAGED_POLICIES["ec2_role"]}),
            "EMR_AutoScaling_DefaultRole": ExpectedRole("/", [EMR, AUTOSCALING], managed={MANAGED + facts.MANAGED_POLICIES["autoscaling_role"]}),
        },
        instance_profiles={"EMR_EC2_DefaultRole": "EMR_EC2_DefaultRole"},
    )


def expected_emr_iam_custom(outputs: dict[str, Any]) -> Expected:
    """modules/emr-iam, case custom (tests/plan/modules/emr-iam/custom.tfvars)."""
    path, tags = "/emr/analytics/", {"Team": "analytics"}
    return Expected(
        roles={
            "analytics-emr-service": ExpectedRole(
                path, [EMR], managed={MANAGED + facts.MANAGED_POLICIES["service_role_v1"]}, tags=tags, source_account="111122223333"
            ),
            "analytics-emr-ec2": ExpectedRole(
                path, [EC2], managed={f"arn:aws:iam::{ACCOUNT_ID}:policy{path}analytics-emr-ec2"}, inline={"emrfs-assume-roles"}, tags=tags
            ),
            "analytics-emr-autoscaling": ExpectedRole(
                path, [EMR, AUTOSCALING], managed={MANAGED + facts.MANAGED_POLICIES["autoscaling_role"]}, tags=tags, source_account="111122223333"
            ),
            "analytics-raw": ExpectedRole(path, trusted_role="analytics-emr-ec2", tags=tags),
            "analytics-curated": ExpectedRole(path, trusted_role="analytics-emr-ec2", tags=tags),
        },
        instance_profiles={"analytics-emr-ec2": "analytics-emr-ec2"},
        security_configurations={
            "analytics-emrfs": [
                ("analytics-raw", "Group", ["data-engineers"]),
                ("analytics-curated", "User", ["alice", "bob"]),
                ("analytics-curated", "Prefix", ["s3://analytics-lake/curated/"]),
            ]
        },
        encrypted={"analytics-emrfs": False},
        policies={"analytics-emr-ec2": [], "analytics-EMR_PassRole": ["analytics-emr-operators"]},
        service_linked_role=True,
    )


# The case each target applies, and what AWS must then hold.
EXPECTED = {
    ("examples/default-roles", "defaults"): expected_default_roles,
    ("examples/team-workspaces/analytics", "defaults"): lambda outputs: expected_for_team("analytics", outputs),
    ("examples/team-workspaces/data-science", "defaults"): lambda outputs: expected_for_team("data-science", outputs),
    ("modules/emr-iam", "custom"): expected_emr_iam_custom,
    ("modules/teams/analytics", "custom"): lambda outputs: expected_for_team(
        "analytics", outputs, {"create_service_linked_role": False, "source_account_id": "444455556666", "tags": {"Environment": "staging", "Team": "analytics-staging"}}
    ),
}


# An example whose defaults case cannot be applied to moto names the case to apply instead:
# examples/runtime-roles plans an aws_emr_cluster, which moto creates, but provider 3.39 then reads
# it back with ListInstanceFleets, which moto does not implement (HTTP 500, retried until timeout).
APPLY_INSTEAD_OF_DEFAULTS = "apply"


def apply_cases() -> list[Case]:
    """Every example's defaults case (or its `apply` case; new examples come in with their data), plus the modules above."""
    cases = {case.id: case for case in harness.discover()}
    examples = {case.target for case in cases.values() if case.target.startswith("examples/")}
    chosen = [cases.get(f"{target}:{APPLY_INSTEAD_OF_DEFAULTS}") or cases[f"{target}:defaults"] for target in examples]
    chosen += [cases[f"{target}:{name}"] for target, name in EXPECTED if target.startswith("modules/")]
    return sorted(chosen, key=lambda case: case.id)


APPLY_CASES = apply_cases()


# --- read-back ------------------------------------------------------------------------------------


def saved_plan(test: tftest.TerraformTest, *args: str) -> dict[str, Any]:
    """Plan into plan.bin (for `apply plan.bin`, as a team applies what it reviewed); its JSON."""
    test.execute_command("plan", "-input=false", "-no-color", "-out=plan.bin", *args)
    plan: dict[str, Any] = json.loads(test.execute_command("show", "-json", "-no-color", "plan.bin").out)
    return plan


def state_of(test: tftest.TerraformTest) -> tuple[dict[str, dict[str, Any]], dict[str, Any]]:
    """Managed resources of the state by address (their type and values), and the root outputs."""
    state = json.loads(test.execute_command("show", "-json", "-no-color").out)
    found: dict[str, dict[str, Any]] = {}

    def walk(module: dict[str, Any]) -> None:
        for resource in module.get("resources", []):
            if resource["mode"] == "managed":
                found[resource["address"]] = {"type": resource["type"], **resource["values"]}
        for child in module.get("child_modules", []):
            walk(child)

    values = state.get("values", {})
    walk(values.get("root_module", {}))
    return found, {name: output.get("value") for name, output in values.get("outputs", {}).items()}


def services_of(document: dict[str, Any]) -> list[str]:
    services = document["Statement"][0]["Principal"].get("Service", [])
    return sorted(services if isinstance(services, list) else [services])


def check_aws_matches_state(moto: MotoServer, resources: dict[str, dict[str, Any]], region: str) -> None:
    """Every resource in the state exists in AWS with the attributes the state records."""
    iam, emr = moto.client("iam", region), moto.client("emr", region)
    for address, values in resources.items():
        kind = values["type"]
        if kind in ("aws_iam_role", "aws_iam_service_linked_role"):
            role = iam.get_role(RoleName=values["name"])["Role"]
            assert role["Path"] == values["path"], address
            assert role["Arn"] == values["arn"], address
            if kind == "aws_iam_role":
                assert role["AssumeRolePolicyDocument"] == json.loads(values["assume_role_policy"]), address
                assert role.get("PermissionsBoundary", {}).get("PermissionsBoundaryArn") == (values["permissions_boundary"] or None), address
                assert {tag["Key"]: tag["Value"] for tag in role.get("Tags", [])} == (values["tags_all"] or {}), address
            else:
                assert services_of(role["AssumeRolePolicyDocument"]) == [values["aws_service_name"]], address
        elif kind == "aws_iam_instance_profile":
            profile = iam.get_instance_profile(InstanceProfileName=values["name"])["InstanceProfile"]
            assert [role["RoleName"] for role in profile["Roles"]] == [values["role"]], address
            assert profile["Path"] == values["path"], address
        elif kind == "aws_iam_role_policy_attachment":
            attached = iam.list_attached_role_policies(RoleName=values["role"])["AttachedPolicies"]
            assert values["policy_arn"] in [policy["PolicyArn"] for policy in attached], address
        elif kind == "aws_iam_group_policy_attachment":
            attached = iam.list_attached_group_policies(GroupName=values["group"])["AttachedPolicies"]
            assert values["policy_arn"] in [policy["PolicyArn"] for policy in attached], address
        elif kind == "aws_iam_user_policy_attachment":
            attached = iam.list_attached_user_policies(UserName=values["user"])["AttachedPolicies"]
            assert values["policy_arn"] in [policy["PolicyArn"] for policy in attached], address
        elif kind == "aws_iam_role_policy":
            document = iam.get_role_policy(RoleName=values["role"], PolicyName=values["name"])["PolicyDocument"]
            assert document == json.loads(values["policy"]), address
        elif kind == "aws_iam_policy":
            policy = iam.get_policy(PolicyArn=values["arn"])["Policy"]
            version = iam.get_policy_version(PolicyArn=values["arn"], VersionId=policy["DefaultVersionId"])["PolicyVersion"]
            document = version["Document"]
            assert (json.loads(document) if isinstance(document, str) else document) == json.loads(values["policy"]), address
            assert policy["Path"] == values["path"], address
        elif kind == "aws_emr_security_configuration":
            described = emr.describe_security_configuration(Name=values["name"])
            assert json.loads(described["SecurityConfiguration"]) == json.loads(values["configuration"]), address
        else:
            pytest.fail(f"{address}: no read-back for resource type {kind}; add one to check_aws_matches_state")


def check_aws_holds(moto: MotoServer, expected: Expected, region: str, prerequisite_roles: set[str]) -> None:
    """AWS holds the roles, trust policies, policies, instance profile and mappings expected."""
    iam, emr = moto.client("iam", region), moto.client("emr", region)
    arns = {}
    for name, want in expected.roles.items():
        role = iam.get_role(RoleName=name)["Role"]
        arns[name] = role["Arn"]
        assert role["Path"] == want.path, name
        trust = role["AssumeRolePolicyDocument"]
        if want.oidc_providers:  # an EMR on EKS role (tests/test_eks_roles.py evaluates its trust in full)
            assert [(s["Action"], s["Principal"]) for s in trust["Statement"]] == [
                ("sts:AssumeRoleWithWebIdentity", {"Federated": provider}) for provider in want.oidc_providers
            ], name
            assert {policy["PolicyArn"] for policy in iam.list_attached_role_policies(RoleName=name)["AttachedPolicies"]} == want.managed, name
            assert set(iam.list_role_policies(RoleName=name)["PolicyNames"]) == want.inline, name
            continue
        (statement,) = trust["Statement"]
        actions = [statement["Action"]] if isinstance(statement["Action"], str) else statement["Action"]
        assert (statement["Effect"], sorted(actions)) == ("Allow", sorted(want.actions)), name
        assert services_of(trust) == sorted(want.services), name
        if want.trusted_role:
            assert statement["Principal"] == {"AWS": iam.get_role(RoleName=want.trusted_role)["Role"]["Arn"]}, name
        conditions = statement.get("Condition", {})
        if want.source_account:
            assert conditions["StringEquals"]["aws:SourceAccount"] in (want.source_account, [want.source_account]), name
        else:
            assert "aws:SourceAccount" not in conditions.get("StringEquals", {}), name
        attached = {policy["PolicyArn"] for policy in iam.list_attached_role_policies(RoleName=name)["AttachedPolicies"]}
        assert attached == want.managed, name
        assert set(iam.list_role_policies(RoleName=name)["PolicyNames"]) == want.inline, name
        tags = {tag["Key"]: tag["Value"] for tag in role.get("Tags", [])}
        assert tags.items() >= want.tags.items(), name
    for profile_name, role_name in expected.instance_profiles.items():
        profile = iam.get_instance_profile(InstanceProfileName=profile_name)["InstanceProfile"]
        assert [role["RoleName"] for role in profile["Roles"]] == [role_name]
    for name, mappings in expected.security_configurations.items():
        configuration = json.loads(emr.describe_security_configuration(Name=name)["SecurityConfiguration"])
        planned = [
            (mapping["Role"], mapping["IdentifierType"], mapping["Identifiers"])
            for mapping in configuration["AuthorizationConfiguration"]["EmrFsConfiguration"]["RoleMappings"]
        ]
        assert planned == [(arns[role], kind, identifiers) for role, kind, identifiers in mappings], name
        assert ("EncryptionConfiguration" in configuration) == expected.encrypted[name], name
    local = {policy["PolicyName"]: policy["Arn"] for policy in iam.list_policies(Scope="Local")["Policies"]}
    assert set(local) == set(expected.policies)
    for policy_name, groups in expected.policies.items():
        entities = iam.list_entities_for_policy(PolicyArn=local[policy_name])
        assert sorted(group["GroupName"] for group in entities["PolicyGroups"]) == sorted(groups), policy_name
    linked = [role for role in iam.list_roles()["Roles"] if role["Path"] == SERVICE_LINKED_ROLE_PATH]
    if expected.service_linked_role:
        assert [role["RoleName"] for role in linked] == [MOTO_SERVICE_LINKED_ROLE]
        assert services_of(linked[0]["AssumeRolePolicyDocument"]) == [EMR]
    else:
        assert linked == []
    # Nothing besides: the roles expected, the service-linked role and the test's own prerequisites.
    names = {role["RoleName"] for role in iam.list_roles()["Roles"]} - {role["RoleName"] for role in linked}
    assert names - prerequisite_roles == set(expected.roles)


def create_prerequisites(moto: MotoServer, summary: harness.Summary, region: str) -> set[str]:
    """Groups, users and roles that the configuration attaches policies to but does not create,
    as they exist in a real account before the workspace runs; returns the roles created."""
    iam = moto.client("iam", region)
    planned_roles = {values.get("name") for address, values in summary.values.items() if harness.config_address(address).split(".")[-2] == "aws_iam_role"}
    groups, users, roles = set(), set(), set()
    for address, values in summary.values.items():
        kind = harness.config_address(address).split(".")[-2]
        if kind == "aws_iam_group_policy_attachment":
            groups.add(values["group"])
        elif kind == "aws_iam_user_policy_attachment":
            users.add(values["user"])
        elif kind == "aws_iam_role_policy_attachment" and values.get("role") not in (*planned_roles, harness.UNKNOWN):
            roles.add(values["role"])
    for group in groups:
        iam.create_group(GroupName=group)
    for user in users:
        iam.create_user(UserName=user)
    trust = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"Service": EC2}}]}
    for role in roles:
        iam.create_role(RoleName=role, AssumeRolePolicyDocument=json.dumps(trust))
    return roles


def check_nothing_left(moto: MotoServer, region: str, configurations: list[str], prerequisite_roles: set[str] = frozenset()) -> None:
    iam, emr = moto.client("iam", region), moto.client("emr", region)
    assert {role["RoleName"] for role in iam.list_roles()["Roles"]} == prerequisite_roles
    assert iam.list_policies(Scope="Local")["Policies"] == []
    assert iam.list_instance_profiles()["InstanceProfiles"] == []
    for name in configurations:
        with pytest.raises(emr.exceptions.InvalidRequestException):
            emr.describe_security_configuration(Name=name)


def changes_of(plan: dict[str, Any]) -> dict[str, list[str]]:
    """Every resource change that is not a no-op (data sources read at apply time included)."""
    return {change["address"]: change["change"]["actions"] for change in plan.get("resource_changes", []) if change["change"]["actions"] != ["no-op"]}


def actions_of(plan: dict[str, Any], address: str) -> dict[str, Any]:
    change: dict[str, Any] = next(change["change"] for change in plan["resource_changes"] if change["address"] == address)
    return change


# --- tests ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("engine_name", engine_names("apply"))
@pytest.mark.parametrize("case", APPLY_CASES, ids=[case.id for case in APPLY_CASES])
def test_apply_is_idempotent_reads_back_and_destroys(engine_name: str, case: Case, moto: MotoServer, tmp_path: Path) -> None:
    engine = engine_by_name(engine_name)
    test = Workbench(tmp_path).root(engine, case.target, fresh=True)
    harness.write_provider(Path(test.tfdir), case.region, moto.endpoint, is_module=case.is_module)
    tfvars = f"-var-file={case.tfvars}"

    first = saved_plan(test, tfvars)
    assert {tuple(actions) for actions in changes_of(first).values()} <= {("create",), ("read",)}
    prerequisite_roles = create_prerequisites(moto, harness.summarize(first), case.region)
    test.execute_command("apply", "-input=false", "-no-color", "plan.bin")

    engine.plans_no_change(Path(test.tfdir), tfvars)

    resources, outputs = state_of(test)
    assert resources, f"{case.id}: the apply created nothing"
    check_aws_matches_state(moto, resources, case.region)
    expected = EXPECTED.get((case.target, case.name))
    if expected is not None:
        check_aws_holds(moto, expected(outputs), case.region, prerequisite_roles)
    configurations = [values["name"] for values in resources.values() if values["type"] == "aws_emr_security_configuration"]

    test.execute_command(*DESTROY, tfvars)
    check_nothing_left(moto, case.region, configurations, prerequisite_roles)


def test_every_example_with_plan_cases_is_applied() -> None:
    examples = {case.target for case in harness.discover() if case.target.startswith("examples/")}
    applied = {case.target for case in APPLY_CASES}
    assert examples <= applied, f"examples without a defaults case to apply: {sorted(examples - applied)}"
    assert {"modules/emr-iam", "examples/default-roles"} <= applied
    assert any(target.startswith("modules/teams/") for target in applied)


# --- a spec change over existing state ------------------------------------------------------------

SPEC_BEFORE = """\
version: 1
defaults:
  name_prefix: "{team}-"
  path: /emr/
  tags:
    ManagedBy: emr-iam
  ec2_role:
    policy: scoped
teams:
  - name: etl
    source_account_id: "123456789012"
    tags:
      Stage: one
    service_linked_role:
      create: true
    ec2_role:
      s3_access:
        - bucket: etl-logs
          prefix: logs/
          access: read_write
    emrfs:
      roles:
        - name: emrfs-raw
          s3_access:
            - bucket: etl-lake
              prefix: raw/
              access: read_write
        - name: emrfs-curated
          s3_access:
            - bucket: etl-lake
              prefix: curated/
      mappings:
        - role: emrfs-raw
          identifier_type: Group
          identifiers: [engineers]
        - role: emrfs-curated
          identifier_type: User
          identifiers: [alice]
"""
# The EMRFS role emrfs-raw is renamed emrfs-landing, a Prefix mapping is added, a tag changes.
SPEC_AFTER = (
    SPEC_BEFORE.replace("emrfs-raw", "emrfs-landing").replace("Stage: one", "Stage: two")
    + '        - role: emrfs-curated\n          identifier_type: Prefix\n          identifiers: ["s3://etl-lake/curated/"]\n'
)
EMRFS = "module.team.module.emr_iam.module.emrfs[0]"
SERVICE_LINKED_ROLE = "module.team.module.emr_iam.module.service_linked_role[0].aws_iam_service_linked_role.this[0]"
TAGGED = {  # resources that carry the team's tags: the tag change updates them in place
    f"module.team.module.emr_iam.module.{piece}[0].{resource}"
    for piece, resource in [
        ("service_role", "aws_iam_role.this[0]"),
        ("ec2_role", "aws_iam_role.this[0]"),
        ("ec2_role", "aws_iam_instance_profile.this[0]"),
        ("ec2_role", "aws_iam_policy.scoped[0]"),
        ("autoscaling_role", "aws_iam_role.this[0]"),
        ("passrole_policy", "aws_iam_policy.this[0]"),
    ]
} | {f'{EMRFS}.aws_iam_role.this["etl-emrfs-curated"]'}


def render_spec(tree: Path, text: str) -> None:
    spec = tree / "spec.yaml"
    spec.write_text(textwrap.dedent(text), encoding="utf-8")
    render(spec, tree / "modules")


@pytest.mark.parametrize("engine_name", engine_names("apply"))
def test_spec_change_updates_in_place_and_keeps_the_service_linked_role(engine_name: str, moto: MotoServer, tmp_path: Path) -> None:
    engine: Engine = engine_by_name(engine_name)
    tree = copy_tree(tmp_path)
    render_spec(tree, SPEC_BEFORE)
    root = tree / "workspace"
    root.mkdir()
    (root / "main.tf").write_text('module "team" {\n  source = "../modules/teams/etl"\n}\n', encoding="utf-8")
    (root / "provider.tf").write_text(provider_block("us-east-1", moto.endpoint), encoding="utf-8")
    test = tftest.TerraformTest(str(root), binary=str(engine.binary), env=engine.env())
    test.setup(plugin_dir=str(harness.PLUGIN_DIR), cleanup_on_exit=False)
    test.execute_command("apply", "-input=false", "-no-color", "-auto-approve")
    iam = moto.client("iam")
    linked_role_id = iam.get_role(RoleName=MOTO_SERVICE_LINKED_ROLE)["Role"]["RoleId"]
    service_role_id = iam.get_role(RoleName="etl-EMR_DefaultRole")["Role"]["RoleId"]

    render_spec(tree, SPEC_AFTER)
    plan = saved_plan(test)
    changes = changes_of(plan)
    # Never destroyed nor replaced: an account has one, and clusters depend on it.
    assert actions_of(plan, SERVICE_LINKED_ROLE)["actions"] == ["no-op"]
    expected = {
        # IAM cannot rename a role: the old one goes and the new one comes, with its inline policy
        # (keyed by role name, so these are different resources, not a replacement of one).
        f'{EMRFS}.aws_iam_role.this["etl-emrfs-raw"]': ["delete"],
        f'{EMRFS}.aws_iam_role_policy.this["etl-emrfs-raw/s3-access"]': ["delete"],
        f'{EMRFS}.aws_iam_role.this["etl-emrfs-landing"]': ["create"],
        f'{EMRFS}.aws_iam_role_policy.this["etl-emrfs-landing/s3-access"]': ["create"],
        # The EC2 role's permission to assume the EMRFS roles: a new document, in place.
        f"{EMRFS}.aws_iam_role_policy.ec2_assume[0]": ["update"],
        f"{EMRFS}.data.aws_iam_policy_document.ec2_assume[0]": ["read"],  # it names the new role's ARN
        # EMR has no API to change a security configuration (and the provider marks `configuration`
        # as forcing a new resource): new mappings replace it, under the same name.
        f"{EMRFS}.aws_emr_security_configuration.this[0]": ["delete", "create"],
        **{address: ["update"] for address in TAGGED},
    }
    assert changes == expected
    for address in TAGGED:
        change = actions_of(plan, address)
        assert change["before"]["tags"]["Stage"] == "one" and change["after"]["tags"]["Stage"] == "two", address

    test.execute_command("apply", "-input=false", "-no-color", "plan.bin")
    engine.plans_no_change(root)
    # The same roles, updated in place: their unique IDs did not change.
    assert iam.get_role(RoleName=MOTO_SERVICE_LINKED_ROLE)["Role"]["RoleId"] == linked_role_id
    assert iam.get_role(RoleName="etl-EMR_DefaultRole")["Role"]["RoleId"] == service_role_id
    assert iam.get_role(RoleName="etl-EMR_DefaultRole")["Role"]["Tags"] and {
        tag["Key"]: tag["Value"] for tag in iam.get_role(RoleName="etl-EMR_DefaultRole")["Role"]["Tags"]
    }["Stage"] == "two"
    names = {role["RoleName"] for role in iam.list_roles()["Roles"]}
    assert "etl-emrfs-landing" in names and "etl-emrfs-raw" not in names
    (configuration_name,) = [v["name"] for v in state_of(test)[0].values() if v["type"] == "aws_emr_security_configuration"]
    configuration = json.loads(moto.client("emr").describe_security_configuration(Name=configuration_name)["SecurityConfiguration"])
    mappings = configuration["AuthorizationConfiguration"]["EmrFsConfiguration"]["RoleMappings"]
    role_arn = {name: iam.get_role(RoleName=name)["Role"]["Arn"] for name in ("etl-emrfs-landing", "etl-emrfs-curated")}
    assert [(m["Role"], m["IdentifierType"], m["Identifiers"]) for m in mappings] == [
        (role_arn["etl-emrfs-landing"], "Group", ["engineers"]),
        (role_arn["etl-emrfs-curated"], "User", ["alice"]),
        (role_arn["etl-emrfs-curated"], "Prefix", ["s3://etl-lake/curated/"]),
    ]
    test.execute_command(*DESTROY)
    check_nothing_left(moto, "us-east-1", [configuration_name])
