"""From a validated spec to what the templates render: one resolved module per team.

Names get their prefixes, policies become documents, and every IAM quota that the final values
can break is checked here, at generation time, with an error that names the spec field.
"""

from __future__ import annotations

import dataclasses
import functools
import re
import typing
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from generator import emr_containers, facts, managed_policies, policies
from generator.catalog import COMPOSITE, EKS_JOB_ROLES, PIECE, PIECES, SERVERLESS_SUBMITTER_POLICY_NAME, ModuleDef, Output, Piece, Variable
from generator.diagram import team_diagram
from generator.errors import SpecError
from generator.hcl import Expr, jsonencode
from generator.hcl import quote as hcl_quote
from generator.spec import (
    EksRole,
    EmrfsRole,
    Path_,
    PolicyStatement,
    RolePolicies,
    RuntimeRole,
    ServerlessRuntimeRole,
    SpecFile,
    Team,
    _split_field,
    aws_policy_arn_partition,
)

TEAM_TAG_KIND = "team tag"
# The kinds of unique_names that exist once per account, with the role each names.
SERVICE_LINKED_ROLE_KIND = "service-linked role"
SERVERLESS_SERVICE_LINKED_ROLE_KIND = "EMR Serverless service-linked role"
ONE_PER_ACCOUNT = {
    SERVICE_LINKED_ROLE_KIND: ("EMR service-linked role", facts.SERVICE_LINKED_ROLE_NAME, "service_linked_role.create"),
    SERVERLESS_SERVICE_LINKED_ROLE_KIND: (
        "EMR Serverless service-linked role", facts.SERVERLESS_SERVICE_LINKED_ROLE_NAME, "serverless.service_linked_role",
    ),
}


# Names that must be unique in an account, by spec field: (what they name, the name).
Claims = dict[str, tuple[str, str]]


@dataclass(frozen=True)
class TeamModule:
    """A team's wrapper module: a short `module "emr_iam"` call with the team's settings baked in."""

    team: str
    definition: ModuleDef
    tags: dict[str, str]
    arguments: dict[str, Any]
    # Names that must be unique in an account, by spec field: (what they name, the name).
    unique_names: dict[str, tuple[str, str]]


class LimitChecker:
    """Checks one team's values against IAM quotas; an error names the spec field that set the value."""

    def __init__(self, source: SpecFile, team_index: int):
        self.source = source
        self.team_index = team_index

    def fail(self, field: str, message: str) -> SpecError:
        return self.source.error(("teams", self.team_index, *_split_field(field)), message)

    def at_most(self, field: str, what: str, value: int, limit: int, hint: str = "") -> None:
        if value > limit:
            raise self.fail(field, f"{what} is {value}, over the IAM limit of {limit}{hint}")


def _policy_arns(settings: RolePolicies) -> dict[str, Any]:
    arns: dict[str, Any] = {name: policies.aws_managed_policy_arn(name) for name in settings.aws_managed_policies}
    arns.update({arn: policies.spec_arn(arn) for arn in settings.policy_arns})
    return arns


def _inline(settings: RolePolicies) -> dict[str, Any]:
    return {name: policies.user_policy(document) for name, document in settings.inline_policies.items()}


def _encode(documents: dict[str, Any], indent: int) -> dict[str, Expr]:
    return {name: Expr(jsonencode(document, indent)) for name, document in documents.items()}


def _role_name_checks(check: LimitChecker, field: str, name: str, use_prefix: bool) -> None:
    if use_prefix:
        check.at_most(field, f"role name prefix {name + '-'!r} length", len(name) + 1, facts.IAM_LIMITS["role_name_prefix"])
    else:
        check.at_most(field, f"role name {name!r} length", len(name), facts.IAM_LIMITS["role_name"])


def _role_policy_checks(
    check: LimitChecker, field: str, quota: int, listed: int, inline: dict[str, Any], attached: tuple[tuple[int, str], ...] = ()
) -> None:
    """The role's managed policies: `listed` in the spec's policy_arns and aws_managed_policies, and those
    the modules attach to it anyway (`attached`: how many, and what they are); then its inline policies' size."""
    count = listed + sum(number for number, _ in attached)
    if count > quota:
        parts = [f"{listed} listed in policy_arns and aws_managed_policies"] if listed else []
        parts += [what for number, what in attached if number]
        check.at_most(
            field, "number of managed policies attached to the role", count, quota,
            f": {', plus '.join(parts)}"
            "; raise quotas.managed_policies_per_role if your account's quota is higher",
        )
    size = sum(policies.policy_size(document) for document in inline.values())
    check.at_most(field, "size of the role's inline policies in characters", size, facts.IAM_LIMITS["inline_policies_per_role"])


# The spec's roles with `s3_access` beside their policies.
S3Role = EmrfsRole | RuntimeRole | ServerlessRuntimeRole | EksRole


def _inline_with_s3_access(role: S3Role) -> dict[str, Any]:
    """The role's inline policies, led by `s3-access` when the role has `s3_access`."""
    inline = _inline(role)
    return {"s3-access": policies.s3_access_policy(role.s3_access), **inline} if role.s3_access else inline


def _checked_mapped_role(check: LimitChecker, field: str, full_name: str, role: S3Role, quota: int) -> dict[str, Any]:
    """One entry of a module's `roles` map (EMRFS, EMR Serverless, EMR on EKS), after the name and policy quota checks."""
    _role_name_checks(check, f"{field}.name", full_name, False)
    inline = _inline_with_s3_access(role)
    arns = _policy_arns(role)
    _role_policy_checks(check, field, quota, len(arns), inline)
    return {"policy_arns": arns, "inline_policies": _encode(inline, 8)}


@dataclass(frozen=True)
class Scope:
    """What every section of one team shares: its spec entry, the quota checks, the names' prefix."""

    team: Team
    check: LimitChecker
    quota: int  # managed policies per role
    trust_quota: int
    prefix: str

    @property
    def path(self) -> str:
        return self.team.path

    @property
    def account(self) -> str | None:
        return self.team.source_account_id

    @property
    def sample_account(self) -> str:
        """The account in ARNs that are sized: the team's, or a placeholder of the same length."""
        return self.team.source_account_id or facts.ACCOUNT_ID_PLACEHOLDER

    def role_arn(self, name: str, use_name_prefix: bool = False) -> str:
        """A role's ARN as sized: with the engine's 26-character suffix when the name is a prefix."""
        return policies.role_arn_sample(self.path, name + ("-" + "x" * 26 if use_name_prefix else ""))

    @property
    def team_tag(self) -> tuple[str, str]:
        """The team tag: (key, value), the value the team's name unless the spec sets it."""
        return self.team.team_tag.key, self.team.team_tag.value if self.team.team_tag.value is not None else self.team.name

    def team_tag_bindings(self, by_tag: Expr | None = None, listed: bool = True) -> dict[Expr, Any]:
        """The team tag bound in a policy; `by_tag` yields the value once when nothing is `listed`."""
        key, value = self.team_tag
        bindings: dict[Expr, Any] = {policies.TEAM_TAG_KEY: key, policies.TEAM_TAG_VALUE: value}
        if by_tag is not None:
            bindings[by_tag] = [] if listed else [{policies.CONDITION_VALUE: value}]
        return bindings

    @property
    def ec2_role_arn(self) -> str:
        """The team's EMR role for EC2, which EMRFS and runtime roles trust."""
        ec2 = self.team.ec2_role
        return self.role_arn(self.prefix + ec2.name, ec2.use_name_prefix)


@dataclass(frozen=True)
class Section:
    """What one section of a team's spec gives the team module: its arguments and the names it claims."""

    arguments: dict[str, Any]
    claims: Claims = dataclasses.field(default_factory=dict)
    # Inline policies the section's module puts on the team's EMR role for EC2 (they count towards its quota).
    ec2_inline: dict[str, Any] = dataclasses.field(default_factory=dict)


CLUSTER_ROLES = ("service_role", "ec2_role", "autoscaling_role")


def resolve_team(source: SpecFile, index: int) -> TeamModule:
    """One team's module arguments, each section checked against IAM's quotas in its own function."""
    spec = source.spec
    team: Team = spec.teams[index]
    prefix = team.name_prefix.replace("{team}", team.name)
    scope = Scope(team, LimitChecker(source, index), spec.quotas.managed_policies_per_role, spec.quotas.trust_policy, prefix)
    # Every role, instance profile and policy of the team carries these tags: defaults.tags merged with the team's own,
    # and the team tag, which the module adds and which the tags may repeat but not change.
    tag_key, tag_value = scope.team_tag
    if team.tags.get(tag_key, tag_value) != tag_value:
        raise scope.check.source.error(
            ("teams", index, "tags", tag_key),
            f"{tag_key!r} is the team tag's key (team_tag): the modules tag every resource of the team {tag_key}={tag_value};"
            f" drop it from tags or give it the value {tag_value!r}",
        )
    scope.check.at_most(
        "tags", "number of tags (defaults.tags and the team's tags, merged, and the team tag)", len({**team.tags, tag_key: tag_value}),
        facts.IAM_LIMITS["tags_per_role"], " per resource; tags the workspace adds through the module's tags variable count too",
    )
    scope.check.at_most("path", "path length", len(team.path), facts.IAM_LIMITS["path"])

    names = {key: prefix + getattr(team, key).name for key in CLUSTER_ROLES}
    service = _service_role(scope, names)
    emrfs = _emrfs(scope)
    runtime = _runtime_roles(scope)
    ec2 = _ec2_role(scope, names, {**emrfs.ec2_inline, **runtime.ec2_inline})
    autoscaling = _autoscaling_role(scope, names)
    serverless = _serverless(scope)
    eks = _eks(scope)
    studio = _studio(scope, names)
    passrole = _passrole_policy(scope, names)
    common = {
        "create": Expr("var.create"),
        "path": team.path,
        "permissions_boundary_arn": policies.spec_arn(team.permissions_boundary) if team.permissions_boundary else None,
        "source_account_id": Expr("var.source_account_id"),
        "team_tag_key": scope.team_tag[0],
        "team_tag_value": scope.team_tag[1],
        "tags": Expr("merge(local.tags, var.tags)"),
    }
    service_linked_role = Section(
        PIECE["service_linked_role"].composite_arguments({"create": Expr("var.create_service_linked_role")}),
        # One per account: a second team creating it in the same account fails in AWS.
        {"service_linked_role.create": (SERVICE_LINKED_ROLE_KIND, team.source_account_id or "")} if team.service_linked_role.create else {},
    )
    # The team module's arguments in the composite's order; names claimed in the order they are reported.
    in_order = (service, ec2, autoscaling, service_linked_role, emrfs, passrole, runtime, serverless, eks, studio)
    # Teams of one account need different team tags: a tag two teams share isolates neither from the other.
    team_tag = Section({}, {"team_tag": (TEAM_TAG_KIND, f"{'='.join(scope.team_tag)} in {team.source_account_id or 'the same account'}")})
    claims = (service, emrfs, runtime, eks, passrole, service_linked_role, serverless, studio, team_tag)
    arguments = _without_pieces_off({**common, **{key: value for section in in_order for key, value in section.arguments.items()}})
    return TeamModule(
        team=team.name,
        definition=_team_definition(team, arguments),
        tags=dict(team.tags),
        arguments=arguments,
        unique_names={field: claim for section in claims for field, claim in section.claims.items()},
    )


@functools.lru_cache(maxsize=256)
def _cluster_trust_sizes(account: str | None, scaling_conditions: bool) -> tuple[int, int]:
    """The sizes of the service role's and the scaling role's trust (which trusts two services, a source ARN for each)."""
    service = policies.size_of(policies.SERVICE_ROLE_TRUST, {policies.SERVICE_ROLE_SOURCE: policies.source_account(account)})
    scaling_account = policies.source_account(account if scaling_conditions else None)
    return service, policies.size_of(policies.AUTOSCALING_ROLE_TRUST, {policies.AUTOSCALING_ROLE_SOURCE: scaling_account})


_SPOT_DOCUMENT = policies.sample_document(policies.SERVICE_ROLE_SPOT, {})


def _service_role(scope: Scope, names: dict[str, str]) -> Section:
    """The EMR service role; its trust size also stands for the scaling role's (checked here, with it)."""
    team, check = scope.team, scope.check
    service, autoscaling = team.service_role, team.autoscaling_role
    for key in CLUSTER_ROLES:
        _role_name_checks(check, f"{key}.name", names[key], getattr(team, key).use_name_prefix)
    service_trust, scaling_trust = _cluster_trust_sizes(scope.account, autoscaling.trust_conditions)
    check.at_most("source_account_id", "size of the service role's trust policy", service_trust, scope.trust_quota)
    check.at_most("source_account_id", "size of the scaling role's trust policy", scaling_trust, scope.trust_quota)

    own_inline = _inline(service)
    inline = dict(own_inline)
    # What the module adds where the managed policy falls short: PassRole for the team's own
    # EC2 and scaling roles (v2 passes only the default names at /) and the Spot service-linked role.
    if not facts.MANAGED_POLICY_PASSES_ANY_ROLE[service.managed_policy]:
        passed = {
            key: (scope.role_arn(names[key], getattr(team, key).use_name_prefix), facts.PASSED_TO[key])
            for key in ("ec2_role", "autoscaling_role")
        }
        inline["pass-cluster-roles"] = policies.sample_document(
            policies.SERVICE_ROLE_PASS_ROLES, {policies.SERVICE_ROLE_PASSES: policies.pass_role_items(passed)}
        )
    if not facts.MANAGED_POLICY_CREATES_SPOT_ROLE[service.managed_policy] and service.allow_spot_service_linked_role:
        inline["create-spot-service-linked-role"] = _SPOT_DOCUMENT
    service_policy = facts.SERVICE_ROLE_MANAGED_POLICY.get(service.managed_policy)
    attached = ((1, f"{service_policy}, the AWS managed policy the role gets anyway (managed_policy: {service.managed_policy})"),)
    _role_policy_checks(check, "service_role", scope.quota, len(_policy_arns(service)), inline, attached if service_policy else ())
    return Section(
        PIECE["service_role"].composite_arguments({
            "create": service.create,
            "name": names["service_role"],
            "use_name_prefix": service.use_name_prefix,
            "managed_policy": service.managed_policy,
            "allow_spot_service_linked_role": service.allow_spot_service_linked_role,
            "policy_arns": _policy_arns(service),
            "inline_policies": _encode(own_inline, 4),
        }),
        # Only the roles the team creates claim their names: a role left out takes no name in the account.
        {f"{key}.name": ("role", names[key]) for key in CLUSTER_ROLES if getattr(team, key).create},
    )


def _ec2_role(scope: Scope, names: dict[str, str], added_inline: dict[str, Any]) -> Section:
    """The EMR role for EC2: its scoped policy, and the inline policies other sections add to it."""
    team, check = scope.team, scope.check
    ec2 = team.ec2_role
    scoped = policies.ec2_scoped_policy(ec2.s3_access, scope.account) if ec2.policy == "scoped" else None
    if scoped is not None:
        scoped_size = policies.policy_size(scoped)
        check.at_most("ec2_role.s3_access", "size of the scoped EC2 policy in characters", scoped_size, facts.IAM_LIMITS["managed_policy"])
    attached = (
        (1, f"{facts.MANAGED_POLICIES['ec2_role']}, the AWS managed policy the role gets anyway (policy: managed)")
        if scoped is None else (1, "the scoped customer-managed policy the role gets anyway (policy: scoped)"),
    )
    own_inline = _inline(ec2)
    _role_policy_checks(check, "ec2_role", scope.quota, len(_policy_arns(ec2)), {**own_inline, **added_inline}, attached)
    return Section(PIECE["ec2_role"].composite_arguments({
        "create": ec2.create,
        "name": names["ec2_role"],
        "use_name_prefix": ec2.use_name_prefix,
        "attach_aws_managed_policy": ec2.policy == "managed",
        "scoped_policy_json": Expr(jsonencode(scoped, 2)) if scoped is not None else None,
        "policy_arns": _policy_arns(ec2),
        "inline_policies": _encode(own_inline, 4),
    }))


def _autoscaling_role(scope: Scope, names: dict[str, str]) -> Section:
    autoscaling = scope.team.autoscaling_role
    own_inline = _inline(autoscaling)
    attached = ((1, f"{facts.MANAGED_POLICIES['autoscaling_role']}, the AWS managed policy the role gets anyway"),)
    _role_policy_checks(scope.check, "autoscaling_role", scope.quota, len(_policy_arns(autoscaling)), own_inline, attached)
    return Section(PIECE["autoscaling_role"].composite_arguments({
        "create": autoscaling.create,
        "name": names["autoscaling_role"],
        "use_name_prefix": autoscaling.use_name_prefix,
        "trust_conditions": autoscaling.trust_conditions,
        "policy_arns": _policy_arns(autoscaling),
        "inline_policies": _encode(own_inline, 4),
    }))


def _emrfs(scope: Scope) -> Section:
    """EMRFS roles, their mappings and the team's security configuration."""
    team, check, prefix = scope.team, scope.check, scope.prefix
    emrfs = team.emrfs
    emrfs_names = {role.name: prefix + role.name for role in emrfs.roles}
    ec2_inline = {}
    if emrfs.create and team.ec2_role.create and emrfs.roles:
        # The EC2 role's inline policy that lets it assume the EMRFS roles grows with each role ARN.
        ec2_inline["emrfs-assume-roles"] = policies.sample_document(
            policies.EMRFS_EC2_ASSUME, {policies.MODULE_ROLE_ARNS: [scope.role_arn(name) for name in emrfs_names.values()]}
        )
    # Every EMRFS role has the same trust: the EMR role for EC2.
    trust_size = policies.size_of(policies.EMRFS_TRUST, {policies.EC2_ROLE_ARN: scope.ec2_role_arn})
    roles: dict[str, Any] = {}
    for position, role in enumerate(emrfs.roles):
        field_name = f"emrfs.roles[{position}]"
        full_name = emrfs_names[role.name]
        mapped = _checked_mapped_role(check, field_name, full_name, role, scope.quota)
        check.at_most(f"{field_name}.name", "size of the EMRFS role's trust policy", trust_size, scope.trust_quota)
        roles[full_name] = mapped
    security_configuration_name = emrfs.security_configuration_name or default_security_configuration_name(team.name, prefix)
    return Section(
        PIECE["emrfs"].composite_arguments({
            "create": emrfs.create,
            "roles": roles,
            "role_mappings": [
                {"role": emrfs_names[m.role], "identifier_type": m.identifier_type, "identifiers": list(m.identifiers)}
                for m in emrfs.mappings
            ],
            "security_configuration_name": security_configuration_name,
            "encryption_configuration": _encryption_configuration(team),
        }),
        {
            **{f"emrfs.roles[{i}].name": ("role", name) for i, name in enumerate(emrfs_names.values())},
            **({"emrfs.security_configuration_name": ("security configuration", security_configuration_name)}
               if emrfs.create and team.ec2_role.create else {}),
        },
        ec2_inline,
    )


def _runtime_roles(scope: Scope) -> Section:
    """Runtime roles for EMR steps, the EC2 role's permission to assume them and the step submitter policy."""
    team, check, prefix = scope.team, scope.check, scope.prefix
    runtime_names = {role.name: prefix + role.name for role in team.runtime_roles}
    ec2_inline = {}
    if team.runtime_roles:
        _runtime_role_rules(check, team)
        # The EC2 role's inline policy that lets it assume the runtime roles grows with each role ARN.
        source_identity = [scope.role_arn(runtime_names[role.name]) for role in team.runtime_roles if role.propagate_source_identity]
        ec2_inline["emr-runtime-roles-assume"] = policies.sample_document(policies.RUNTIME_EC2_ASSUME, {
            policies.MODULE_ROLE_ARNS: [scope.role_arn(name) for name in runtime_names.values()],
            policies.RUNTIME_SOURCE_IDENTITY_ROLES: [{policies.SOURCE_IDENTITY_ROLE_ARNS: source_identity}] if source_identity else [],
        })
    ec2_arn = scope.ec2_role_arn
    # What the module adds for Lake Formation and S3 Access Grants counts towards each role's quota.
    own = facts.RUNTIME_ROLE_POLICY_NAMES
    anywhere = {policies.MODULE_REGION: "*", policies.MODULE_ACCOUNT: scope.sample_account}
    lake_formation = access_grants = None
    if any(role.lake_formation for role in team.runtime_roles):
        lake_formation = policies.sample_document(policies.RUNTIME_LAKE_FORMATION, anywhere)
    if any(role.s3_access_grants for role in team.runtime_roles):
        access_grants = policies.sample_document(policies.RUNTIME_S3_ACCESS_GRANTS, anywhere)
    roles: dict[str, Any] = {}
    for position, runtime in enumerate(team.runtime_roles):
        field_name = f"runtime_roles[{position}]"
        full_name = runtime_names[runtime.name]
        _role_name_checks(check, f"{field_name}.name", full_name, False)
        inline = _inline_with_s3_access(runtime)
        generated = {
            own["lake_formation"]: lake_formation if runtime.lake_formation else None,
            own["s3_access_grants"]: access_grants if runtime.s3_access_grants else None,
        }
        for name, document in generated.items():
            if document is not None and name in inline:
                raise check.fail(
                    f"{field_name}.inline_policies.{name}",
                    f"inline policy name {name!r} is the one the module gives its own policy; choose another",
                )
        sized = {**inline, **{name: document for name, document in generated.items() if document is not None}}
        _role_policy_checks(check, field_name, scope.quota, len(_policy_arns(runtime)), sized)
        trust_size = policies.size_of(policies.RUNTIME_ROLE_TRUST, {
            policies.EC2_ROLE_ARN: ec2_arn,
            # The external ID is the workspace's (runtime_roles_external_id), unknown here.
            policies.RUNTIME_EXTERNAL_ID: [],
            policies.RUNTIME_LAKE_FORMATION_TAG: (
                [{policies.CONDITION_VALUE: facts.LAKE_FORMATION_SESSION_TAG_VALUE}] if runtime.lake_formation else []
            ),
            policies.RUNTIME_SOURCE_IDENTITY: [{policies.STATEMENT_VALUE: ec2_arn}] if runtime.propagate_source_identity else [],
        })
        check.at_most(f"{field_name}.name", "size of the runtime role's trust policy", trust_size, scope.trust_quota)
        roles[full_name] = {
            "policy_arns": _policy_arns(runtime),
            "inline_policies": _encode(inline, 8),
            "lake_formation": runtime.lake_formation,
            "s3_access_grants": runtime.s3_access_grants,
            "propagate_source_identity": runtime.propagate_source_identity,
        }
    submitter = team.step_submitter_policy
    check.at_most(
        "step_submitter_policy.name", "step submitter policy name length", len(prefix + submitter.name), facts.IAM_LIMITS["policy_name"]
    )
    if team.runtime_roles and submitter.create:
        submitter_size = policies.size_of(policies.RUNTIME_SUBMITTER, {
            **scope.team_tag_bindings(policies.SUBMITTER_CLUSTERS_BY_TAG, listed=False),
            policies.MODULE_ROLE_ARNS: [scope.role_arn(name) for name in runtime_names.values()],
            policies.SUBMITTER_CLUSTERS: [f"arn:{facts.LONGEST_PARTITION}:elasticmapreduce:*:{scope.sample_account}:cluster/*"],
        })
        check.at_most(
            "runtime_roles", "size of the step submitter policy in characters", submitter_size, facts.IAM_LIMITS["managed_policy"]
        )
    return Section(
        PIECE["runtime_roles"].composite_arguments({
            "create": bool(team.runtime_roles),
            "roles": roles,
            "cluster_region": Expr("var.runtime_roles_region"),
            "external_id": Expr("var.runtime_roles_external_id"),
            "create_submitter_policy": submitter.create,
            "submitter_policy_name": prefix + submitter.name,
            "submitter_attach_to_users": list(submitter.attach_to_users),
            "submitter_attach_to_groups": list(submitter.attach_to_groups),
            "submitter_attach_to_roles": list(submitter.attach_to_roles),
        }),
        {
            **{f"runtime_roles[{i}].name": ("role", name) for i, name in enumerate(runtime_names.values())},
            **({"step_submitter_policy.name": ("step submitter policy", prefix + submitter.name)}
               if team.runtime_roles and submitter.create else {}),
        },
        ec2_inline,
    )


def _passrole_policy(scope: Scope, names: dict[str, str]) -> Section:
    """The PassRole policy for the people who launch clusters: the cluster roles the team creates."""
    team, check, prefix = scope.team, scope.check, scope.prefix
    passrole = team.passrole_policy
    launched = {key: (scope.role_arn(name), facts.PASSED_TO[key]) for key, name in names.items() if getattr(team, key).create}
    passrole_size = policies.size_of(policies.PASSROLE_POLICY, {policies.PASSROLE_ROLES: policies.pass_role_items(launched)})
    check.at_most("passrole_policy.name", "PassRole policy name length", len(prefix + passrole.name), facts.IAM_LIMITS["policy_name"])
    check.at_most("passrole_policy", "size of the PassRole policy in characters", passrole_size, facts.IAM_LIMITS["managed_policy"])
    return Section(
        PIECE["passrole_policy"].composite_arguments({
            "create": passrole.create,
            "name": prefix + passrole.name,
            "attach_to_users": list(passrole.attach_to_users),
            "attach_to_groups": list(passrole.attach_to_groups),
            "attach_to_roles": list(passrole.attach_to_roles),
        }),
        {"passrole_policy.name": ("PassRole policy", prefix + passrole.name)} if passrole.create else {},
    )


def _serverless(scope: Scope) -> Section:
    """EMR Serverless job runtime roles, their job submitter policy and the account's service-linked role."""
    team, check, prefix = scope.team, scope.check, scope.prefix
    serverless = team.serverless
    names = {role.name: prefix + role.name for role in serverless.runtime_roles}
    roles: dict[str, Any] = {}
    if serverless.create:
        for position, role in enumerate(serverless.runtime_roles):
            field_name = f"serverless.runtime_roles[{position}]"
            roles[names[role.name]] = _checked_mapped_role(check, field_name, names[role.name], role, scope.quota)
        application_arns = policies.serverless_application_arns(
            scope.sample_account, serverless.application_ids, facts.SERVERLESS_APPLICATION_RESOURCE
        )
        trust_size = policies.size_of(policies.SERVERLESS_TRUST, {
            policies.ACCOUNT_ID_EACH: policies.source_account(scope.account),
            policies.SERVERLESS_SOURCE_ARNS: [] if scope.account is None else [{policies.CONDITION_VALUE: application_arns}],
        })
        # Every role has the same trust; it grows with each application ID.
        check.at_most(
            "serverless.application_ids", "size of the EMR Serverless job runtime roles' trust policy", trust_size, scope.trust_quota
        )
        if serverless.submitter_policy and roles:
            submitter_size = policies.size_of(policies.SERVERLESS_SUBMITTER, {
                **scope.team_tag_bindings(policies.APPLICATIONS_BY_TAG, listed=bool(serverless.application_ids)),
                policies.APPLICATION_ARNS: application_arns,
                policies.JOB_RUN_ARNS: policies.serverless_application_arns(
                    scope.sample_account, serverless.application_ids, facts.SERVERLESS_JOB_RUN_RESOURCE
                ),
                policies.MODULE_ROLE_ARNS: [scope.role_arn(name) for name in roles],
            })
            check.at_most(
                "serverless.runtime_roles", "size of the EMR Serverless job submitter policy in characters", submitter_size,
                facts.IAM_LIMITS["managed_policy"],
            )
    submitter = prefix + SERVERLESS_SUBMITTER_POLICY_NAME
    submits = serverless.create and serverless.submitter_policy and bool(serverless.runtime_roles)
    if submits:
        check.at_most("serverless.submitter_policy", "EMR Serverless job submitter policy name length", len(submitter),
                      facts.IAM_LIMITS["policy_name"])
    return Section(
        {
            **PIECE["serverless_roles"].composite_arguments({
                "create": bool(roles),
                "roles": roles,
                "application_region": Expr("var.serverless_application_region"),
                "application_ids": list(serverless.application_ids),
                "create_submitter_policy": serverless.submitter_policy,
                "submitter_policy_name": submitter,
            }),
            **PIECE["serverless_service_linked_role"].composite_arguments({"create": Expr("var.create_serverless_service_linked_role")}),
        },
        {
            **{f"serverless.runtime_roles[{i}].name": ("role", name) for i, name in enumerate(names.values()) if serverless.create},
            **({"serverless.submitter_policy": ("EMR Serverless job submitter policy", submitter)} if submits else {}),
            **({"serverless.service_linked_role": (SERVERLESS_SERVICE_LINKED_ROLE_KIND, team.source_account_id or "")}
               if serverless.service_linked_role else {}),
        },
    )


# The job submitter policy's name, after the team's name prefix (the module's default).
EKS_SUBMITTER_POLICY_NAME = next(v.default for v in EKS_JOB_ROLES.variables if v.name == "submitter_policy_name")


def _eks(scope: Scope) -> Section:
    """EMR on EKS job execution roles and their job submitter policy, each checked against IAM's quotas."""
    team, check, prefix = scope.team, scope.check, scope.prefix
    eks = team.eks
    def arguments(roles: dict[str, Any]) -> dict[str, Any]:
        return PIECE["eks_roles"].composite_arguments({
            "create": bool(roles),
            "roles": roles,
            "region": Expr("var.eks_region"),
            "virtual_cluster_ids": list(eks.virtual_cluster_ids),
            "create_submitter_policy": eks.submitter_policy,
            "submitter_policy_name": prefix + EKS_SUBMITTER_POLICY_NAME,
        })

    if not (eks.create and eks.roles):
        return Section(arguments({}))
    names = {role.name: prefix + role.name for role in eks.roles}
    account = scope.account
    if account is None:
        raise check.fail(
            "eks.roles",
            "need source_account_id: the OIDC provider ARNs of the IRSA trust and the service account names EMR on EKS"
            " creates contain the account ID",
        )
    roles: dict[str, Any] = {}
    for position, role in enumerate(eks.roles):
        field_name = f"eks.roles[{position}]"
        full_name = names[role.name]
        mapped = _checked_mapped_role(check, field_name, full_name, role, scope.quota)
        bindings = policies.eks_trust_bindings(account, full_name, role.clusters)
        bindings[policies.IRSA_CLUSTERS] = bindings[policies.IRSA_CLUSTERS] if role.irsa else []
        bindings[policies.POD_IDENTITY_CLUSTERS] = bindings[policies.POD_IDENTITY_CLUSTERS] if role.pod_identity else []
        check.at_most(
            f"{field_name}.clusters", "size of the job execution role's trust policy (it grows with each cluster and namespace)",
            policies.size_of(policies.EKS_TRUST, bindings), scope.trust_quota,
            " (split the clusters between roles, or raise quotas.trust_policy if your account's quota is higher)",
        )
        roles[full_name] = {
            "base36_name": emr_containers.base36(full_name),
            **mapped,
            "clusters": {
                cluster.name: {"oidc_issuer": cluster.oidc_issuer, "namespaces": list(cluster.namespaces)} for cluster in role.clusters
            },
            "irsa": role.irsa,
            "pod_identity": role.pod_identity,
        }
    if eks.submitter_policy:
        check.at_most(
            "eks.submitter_policy", "EMR on EKS job submitter policy name length", len(prefix + EKS_SUBMITTER_POLICY_NAME),
            facts.IAM_LIMITS["policy_name"],
        )
        virtual_clusters = [policies.eks_virtual_cluster_arn("*", account, id_) for id_ in eks.virtual_cluster_ids] or [
            policies.eks_virtual_cluster_arn("*", account, "*")
        ]
        size = policies.size_of(policies.EKS_SUBMITTER, {
            **scope.team_tag_bindings(policies.VIRTUAL_CLUSTERS_BY_TAG, listed=bool(eks.virtual_cluster_ids)),
            policies.VIRTUAL_CLUSTERS: virtual_clusters,
            policies.VIRTUAL_CLUSTER_JOB_RUNS: [cluster + facts.EKS_JOB_RUN_RESOURCE for cluster in virtual_clusters],
            policies.MODULE_ROLE_ARNS: [scope.role_arn(name) for name in names.values()],
        })
        check.at_most("eks.roles", "size of the EMR on EKS job submitter policy in characters", size, facts.IAM_LIMITS["managed_policy"])
    return Section(
        arguments(roles),
        {
            **{f"eks.roles[{i}].name": ("role", name) for i, name in enumerate(names.values())},
            **({"eks.submitter_policy": ("EMR on EKS job submitter policy", prefix + EKS_SUBMITTER_POLICY_NAME)}
               if eks.submitter_policy else {}),
        },
    )


def _studio(scope: Scope, cluster_roles: dict[str, str]) -> Section:
    """EMR Studio's service role, user role and user policies, after IAM's quota checks."""
    team, check, prefix, quota, trust_quota = scope.team, scope.check, scope.prefix, scope.quota, scope.trust_quota
    studio = team.studio
    if not studio.create:
        return Section(PIECE["studio_roles"].composite_arguments({"create": False}))
    path, account = team.path, team.source_account_id
    sample_account = account or facts.ACCOUNT_ID_PLACEHOLDER
    service_name, user_name = prefix + studio.service_role.name, prefix + studio.user_role.name
    sso = studio.auth_mode == "SSO"
    bucket = studio.workspace_bucket or ""
    claims: dict[str, tuple[str, str]] = {"studio.service_role.name": ("role", service_name)}

    _role_name_checks(check, "studio.service_role.name", service_name, False)
    service_inline = _inline(studio.service_role)
    own = facts.STUDIO_SERVICE_POLICY_NAME
    if own in service_inline:
        raise check.fail(
            f"studio.service_role.inline_policies.{own}",
            f"inline policy name {own!r} is the one the module gives its own policy; choose another",
        )
    kms_keys = [policies.spec_arn(key) for key in studio.kms_key_arns]
    service_policy = policies.studio_service_policy(
        sample_account, bucket, studio.workspace_prefix, studio.kms_key_arns, studio.git_secrets, scope.team_tag,
        studio.any_collaboration,
    )
    sized = {**service_inline, own: service_policy}
    _role_policy_checks(check, "studio.service_role", quota, len(_policy_arns(studio.service_role)), sized)
    for field, user_role in (("studio.service_role", False), ("studio.user_role", True)):
        if user_role and not sso:
            continue
        trust = policies.studio_trust(account, user_role)
        check.at_most(f"{field}.name", "size of the role's trust policy", policies.policy_size(trust), trust_quota)

    service_arn = policies.role_arn_sample(path, service_name)
    sampled_cluster_roles = [policies.role_arn_sample(path, name) for key, name in cluster_roles.items()
                             if key in ("service_role", "ec2_role") and getattr(team, key).create]
    for index, session in enumerate(studio.session_policies):
        field = f"studio.session_policies[{index}]"
        name = prefix + session.name
        check.at_most(f"{field}.name", f"policy name {name!r} length", len(name), facts.IAM_LIMITS["policy_name"])
        document = policies.studio_session_policy(
            session.tier, sample_account, bucket, service_arn, sampled_cluster_roles, None if sso else list(studio.studio_ids),
            scope.team_tag, session.collaboration,
        )
        check.at_most(field, f"size of the EMR Studio {session.tier} user policy in characters", policies.policy_size(document),
                      facts.IAM_LIMITS["managed_policy"])
        claims[f"{field}.name"] = ("EMR Studio user policy", name)
    if sso:
        _role_name_checks(check, "studio.user_role.name", user_name, False)
        claims["studio.user_role.name"] = ("role", user_name)
        # AWS: every session policy is attached to the user role, beside its own managed policies.
        sessions = len(studio.session_policies)
        _role_policy_checks(
            check, "studio.user_role", quota, len(_policy_arns(studio.user_role)), _inline(studio.user_role),
            ((sessions, f"the {sessions} of session_policies, which the user role carries with auth_mode SSO"),),
        )
    arguments = PIECE["studio_roles"].composite_arguments({
        "create": True,
        "region": Expr("var.studio_region"),
        "auth_mode": studio.auth_mode,
        "service_role_name": service_name,
        "user_role_name": user_name,
        "workspace_bucket": studio.workspace_bucket,
        "workspace_prefix": studio.workspace_prefix,
        "kms_key_arns": kms_keys,
        "git_secrets": studio.git_secrets,
        "studio_ids": list(studio.studio_ids),
        "session_policies": {
            prefix + session.name: {
                "tier": session.tier,
                **({"collaboration": True} if session.collaboration else {}),
                **({"attach_to_users": list(session.attach_to_users)} if session.attach_to_users else {}),
                **({"attach_to_groups": list(session.attach_to_groups)} if session.attach_to_groups else {}),
                **({"attach_to_roles": list(session.attach_to_roles)} if session.attach_to_roles else {}),
            }
            for session in studio.session_policies
        },
        "service_role_policy_arns": _policy_arns(studio.service_role),
        "service_role_inline_policies": _encode(service_inline, 4),
        "user_role_policy_arns": _policy_arns(studio.user_role),
        "user_role_inline_policies": _encode(_inline(studio.user_role), 4),
    })
    return Section(arguments, claims)


def _runtime_role_rules(check: LimitChecker, team: Team) -> None:
    """What runtime roles need of the rest of the team, and what one security configuration cannot hold."""
    if not team.ec2_role.create:
        raise check.fail("runtime_roles", "runtime roles trust the team's EMR role for EC2, which ec2_role.create: false leaves out")
    if not team.emrfs.create:
        raise check.fail(
            "emrfs.create",
            "is false, but runtime roles need the team's security configuration (EnableApplicationScopedIAMRole), which it creates:"
            " set emrfs.create: true (without emrfs roles it creates only the security configuration)",
        )
    lake_formation = [index for index, role in enumerate(team.runtime_roles) if role.lake_formation]
    if lake_formation and team.emrfs.mappings:
        raise check.fail(
            f"runtime_roles[{lake_formation[0]}].lake_formation",
            "Lake Formation and EMRFS role mappings cannot share the team's one security configuration"
            " (AWS documents LakeFormationConfiguration only with runtime roles, not with EmrFsConfiguration):"
            " drop emrfs.mappings or lake_formation",
        )
    propagate = {role.propagate_source_identity for role in team.runtime_roles}
    if len(propagate) > 1:
        first = team.runtime_roles[0].propagate_source_identity
        index = next(i for i, role in enumerate(team.runtime_roles) if role.propagate_source_identity != first)
        raise check.fail(
            f"runtime_roles[{index}].propagate_source_identity",
            "differs from runtime_roles[0]: the source identity is propagated by the security configuration, for every runtime"
            " role of the team or for none",
        )


def default_security_configuration_name(team: str, prefix: str) -> str:
    """Security configurations are per account and region: the team's name prefix (or its name) keeps them apart."""
    return f"{prefix or team + '-'}emrfs"


def _encryption_configuration(team: Team) -> dict[str, Any]:
    """The security configuration's EncryptionConfiguration section, or {} for none."""
    encryption = team.emrfs.encryption
    if encryption is None:
        return {}
    at_rest: dict[str, Any] = {}
    if encryption.at_rest_s3 is not None:
        s3: dict[str, Any] = {"EncryptionMode": encryption.at_rest_s3.mode}
        if encryption.at_rest_s3.kms_key_arn:
            s3["AwsKmsKey"] = policies.spec_arn(encryption.at_rest_s3.kms_key_arn)
        at_rest["S3EncryptionConfiguration"] = s3
    if encryption.local_disk_kms_key_arn is not None:
        at_rest["LocalDiskEncryptionConfiguration"] = {
            "EncryptionKeyProviderType": "AwsKms",
            "AwsKmsKey": policies.spec_arn(encryption.local_disk_kms_key_arn),
        }
    section: dict[str, Any] = {
        "EnableInTransitEncryption": encryption.in_transit_certificate_s3_object is not None,
        "EnableAtRestEncryption": bool(at_rest),
    }
    if at_rest:
        section["AtRestEncryptionConfiguration"] = at_rest
    if encryption.in_transit_certificate_s3_object is not None:
        section["InTransitEncryptionConfiguration"] = {
            "TLSCertificateConfiguration": {
                "CertificateProviderType": "PEM",
                "S3Object": encryption.in_transit_certificate_s3_object,
            }
        }
    return {"EncryptionConfiguration": section}


# Every team module has the composite's outputs: one tuple for all teams (the templates render it once).
TEAM_OUTPUTS = tuple(Output(o.name, f"module.emr_iam.{o.name}", o.description) for o in COMPOSITE.outputs)


def _without_pieces_off(arguments: dict[str, Any]) -> dict[str, Any]:
    """The arguments less those of the pieces the spec turns off: the composite's defaults stand for them.

    A piece that is off adds nothing to a team module, so a new piece, off by default, changes no team that does not
    use it. A toggle the composite turns on by default stays, set to false; a toggle the workspace sets (`var.*`) keeps
    its piece.
    """
    dropped: set[str] = set()
    for piece in PIECES:
        toggles = [piece.toggle.name, *piece.requires]
        if any(arguments.get(name, PIECE_TOGGLES.get(name)) is False for name in toggles):
            dropped |= set(piece.own_composite_names)
            if piece.toggle.default is True and arguments.get(piece.toggle.name) is False:
                dropped.discard(piece.toggle.name)
    return {name: value for name, value in arguments.items() if name not in dropped}


# The composite's toggle of each piece, by name, with its default.
PIECE_TOGGLES = {piece.toggle.name: piece.toggle.default for piece in PIECES}


def with_defaults(arguments: Mapping[str, Any], variables: Iterable[Variable]) -> dict[str, Any]:
    """A team module's arguments with those it leaves to its workspace (`var.*`) at their defaults, from the spec."""
    defaults = {variable.name: variable.default for variable in variables}
    return {
        name: defaults.get(value.code.removeprefix("var."), value) if isinstance(value, Expr) else value
        for name, value in arguments.items()
    }


def used_pieces(arguments: Mapping[str, Any], variables: Iterable[Variable]) -> list[Piece]:
    """The pieces of `emr-iam` a team module turns on; a toggle the workspace sets (`var.*`) counts with its default."""
    values = with_defaults(arguments, variables)

    def on(name: str) -> bool:
        value = values.get(name, PIECE_TOGGLES.get(name))
        return bool(value) and not isinstance(value, Expr)

    return [piece for piece in PIECES if on(piece.toggle.name) and all(on(name) for name in piece.requires)]


def _team_usage(team: Team, arguments: Mapping[str, Any], used: set[str]) -> str:
    """The team README's usage: the module call, then what each part the team has feeds."""
    out = f'module "emr_iam" {{\n  source = "../../modules/teams/{team.name}"\n}}\n'
    if used & {"service_role", "ec2_role"}:
        lines = [
            ("service_role", "service_role           = module.emr_iam.service_role_name"),
            ("autoscaling_role", "autoscaling_role       = module.emr_iam.autoscaling_role_name"),
            ("emrfs", "security_configuration = module.emr_iam.security_configuration_name"),
        ]
        out += (
            "\n# EMR on EC2: the IAM arguments of an EMR cluster.\n"
            'resource "aws_emr_cluster" "this" {\n  # name, release_label, instance groups ...\n'
            + "".join(f"  {line}\n" for piece, line in lines if piece in used)
            + ("\n  ec2_attributes {\n    instance_profile = module.emr_iam.instance_profile_name\n"
               "    # subnet_id, security groups ...\n  }\n" if "ec2_role" in used else "")
            + "}\n"
        )
    for piece, output, what in (
        ("runtime_roles", "runtime_role_arns", "Runtime roles: the ExecutionRoleArn of a step"),
        ("serverless_roles", "serverless_role_arns", "EMR Serverless: the executionRoleArn of a job run"),
        ("eks_roles", "eks_role_arns", "EMR on EKS: the executionRoleArn of a job run"),
    ):
        names = list(arguments.get(PIECE[piece].input("roles")) or {})
        if piece in used and names:
            out += f"\n# {what}, for example\n#   module.emr_iam.{output}[{hcl_quote(names[0])}]\n"
    if "studio_roles" in used:
        out += "\n# EMR Studio: service_role of aws_emr_studio = module.emr_iam.studio_service_role_arn\n"
    return out


def _team_definition(team: Team, arguments: Mapping[str, Any]) -> ModuleDef:
    # Only the variables its arguments read: a team without EMR Studio has no `studio_region`.
    variables = _team_variables_read(
        team.service_linked_role.create, team.source_account_id, team.serverless.service_linked_role, frozenset(_variables_read(arguments))
    )
    used = [piece.block for piece in used_pieces(arguments, variables)]
    outputs = TEAM_OUTPUTS
    return ModuleDef(
        name=f"teams/{team.name}",
        title=f"EMR IAM for team {team.name}",
        summary=f"The settings of team `{team.name}` from the platform spec, applied to the `emr-iam` module.",
        variables=variables,
        outputs=outputs,
        usage=_team_usage(team, arguments, set(used)),
        context={
            "diagram": team_diagram(team, arguments, used),
            # The README lists the outputs of what the team creates; outputs.tf has every output of emr-iam.
            "readme_outputs": _readme_outputs(tuple(used)),
        },
    )


@functools.cache
def _readme_outputs(used: tuple[str, ...]) -> tuple[Output, ...]:
    """The outputs a team README lists: those of the pieces the team uses (by block name), once per set of pieces."""
    shown = {output.name for piece in PIECES if piece.block in used for output in piece.composite_outputs}
    return tuple(output for output in TEAM_OUTPUTS if output.name in shown)


_VARIABLE = re.compile(r"\bvar\.(\w+)")


@functools.cache
def _names_read(code: str) -> tuple[str, ...]:
    return tuple(_VARIABLE.findall(code))


def _variables_read(arguments: Mapping[str, Any]) -> set[str]:
    """The names of the team module's variables (`var.<name>`) its arguments read: each is an argument's whole value."""
    return {name for value in arguments.values() if type(value) is Expr for name in _names_read(value.code)}


def _models_in(annotation: Any) -> Iterable[type[BaseModel]]:
    """The model classes a field's type names (inside lists, mappings and unions)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation
    for argument in typing.get_args(annotation):
        yield from _models_in(argument)


@functools.cache
def _holder_fields(model: type[BaseModel]) -> tuple[str, ...]:
    """The fields of a model that can hold a role's policies or a statement: only these are walked."""
    return tuple(
        key for key, field in model.model_fields.items()
        if any(issubclass(inner, RolePolicies | PolicyStatement) or _holder_fields(inner) for inner in _models_in(field.annotation))
    )


def _policy_holders(team: Team, index: int) -> list[tuple[Path_, RolePolicies | PolicyStatement]]:
    """Every role's policies and every statement the team has, each with its path (in the order of its fields)."""
    found: list[tuple[Path_, RolePolicies | PolicyStatement]] = []
    stack: list[tuple[Path_, Any]] = [(("teams", index), team)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, BaseModel):
            if isinstance(value, RolePolicies | PolicyStatement):
                found.append((path, value))
            children = [((*path, key), getattr(value, key)) for key in _holder_fields(type(value))]
        elif isinstance(value, list):
            children = [((*path, position), item) for position, item in enumerate(value)]
        else:
            children = [((*path, key), item) for key, item in value.items()]
        stack.extend(child for child in reversed(children) if child[1])
    return found


def _written_policies(holders: list[tuple[Path_, RolePolicies | PolicyStatement]]) -> Iterable[tuple[Path_, str, str | None]]:
    """(path, name as written, ARN or None) for every AWS managed policy of a team's policy holders, in aws_managed_policies or
    as an ARN in policy_arns."""
    for path, holder in holders:
        if not isinstance(holder, RolePolicies):
            continue
        for position, name in enumerate(holder.aws_managed_policies):
            yield (*path, "aws_managed_policies", position), name, None
        for position, arn in enumerate(holder.policy_arns):
            if ":iam::aws:policy/" in arn:
                yield (*path, "policy_arns", position), arn.split(":iam::aws:policy/", 1)[1], arn


@functools.lru_cache(maxsize=256, typed=True)
def _team_variables_read(
    create_service_linked_role: bool, source_account_id: str | None, create_serverless_service_linked_role: bool, read: frozenset[str]
) -> tuple[Variable, ...]:
    """Those of a team module's variables its arguments read: one tuple for teams alike (the templates render it once)."""
    every = _team_variables(create_service_linked_role, source_account_id, create_serverless_service_linked_role)
    return tuple(variable for variable in every if variable.name in read)


@functools.lru_cache(maxsize=256, typed=True)
def _team_variables(
    create_service_linked_role: bool, source_account_id: str | None, create_serverless_service_linked_role: bool
) -> tuple[Variable, ...]:
    """A team module's variables: the same objects for the teams whose defaults are the same."""
    return (
        Variable("create", "bool", True, "Whether to create anything; `false` plans zero resources."),
        Variable(
            "create_service_linked_role",
            "bool",
            create_service_linked_role,
            "Whether this workspace creates the account's EMR service-linked role (exactly one workspace per account does).",
        ),
        Variable(
            "source_account_id",
            "string",
            source_account_id,
            "Account ID for the confused-deputy conditions of the trust policies, or null for none.",
        ),
        Variable("tags", "map(string)", {}, "Tags added to the team's tags from the spec."),
        Variable(
            "runtime_roles_region",
            "string",
            None,
            "Region of the clusters whose steps use the runtime roles (it scopes their Glue, S3 Access Grants and"
            " step submitter ARNs); null allows any region.",
        ),
        Variable(
            "create_serverless_service_linked_role",
            "bool",
            create_serverless_service_linked_role,
            "Whether this workspace creates the account's EMR Serverless service-linked role (exactly one workspace per account"
            " does).",
        ),
        Variable(
            "serverless_application_region",
            "string",
            None,
            "Region of the team's EMR Serverless applications (it scopes the job runtime roles' aws:SourceArn and the job"
            " submitter policy); null allows any region.",
        ),
        Variable(
            "runtime_roles_external_id",
            "string",
            None,
            "External ID of the team's security configuration, when the runtime roles' trust should require it; null for none.",
        ),
        Variable(
            "studio_region",
            "string",
            None,
            "Region of the team's EMR Studio (it scopes the service role's aws:SourceArn and the ARNs of its policies);"
            " null allows any region.",
        ),
        Variable(
            "eks_region",
            "string",
            None,
            "Region of the EMR on EKS virtual clusters the job submitter policy names; null allows any region.",
        ),
    )


def _shared_account_warnings(source: SpecFile, holders: list[list[tuple[Path_, RolePolicies | PolicyStatement]]]) -> list[str]:
    """A team that shares its account with other teams and uses an AWS managed policy that reaches all of it."""
    teams = source.spec.teams
    accounts = [team.source_account_id for team in teams]
    found = []
    for index, team in enumerate(teams):
        if team.source_account_id is None or accounts.count(team.source_account_id) < 2:
            continue
        others = ", ".join(other.name for other in teams if other is not team and other.source_account_id == team.source_account_id)
        where = f"shares account {team.source_account_id} with {others}"
        at = ("teams", index)
        if team.service_role.create and team.service_role.managed_policy == "v1":
            found.append(
                f"{source.where((*at, 'service_role', 'managed_policy'))}: v1 (AmazonElasticMapReduceRole) allows"
                f" {facts.ACCOUNT_WIDE_MANAGED_POLICIES['AmazonElasticMapReduceRole']}; team {team.name} {where}: use v2"
            )
        if team.ec2_role.create and team.ec2_role.policy == "managed":
            name = facts.MANAGED_POLICIES["ec2_role"].rsplit("/", 1)[-1]
            found.append(f"{source.where((*at, 'ec2_role', 'policy'))}: managed ({name}) allows"
                         f" {facts.ACCOUNT_WIDE_MANAGED_POLICIES[name]}; team {team.name} {where}: use policy: scoped")
        for path, written, _ in _written_policies(holders[index]):
            name = written.rsplit("/", 1)[-1]
            if name in facts.ACCOUNT_WIDE_MANAGED_POLICIES:
                found.append(f"{source.where(path)}: {name} allows {facts.ACCOUNT_WIDE_MANAGED_POLICIES[name]};"
                             f" team {team.name} {where}: grant the team's own resources with s3_access or inline_policies")
    return found


def _managed_policy_warnings(source: SpecFile, holders: list[list[tuple[Path_, RolePolicies | PolicyStatement]]]) -> list[str]:
    """AWS managed policies AWS has deprecated, and names the snapshot lacks in a partition it does not cover."""
    found = []
    for index, team in enumerate(source.spec.teams):
        partition = source.partition(index)
        written = list(_written_policies(holders[index]))
        if team.permissions_boundary is not None and ":iam::aws:policy/" in team.permissions_boundary:
            boundary = team.permissions_boundary
            written.append((("teams", index, "permissions_boundary"), boundary.split(":iam::aws:policy/", 1)[1], boundary))
        for path, name, arn in written:
            note = managed_policies.deprecation(name) if managed_policies.any_deprecated() else None
            if note is not None:
                found.append(f"{source.where(path)}: {note} (team {team.name})")
            in_partition = aws_policy_arn_partition(arn, partition) if arn is not None else partition
            if in_partition not in (None, managed_policies.PARTITION) and managed_policies.problem(name) is not None:
                found.append(f"{source.where(path)}: {managed_policies.other_partition(name, in_partition)} (team {team.name})")
    return found


def _statement_warnings(source: SpecFile, holders: list[list[tuple[Path_, RolePolicies | PolicyStatement]]]) -> list[str]:
    """What a statement's Resource may never match (a shape none of its actions' ARN formats has), by where it is written."""
    found: dict[str, None] = {}  # a statement from `defaults` is written once, however many teams inherit it
    for team_holders in holders:
        for path, holder in team_holders:
            if isinstance(holder, PolicyStatement):
                for field, message in holder.resource_problems()[1]:
                    found[f"{source.where((*path, *field))}: {message}"] = None
    return list(found)


def warnings(source: SpecFile) -> list[str]:
    """What a valid spec leaves weaker than AWS advises, or may never match, one line each (`validate` prints them)."""
    holders = [_policy_holders(team, index) for index, team in enumerate(source.spec.teams)]
    found = _managed_policy_warnings(source, holders)
    found += _statement_warnings(source, holders)
    found += _shared_account_warnings(source, holders)
    for index, team in enumerate(source.spec.teams):
        if team.source_account_id is None:
            found.append(
                f"{source.where(('teams', index))}: team {team.name} has no source_account_id, so the EMR trust policies carry no"
                " confused-deputy conditions (aws:SourceAccount, aws:SourceArn) unless each workspace sets the team module's"
                " source_account_id"
            )
    return found


def resolve(source: SpecFile) -> list[TeamModule]:
    """Every team's module, after checking that no two roles would get the same name."""
    modules = [resolve_team(source, index) for index in range(len(source.spec.teams))]
    check_unique_names([(module.team, module.unique_names) for module in modules], source)
    return modules


def _namespace(kind: str) -> str:
    """IAM keeps one namespace of customer managed policy names per account, whatever the policy is for."""
    return "policy" if kind.endswith("policy") else kind


def check_unique_names(claims: Iterable[tuple[str, Claims]], source: SpecFile) -> None:
    """Two teams (or two roles of one team) in one account must not claim the same IAM or EMR name; claims in team order.

    A team's account is its `account`'s ID or its `source_account_id`. Teams without one could be anywhere, so their
    names are checked against every team's (the conservative rule of a spec without accounts).
    """
    # (namespace, name): the first claim by account (None: a team without one), and the first claim of all.
    owners: dict[tuple[str, str], dict[str | None, tuple[str, str, str]]] = {}
    firsts: dict[tuple[str, str], tuple[str | None, str, str, str]] = {}
    for index, (team, names) in enumerate(claims):
        account = source.spec.teams[index].source_account_id
        for field, (kind, name) in names.items():
            key = (_namespace(kind), name)
            by_account = owners.setdefault(key, {})
            if key not in firsts:
                firsts[key] = (account, team, field, kind)
                by_account[account] = (team, field, kind)
                continue
            if account is None:
                first_account, first_team, first_field, first_kind = firsts[key]
            elif account in by_account or None in by_account:
                first_account = account if account in by_account else None
                first_team, first_field, first_kind = by_account[first_account]
            else:
                by_account[account] = (team, field, kind)
                continue
            if kind in ONE_PER_ACCOUNT:
                what, role_name, setting = ONE_PER_ACCOUNT[kind]
                raise LimitChecker(source, index).fail(
                    field,
                    f"team {team!r} and team {first_team!r} ({first_field}) both create the {what} {role_name}"
                    f" in {f'account {name}' if name else 'the same account (neither sets source_account_id)'}; it exists once"
                    f" per account: set {setting}: true for one team per account",
                )
            if first_team == team:
                # Within one team a prefix cannot help: both names get the same one.
                advice = f"rename one of the two: both are in team {team!r}, so its name_prefix cannot tell them apart"
            elif kind == "security configuration":
                advice = "set security_configuration_name per team"
            elif kind == TEAM_TAG_KIND:
                advice = "teams sharing an account need different team_tag values; the default is the team's name"
            else:
                advice = "give teams different name_prefix values"
            if first_team == team:
                where = ""
            elif account is not None and first_account == account:
                where = f" in account {account}"
            else:
                where = ", and a team without an account is checked against every team (set account or source_account_id)"
            used = f"{kind} name {name!r} is already used" + ("" if first_kind == kind else f" for the {first_kind}")
            raise LimitChecker(source, index).fail(
                field, f"{used} by team {first_team!r} ({first_field}){where}; names must be unique in an account ({advice})"
            )
