"""Every IAM policy the generator writes, stated once, and how IAM measures their size.

The modules' own policies are tuples of `Statement`s (generator/statements.py): the templates render
them and the quota checks evaluate them with the team's values bound. Documents built from the spec
(S3 access, the scoped EC2 policy, the spec's inline policies) are plain data, written with
`jsonencode`. ARNs are `Template`s over `local.partition`, measured with the longest partition name.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from generator import emr_containers, facts, hcl, statements
from generator.hcl import Expr, Template, template
from generator.statements import Condition, Principal, Statement

if TYPE_CHECKING:  # the spec's models load pydantic, which a render that the cache skips never needs
    from generator.spec import PolicyDocument, S3Access

PARTITION = Expr("local.partition")


def arn(service: str, resource: str, region: str = "", account: str = "") -> Template:
    return template("arn:", PARTITION, f":{service}:{region}:{account}:{resource}")


def aws_managed_policy_arn(name: str) -> Template:
    return template("arn:", PARTITION, f":iam::aws:policy/{name}")


def _s3_object_arn(location: S3Access) -> Template:
    prefix = location.prefix.rstrip("/")
    return template("arn:", PARTITION, f":s3:::{location.bucket}/{prefix + '/' if prefix else ''}*")


def s3_statements(locations: Sequence[S3Access]) -> list[dict[str, Any]]:
    """Least-privilege S3 statements: list within the prefixes, read them, write where asked."""
    if not locations:
        return []
    buckets: dict[str, list[str]] = {}
    for location in locations:
        buckets.setdefault(location.bucket, []).append(location.prefix.rstrip("/"))
    statements: list[dict[str, Any]] = [
        {
            "Sid": "BucketLocation",
            "Effect": "Allow",
            "Action": ["s3:GetBucketLocation"],
            "Resource": [arn("s3", bucket) for bucket in buckets],
        }
    ]
    for index, (bucket, prefixes) in enumerate(buckets.items()):
        statement: dict[str, Any] = {
            "Sid": f"ListBucket{index}",
            "Effect": "Allow",
            "Action": ["s3:ListBucket"],
            "Resource": [arn("s3", bucket)],
        }
        if "" not in prefixes:
            listed = _unique(item for prefix in prefixes for item in (prefix, f"{prefix}/*"))
            statement["Condition"] = {"StringLike": {"s3:prefix": listed}}
        statements.append(statement)
    statements.append(
        {"Sid": "ReadObjects", "Effect": "Allow", "Action": facts.S3_READ_ACTIONS, "Resource": _unique_arns(locations)}
    )
    writable = [location for location in locations if location.access == "read_write"]
    if writable:
        statements.append(
            {"Sid": "WriteObjects", "Effect": "Allow", "Action": facts.S3_WRITE_ACTIONS, "Resource": _unique_arns(writable)}
        )
    return statements


def ec2_scoped_policy(locations: Sequence[S3Access], account_id: str | None) -> dict[str, Any]:
    """The customer-managed policy for the EMR role for EC2 when the spec asks for `policy: scoped`."""
    return {
        "Version": facts.POLICY_VERSION,
        "Statement": [
            {
                "Sid": "ClusterMetadata",
                "Effect": "Allow",
                "Action": facts.CLUSTER_METADATA_ACTIONS,
                "Resource": arn("elasticmapreduce", "cluster/*", "*", account_id or "*"),
            },
            {"Sid": "InstanceMetadata", "Effect": "Allow", "Action": facts.INSTANCE_WILDCARD_ACTIONS, "Resource": "*"},
            *s3_statements(locations),
        ],
    }


def s3_access_policy(locations: Sequence[S3Access]) -> dict[str, Any]:
    return {"Version": facts.POLICY_VERSION, "Statement": s3_statements(locations)}


PARTITION_PLACEHOLDER = "{partition}"


def spec_arn(value: str) -> str | Template:
    """An ARN from the spec; `arn:{partition}:...` becomes an ARN in the provider's partition."""
    if value.startswith(f"arn:{PARTITION_PLACEHOLDER}:"):
        return template("arn:", PARTITION, value.removeprefix(f"arn:{PARTITION_PLACEHOLDER}"))
    return value


def user_policy(document: PolicyDocument) -> dict[str, Any]:
    """A policy document from the spec, unset keys left out and `arn:{partition}:` resources resolved."""
    data = document.model_dump(exclude_none=True)
    for statement in data["Statement"]:
        for key in ("Resource", "NotResource"):
            if isinstance(statement.get(key), str):
                statement[key] = spec_arn(statement[key])
            elif isinstance(statement.get(key), list):
                statement[key] = [spec_arn(item) for item in statement[key]]
    return data


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))


def _unique_arns(locations: Iterable[S3Access]) -> list[Template]:
    return list(dict.fromkeys(_s3_object_arn(location) for location in locations))


# --- sizes -------------------------------------------------------------------------------------

SAMPLE_VALUES = {"local.partition": facts.LONGEST_PARTITION}


def concrete(value: Any, values: dict[str, str] = SAMPLE_VALUES) -> Any:
    """The document with every reference replaced by its sample value."""
    if isinstance(value, Template):
        return value.sample(values)
    if isinstance(value, dict):
        return {key: concrete(item, values) for key, item in value.items()}
    if isinstance(value, list):
        return [concrete(item, values) for item in value]
    return value


def _sample(value: Any) -> str:
    if isinstance(value, Template):
        return value.sample(SAMPLE_VALUES)
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


# The same JSON as json.dumps(concrete(document), ...), with Templates sampled as the C encoder meets them.
_SIZE_ENCODER = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False, check_circular=False, default=_sample)


def policy_size(document: Any) -> int:
    """Characters IAM counts for a policy: the JSON without whitespace, in the longest partition."""
    return len(_SIZE_ENCODER.encode(document))


def role_arn_sample(path: str, name: str) -> str:
    return f"arn:{facts.LONGEST_PARTITION}:iam::{facts.ACCOUNT_ID_PLACEHOLDER}:role{path}{name}"


def _sample_arn(service: str, region: str, account: str, resource: str) -> str:
    return f"arn:{facts.LONGEST_PARTITION}:{service}:{region}:{account}:{resource}"


# The longest region name of the EMR partitions: ARNs with the team's region are sized with it.
LONGEST_REGION = max(facts.PARTITION_SAMPLE_REGIONS.values(), key=len)


def serverless_application_arns(account: str, application_ids: Sequence[str], resource: str) -> list[str]:
    """The applications' (or their job runs') ARNs as the module writes them; no IDs means every application."""
    return [
        _sample_arn("emr-serverless", LONGEST_REGION, account, resource.format(application=application))
        for application in (application_ids or ["*"])
    ]


def eks_virtual_cluster_arn(region: str, account: str, virtual_cluster_id: str) -> str:
    return _sample_arn("emr-containers", region, account, facts.EKS_VIRTUAL_CLUSTER_RESOURCE + virtual_cluster_id)


# --- EMR Studio: AWS's example statements of facts, as objects of the module's locals --------------


# The team tag as the modules hold it (their variables team_tag_key and team_tag_value).
TEAM_TAG_KEY = Expr("var.team_tag_key")
TEAM_TAG_VALUE = Expr("var.team_tag_value")
TeamTag = tuple[str | Expr, str | Expr]
MODULE_TEAM_TAG: TeamTag = (TEAM_TAG_KEY, TEAM_TAG_VALUE)


def studio_resource(spec: str, region: str | Expr, account: str | Expr) -> str | Template:
    """A resource of facts.STUDIO_*_STATEMENTS ("<service>:<resource>" or "*") as an ARN in the partition."""
    if spec == "*":
        return "*"
    service, _, resource = spec.partition(":")
    if service == "iam":
        # IAM is global: its ARNs have no region.
        return template("arn:", PARTITION, ":iam::", account, f":{resource}")
    return template("arn:", PARTITION, f":{service}:", region, ":", account, f":{resource}")


def _condition_key(key: str, team_tag: TeamTag) -> str | Template:
    """A condition key of facts: the Studio tag after a bare "/", the team tag's key for facts.TEAM_TAG."""
    if key.endswith("/"):
        return key + facts.STUDIO_TAG_KEY
    if key.endswith(facts.TEAM_TAG):
        prefix, tag_key = key.removesuffix(facts.TEAM_TAG), team_tag[0]
        return prefix + tag_key if isinstance(tag_key, str) else template(prefix, tag_key)
    return key


def _statement_objects_of(
    statements: Sequence[dict[str, Any]], region: str | Expr, account: str | Expr, team_tag: TeamTag = MODULE_TEAM_TAG
) -> list[dict[str, Any]]:
    """Statements of facts as objects (sid, actions, resources, conditions), ARNs in `region` and `account`."""
    return [
        {
            "sid": statement["sid"],
            "actions": statement["actions"],
            "resources": [studio_resource(spec, region, account) for spec in statement["resources"]],
            "conditions": [
                {"test": test, "variable": _condition_key(key, team_tag),
                 "values": [team_tag[1] if value == facts.TEAM_TAG else value for value in values]}
                for test, key, values in statement["conditions"]
            ],
        }
        for statement in statements
    ]


def studio_module_statements(statements: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Statements of facts as objects for the module's dynamic `statement` blocks, ARNs over its locals."""
    return _statement_objects_of(statements, MODULE_REGION, MODULE_ACCOUNT)


def studio_tier_statements(tier: str) -> list[dict[str, Any]]:
    """A tier's statements from facts: its own and those of every tier below it."""
    tiers = facts.STUDIO_TIERS[: facts.STUDIO_TIERS.index(tier) + 1]
    return [statement for name in tiers for statement in facts.STUDIO_TIER_STATEMENTS[name]]


# --- The modules' policies: each statement written once (generator/statements.py) --------------
# Templates render these into HCL; model.py evaluates them, with every Expr bound, for the quota checks.


CONDITION_VALUE = Expr("condition.value")
ASSUME_ROLE = ["sts:AssumeRole"]
PASS_ROLE = ["iam:PassRole"]


def service_principal(service: str) -> Expr:
    """The trust principal of a service in the module's partition (templates/common/partition.tf.j2)."""
    return Expr(f"local.service_principals.{service}" if service.isidentifier() else f'local.service_principals["{service}"]')


def source_conditions(each: Expr, *source_arns: Template) -> tuple[Condition, ...]:
    """Confused-deputy conditions on the account the roles are used from, once per item of `each` (the account, or none)."""
    return (
        Condition("StringEquals", "aws:SourceAccount", [CONDITION_VALUE], each),
        Condition("ArnLike", "aws:SourceArn", list(source_arns), each),
    )


def source_account(account: str | None) -> list[dict[Expr, str]]:
    """What the `for_each` of source_conditions yields: the account, when it is known."""
    return [] if account is None else [{CONDITION_VALUE: account}]


def _source_arn(service: str, resource: str) -> Template:
    return template("arn:", PARTITION, f":{service}:*:", CONDITION_VALUE, f":{resource}")


def _service_trust(services: Sequence[str], conditions: tuple[Condition, ...] = (), one_per_line: bool = False) -> tuple[Statement, ...]:
    principals = Principal("Service", [service_principal(service) for service in services], one_per_line)
    return (Statement("AssumeRole", ASSUME_ROLE, principals=principals, conditions=conditions),)


# The trust policies of the three cluster roles: EMR, EC2, and EMR with Application Auto Scaling.
SERVICE_ROLE_SOURCE = Expr("var.source_account_id != null ? [var.source_account_id] : []")
AUTOSCALING_ROLE_SOURCE = Expr("var.trust_conditions && var.source_account_id != null ? [var.source_account_id] : []")
SERVICE_ROLE_TRUST = _service_trust(["elasticmapreduce"], source_conditions(SERVICE_ROLE_SOURCE, _source_arn("elasticmapreduce", "*")))
EC2_ROLE_TRUST = _service_trust(["ec2"])
AUTOSCALING_ROLE_TRUST = _service_trust(
    ["elasticmapreduce", "application-autoscaling"],
    source_conditions(
        AUTOSCALING_ROLE_SOURCE,
        *(_source_arn(service, resource) for service, resource in facts.AUTOSCALING_SOURCE_ARN_RESOURCES.items()),
    ),
    one_per_line=True,
)

# The Spot service-linked role, for a service role whose managed policy cannot create it.
SERVICE_ROLE_SPOT = (
    Statement(
        "CreateSpotServiceLinkedRole", ["iam:CreateServiceLinkedRole"],
        [template("arn:", PARTITION, f":iam::*:role/{facts.SPOT_SERVICE_LINKED_ROLE_PATH}")],
        conditions=(Condition("StringEquals", "iam:AWSServiceName", [facts.SPOT_SERVICE_NAME]),),
    ),
)

# PassRole, one statement per role: its sid from the role's key, only to the services that use it.
PASS_ROLE_ARN = Expr("statement.value.arn")
PASS_ROLE_KEY = Expr('replace(title(replace(statement.key, "/[^A-Za-z0-9]+/", " ")), " ", "")')
PASS_ROLE_SID = template("PassRole", PASS_ROLE_KEY)
PASSED_TO_SERVICE = "iam:PassedToService"
SERVICE_ROLE_PASSES = Expr("var.pass_roles")
SERVICE_ROLE_PASSED_FORMS = Expr("local.passed_to_service_forms[statement.value.passed_to_service]")
PASSROLE_ROLES = Expr("var.roles")
PASSROLE_PASSED_FORMS = Expr(
    "distinct(flatten([for service in statement.value.passed_to_services : local.passed_to_service_forms[service]]))"
)


def _pass_roles(roles: Expr, forms: Expr) -> tuple[Statement, ...]:
    return (
        Statement(PASS_ROLE_SID, PASS_ROLE, [PASS_ROLE_ARN], conditions=(Condition("StringEquals", PASSED_TO_SERVICE, forms),),
                  for_each=roles),
    )


SERVICE_ROLE_PASS_ROLES = _pass_roles(SERVICE_ROLE_PASSES, SERVICE_ROLE_PASSED_FORMS)
PASSROLE_POLICY = _pass_roles(PASSROLE_ROLES, PASSROLE_PASSED_FORMS)


def pass_role_items(roles: Mapping[str, tuple[str, str]]) -> list[dict[Expr, Any]]:
    """The `for_each` items of a PassRole statement: role key to (ARN, the service it is passed to), widest forms."""
    return [
        {PASS_ROLE_KEY: "".join(word[:1].upper() + word[1:] for word in re.split(r"[^A-Za-z0-9]+", key)),  # HCL's title()
         PASS_ROLE_ARN: arn,
         SERVICE_ROLE_PASSED_FORMS: widest_passed_to_forms(service),
         PASSROLE_PASSED_FORMS: widest_passed_to_forms(service)}
        for key, (arn, service) in roles.items()
    ]


# EMRFS roles trust the EMR role for EC2, which may assume exactly them.
EC2_ROLE_ARN = Expr("var.ec2_role_arn")
MODULE_ROLE_ARNS = Expr("[for role in aws_iam_role.this : role.arn]")
EMRFS_TRUST = (Statement("AssumeRole", ASSUME_ROLE, principals=Principal("AWS", [EC2_ROLE_ARN])),)
EMRFS_EC2_ASSUME = (Statement("AssumeEmrfsRoles", ASSUME_ROLE, MODULE_ROLE_ARNS),)


# Runtime roles (modules/emr-runtime-roles): each trusts the EMR role for EC2, to assume it (with the
# security configuration's external ID when given), to tag the session (Lake Formation: only with
# EMR's session tag), and to set the source identity where EMR propagates it.
RUNTIME_EXTERNAL_ID = Expr("var.external_id == null ? [] : [var.external_id]")
RUNTIME_SOURCE_IDENTITY = Expr("each.value.propagate_source_identity ? [var.ec2_role_arn] : []")
STATEMENT_VALUE = Expr("statement.value")
RUNTIME_LAKE_FORMATION_TAG = Expr(f"each.value.lake_formation ? [{hcl.quote(facts.LAKE_FORMATION_SESSION_TAG_VALUE)}] : []")
RUNTIME_ROLE_TRUST = (
    Statement(
        "AssumeRole", facts.RUNTIME_ROLE_TRUST_ACTIONS[:1], principals=Principal("AWS", [EC2_ROLE_ARN]),
        conditions=(Condition("StringEquals", "sts:ExternalId", [CONDITION_VALUE],
                              RUNTIME_EXTERNAL_ID),),
    ),
    Statement(
        "TagSession", facts.RUNTIME_ROLE_TRUST_ACTIONS[1:], principals=Principal("AWS", [EC2_ROLE_ARN]),
        conditions=(Condition("StringEquals", f"aws:RequestTag/{facts.LAKE_FORMATION_SESSION_TAG}", [CONDITION_VALUE],
                              RUNTIME_LAKE_FORMATION_TAG),),
    ),
    Statement(
        "SetSourceIdentity", [facts.RUNTIME_ROLE_SOURCE_IDENTITY_ACTION], principals=Principal("AWS", [STATEMENT_VALUE]),
        for_each=RUNTIME_SOURCE_IDENTITY,
    ),
)
MODULE_REGION = Expr("local.region")
MODULE_ACCOUNT = Expr("local.account_id")


def _regional_arn(service: str, resource: str) -> Template:
    """An ARN in the module's partition, region and account (its locals)."""
    return template("arn:", PARTITION, f":{service}:", MODULE_REGION, ":", MODULE_ACCOUNT, f":{resource}")


# Lake Formation: credentials for the tables it governs (GetDataAccess has no resource types,
# facts.WILDCARD_RESOURCE_ACTIONS), and reads of the account's Data Catalog.
RUNTIME_LAKE_FORMATION = (
    Statement("LakeFormationDataAccess", facts.LAKE_FORMATION_ACTIONS,
              ["*"] if all(action in facts.WILDCARD_RESOURCE_ACTIONS for action in facts.LAKE_FORMATION_ACTIONS) else []),
    Statement("GlueCatalogRead", facts.GLUE_CATALOG_READ_ACTIONS,
              [_regional_arn("glue", resource) for resource in facts.GLUE_CATALOG_RESOURCES]),
)
RUNTIME_S3_ACCESS_GRANTS = (
    Statement("S3AccessGrants", facts.S3_ACCESS_GRANTS_ACTIONS, [_regional_arn("s3", facts.S3_ACCESS_GRANTS_INSTANCE)]),
)
RUNTIME_SOURCE_IDENTITY_ROLES = Expr("length(local.source_identity_roles) > 0 ? [local.source_identity_roles] : []")
SOURCE_IDENTITY_ROLE_ARNS = Expr("[for name in statement.value : aws_iam_role.this[name].arn]")
RUNTIME_EC2_ASSUME = (
    Statement("AssumeRuntimeRoles", facts.RUNTIME_ROLE_TRUST_ACTIONS, MODULE_ROLE_ARNS),
    Statement("SetSourceIdentity", [facts.RUNTIME_ROLE_SOURCE_IDENTITY_ACTION], SOURCE_IDENTITY_ROLE_ARNS,
              for_each=RUNTIME_SOURCE_IDENTITY_ROLES),
)
SUBMITTER_CLUSTERS = Expr("local.submitter_clusters")


def passed_to(service: str) -> Expr:
    return Expr(f'local.passed_to_service_forms["{service}"]')


def team_tag_condition(for_each: Expr | None = None, request: bool = False) -> Condition:
    """The resource (or, `request`, the request) carries the team tag (facts.TEAM_RESOURCE_TAG, TEAM_REQUEST_TAG).

    With `for_each` the condition is there once per item (the team tag's value, when the policy falls back to it).
    """
    key = template(facts.TEAM_REQUEST_TAG if request else facts.TEAM_RESOURCE_TAG, TEAM_TAG_KEY)
    return Condition("StringEquals", key, [CONDITION_VALUE] if for_each is not None else [TEAM_TAG_VALUE], for_each)


# The resources a submitter acts on: those the module lists by ID (or ARN), else every one of the account
# that carries the team tag; these yield the tag's value once when nothing is listed.
SUBMITTER_CLUSTERS_BY_TAG = Expr("length(var.submitter_cluster_arns) > 0 ? [] : [var.team_tag_value]")
RUNTIME_SUBMITTER = (
    Statement("SubmitWithRuntimeRoles", facts.STEP_SUBMITTER_ACTIONS, SUBMITTER_CLUSTERS,
              conditions=(Condition("StringEquals", facts.EXECUTION_ROLE_CONDITION_KEY, MODULE_ROLE_ARNS),
                          team_tag_condition(SUBMITTER_CLUSTERS_BY_TAG))),
    Statement("PassRuntimeRoles", PASS_ROLE, MODULE_ROLE_ARNS,
              conditions=(Condition("StringEquals", PASSED_TO_SERVICE, passed_to("elasticmapreduce")),)),
)

# EMR Serverless job runtime roles: EMR Serverless, for the team's applications when the account is known.
ACCOUNT_ID_EACH = Expr("var.account_id == null ? [] : [var.account_id]")
APPLICATION_ARNS = Expr("local.application_arns")
JOB_RUN_ARNS = Expr("local.job_run_arns")
SERVERLESS_SOURCE_ARNS = Expr("var.account_id == null ? [] : [local.application_arns]")
SERVERLESS_TRUST = (
    Statement(
        "AssumeRole", ASSUME_ROLE, principals=Principal("Service", [service_principal("emr-serverless")]),
        conditions=(
            Condition("StringEquals", "aws:SourceAccount", [CONDITION_VALUE], ACCOUNT_ID_EACH),
            Condition("ArnLike", "aws:SourceArn", CONDITION_VALUE, SERVERLESS_SOURCE_ARNS),
        ),
    ),
)
APPLICATIONS_BY_TAG = Expr("length(var.application_ids) > 0 ? [] : [var.team_tag_value]")
# Every job run is started with the team tag (its aws:RequestTag), so the team's people, and only they, follow it.
SERVERLESS_SUBMITTER = (
    Statement("StartJobRuns", facts.SERVERLESS_START_JOB_RUN_ACTIONS, APPLICATION_ARNS,
              conditions=(team_tag_condition(request=True),
                          team_tag_condition(APPLICATIONS_BY_TAG))),
    Statement("ReadApplications", facts.SERVERLESS_APPLICATION_SUBMITTER_ACTIONS, APPLICATION_ARNS,
              conditions=(team_tag_condition(APPLICATIONS_BY_TAG),)),
    Statement("FollowJobRuns", facts.SERVERLESS_JOB_RUN_SUBMITTER_ACTIONS, JOB_RUN_ARNS,
              conditions=(team_tag_condition(APPLICATIONS_BY_TAG),)),
    Statement("PassJobRuntimeRoles", PASS_ROLE, MODULE_ROLE_ARNS,
              conditions=(Condition("StringEquals", PASSED_TO_SERVICE, passed_to("emr-serverless")),)),
)

# EMR on EKS job execution roles: per cluster (by name), IRSA through its OIDC provider for exactly
# EMR's service accounts of the role, and EKS Pod Identity with those clusters' session tags.
CLUSTER_INDEX = Expr("statement.value.index")
CLUSTER_PROVIDER = Expr("statement.value.provider")
IRSA_SUBJECTS = Expr(
    "[for namespace in statement.value.namespaces : "
    + hcl.quote(emr_containers.IRSA_SUBJECT_FORMAT.format(namespace="{namespace}", account="{account}", encoded="{encoded}"))
    .replace("{namespace}", "${namespace}").replace("{account}", "${local.account_id}").replace("{encoded}", "${each.value.base36_name}")
    + "]"
)
IRSA_CLUSTERS = Expr("each.value.irsa ? local.clusters[each.key] : []")
POD_IDENTITY_CLUSTERS = Expr("each.value.pod_identity ? local.clusters[each.key] : []")
CLUSTER_NAME = Expr("statement.value.name")
CLUSTER_NAMESPACES = Expr("statement.value.namespaces")
ROLE_SERVICE_ACCOUNTS = Expr("values(local.service_accounts[each.key])")
POD_IDENTITY_PRINCIPAL = Expr("local.pod_identity_principal")
_TAGS = facts.EKS_POD_IDENTITY_SESSION_TAGS
EKS_TRUST = (
    Statement(
        template("IrsaCluster", CLUSTER_INDEX), [facts.EKS_IRSA_ACTION],
        principals=Principal("Federated", [template("arn:", PARTITION, ":iam::", MODULE_ACCOUNT, ":oidc-provider/", CLUSTER_PROVIDER)]),
        conditions=(Condition("StringLike", template(CLUSTER_PROVIDER, f":{facts.EKS_IRSA_SUBJECT_KEY}"), IRSA_SUBJECTS),),
        for_each=IRSA_CLUSTERS,
    ),
    Statement(
        template("PodIdentityCluster", CLUSTER_INDEX), facts.EKS_POD_IDENTITY_ACTIONS,
        principals=Principal("Service", [POD_IDENTITY_PRINCIPAL]),
        conditions=(
            Condition("StringEquals", f"aws:RequestTag/{_TAGS['cluster']}", [CLUSTER_NAME]),
            Condition("StringEquals", f"aws:RequestTag/{_TAGS['namespace']}", CLUSTER_NAMESPACES),
            Condition("StringEquals", f"aws:RequestTag/{_TAGS['service_account']}", ROLE_SERVICE_ACCOUNTS),
        ),
        for_each=POD_IDENTITY_CLUSTERS,
    ),
)
VIRTUAL_CLUSTERS = Expr("local.virtual_clusters")
VIRTUAL_CLUSTER_JOB_RUNS = Expr(f'[for arn in local.virtual_clusters : "${{arn}}{facts.EKS_JOB_RUN_RESOURCE}"]')
VIRTUAL_CLUSTERS_BY_TAG = Expr("length(var.virtual_cluster_ids) > 0 ? [] : [var.team_tag_value]")
EKS_SUBMITTER = (
    Statement("StartJobRunsWithTheseRoles", facts.EKS_SUBMITTER_ACTIONS, VIRTUAL_CLUSTERS,
              conditions=(Condition(facts.EKS_EXECUTION_ROLE_CONDITION_OPERATOR, facts.EKS_EXECUTION_ROLE_CONDITION_KEY,
                                    MODULE_ROLE_ARNS),
                          team_tag_condition(request=True),
                          team_tag_condition(VIRTUAL_CLUSTERS_BY_TAG))),
    Statement("ReadTheseVirtualClusters", facts.EKS_VIRTUAL_CLUSTER_SUBMITTER_ACTIONS, VIRTUAL_CLUSTERS,
              conditions=(team_tag_condition(VIRTUAL_CLUSTERS_BY_TAG),)),
    Statement("FollowAndCancelJobRuns", facts.EKS_JOB_RUN_SUBMITTER_ACTIONS, VIRTUAL_CLUSTER_JOB_RUNS,
              conditions=(team_tag_condition(VIRTUAL_CLUSTERS_BY_TAG),)),
)


# --- Sizes of the modules' policies, from the statements above -----------------------------------


def _widest(candidates: Iterable[Any]) -> Any:
    return max(candidates, key=lambda value: len(json.dumps(value)))


def _widest_passed_to(service: str) -> list[str]:
    every = (facts.PASSED_TO_SERVICE_FORMS, facts.SERVERLESS_PASSED_TO_SERVICE_FORMS)
    return list(_widest(forms[service] for by_partition in every for forms in by_partition.values() if service in forms))


# The iam:PassedToService values of each service in the partition that spells them longest.
_WIDEST_PASSED_TO = {service: _widest_passed_to(service) for service in (*facts.SERVICES, *facts.SERVERLESS_SERVICES)}


def widest_passed_to_forms(service: str) -> list[str]:
    """The iam:PassedToService values of `service` in the partition that spells them longest."""
    return _WIDEST_PASSED_TO[service]


# What the modules' locals hold in the partition that spells them longest: sizes are checked for the worst case.
LONGEST: dict[Expr, Any] = {
    PARTITION: facts.LONGEST_PARTITION,
    POD_IDENTITY_PRINCIPAL: max(facts.EKS_POD_IDENTITY_PRINCIPALS.values(), key=len),
    **{service_principal(service): max(by_partition.values(), key=len) for service, by_partition in facts.SERVICE_PRINCIPALS.items()},
    **{passed_to(service): widest_passed_to_forms(service) for service in (*facts.SERVICES, *facts.SERVERLESS_SERVICES)},
}


def sample_document(policy: Sequence[Statement], bindings: Mapping[Expr, Any]) -> dict[str, Any]:
    """One of the modules' policies as it comes out with the module's values bound, in the longest partition."""
    return statements.document(policy, {**LONGEST, **bindings})


def size_of(policy: Sequence[Statement], bindings: Mapping[Expr, Any]) -> int:
    """Characters IAM counts for one of the modules' policies, with the module's values bound."""
    return policy_size(sample_document(policy, bindings))


def eks_trust_bindings(account: str, role_name: str, clusters: Sequence[Any]) -> dict[Expr, Any]:
    """What modules/emr-eks-job-roles binds in a role's trust: its clusters (by name, as the module orders them)."""
    ordered = sorted(clusters, key=lambda cluster: cluster.name)
    return {
        MODULE_ACCOUNT: account,
        ROLE_SERVICE_ACCOUNTS: emr_containers.start_job_run_service_accounts(account, role_name),
        IRSA_CLUSTERS: [
            {CLUSTER_INDEX: index, CLUSTER_PROVIDER: (cluster.oidc_issuer or "").removeprefix("https://"),
             IRSA_SUBJECTS: [emr_containers.irsa_subject(namespace, account, role_name) for namespace in cluster.namespaces]}
            for index, cluster in enumerate(ordered)
        ],
        POD_IDENTITY_CLUSTERS: [
            {CLUSTER_INDEX: index, CLUSTER_NAME: cluster.name, CLUSTER_NAMESPACES: list(cluster.namespaces)}
            for index, cluster in enumerate(ordered)
        ],
    }


# --- EMR Studio (modules/emr-studio-roles) ---------------------------------------------------------
# AWS's example statements live in facts as data; the module holds them as objects in its locals
# (studio_module_statements) and one dynamic statement writes each. The module's own statements follow.
STUDIO_PASSED_TO_EMR = passed_to("elasticmapreduce")
STUDIO_SERVICE_TRUST = (
    Statement(
        "AssumeRole", ASSUME_ROLE, principals=Principal("Service", STUDIO_PASSED_TO_EMR),
        conditions=(
            Condition("StringEquals", "aws:SourceAccount", [CONDITION_VALUE], ACCOUNT_ID_EACH),
            Condition("ArnLike", "aws:SourceArn",
                      [template("arn:", PARTITION, ":elasticmapreduce:", MODULE_REGION, ":", CONDITION_VALUE,
                                f":{facts.STUDIO_SOURCE_ARN_RESOURCE}")], ACCOUNT_ID_EACH),
        ),
    ),
)
STUDIO_USER_TRUST = (
    Statement("AssumeRole", facts.STUDIO_USER_ROLE_TRUST_ACTIONS, principals=Principal("Service", STUDIO_PASSED_TO_EMR)),
)

# One statement object of the module's locals, written by a dynamic block.
_SV = {name: Expr(f"statement.value.{name}") for name in ("sid", "actions", "resources", "conditions")}
_CV = {name: Expr(f"condition.value.{name}") for name in ("test", "variable", "values")}


def _statement_objects(for_each: Expr) -> Statement:
    return Statement(
        _SV["sid"], _SV["actions"], _SV["resources"],
        conditions=(Condition(_CV["test"], _CV["variable"], _CV["values"], _SV["conditions"]),), for_each=for_each,
    )


def statement_object_items(
    statements: Sequence[dict[str, Any]], region: str, account: str, team_tag: tuple[str, str]
) -> list[dict[Expr, Any]]:
    """The `for_each` items of _statement_objects: the module's objects of these statements, in a region and account."""
    return [
        {**{_SV[key]: item[key] for key in ("sid", "actions", "resources")},
         _SV["conditions"]: [{_CV[key]: condition[key] for key in _CV} for condition in item["conditions"]]}
        for item in _statement_objects_of(statements, region, account, team_tag)
    ]


STUDIO_SERVICE_STATEMENT_OBJECTS = Expr(
    "concat(\n      local.service_statements,\n      var.git_secrets ? local.git_secrets_statements : [],\n"
    "      local.collaboration ? local.service_collaboration_statements : [],\n    )"
)
WORKSPACE_BUCKET = Expr('coalesce(var.workspace_bucket, "-")')
WORKSPACE_PREFIX = Expr("local.workspace_prefix")
WORKSPACE_KEYS = Expr("length(var.kms_key_arns) > 0 ? [var.kms_key_arns] : []")
STUDIO_SERVICE = (
    _statement_objects(STUDIO_SERVICE_STATEMENT_OBJECTS),
    Statement("WorkspaceBucket", facts.STUDIO_WORKSPACE_BUCKET_ACTIONS, [template("arn:", PARTITION, ":s3:::", WORKSPACE_BUCKET)]),
    Statement("WorkspaceObjects", facts.STUDIO_WORKSPACE_OBJECT_ACTIONS,
              [template("arn:", PARTITION, ":s3:::", WORKSPACE_BUCKET, "/", WORKSPACE_PREFIX, "*")]),
    Statement("WorkspaceKeys", facts.STUDIO_WORKSPACE_KMS_ACTIONS, STATEMENT_VALUE, for_each=WORKSPACE_KEYS),
)

STUDIO_SESSION_STATEMENT_OBJECTS = Expr(
    "concat(local.tier_statements[each.value.tier], each.value.collaboration ? local.collaboration_statements : [])"
)
LOG_BUCKET = Expr("local.log_bucket")
SERVICE_ROLE = Expr("aws_iam_role.service[0].arn")
CLUSTER_ROLES = Expr('each.value.tier == "advanced" ? local.cluster_roles : {}')
CLUSTER_ROLE_FORMS = Expr("local.passed_to_service_forms[statement.value.service]")
STUDIO_PRESIGNED = Expr('var.auth_mode == "IAM" ? [local.studio_arns] : []')
# The Studios listed, or else those that carry the team tag (the studio resource type takes aws:ResourceTag).
STUDIOS_BY_TAG = Expr("length(var.studio_ids) > 0 ? [] : [var.team_tag_value]")
STUDIO_SESSION = (
    _statement_objects(STUDIO_SESSION_STATEMENT_OBJECTS),
    Statement("StudioBuckets", facts.STUDIO_USER_BUCKET_ACTIONS,
              [template("arn:", PARTITION, ":s3:::", WORKSPACE_BUCKET), template("arn:", PARTITION, ":s3:::", LOG_BUCKET)]),
    Statement("AllowS3ReadOnlyAccessToLogs", ["s3:GetObject"],
              [template("arn:", PARTITION, ":s3:::", LOG_BUCKET, f"/{facts.STUDIO_LOG_OBJECTS}")]),
    Statement("AllowPassingServiceRoleForWorkspaceCreation", PASS_ROLE, [SERVICE_ROLE],
              conditions=(Condition("StringEquals", PASSED_TO_SERVICE, STUDIO_PASSED_TO_EMR),)),
    Statement(Expr("statement.key"), PASS_ROLE, [PASS_ROLE_ARN],
              conditions=(Condition("StringEquals", PASSED_TO_SERVICE, CLUSTER_ROLE_FORMS),), for_each=CLUSTER_ROLES),
    Statement("AllowCreateStudioPresignedUrl", [facts.STUDIO_PRESIGNED_URL_ACTION], STATEMENT_VALUE,
              conditions=(team_tag_condition(STUDIOS_BY_TAG),), for_each=STUDIO_PRESIGNED),
)


def studio_service_policy(
    account: str, bucket: str, prefix: str, kms_key_arns: Sequence[str], git_secrets: bool, team_tag: tuple[str, str],
    collaboration: bool = False,
) -> dict[str, Any]:
    """The Studio service role's inline policy as the module writes it, in the longest region."""
    statements = [
        *facts.STUDIO_SERVICE_STATEMENTS,
        *([facts.STUDIO_GIT_SECRETS_STATEMENT] if git_secrets else []),
        *(facts.STUDIO_SERVICE_COLLABORATION_STATEMENTS if collaboration else []),
    ]
    return sample_document(STUDIO_SERVICE, {
        STUDIO_SERVICE_STATEMENT_OBJECTS: statement_object_items(statements, LONGEST_REGION, account, team_tag),
        WORKSPACE_BUCKET: bucket,
        WORKSPACE_PREFIX: prefix,
        WORKSPACE_KEYS: [{STATEMENT_VALUE: [spec_arn(key) for key in kms_key_arns]}] if kms_key_arns else [],
    })


def studio_trust(account: str | None, user_role: bool) -> dict[str, Any]:
    """The Studio service role's trust (confused-deputy conditions when the account is known), or the user role's."""
    if user_role:
        return sample_document(STUDIO_USER_TRUST, {})
    return sample_document(STUDIO_SERVICE_TRUST, {MODULE_REGION: LONGEST_REGION, ACCOUNT_ID_EACH: source_account(account)})


# The longest key of the module's local.cluster_roles: the statement IDs of the advanced tier's PassRole.
_CLUSTER_ROLE_SID = "PassClusterServiceRole"


def studio_session_policy(
    tier: str,
    account: str,
    bucket: str,
    service_role_arn: str,
    cluster_role_arns: Sequence[str],
    studio_ids: Sequence[str] | None,
    team_tag: tuple[str, str],
    collaboration: bool = False,
) -> dict[str, Any]:
    """One session (or IAM mode user) policy as the module writes it; `studio_ids` None for IAM Identity Center mode."""
    forms = _widest(widest_passed_to_forms(service) for service in facts.STUDIO_PASSED_TO)
    statements = [*studio_tier_statements(tier), *([facts.STUDIO_COLLABORATION_STATEMENT] if collaboration else [])]
    return sample_document(STUDIO_SESSION, {
        STUDIO_SESSION_STATEMENT_OBJECTS: statement_object_items(statements, LONGEST_REGION, account, team_tag),
        WORKSPACE_BUCKET: bucket,
        LOG_BUCKET: facts.STUDIO_LOG_BUCKET.format(account=account, region=LONGEST_REGION),
        SERVICE_ROLE: service_role_arn,
        CLUSTER_ROLES: [
            {Expr("statement.key"): _CLUSTER_ROLE_SID, PASS_ROLE_ARN: role, CLUSTER_ROLE_FORMS: forms} for role in cluster_role_arns
        ] if tier == "advanced" else [],
        TEAM_TAG_KEY: team_tag[0],
        STUDIOS_BY_TAG: [] if studio_ids else [{CONDITION_VALUE: team_tag[1]}],
        STUDIO_PRESIGNED: [] if studio_ids is None else [{STATEMENT_VALUE: [
            _sample_arn("elasticmapreduce", LONGEST_REGION, account, f"studio/{sid}") for sid in (studio_ids or ["*"])
        ]}],
    })
