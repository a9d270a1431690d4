"""The spec: YAML in, validated pydantic models out, or one SpecError naming file, line and field.

A spec has platform-wide `defaults` and a list of `teams`; each team's keys are deep-merged
over the defaults (mappings merge, lists and scalars replace) before validation.
"""

from __future__ import annotations

import datetime
import fnmatch
import functools
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
    model_validator,
)

from generator import facts, iam_actions, managed_policies
from generator.errors import SpecError
from generator.merge import deep_merge

MAX_SPEC_BYTES = 5 * 1024 * 1024
MAX_LIST_ITEMS = 1000

# What each pattern means, for error messages: "must be ..." reads better than a regex.
PATTERN_HELP: dict[str, str] = {}


def _pattern(pattern: str, meaning: str, max_length: int | None = None) -> StringConstraints:
    PATTERN_HELP[pattern] = meaning
    return StringConstraints(pattern=pattern, max_length=max_length)


# Pieces of several patterns: an S3 bucket name, and an ARN's partition (one of facts.PARTITIONS,
# or `{partition}` for the partition the provider runs in).
_BUCKET = r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]"
_PARTITION = "(?:" + "|".join(facts.PARTITIONS) + r"|\{partition\})"
_S3_URI = rf"^s3://{_BUCKET}(?:/[A-Za-z0-9_!.*'()=+,@/-]*)?$"

# Characters IAM allows in role, policy and instance profile names.
IamName = Annotated[str, _pattern(
    r"^[A-Za-z0-9_+=,.@-]+$", "1 to 128 of the characters IAM allows in names: letters, digits and _+=,.@-", max_length=128
)]
IamPath = Annotated[str, _pattern(
    r"^/(?:[\x21-\x2e\x30-\x7e]+/)*$",
    "an IAM path: begins and ends with /, printable ASCII, no empty segments",
    max_length=facts.IAM_LIMITS["path"],
)]
PolicyArn = Annotated[str, _pattern(
    rf"^arn:{_PARTITION}:iam::(?:aws|[0-9]{{12}}):policy/[A-Za-z0-9_+=,.@/-]+$",
    "an IAM policy ARN (arn:{partition}:iam::<account or aws>:policy/<path><name>)",
    max_length=2048,
)]
ManagedPolicyName = Annotated[str, _pattern(
    r"^(?:[A-Za-z0-9_+=,.@-]+/)*[A-Za-z0-9_+=,.@-]+$",
    "an AWS managed policy name, optionally with its path (service-role/AmazonElasticMapReduceRole)",
    max_length=512,
)]
AccountId = Annotated[str, _pattern(r"^[0-9]{12}$", "a 12-digit AWS account ID (quote it in YAML)")]
Region = Annotated[str, _pattern(r"^[a-z]{2}(?:-[a-z]+)+-[0-9]+$", "an AWS region name, such as us-east-1", max_length=32)]
AccountName = Annotated[str, _pattern(
    r"^[A-Za-z0-9](?:[A-Za-z0-9_.-]*[A-Za-z0-9])?$", "letters, digits and _.-, starting and ending with a letter or digit",
    max_length=64,
)]
TeamName = Annotated[str, _pattern(
    r"^[a-z](?:[a-z0-9-]*[a-z0-9])?$", "lower-case letters, digits and -, starting with a letter (it names a folder)", max_length=32
)]
BucketName = Annotated[str, _pattern(rf"^{_BUCKET}$", "an S3 bucket name (3-63 lower-case letters, digits, . and -)")]
S3Prefix = Annotated[str, _pattern(
    r"^(?:[A-Za-z0-9_!.*'()=+,@-]+/)*[A-Za-z0-9_!.*'()=+,@-]*$",
    "an S3 key prefix without a leading / (letters, digits and _!.*'()=+,@-, separated by /)",
    max_length=1024,
)]
# IAM's tag characters: Unicode letters and digits, spaces and _.:/=+-@ (IAM's own pattern allows any
# Unicode space; the spec takes the plain one). A key must not start with aws: in any case: IAM keeps
# that prefix for AWS and refuses it at apply (TeamSettings checks it).
RESERVED_TAG_PREFIX = "aws:"
# The validator's patterns use Unicode classes; JSON Schema tools (Python's jsonschema, editors)
# may not know \p{...}, so the schema carries a portable pattern: IAM's ASCII characters exactly,
# anything beyond ASCII (the validator then refuses what is no letter or digit).
_TAG_PORTABLE = r"(?:[A-Za-z0-9 _.:/=+@-]|[^\x00-\x7f])"


def _portable(max_length: int, min_length: int) -> WithJsonSchema:
    return WithJsonSchema({"type": "string", "pattern": f"^{_TAG_PORTABLE}{'+' if min_length else '*'}$", "maxLength": max_length})


TagKey = Annotated[str, _pattern(
    r"^[\p{L}\p{N} _.:/=+@-]+$",
    f"a tag key: 1 to {facts.IAM_LIMITS['tag_key']} letters, digits, spaces and _.:/=+@-, not starting with"
    f" {RESERVED_TAG_PREFIX} (reserved for AWS)",
    max_length=facts.IAM_LIMITS["tag_key"],
), _portable(facts.IAM_LIMITS["tag_key"], 1)]
TagValue = Annotated[str, _pattern(
    r"^[\p{L}\p{N} _.:/=+@-]*$",
    f"a tag value: up to {facts.IAM_LIMITS['tag_value']} letters, digits, spaces and _.:/=+@-",
    max_length=facts.IAM_LIMITS["tag_value"],
), _portable(facts.IAM_LIMITS["tag_value"], 0)]
# KMS key IDs: a UUID, or mrk-<32 hex> for a multi-Region key.
_KMS_KEY_ID = r"(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32})"
# Local disk encryption: AWS asks for the fully specified key ARN.
KmsKeyArn = Annotated[str, _pattern(
    rf"^arn:{_PARTITION}:kms:[a-z0-9-]+:[0-9]{{12}}:key/{_KMS_KEY_ID}$",
    "a KMS key ARN (arn:{partition}:kms:<region>:<account>:key/<key id>); local disk encryption takes no alias",
    max_length=2048,
)]
# EMRFS hands the S3 key to Amazon S3, which also resolves an alias ARN (a key ARN is still the safer choice).
KmsKeyOrAliasArn = Annotated[str, _pattern(
    rf"^arn:{_PARTITION}:kms:[a-z0-9-]+:[0-9]{{12}}:(?:key/{_KMS_KEY_ID}|alias/[A-Za-z0-9_/-]+)$",
    "a KMS key ARN (arn:{partition}:kms:<region>:<account>:key/<key id>) or alias ARN (...:alias/<name>)",
    max_length=2048,
)]
S3Uri = Annotated[str, _pattern(
    _S3_URI,
    "an s3://bucket/key location",
    max_length=1024,
)]
StatementId = Annotated[str, _pattern(r"^[A-Za-z0-9]*$", "a statement ID of letters and digits", max_length=128)]
SecurityConfigurationName = Annotated[str, _pattern(r"^[A-Za-z0-9_.-]+$", "letters, digits and _.-", max_length=256)]
NamePrefix = Annotated[str, _pattern(
    r"^(?:[A-Za-z0-9_+=,.@-]|\{team\})*$", "letters, digits, _+=,.@- and the placeholder {team}", max_length=64
)]


def _items(max_items: int = MAX_LIST_ITEMS, **documentation: Any) -> Any:
    return Field(default_factory=list, max_length=max_items, **documentation)


def _unique(values: Sequence[str], field: str, what: str = "") -> None:
    """Raise at the first value listed before; `field` names its place with {} for the index."""
    seen: set[str] = set()
    for index, value in enumerate(values):
        if value in seen:
            raise _field_error(field.format(index), f"{what}{value!r} is listed twice")
        seen.add(value)


def _attach_to(description: str, example: list[str]) -> Any:
    """An attach_to_users, attach_to_groups or attach_to_roles field of a policy: IAM names, none by default."""
    return _items(100, description=description, examples=[example])


class Model(BaseModel):
    # strict: a value has the type YAML gave it. "yes" is no boolean and "10" no number; lax
    # validation would read them as true and 10, and a typo like create: "no" would pass unseen.
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class PolicyStatement(Model):
    """One statement of an identity-based policy, in IAM's own key spelling."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, populate_by_name=False)

    Sid: StatementId | None = Field(default=None, description="Statement ID: letters and digits.", examples=["ReadConfig"])
    Effect: Literal["Allow", "Deny"] = Field(description="`Allow` or `Deny`.", examples=["Allow"])
    Action: str | list[str] | None = Field(
        default=None,
        description="Actions; exactly one of `Action` and `NotAction`.",
        examples=[["s3:GetObject"]],
    )
    NotAction: str | list[str] | None = Field(default=None, description="Every action except these.", examples=[["iam:*"]])
    Resource: str | list[str] | None = Field(
        default=None,
        description="Resources; exactly one of `Resource` and `NotResource`.",
        examples=["arn:aws:s3:::emr-config/*"],
    )
    NotResource: str | list[str] | None = Field(
        default=None,
        description="Every resource except these.",
        examples=[["arn:aws:s3:::secrets/*"]],
    )
    Condition: dict[str, dict[str, str | bool | int | list[str]]] | None = Field(
        default=None,
        description="Conditions: operator to key to value(s).",
        examples=[{"Bool": {"aws:SecureTransport": True}}],
    )

    @model_validator(mode="after")
    def _one_of_each(self) -> PolicyStatement:
        if (self.Action is None) == (self.NotAction is None):
            raise ValueError("a statement needs exactly one of Action or NotAction")
        if (self.Resource is None) == (self.NotResource is None):
            raise ValueError("a statement needs exactly one of Resource or NotResource")
        return self

    @model_validator(mode="after")
    def _iam_knows_actions_and_keys(self) -> PolicyStatement:
        field = "Action" if self.Action is not None else "NotAction"
        written = self.Action if self.Action is not None else self.NotAction
        keys = tuple((operator, key) for operator, block in (self.Condition or {}).items() for key in block)
        problem = _statement_names_problem(field, written if isinstance(written, str) else tuple(written or ()), keys)
        if problem is not None:
            raise _field_error(*problem)
        return self

    @model_validator(mode="after")
    def _resources_can_match_the_actions(self) -> PolicyStatement:
        errors, _ = self.resource_problems()
        if errors:
            raise _field_error(*errors[0])
        return self

    def resource_problems(self) -> tuple[list[tuple[Path_, str]], list[tuple[Path_, str]]]:
        """(errors, warnings) of Resource or NotResource against the actions, each at its field."""
        field = "Action" if self.Action is not None else "NotAction"
        actions = self.Action if self.Action is not None else self.NotAction
        resource_field = "Resource" if self.Resource is not None else "NotResource"
        resources = self.Resource if self.Resource is not None else self.NotResource
        return _statement_resource_problems(
            field, actions if isinstance(actions, str) else tuple(actions or ()),
            resource_field, resources if isinstance(resources, str) else tuple(resources or ()),
        )

    @model_validator(mode="after")
    def _wildcard_resource_only_where_needed(self) -> PolicyStatement:
        # Least privilege: "Resource": "*" grants only actions IAM evaluates on "*" alone.
        resources = [self.Resource] if isinstance(self.Resource, str) else self.Resource or []
        if self.Effect != "Allow" or "*" not in resources:
            return self
        allowed = {action.lower() for action in facts.WILDCARD_RESOURCE_ACTIONS}
        actions = [self.Action] if isinstance(self.Action, str) else self.Action or []
        broad = [action for action in actions if action.lower() not in allowed] if self.NotAction is None else ["NotAction"]
        if broad:
            raise _field_error(
                "Resource",
                f'"*" is allowed only for actions without resource-level permissions ({", ".join(facts.WILDCARD_RESOURCE_ACTIONS)}); '
                f"name the resources for {', '.join(broad)}",
            )
        return self

    @model_validator(mode="after")
    def _passrole_to_named_roles_and_services(self) -> PolicyStatement:
        # iam:PassRole (also through iam:* or NotAction) only with iam:PassedToService, on named roles.
        if self.Effect != "Allow":
            return self
        if self.NotAction is not None:
            excluded = [self.NotAction] if isinstance(self.NotAction, str) else self.NotAction
            passes = not any(fnmatch.fnmatchcase("iam:passrole", action.lower()) for action in excluded)
        else:
            actions = [self.Action] if isinstance(self.Action, str) else self.Action or []
            passes = any(fnmatch.fnmatchcase("iam:passrole", action.lower()) for action in actions)
        if not passes:
            return self
        keys = {key.lower() for operator in (self.Condition or {}).values() for key in operator}
        if "iam:passedtoservice" not in keys:
            raise _field_error("Condition", "a statement that allows iam:PassRole needs an iam:PassedToService condition")
        resources = [self.Resource] if isinstance(self.Resource, str) else self.Resource or []
        if self.NotResource is not None or any("*" in resource or "?" in resource for resource in resources):
            raise _field_error("Resource", "a statement that allows iam:PassRole must name each role ARN, without * or ?")
        return self


@functools.lru_cache(maxsize=4096)
def _statement_names_problem(
    field: str, written: str | tuple[str, ...], keys: tuple[tuple[str, str], ...],
) -> tuple[Path_, str] | None:
    """The first action or condition key of a statement that IAM does not know: (field, message), or None.

    Cached: the same statement in many teams (from defaults) is checked once.
    """
    actions = [written] if isinstance(written, str) else list(written)
    for index, action in enumerate(actions):
        problem = iam_actions.action_problem(action)
        if problem is not None:
            return ((field,) if isinstance(written, str) else (field, index)), problem
    # NotAction: every other action, of any service, so any service's keys apply.
    prefixes = iam_actions.services_of(actions) if field == "Action" else None
    for operator, key in keys:
        problem = iam_actions.condition_key_problem(key, prefixes)
        if problem is not None:
            return ("Condition", operator, key), problem
    return None


@functools.lru_cache(maxsize=4096)
def _statement_resource_problems(
    field: str, actions: str | tuple[str, ...], resource_field: str, resources: str | tuple[str, ...],
) -> tuple[list[tuple[Path_, str]], list[tuple[Path_, str]]]:
    """(errors, warnings) of a statement's resources, each as (field, message); cached like the action check."""
    errors, warnings = iam_actions.resource_problems(
        field, [actions] if isinstance(actions, str) else list(actions),
        resource_field, [resources] if isinstance(resources, str) else list(resources),
        many_actions=not isinstance(actions, str), many_resources=not isinstance(resources, str),
    )

    def located(problems: list[iam_actions.ResourceProblem]) -> list[tuple[Path_, str]]:
        return [((problem.field,) if problem.index is None else (problem.field, problem.index), problem.message)
                for problem in problems]

    return located(errors), located(warnings)


# An example policy for the reference: one statement that reads the cluster's configuration.
_READ_CONFIG = {"Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:{partition}:s3:::emr-config/*"}]}


class PolicyDocument(Model):
    Version: Literal["2012-10-17"] = Field(default="2012-10-17", description="Policy language version.", examples=["2012-10-17"])
    Statement: list[PolicyStatement] = Field(
        min_length=1, max_length=100,
        description="The statements, at least one.",
        examples=[_READ_CONFIG["Statement"]],
    )


class S3Access(Model):
    """An S3 location a role may use: a bucket, optionally narrowed to a key prefix."""

    bucket: BucketName = Field(description="Bucket name.", examples=["analytics-lake"])
    prefix: S3Prefix = Field(
        default="",
        description="Key prefix the access is limited to; empty for the whole bucket.",
        examples=["curated/"],
    )
    access: Literal["read", "read_write"] = Field(
        default="read",
        description="`read` (get and list) or `read_write` (also put, delete and multipart uploads).",
        examples=["read_write"],
    )


class RolePolicies(Model):
    """Extra policies for one role, on top of what the generator attaches."""

    policy_arns: list[PolicyArn] = _items(
        20,
        description="Customer-managed (or other) policies to attach, by ARN; `arn:{partition}:` follows the provider's partition.",
        examples=[["arn:{partition}:iam::111122223333:policy/emr-extra"]],
    )
    aws_managed_policies: list[ManagedPolicyName] = _items(
        20,
        description="AWS managed policies to attach, by name (with its path); the ARN follows the partition. A name AWS does"
        " not define is an error that suggests the closest one.",
        examples=[["AmazonS3ReadOnlyAccess"]],
    )
    inline_policies: dict[IamName, PolicyDocument] = Field(
        default_factory=dict, max_length=20,
        description="Inline policies: policy name to policy document; `arn:{partition}:` in a Resource follows the provider's partition.",
        examples=[{"read-config": _READ_CONFIG}],
    )

    @field_validator("aws_managed_policies")
    @classmethod
    def _aws_defines_them(cls, names: list[str], info: ValidationInfo) -> list[str]:
        partition = _validated_partition(info)
        if not _snapshot_covers(partition):
            return names
        for index, name in enumerate(names):
            problem = managed_policies.problem(name)
            if problem is not None:
                raise _field_error((index,), _with_partition_hint(problem, partition))
        return names

    @field_validator("policy_arns")
    @classmethod
    def _aws_defines_its_own(cls, arns: list[str], info: ValidationInfo) -> list[str]:
        for index, arn in enumerate(arns):
            problem = _aws_policy_arn_problem(arn, _validated_partition(info))
            if problem is not None:
                raise _field_error((index,), problem)
        return arns


_AWS_POLICY_ARN = re.compile(r"^arn:([^:]+):iam::aws:policy/(.+)$")
# The validation context's key for the partition of the team being validated: a partition name, None when the spec does
# not tell (taken as aws), or EVERY_TEAM for settings checked alone (defaults, accounts), whose AWS managed policy names
# are checked in each team that inherits them.
PARTITION_CONTEXT = "partition"
EVERY_TEAM = "every team"


def _with_partition_hint(problem: str, partition: str | None) -> str:
    """A name with nothing close to it in the snapshot may be another partition's: say how to make it a warning."""
    if partition is not None or "did you mean" in problem:
        return problem
    return (f"{problem}; the snapshot is of the {managed_policies.PARTITION} partition: for a team in another, give its account"
            " the region, and such a name is a warning")


def _validated_partition(info: ValidationInfo) -> str | None:
    context = info.context if isinstance(info.context, dict) else {}
    partition: str | None = context.get(PARTITION_CONTEXT)
    return partition


def _snapshot_covers(partition: str | None) -> bool:
    """Whether a name AWS does not define in this partition is known to be wrong: the snapshot lists the aws partition's."""
    return partition in (None, managed_policies.PARTITION)


def aws_policy_arn_partition(arn: str, team_partition: str | None) -> str | None:
    """The partition of an AWS managed policy's ARN: its own, or the team's for `arn:{partition}:`."""
    match = _AWS_POLICY_ARN.match(arn)
    if match is None:
        return None
    return team_partition if match[1] == "{partition}" else match[1]


def _aws_policy_arn_problem(arn: str, team_partition: str | None = None) -> str | None:
    """What is wrong with an ARN of an AWS managed policy (account `aws`), or None; other ARNs are not checked, nor those of
    a partition the snapshot does not cover (model.warnings says so)."""
    match = _AWS_POLICY_ARN.match(arn)
    if match is None or not _snapshot_covers(aws_policy_arn_partition(arn, team_partition)):
        return None
    problem = managed_policies.problem(match[2])
    return None if problem is None else _with_partition_hint(problem, team_partition if match[1] == "{partition}" else match[1])


class ServiceRole(RolePolicies):
    create: bool = Field(default=True, description="Whether the team gets this role.", examples=[False])
    name: IamName = Field(
        default=facts.DEFAULT_ROLE_NAMES["service_role"],
        description="Role name, after `name_prefix`.",
        examples=["EMR_DefaultRole"],
    )
    use_name_prefix: bool = Field(
        default=False,
        description="Treat `name` as a prefix and let the engine add a unique suffix.",
        examples=[True],
    )
    managed_policy: Literal["v2", "v1", "none"] = Field(
        default="v2",
        description="`v2`: `AmazonEMRServicePolicy_v2` (AWS's advice, needs tagged resources); `v1`: `AmazonElasticMapReduceRole` "
        "(what `create-default-roles` attaches); `none`: only the policies listed here.",
        examples=["v1"],
    )
    allow_spot_service_linked_role: bool = Field(
        default=True,
        description="Let EMR create the Spot service-linked role where the managed policy cannot (`v2`, `none`).",
        examples=[False],
    )


class Ec2Role(RolePolicies):
    create: bool = Field(default=True, description="Whether the team gets this role (and its instance profile).", examples=[False])
    name: IamName = Field(
        default=facts.DEFAULT_ROLE_NAMES["ec2_role"],
        description="Role name, after `name_prefix`; the instance profile gets the same name.",
        examples=["EMR_EC2_DefaultRole"],
    )
    use_name_prefix: bool = Field(
        default=False,
        description="Treat `name` as a prefix and let the engine add a unique suffix.",
        examples=[True],
    )
    instance_profile_name: IamName | None = Field(
        default=None,
        description="Only for stating it explicitly: must equal the role name, or EMR rejects the cluster with \"invalid instance"
        " profile\".",
        examples=["EMR_EC2_DefaultRole"],
    )
    policy: Literal["managed", "scoped"] = Field(
        default="managed",
        description="`managed`: `AmazonElasticMapReduceforEC2Role` (broad S3, DynamoDB, SQS ... access); "
        "`scoped`: a customer-managed policy with the cluster's own metadata and the `s3_access` locations only.",
        examples=["scoped"],
    )
    s3_access: list[S3Access] = _items(
        200,
        description="With `policy: scoped`: the S3 locations the cluster nodes may use.",
        examples=[[{"bucket": "analytics-emr-logs", "prefix": "logs/", "access": "read_write"}]],
    )

    @model_validator(mode="after")
    def _check(self) -> Ec2Role:
        if self.instance_profile_name is not None and self.instance_profile_name != self.name:
            raise _field_error(
                "instance_profile_name",
                f"must equal the role name {self.name!r}: EMR rejects an instance profile named "
                "differently from its role with an 'invalid instance profile' error",
            )
        if self.s3_access and self.policy != "scoped":
            raise _field_error("s3_access", "is only used with policy: scoped")
        return self


class AutoscalingRole(RolePolicies):
    create: bool = Field(default=True, description="Whether the team gets this role.", examples=[False])
    name: IamName = Field(
        default=facts.DEFAULT_ROLE_NAMES["autoscaling_role"],
        description="Role name, after `name_prefix`.",
        examples=["EMR_AutoScaling_DefaultRole"],
    )
    use_name_prefix: bool = Field(
        default=False,
        description="Treat `name` as a prefix and let the engine add a unique suffix.",
        examples=[True],
    )
    trust_conditions: bool = Field(
        default=True,
        description="Whether the trust policy carries `aws:SourceAccount` and `aws:SourceArn` when `source_account_id` is set.",
        examples=[False],
    )


class ServiceLinkedRole(Model):
    create: bool = Field(
        default=False,
        description="Whether this team's workspace creates the account's EMR service-linked role; set it for exactly one team per account.",
        examples=[True],
    )


class EmrfsRole(RolePolicies):
    name: IamName = Field(description="Role name, after `name_prefix`; mappings refer to it by this name.", examples=["emrfs-raw"])
    s3_access: list[S3Access] = _items(
        200,
        description="S3 locations the role may use.",
        examples=[[{"bucket": "analytics-lake", "prefix": "raw/"}]],
    )


class EmrfsMapping(Model):
    role: IamName = Field(description="One of the team's `emrfs.roles`, by `name`.", examples=["emrfs-raw"])
    identifier_type: Literal["User", "Group", "Prefix"] = Field(
        description="What `identifiers` are: Linux user names, group names, or S3 prefixes.",
        examples=["Group"],
    )
    identifiers: list[str] = Field(
        min_length=1, max_length=100,
        description="User or group names, or `s3://` locations for `Prefix`; at least one.",
        examples=[["data-engineers", "analysts"]],
    )

    @model_validator(mode="after")
    def _identifiers_match_type(self) -> EmrfsMapping:
        pattern = S3_URI_RE if self.identifier_type == "Prefix" else PRINCIPAL_RE
        expected = "an s3:// location" if self.identifier_type == "Prefix" else f"a {self.identifier_type.lower()} name"
        for index, identifier in enumerate(self.identifiers):
            if not isinstance(identifier, str) or not pattern.fullmatch(identifier):
                raise _field_error(f"identifiers[{index}]", f"{identifier!r} is not {expected} (identifier_type {self.identifier_type})")
        if len(set(self.identifiers)) != len(self.identifiers):
            raise _field_error("identifiers", "lists an identifier twice")
        return self


class S3Encryption(Model):
    mode: Literal["SSE-S3", "SSE-KMS"] = Field(default="SSE-S3", description="`SSE-S3` or `SSE-KMS`.", examples=["SSE-KMS"])
    kms_key_arn: KmsKeyOrAliasArn | None = Field(
        default=None,
        description="ARN of the KMS key (or its alias); required with `SSE-KMS`, not allowed with `SSE-S3`;"
        " `{partition}` becomes the provider's partition.",
        examples=["arn:{partition}:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"],
    )

    @model_validator(mode="after")
    def _key_with_kms(self) -> S3Encryption:
        if (self.mode == "SSE-KMS") != (self.kms_key_arn is not None):
            raise _field_error("kms_key_arn", "is required with mode SSE-KMS and not allowed with SSE-S3")
        return self


class Encryption(Model):
    """Encryption settings carried by the same security configuration as the EMRFS mappings."""

    at_rest_s3: S3Encryption | None = Field(
        default=None,
        description="Encryption of EMRFS data at rest in S3.",
        examples=[
            {"mode": "SSE-KMS", "kms_key_arn": "arn:{partition}:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"}
        ],
    )
    local_disk_kms_key_arn: KmsKeyArn | None = Field(
        default=None,
        description="ARN of the KMS key (not an alias) for the cluster's local disks; `{partition}` becomes the provider's partition.",
        examples=["arn:{partition}:kms:us-east-1:111122223333:key/9876fedc-ba98-7654-3210-fedcba987654"],
    )
    in_transit_certificate_s3_object: S3Uri | None = Field(
        default=None,
        description="S3 location of a zip of PEM certificates; turns on in-transit encryption.",
        examples=["s3://analytics-emr-config/certs.zip"],
    )


class Emrfs(Model):
    create: bool = Field(default=True, description="Whether to create the EMRFS roles and the security configuration.", examples=[False])
    roles: list[EmrfsRole] = _items(
        100,
        description="EMRFS roles, each named after `name_prefix`.",
        examples=[[{"name": "emrfs-raw", "s3_access": [{"bucket": "analytics-lake", "prefix": "raw/", "access": "read_write"}]}]],
    )
    mappings: list[EmrfsMapping] = _items(
        500,
        description="Role mappings in evaluation order.",
        examples=[[{"role": "emrfs-raw", "identifier_type": "Group", "identifiers": ["data-engineers"]}]],
    )
    security_configuration_name: SecurityConfigurationName | None = Field(
        default=None,
        description="Name of the security configuration; default the team's `name_prefix` followed by `emrfs`"
        " (`ds-emrfs` for prefix `ds-`), or `<team>-emrfs` when the team has no prefix (`analytics-emrfs`).",
        examples=["analytics-emrfs"],
    )
    encryption: Encryption | None = Field(
        default=None,
        description="Encryption settings for the same security configuration.",
        examples=[{"at_rest_s3": {"mode": "SSE-S3"}}],
    )

    @model_validator(mode="after")
    def _mappings_name_roles(self) -> Emrfs:
        names = [role.name for role in self.roles]
        _unique(names, "roles[{}].name")
        for index, mapping in enumerate(self.mappings):
            if mapping.role not in names:
                raise _field_error(f"mappings[{index}].role", f"{mapping.role!r} is not one of this team's emrfs roles {names}")
        return self


class PassRolePolicy(Model):
    create: bool = Field(default=True, description="Whether to create the PassRole policy.", examples=[False])
    name: IamName = Field(default="EMR_PassRole", description="Policy name, after `name_prefix`.", examples=["EMR_PassRole"])
    attach_to_users: list[IamName] = _attach_to("IAM users to attach the policy to.", ["alice"])
    attach_to_groups: list[IamName] = _attach_to("IAM groups to attach the policy to.", ["analytics-emr-operators"])
    attach_to_roles: list[IamName] = _attach_to("IAM roles to attach the policy to (for example a CI role).", ["emr-launcher"])


class RuntimeRole(RolePolicies):
    """A runtime role for EMR steps: the role one step (or interactive session) runs as."""

    name: IamName = Field(description="Role name, after `name_prefix`; steps name it by its ARN (`ExecutionRoleArn`).", examples=["etl"])
    s3_access: list[S3Access] = _items(
        200,
        description="S3 locations the role may use.",
        examples=[[{"bucket": "analytics-lake", "prefix": "curated/"}]],
    )
    lake_formation: bool = Field(
        default=False,
        description="Lake Formation governs the role's tables (EMR 6.15+, Spark): `lakeformation:GetDataAccess` and Data Catalog reads,"
        " `sts:TagSession` only with EMR's session tag, and `LakeFormationConfiguration` in the security configuration.",
        examples=[True],
    )
    s3_access_grants: bool = Field(
        default=False,
        description="The role asks S3 Access Grants for S3 credentials (EMR 6.15+, Spark): `s3:GetDataAccess` on the account's default"
        " Access Grants instance; pass the team module's `configurations_json` to the cluster.",
        examples=[True],
    )
    propagate_source_identity: bool = Field(
        default=False,
        description="EMR sets the submitter's identity as the session's source identity (`sts:SetSourceIdentity`); a setting of the"
        " security configuration, so every runtime role of the team sets it or none does.",
        examples=[True],
    )


class StepSubmitterPolicy(Model):
    create: bool = Field(default=True, description="Whether to create the step submitter policy.", examples=[False])
    name: IamName = Field(
        default="EMR_RuntimeRoleSteps",
        description="Policy name, after `name_prefix`.",
        examples=["EMR_RuntimeRoleSteps"],
    )
    attach_to_users: list[IamName] = _attach_to("IAM users to attach the policy to.", ["alice"])
    attach_to_groups: list[IamName] = _attach_to("IAM groups to attach the policy to.", ["analytics-step-submitters"])
    attach_to_roles: list[IamName] = _attach_to(
        "IAM roles to attach the policy to (for example an orchestrator's role).", ["airflow-workers"]
    )


# EMR Serverless application IDs (API reference: 1 to 64 lower-case letters and digits).
ServerlessApplicationId = Annotated[str, _pattern(
    r"^[0-9a-z]{1,64}$", "an EMR Serverless application ID (1 to 64 lower-case letters and digits)"
)]


class ServerlessRuntimeRole(RolePolicies):
    """A job runtime role for EMR Serverless: the role a job run works as."""

    name: IamName = Field(
        description="Role name, after `name_prefix`; a job run names it by its ARN (`executionRoleArn`).",
        examples=["spark-etl"],
    )
    s3_access: list[S3Access] = _items(
        200,
        description="S3 locations the role may use.",
        examples=[[{"bucket": "analytics-lake", "prefix": "curated/"}]],
    )


class Serverless(Model):
    """EMR Serverless: job runtime roles trusted by the team's applications, and who may start jobs with them."""

    create: bool = Field(
        default=True,
        description="Whether to create the team's EMR Serverless job runtime roles and job submitter policy (`false` keeps the"
        " section but creates nothing).",
        examples=[False],
    )
    application_ids: list[ServerlessApplicationId] = _items(
        100,
        description="The team's EMR Serverless applications: the roles trust EMR Serverless only for these (`aws:SourceArn`) and the"
        " submitters may start job runs only on them; empty: the roles trust every application of the account and the"
        " submitters reach the applications that carry the team tag.",
        examples=[["00fabcdefghij012"]],
    )
    runtime_roles: list[ServerlessRuntimeRole] = _items(100, description="The job runtime roles.", examples=[[{"name": "spark-etl"}]])
    submitter_policy: bool = Field(
        default=True,
        description="Whether to create the policy for the people who start job runs: `iam:PassRole` on exactly these roles to"
        " EMR Serverless, starting, reading and cancelling job runs on the team's applications.",
        examples=[False],
    )
    service_linked_role: bool = Field(
        default=False,
        description="Whether this team creates the account's EMR Serverless service-linked role"
        " (`AWSServiceRoleForAmazonEMRServerless`); it exists once per account, so one team per account sets it.",
        examples=[True],
    )

    @model_validator(mode="after")
    def _check(self) -> Serverless:
        _unique([role.name for role in self.runtime_roles], "runtime_roles[{}].name")
        _unique(self.application_ids, "application_ids[{}]")
        return self


# EKS names: a cluster name (EKS CreateCluster), a Kubernetes namespace (a DNS-1123 label) and the
# cluster's OIDC issuer URL (https://<host>/<path>, as `aws eks describe-cluster` shows it).
EksClusterName = Annotated[str, _pattern(
    r"^[0-9A-Za-z][A-Za-z0-9_-]*$", "an EKS cluster name: letters, digits, - and _, starting with a letter or digit", max_length=100
)]
KubernetesNamespace = Annotated[str, _pattern(
    r"^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$", "a Kubernetes namespace: lower-case letters, digits and -, at most 63", max_length=63
)]
OidcIssuer = Annotated[str, _pattern(
    r"^https://[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?(?:/[A-Za-z0-9._~-]+)*$",
    "the cluster's OIDC issuer URL (https://oidc.eks.<region>.amazonaws.com/id/<id>)",
    max_length=512,
)]
VirtualClusterId = Annotated[str, _pattern(
    r"^[0-9a-z]+$", "an EMR on EKS virtual cluster ID (lower-case letters and digits)", max_length=64
)]


class EksCluster(Model):
    """An EKS cluster whose EMR on EKS jobs may run as the role, in these namespaces."""

    name: EksClusterName = Field(description="The EKS cluster's name.", examples=["analytics"])
    oidc_issuer: OidcIssuer | None = Field(
        default=None,
        description="The cluster's OIDC issuer URL (`aws eks describe-cluster --query cluster.identity.oidc.issuer`); required with"
        " `irsa`, and refused without it (only the IRSA trust names it).",
        examples=["https://oidc.eks.us-east-1.amazonaws.com/id/5C1A9E7B3D2F4A6B8C0D1E2F3A4B5C6D"],
    )
    namespaces: list[KubernetesNamespace] = Field(
        min_length=1, max_length=100,
        description="Kubernetes namespaces the job runs are submitted to (the virtual clusters' namespaces).",
        examples=[["spark-jobs"]],
    )

    @model_validator(mode="after")
    def _unique_namespaces(self) -> EksCluster:
        _unique(self.namespaces, "namespaces[{}]")
        return self


class EksRole(RolePolicies):
    """A job execution role for EMR on EKS: the role a job run's driver and executors run as."""

    name: IamName = Field(
        description="Role name, after `name_prefix`; EMR's service account names carry it in base36.",
        examples=["eks-spark"],
    )
    s3_access: list[S3Access] = _items(
        200,
        description="S3 locations the role may use.",
        examples=[[{"bucket": "analytics-lake", "prefix": "curated/"}]],
    )
    clusters: list[EksCluster] = Field(
        min_length=1, max_length=100,
        description="The EKS clusters (with their namespaces) whose job runs may use the role.",
        examples=[[{"name": "analytics", "oidc_issuer": "https://oidc.eks.us-east-1.amazonaws.com/id/5C1A9E7B3D2F4A6B8C0D1E2F3A4B5C6D",
        "namespaces": ["spark-jobs"]}]],
    )
    irsa: bool = Field(
        default=True,
        description="Trust IAM roles for service accounts: per cluster, its IAM OIDC provider (which must exist) for"
        " `sts:AssumeRoleWithWebIdentity`, `<issuer>:sub` like EMR's service accounts of the role in each namespace,"
        " exactly as `aws emr-containers update-role-trust-policy` writes it.",
        examples=[False],
    )
    pod_identity: bool = Field(
        default=False,
        description="Trust EKS Pod Identity (EMR 7.3+): `pods.eks.amazonaws.com` for `sts:AssumeRole` and `sts:TagSession`, only"
        " with the session tags of the role's clusters, namespaces and Spark service accounts; the associations are"
        " an output (`eks_pod_identity_associations`) for `modules/emr-eks-pod-identity`. Not in China: AWS offers"
        " Pod Identity in no China Region.",
        examples=[True],
    )

    @model_validator(mode="after")
    def _check(self) -> EksRole:
        if not (self.irsa or self.pod_identity):
            raise _field_error("irsa", "and pod_identity are both false: the role would trust nobody")
        names = [cluster.name for cluster in self.clusters]
        # Cluster by cluster, so the first problem in list order is the one reported.
        for index, cluster in enumerate(self.clusters):
            _unique(names[: index + 1], "clusters[{}].name")
            if self.irsa and cluster.oidc_issuer is None:
                raise _field_error(
                    f"clusters[{index}].oidc_issuer", "is required with irsa: true (the IRSA trust names the cluster's OIDC provider)"
                )
            if not self.irsa and cluster.oidc_issuer is not None:
                raise _field_error(
                    f"clusters[{index}].oidc_issuer",
                    "has no effect: irsa is false (only the IRSA trust names the cluster's OIDC provider); remove it, or set irsa: true",
                )
        return self


class Eks(Model):
    """EMR on EKS: job execution roles and the policy of the people who start job runs."""

    create: bool = Field(default=True, description="Whether to create the team's EMR on EKS roles and policy.", examples=[False])
    roles: list[EksRole] = _items(
        100,
        description="Job execution roles; each role's trust policy grows with its clusters and namespaces and is checked against"
        " IAM's trust policy quota (`quotas.trust_policy`).",
        examples=[
            [{"name": "eks-spark", "pod_identity": True, "clusters": [{"name": "analytics", "namespaces": ["spark-jobs"]}], "irsa": False}]
        ],
    )
    virtual_cluster_ids: list[VirtualClusterId] = _items(
        100,
        description="EMR on EKS virtual clusters the job submitter policy allows; empty allows those that carry the team tag.",
        examples=[["c0a1b2c3d4e5f6a7b8c9d0e1f"]],
    )
    submitter_policy: bool = Field(
        default=True,
        description="Whether to create the customer-managed policy `<name_prefix>EMR_EKS_StartJobRun`: `emr-containers:StartJobRun` on"
        " the virtual clusters, only with one of the team's roles as `emr-containers:ExecutionRoleArn`, and reading, following"
        " and cancelling the job runs of those virtual clusters.",
        examples=[False],
    )

    @model_validator(mode="after")
    def _unique_roles(self) -> Eks:
        _unique([role.name for role in self.roles], "roles[{}].name")
        return self


# EMR Studio IDs, as CreateStudio returns them (es- and upper-case letters and digits).
StudioId = Annotated[str, _pattern(r"^es-[0-9A-Z]{1,64}$", "an EMR Studio ID (es- and upper-case letters and digits)")]


class StudioSessionPolicy(Model):
    """One session policy (IAM Identity Center mode) or user policy (IAM mode): one of AWS's three tiers."""

    name: IamName = Field(description="Policy name, after `name_prefix`.", examples=["EMRStudio_Basic"])
    tier: Literal[facts.STUDIO_TIERS] = Field(  # type: ignore[valid-type]
        description="AWS's tier: `basic` (Workspaces, Git repositories, cluster and EMR on EKS reads, no cluster creation),"
        " `intermediate` (also clusters from Service Catalog templates) or `advanced` (also RunJobFlow, passing the"
        " team's EMR service role and role for EC2).",
        examples=["intermediate"],
    )
    collaboration: bool = Field(
        default=False,
        description="Workspace collaboration: the user may turn collaboration on and off and choose collaborators, on the Workspaces"
        " they created (tag `creatorUserId` equal to their `aws:userId`) only.",
        examples=[True],
    )
    attach_to_users: list[IamName] = _attach_to("IAM mode: IAM users to attach the policy to.", ["alice"])
    attach_to_groups: list[IamName] = _attach_to("IAM mode: IAM groups to attach the policy to.", ["analytics-notebook-users"])
    attach_to_roles: list[IamName] = _attach_to("IAM mode: IAM roles to attach the policy to.", ["analytics-studio-admins"])


class StudioServiceRole(RolePolicies):
    name: IamName = Field(
        default=facts.STUDIO_DEFAULT_NAMES["service_role"],
        description="Role name, after `name_prefix` (`service_role` of `aws_emr_studio`).",
        examples=["EMRStudio_Service_Role"],
    )


class StudioUserRole(RolePolicies):
    name: IamName = Field(
        default=facts.STUDIO_DEFAULT_NAMES["user_role"],
        description="Role name, after `name_prefix` (`user_role` of `aws_emr_studio`).",
        examples=["EMRStudio_User_Role"],
    )


def _default_session_policies() -> list[StudioSessionPolicy]:
    return [StudioSessionPolicy(name="EMRStudio_Basic", tier="basic")]


class Studio(Model):
    """EMR Studio: the Studio service role, the user role of IAM Identity Center mode and the users' policies."""

    create: bool = Field(
        default=False,
        description="Whether the team has an EMR Studio; `workspace_bucket` is then required.",
        examples=[True],
    )
    auth_mode: Literal[facts.STUDIO_AUTH_MODES] = Field(default=  # type: ignore[valid-type]
        "SSO",
        description="`SSO` (IAM Identity Center: the user role carries every session policy; create-studio-session-mapping gives"
        " one to each user or group) or `IAM` (each policy is attached to the IAM users, groups and roles it names,"
        " with `CreateStudioPresignedUrl`).",
        examples=["IAM"],
    )
    workspace_bucket: BucketName | None = Field(
        default=None,
        description="The S3 bucket where the Studio keeps Workspaces and notebooks (`default_s3_location`).",
        examples=["analytics-studio"],
    )
    workspace_prefix: S3Prefix = Field(
        default="",
        description="Key prefix of the Workspaces in the bucket; empty for the whole bucket.",
        examples=["workspaces/"],
    )
    kms_key_arns: list[KmsKeyArn] = _items(
        20,
        description="KMS keys of an encrypted Workspace bucket; the service role may use them.",
        examples=[["arn:{partition}:kms:us-east-1:111122223333:key/8c1d2e3f-4a5b-4c6d-9e7f-0a1b2c3d4e5f"]],
    )
    git_secrets: bool = Field(
        default=True,
        description="Whether the service role may read the Secrets Manager secrets tagged for EMR (Git repositories linked to Workspaces).",
        examples=[False],
    )
    studio_ids: list[StudioId] = _items(
        100,
        description="IAM mode: the Studios the policies allow presigned URLs for; empty means every Studio of the account.",
        examples=[["es-0123456789ABCDEFGHIJKLMNO"]],
    )
    service_role: StudioServiceRole = Field(
        default=StudioServiceRole(),
        description="The Studio service role.",
        examples=[{"name": "EMRStudio_Service_Role"}],
    )
    user_role: StudioUserRole = Field(
        default=StudioUserRole(),
        description="The user role of IAM Identity Center mode.",
        examples=[{"name": "EMRStudio_User_Role"}],
    )
    session_policies: list[StudioSessionPolicy] = Field(
        default_factory=_default_session_policies, max_length=20,
        description="The users' policies, one per entry; the default is one basic policy, EMRStudio_Basic.",
        examples=[[{"name": "EMRStudio_Advanced", "tier": "advanced"}]],
    )

    @property
    def any_collaboration(self) -> bool:
        """Whether any policy asks for Workspace collaboration: the service role then looks up collaborators."""
        return any(policy.collaboration for policy in self.session_policies)

    @model_validator(mode="after")
    def _check(self) -> Studio:
        if not self.create:
            return self
        if self.workspace_bucket is None:
            raise _field_error("workspace_bucket", "is required with create: true (the bucket where the Studio keeps Workspaces)")
        if not self.session_policies:
            raise _field_error("session_policies", "is empty: a Studio user needs at least one policy")
        names = [policy.name for policy in self.session_policies]
        # Policy by policy, so the first problem in list order is the one reported.
        for index, policy in enumerate(self.session_policies):
            _unique(names[: index + 1], "session_policies[{}].name")
            attached = policy.attach_to_users or policy.attach_to_groups or policy.attach_to_roles
            if self.auth_mode == "SSO" and attached:
                raise _field_error(
                    f"session_policies[{index}]",
                    "attach_to_users, attach_to_groups and attach_to_roles are for auth_mode IAM; with SSO the policy goes"
                    " to the user role and a session mapping (create-studio-session-mapping) gives it to users and groups",
                )
        if self.studio_ids and self.auth_mode != "IAM":
            raise _field_error(
                "studio_ids", "is for auth_mode IAM (CreateStudioPresignedUrl); SSO users sign in through IAM Identity Center"
            )
        return self


class TeamTag(Model):
    """The tag that marks a team's clusters, Workspaces, applications, virtual clusters and job runs."""

    key: TagKey = Field(
        default=facts.TEAM_TAG_KEY,
        description="The tag's key; set it in `defaults` to use one key for every team.",
        examples=["team"],
    )
    value: TagValue | None = Field(
        default=None,
        description="The tag's value; the team's name when unset. Teams of one account need different values.",
        examples=["analytics"],
    )

    @field_validator("key")
    @classmethod
    def _not_reserved(cls, key: str) -> str:
        if key.lower().startswith(RESERVED_TAG_PREFIX):
            raise ValueError(f"the {RESERVED_TAG_PREFIX} prefix is reserved for AWS (in any case); no resource can carry such a tag")
        return key


class TeamSettings(Model):
    """Everything a team may set; `defaults` sets the same keys for every team."""

    name_prefix: NamePrefix = Field(
        default="",
        description="Prefix of every role, policy and security configuration name; `{team}` stands for the team's name. "
        "Teams sharing an account need different prefixes.",
        examples=["{team}-"],
    )
    path: IamPath = Field(
        default="/",
        description="IAM path of the roles, instance profile and policies; begins and ends with `/`.",
        examples=["/emr/"],
    )
    permissions_boundary: PolicyArn | None = Field(
        default=None,
        description="ARN of a managed policy set as permissions boundary on every role of the team;"
        " `arn:{partition}:` follows the provider's partition.",
        examples=["arn:{partition}:iam::111122223333:policy/emr-boundary"],
    )
    tags: dict[TagKey, TagValue] = Field(
        default_factory=dict,
        description="Tags on every role, instance profile and policy, which also carry the team tag (`team_tag`): at most 50"
        " after `defaults.tags`, the team's and the team tag are merged; the team tag's key may appear only with the team's"
        " value; keys of 1 to 128 and values of up to 256 letters, digits, spaces and `_.:/=+@-`; no key starts with `aws:`.",
        examples=[{"Team": "analytics"}],
    )

    @field_validator("permissions_boundary")
    @classmethod
    def _aws_defines_the_boundary(cls, arn: str | None, info: ValidationInfo) -> str | None:
        problem = None if arn is None else _aws_policy_arn_problem(arn, _validated_partition(info))
        if problem is not None:
            raise ValueError(problem)
        return arn

    @field_validator("tags")
    @classmethod
    def _no_reserved_tag_keys(cls, tags: dict[str, str]) -> dict[str, str]:
        for key in tags:
            if key.lower().startswith(RESERVED_TAG_PREFIX):
                raise _field_error(
                    (key,),
                    f"key {key!r}: the {RESERVED_TAG_PREFIX} prefix is reserved for AWS (in any case); IAM refuses such a tag at apply",
                )
        return tags
    team_tag: TeamTag = Field(
        default=TeamTag(),
        description="The team tag: the policies for the team's people (Studio users, step and job submitters) act only on"
        " clusters, Workspaces, EMR Serverless applications, EMR on EKS virtual clusters and job runs that carry it, and"
        " require it where they create them; the team module's `team_tag` output is the tag to put on them. The team's own"
        " roles, instance profiles and policies carry it too.",
        examples=[{"key": "team"}],
    )
    source_account_id: AccountId | None = Field(
        default=None,
        description="Account whose EMR may assume the roles: adds the `aws:SourceAccount`/`aws:SourceArn` confused-deputy conditions "
        "to the trust policies and scopes the EC2 role's cluster permissions. Quote it so YAML keeps it a string.",
        examples=["111122223333"],
    )
    service_role: ServiceRole = Field(default=ServiceRole(), description="The EMR service role.", examples=[{"managed_policy": "v1"}])
    ec2_role: Ec2Role = Field(
        default=Ec2Role(),
        description="The EMR role for EC2 and its instance profile.",
        examples=[{"policy": "scoped"}],
    )
    autoscaling_role: AutoscalingRole = Field(
        default=AutoscalingRole(),
        description="The automatic scaling role.",
        examples=[{"create": False}],
    )
    service_linked_role: ServiceLinkedRole = Field(
        default=ServiceLinkedRole(),
        description="The account's EMR service-linked role.",
        examples=[{"create": True}],
    )
    emrfs: Emrfs = Field(default=Emrfs(), description="EMRFS roles and their mappings.", examples=[{"create": False}])
    passrole_policy: PassRolePolicy = Field(
        default=PassRolePolicy(),
        description="The PassRole policy for the people who launch clusters.",
        examples=[{"attach_to_groups": ["emr-operators"]}],
    )
    runtime_roles: list[RuntimeRole] = _items(
        100,
        description="Runtime roles for EMR steps; they need the team's security configuration (`emrfs.create: true`) and EMR role for EC2.",
        examples=[[{"name": "etl", "lake_formation": True}]],
    )
    step_submitter_policy: StepSubmitterPolicy = Field(
        default=StepSubmitterPolicy(),
        description="The policy for the people who submit steps with the runtime roles; created when the team has runtime roles.",
        examples=[{"attach_to_groups": ["analytics-step-submitters"]}],
    )
    serverless: Serverless = Field(
        default=Serverless(),
        description="EMR Serverless job runtime roles, the job submitter policy and the EMR Serverless service-linked role.",
        examples=[{"runtime_roles": [{"name": "spark-jobs"}]}],
    )
    eks: Eks = Field(
        default=Eks(),
        description="EMR on EKS job execution roles and the job submitter policy; they need `source_account_id` (EMR's service"
        " account names and the OIDC provider ARNs contain it).",
        examples=[{"roles": [{"name": "eks-spark", "clusters": [
            {"name": "analytics", "oidc_issuer": "https://oidc.eks.us-east-1.amazonaws.com/id/5C1A9E7B3D2F4A6B8C0D1E2F3A4B5C6D",
             "namespaces": ["spark-jobs"]},
        ]}]}],
    )
    studio: Studio = Field(
        default=Studio(),
        description="EMR Studio: its service role, the user role of IAM Identity Center mode and the users' policies by tier.",
        examples=[
            {"create": True, "workspace_bucket": "analytics-studio", "session_policies": [{"name": "EMRStudio_Basic", "tier": "basic"}]}
        ],
    )

    @field_validator("runtime_roles")
    @classmethod
    def _unique_runtime_roles(cls, roles: list[RuntimeRole]) -> list[RuntimeRole]:
        _unique([role.name for role in roles], "[{}].name")
        return roles


class Account(TeamSettings):
    """An AWS account of the organisation: its ID, and settings every team in it inherits."""

    id: AccountId = Field(
        description="The account's 12-digit ID (quoted): the `source_account_id` of its teams, and `{account}` in their values.",
        examples=["210987654321"],
    )
    region: Region | None = Field(
        default=None,
        description="The region its teams' scaffolded workspaces use by default (`emr-iam scaffold`); its partition decides"
        " the ARNs. Default: us-east-1.",
        examples=["us-gov-west-1"],
    )

    @model_validator(mode="after")
    def _id_only_once(self) -> Account:
        if self.source_account_id is not None:
            raise _field_error("source_account_id", "is the account's id: write it once, as id")
        return self


class Team(TeamSettings):
    name: TeamName = Field(
        description="The team's name: lower-case letters, digits and `-`, at most 32 characters. Names its module folder.",
        examples=["data-science"],
    )
    account: AccountName | None = Field(
        default=None,
        description="The key of `accounts` the team's roles live in: the team inherits its settings (between `defaults` and"
        " its own) and its ID as `source_account_id`.",
        examples=["payments-prod"],
    )


class Quotas(Model):
    """IAM quotas that an account can raise; the generator checks against these values."""

    managed_policies_per_role: int = Field(
        default=facts.IAM_LIMITS["managed_policies_per_role"], ge=1, le=20,
        description="Managed policies that may be attached to one role (1 to 20).",
        examples=[20],
    )
    trust_policy: int = Field(
        default=facts.IAM_LIMITS["trust_policy"], ge=1, le=4096,
        description="Characters a trust policy may have (1 to 4096).",
        examples=[4096],
    )


class Spec(Model):
    version: Literal[1] = Field(description="Version of the spec format; always 1.", examples=[1])
    quotas: Quotas = Field(
        default=Quotas(),
        description="IAM quotas to check against, when your account's are higher than the defaults.",
        examples=[{"managed_policies_per_role": 20}],
    )
    defaults: TeamSettings = Field(
        default=TeamSettings(),
        description="Settings every team gets unless it sets them itself.",
        examples=[{"name_prefix": "{team}-", "path": "/emr/"}],
    )
    accounts: dict[AccountName, Account] = Field(
        default_factory=dict,
        description="The organisation's AWS accounts by a name of your choice; a team names its account with `account`."
        " Names (roles, policies, security configurations) need only be unique within an account.",
        examples=[{"payments-prod": {"id": "210987654321", "path": "/payments/"}}],
    )
    teams: list[Team] = Field(
        min_length=1, max_length=5000,
        description="The teams; each becomes `modules/teams/<name>/`. At least one.",
        examples=[[{"name": "analytics"}]],
    )

    @field_validator("version", mode="before")
    @classmethod
    def _version_is_the_number(cls, value: Any) -> Any:
        # A literal compares equal to true and 1.0 even in strict mode; the version is the integer 1.
        if type(value) is not int:
            raise ValueError(f"must be the number 1, not {_shown(value)}")
        return value

    @field_validator("teams")
    @classmethod
    def _unique_team_names(cls, teams: list[Team]) -> list[Team]:
        _unique([team.name for team in teams], "[{}].name", what="team ")
        return teams

    @model_validator(mode="after")
    def _accounts_named(self) -> Spec:
        for index, team in enumerate(self.teams):
            if team.account is not None and team.account not in self.accounts:
                raise _field_error(f"teams[{index}].account", f"{team.account!r} is not one of the accounts")
        return self


S3_URI_RE = re.compile(_S3_URI)
# Linux user and group names as EMRFS sees them (Hadoop user names, Kerberos short names).
PRINCIPAL_RE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9._@-]{0,127}$")


class _FieldError(ValueError):
    """A validator's error about one sub-field, so the message names that field."""

    def __init__(self, field: str | Path_, message: str):
        super().__init__(message)
        self.field = field


def _field_error(field: str | Path_, message: str) -> _FieldError:
    """`field` as text (`roles[0].name`), or as parts when a part is a mapping key that may hold . or [."""
    return _FieldError(field, message)


# --- loading -------------------------------------------------------------------------------


Path_ = tuple[str | int, ...]

# The YAML library's own safe loader, its C parser when PyYAML was built with libyaml.
_SafeLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Refused(Exception):
    """Something YAML accepts but a spec must not hold, at a 1-based line."""

    def __init__(self, message: str, mark: Any):
        super().__init__(message)
        self.line = mark.line + 1


class _SpecLoader(_SafeLoader):  # type: ignore[misc, valid-type]
    """The safe loader, refusing a key given twice."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        # YAML loaders keep the last of two equal keys; in a spec that is a typo, not an override.
        keys: set[tuple[str, str]] = set()
        for key_node, _ in node.value:
            if isinstance(key_node, yaml.ScalarNode):
                if (key_node.tag, key_node.value) in keys:
                    raise _Refused(f"key {key_node.value!r} is given twice", key_node.start_mark)
                keys.add((key_node.tag, key_node.value))
        return super().construct_mapping(node, deep)  # type: ignore[no-any-return]


class _EscapesLoader(_SpecLoader):
    """Also refuses a string escape that is no Unicode character (a lone surrogate such as "\\ud800").

    Only a `\\u` or `\\U` escape in a double-quoted string can make one, so only a spec that has
    such an escape pays for looking at every string.
    """

    def construct_yaml_str(self, node: yaml.ScalarNode) -> str:
        value: str = self.construct_scalar(node)
        if not value.isascii():
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:  # no output file can hold it
                raise _Refused("a string escape is not a Unicode character", node.start_mark) from None
        return value


_EscapesLoader.add_constructor("tag:yaml.org,2002:str", _EscapesLoader.construct_yaml_str)


def _line_index(node: yaml.Node, path: Path_ = (), index: dict[Path_, int] | None = None) -> dict[Path_, int]:
    """Map each key path in the document to its 1-based line."""
    index = {} if index is None else index
    index.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            child = (*path, key_node.value)
            index[child] = key_node.start_mark.line + 1
            _line_index(value_node, child, index)
    elif isinstance(node, yaml.SequenceNode):
        for position, item in enumerate(node.value):
            _line_index(item, (*path, position), index)
    return index


class _Lines(Mapping[Path_, int]):
    """The line of every key path, from the library's composed nodes, composed when an error first asks."""

    def __init__(self, text: str):
        self._text: str | None = text
        self._index: dict[Path_, int] = {}

    def _lines(self) -> dict[Path_, int]:
        if self._text is not None:
            root = yaml.compose(self._text, Loader=_SafeLoader)
            self._index, self._text = (_line_index(root) if root is not None else {}), None
        return self._index

    def __getitem__(self, path: Path_) -> int:
        return self._lines()[path]

    def __iter__(self) -> Iterator[Path_]:
        return iter(self._lines())

    def __len__(self) -> int:
        return len(self._lines())


def _format_path(path: Path_) -> str:
    out = ""
    for part in path:
        if isinstance(part, bool):  # a mapping key YAML read as a boolean (On:, yes:)
            part = str(part).lower()
        elif part == "":
            part = '""'
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top level)"


def _read(path: Path) -> str:
    shown = str(path)
    try:
        if path.is_dir():
            raise SpecError(shown, "is a directory, not a spec file")
        size = path.stat().st_size
        if size > MAX_SPEC_BYTES:
            raise SpecError(shown, f"is {size} bytes; a spec may be at most {MAX_SPEC_BYTES}")
        raw = path.read_bytes()
    except FileNotFoundError:
        raise SpecError(shown, "no such file") from None
    except OSError as error:
        raise SpecError(shown, f"cannot be read: {error.strerror}") from None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line_start = raw.rfind(b"\n", 0, error.start) + 1
        column = len(raw[line_start : error.start].decode("utf-8", errors="replace")) + 1
        raise SpecError(
            shown, f"is not UTF-8 text: byte 0x{raw[error.start]:02x} at column {column}", line=raw.count(b"\n", 0, error.start) + 1
        ) from None


def _refuse_aliases(text: str, shown: str) -> None:
    """Anchors and aliases are refused (no billion-laughs expansion), at the alias's line."""
    if "&" not in text:  # without an anchor, an alias is a YAML error of its own
        return
    for event in yaml.parse(text, Loader=_SafeLoader):
        if isinstance(event, yaml.AliasEvent):
            line = event.start_mark.line + 1 if event.start_mark is not None else None
            raise SpecError(shown, "not valid YAML: anchors and aliases are not supported in a spec", line=line)


class _Declined(Exception):
    """The text holds something that only the loader builds, or reports, exactly."""


_STR = "tag:yaml.org,2002:str"
_NO_KEY = object()  # a mapping waiting for its next key


def _plain(loader: yaml.SafeLoader) -> Any:
    """What the spec loader constructs from the loader's events, for plain mappings, sequences and scalars.

    The loader's composer and constructor would build a node per value first; this builds the
    data from the parser's events directly. Tags are resolved by the loader (each text once), and
    scalars other than strings are built by the loader's own constructor for their tag.
    """
    # The library's own functions, which its type stubs leave untyped.
    get: Callable[[], Any] = loader.get_event
    resolve: Callable[[type[yaml.Node], str, Any], str] = loader.resolve
    constructors = loader.yaml_constructors
    get(), get()  # the stream's start, the document's start
    tags: dict[tuple[str, Any], str] = {}
    stack: list[tuple[Any, int]] = []
    container: Any = None  # the mapping or sequence being built
    key: Any = _NO_KEY
    count = 0  # pairs read into the mapping being built
    root: Any = None
    while True:
        event = get()
        kind = event.__class__
        if kind is yaml.ScalarEvent:
            if event.anchor is not None or event.tag is not None:
                raise _Declined
            text, implicit = event.value, event.implicit
            tag = tags.get((text, implicit))
            if tag is None:
                tag = tags[text, implicit] = resolve(yaml.ScalarNode, text, implicit)
            if tag == _STR:
                value = text
            else:  # int, bool, null, timestamp...; no constructor for merge (<<) and value (=) keys
                construct = constructors.get(tag)
                if construct is None:
                    raise _Declined
                value = construct(loader, yaml.ScalarNode(tag, text, event.start_mark, event.end_mark, event.style))
        elif kind is yaml.MappingStartEvent or kind is yaml.SequenceStartEvent:
            if event.anchor is not None or event.tag is not None:
                raise _Declined
            value = {} if kind is yaml.MappingStartEvent else []
            if container is None:
                root = value
            elif type(container) is dict:
                if key is _NO_KEY:  # a mapping or a sequence as a key
                    raise _Declined
                container[key], key, count = value, _NO_KEY, count + 1
            else:
                container.append(value)
            stack.append((container, count))
            container, count = value, 0
            continue
        elif kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
            if kind is yaml.MappingEndEvent and len(container) != count:  # a key given twice (or 1 and 0x1)
                raise _Declined
            container, count = stack.pop()
            continue
        elif kind is yaml.DocumentEndEvent:
            return root
        else:  # an alias
            raise _Declined
        if container is None:
            root = value
        elif type(container) is dict:
            if key is _NO_KEY:
                key = value
            else:
                container[key], key, count = value, _NO_KEY, count + 1
        else:
            container.append(value)


def _load_plain(text: str) -> Any:
    """What `yaml.load(text, Loader=_SpecLoader)` returns, or None to have the loader itself read the text.

    Built from the parser's events (libyaml's when PyYAML has it) instead of the composed nodes and
    the constructor's per-node machinery: a third of the time for a large spec. A text with anything
    but plain mappings, sequences and scalars in one document (an anchor, a tag, a merge key, a key
    given twice, a string escape to check), or with an error, gives None: the loader then reports
    every problem as before.
    """
    if "&" in text or "\\u" in text or "\\U" in text:
        return None
    loader = _SafeLoader(text)
    try:
        if loader.yaml_path_resolvers:  # tags that depend on where a value is
            return None
        data = _plain(loader)
        return data if loader.check_event(yaml.StreamEndEvent) else None  # one document, as the loader requires
    except Exception:  # noqa: BLE001 (any problem, _Declined included: the loader reports it as before)
        return None
    finally:
        loader.dispose()


def _parse(path: Path, text: str) -> tuple[Any, Mapping[Path_, int]]:
    shown = str(path)
    data = _load_plain(text)
    if data is None:
        data = _load(text, shown)
    if not isinstance(data, dict):
        raise SpecError(shown, "must be a mapping with `version`, `defaults` and `teams`", line=1)
    return data, _Lines(text)


def _load(text: str, shown: str) -> Any:
    """The data of the text, by the spec loader; a SpecError for anything YAML or the spec refuses."""
    try:
        _refuse_aliases(text, shown)
        loader = _EscapesLoader if "\\u" in text or "\\U" in text else _SpecLoader
        return yaml.load(text, Loader=loader)  # noqa: S506 (a safe loader)
    except _Refused as refused:
        raise SpecError(shown, str(refused), line=refused.line) from None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark is not None else None
        problem = error.problem or error.context or "invalid YAML"
        raise SpecError(shown, f"not valid YAML: {problem}", line=line) from None
    except yaml.reader.ReaderError as error:
        # Its text ends in a second line ("in <unicode string>, position N"): give the line instead.
        line = text.count("\n", 0, error.position) + 1
        raise SpecError(shown, f"not valid YAML: {str(error).splitlines()[0]}", line=line) from None
    except yaml.YAMLError as error:
        raise SpecError(shown, f"not valid YAML: {' '.join(str(error).split())}") from None
    except RecursionError:
        raise SpecError(shown, "is nested too deeply") from None


def _has_path(data: Any, path: Path_) -> bool:
    for part in path:
        if isinstance(data, dict) and part in data:  # noqa: SIM114 (one condition would hide the list type from mypy)
            data = data[part]
        elif isinstance(part, int) and isinstance(data, list) and part < len(data):
            data = data[part]
        else:
            return False
    return True


# The type of each member of a union, as the validation library names it in an error's location.
_UNION_MEMBERS = {"str": "a string", "bool": "true or false", "int": "a whole number", "list[str]": "a list of strings"}


def _shown(value: Any) -> str:
    """A YAML value as the user wrote it, for "not ..." in a message."""
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if value is None:
        return "an empty value"
    if isinstance(value, int | float):
        return f"the number {value!r}"
    if isinstance(value, str):
        return f"the string {value[:60] + '...' if len(value) > 60 else value!r}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, datetime.date):
        return f"the date {value.isoformat()}"
    return f"a {type(value).__name__}"


def _count(number: int, word: str) -> str:
    return f"{number} {word}{'' if number == 1 else 's'}"


def _describe(error: dict[str, Any], model: type[BaseModel] | None) -> str:
    """The validation library's error in our words: what is wrong with the value, and what would be right."""
    kind = error["type"]
    value = error.get("input")
    context = error.get("ctx") or {}
    if kind == "extra_forbidden":
        return "unknown field" + (f" (allowed: {', '.join(model.model_fields)})" if model else "")
    if kind == "missing":
        return "is required"
    if kind == "string_pattern_mismatch":
        pattern = context.get("pattern", "")
        return f"{value!r} must be {PATTERN_HELP.get(pattern, f'matching {pattern}')}"
    if kind == "string_type":
        if isinstance(value, int | float) and not isinstance(value, bool):
            # YAML reads an unquoted 111122223333 (or 012345678901, 1e3) as a number.
            return f"must be a string, and YAML read {value!r} as a number: quote it (\"...\")"
        if isinstance(value, bool | datetime.date):
            what = "a boolean (yes, no, on, off, true and false are booleans)" if isinstance(value, bool) else "a date"
            return f"must be a string, and YAML read the value as {what}: quote it (\"...\")"
        return f"must be a string, not {_shown(value)}"
    if kind == "bool_type":
        quoted = " without quotes" if isinstance(value, str) else ""
        return f"must be true or false{quoted}, not {_shown(value)}"
    if kind == "int_type":
        unquote = ": write the number without quotes" if isinstance(value, str) and value.strip().lstrip("-").isdigit() else ""
        return f"must be a whole number, not {_shown(value)}{unquote}"
    if kind in ("list_type", "dict_type", "model_type", "model_attributes_type"):
        what = "a list" if kind == "list_type" else "a mapping"
        return f"must be {what}, not {_shown(value)}"
    if kind == "literal_error":
        expected = str(context.get("expected", ""))
        return f"must be {'one of ' if ' or ' in expected else ''}{expected}, not {_shown(value)}"
    if kind in ("too_long", "too_short"):
        items = "entries" if context.get("field_type") == "Dictionary" else "items"
        actual = int(context.get("actual_length", len(value) if isinstance(value, list | dict) else 0))
        if kind == "too_short":
            minimum = int(context["min_length"])
            return "must not be empty" if minimum == 1 else f"has {actual} {items}; at least {minimum} are needed"
        return f"has {actual} {items}; at most {context['max_length']} are allowed"
    if kind in ("string_too_long", "string_too_short"):
        length = len(value) if isinstance(value, str) else 0
        if kind == "string_too_short":
            return "must not be empty"
        return f"is {_count(length, 'character')} long; at most {context['max_length']} are allowed"
    bounds = {"greater_than_equal": ("ge", "at least"), "less_than_equal": ("le", "at most"),
              "greater_than": ("gt", "more than"), "less_than": ("lt", "less than")}
    if kind in bounds:
        key, words = bounds[kind]
        return f"is {value!r}; it must be {words} {context[key]}"
    if kind in ("value_error", "assertion_error"):
        # Our own validators' messages.
        return str(context.get("error", error["msg"]))
    return f"is not valid: {error['msg']}"  # not expected: tests/test_messages.py walks every field for these


def _strip_tags(loc: Path_) -> Path_:
    return tuple(part for part in loc if not (isinstance(part, str) and (part.startswith("function-") or part == "[key]")))


def _first_error(errors: list[dict[str, Any]]) -> tuple[Path_, str | None]:
    """The error to report, with its location; a message of its own when the value matches no member of a union.

    A value that fits no member of a union (`Action: 5`) gives one error per member, each located
    under the member's name (`Action.str`, `Action.list[str]`): the deepest one reached furthest
    into the value; when none went deeper than the member, the message names every member.
    """
    first = errors[0]
    loc = tuple(first["loc"])
    if not (loc and loc[-1] in _UNION_MEMBERS):
        return loc, None
    parent = loc[:-1]
    members = [error for error in errors if tuple(error["loc"][: len(parent)]) == parent and len(error["loc"]) > len(parent)
               and error["loc"][len(parent)] in _UNION_MEMBERS]
    deepest = max(members, key=lambda error: len(error["loc"]))
    if len(deepest["loc"]) > len(loc):
        errors[0] = deepest
        inner = tuple(deepest["loc"])
        return (*parent, *inner[len(parent) + 1:]), None
    names = [_UNION_MEMBERS[error["loc"][-1]] for error in members]
    return parent, f"must be {', '.join(names[:-1])} or {names[-1]}, not {_shown(first.get('input'))}"


def _error_path(error: dict[str, Any], loc: Path_ | None = None) -> Path_:
    loc = _strip_tags(tuple(error["loc"]) if loc is None else loc)
    context = error.get("ctx") or {}
    inner = context.get("error")
    if isinstance(inner, _FieldError):
        loc = (*loc, *(inner.field if isinstance(inner.field, tuple) else _split_field(inner.field)))
    return loc


def _split_field(field: str) -> Path_:
    parts: list[str | int] = []
    for name, number in re.findall(r"([^.\[\]]+)|\[(\d+)\]", field):
        parts.append(int(number) if number else name)
    return tuple(parts)


def _model_at(root: type[BaseModel], path: Path_) -> type[BaseModel] | None:
    """The model class that owns the last key of `path`, for listing allowed fields."""
    model: Any = root
    for part in path[:-1]:
        if isinstance(part, int):
            continue
        field = model.model_fields.get(part) if isinstance(model, type) and issubclass(model, BaseModel) else None
        if field is None:
            return None
        annotation = field.annotation
        for candidate in (annotation, *getattr(annotation, "__args__", ())):
            inner = getattr(candidate, "__args__", (candidate,))
            found = next((c for c in (candidate, *inner) if isinstance(c, type) and issubclass(c, BaseModel)), None)
            if found is not None:
                model = found
                break
        else:
            return None
    return model if isinstance(model, type) and issubclass(model, BaseModel) else None


@dataclass(frozen=True)
class SpecFile:
    """A validated spec with where it came from, so later checks can point at the right line."""

    spec: Spec
    path: str
    lines: Mapping[Path_, int]
    # Each team's account (a key of `accounts`), or None.
    accounts: tuple[str | None, ...] = ()

    def partition(self, index: int) -> str | None:
        """The partition of the team's account, from the account's region; None when the spec does not tell."""
        account = self.accounts[index] if index < len(self.accounts) else None
        region = self.spec.accounts[account].region if account is not None else None
        return facts.partition_of_region(region) if region is not None else None

    def where(self, field: Path_) -> str:
        """`file:line: field` of a value, for a warning: where it was written, as errors say it."""
        error = self.error(field, "")
        where = error.path if error.line is None else f"{error.path}:{error.line}"
        return f"{where}: {error.field}"

    def error(self, field: Path_, message: str) -> SpecError:
        """A SpecError at `field`, reported where it was written: the team's own key, its account or `defaults`."""
        if field[:1] == ("teams",) and field not in self.lines:
            index = field[1]
            account = self.accounts[index] if isinstance(index, int) and index < len(self.accounts) else None
            layers = [("accounts", account, *field[2:])] if account is not None else []
            for inherited in (*layers, ("defaults", *field[2:])):
                if inherited in self.lines:
                    field = inherited
                    break
        line = next((self.lines[field[:n]] for n in range(len(field), -1, -1) if field[:n] in self.lines), None)
        return SpecError(self.path, message, line=line, field=_format_path(field))


def load_spec(path: str | Path) -> Spec:
    """Read, merge and validate a spec file; raise SpecError on the first problem."""
    return read_spec(path).spec


def read_spec(path: str | Path) -> SpecFile:
    """Like load_spec, keeping the line of every key for later errors."""
    if not str(path).strip():  # Path("") is the current folder: say what is wrong instead
        raise SpecError("--spec", "the spec path is empty: name a spec file, for example specs/platform.yaml")
    path = Path(path)
    shown = str(path)
    data, lines = _parse(path, _read(path))

    defaults = data.get("defaults") or {}
    accounts = data.get("accounts") if isinstance(data.get("accounts"), dict) else {}

    def written(loc: Path_, team: Any, account: str | None) -> Path_:
        """Where a team's value at `loc` was written: the team, its account, or `defaults`."""
        index = team_index[id(team)]
        if _has_path(team, loc):
            return ("teams", index, *loc)
        if account is not None:
            if _has_path(accounts[account], loc):
                return ("accounts", account, *loc)
            if loc[:1] == ("source_account_id",):
                return ("accounts", account, "id")
        if _has_path(defaults, loc):
            return ("defaults", *loc)
        return ("teams", index, *loc)

    def at(full: Path_, message: str) -> SpecError:
        line = next((lines[full[:n]] for n in range(len(full), -1, -1) if full[:n] in lines), None)
        return SpecError(shown, message, line=line, field=_format_path(full))

    def fail(errors: list[dict[str, Any]], root: type[BaseModel], prefix: Path_, raw: Any, account: str | None = None) -> SpecError:
        located, message = _first_error(errors)
        error = errors[0]
        loc = _error_path(error, located)
        # Inherited values are reported where they were written: in the account or in `defaults`.
        full = written(loc, raw, account) if prefix[:1] == ("teams",) else (*prefix, *loc)
        if message is None:
            message = ("key " if "[key]" in error["loc"] else "") + _describe(error, _model_at(root, loc))
        return at(full, message)

    top = {key: value for key, value in data.items() if key != "teams"}
    # Settings for many teams are checked alone too, with a sample account and team for their placeholders.
    alone = dict(top)
    if isinstance(defaults, dict):
        alone["defaults"] = _fill(defaults, SAMPLE_ACCOUNT, SAMPLE_TEAM)[0]
    if accounts:
        alone["accounts"] = {
            name: _fill(account, account.get("id") if isinstance(account.get("id"), str) else SAMPLE_ACCOUNT, SAMPLE_TEAM)[0]
            if isinstance(account, dict) else account
            for name, account in accounts.items()
        }
    try:
        Spec.model_validate({**alone, "teams": [{"name": "x"}]}, context={PARTITION_CONTEXT: EVERY_TEAM})
    except ValidationError as error:
        raise fail([dict(item) for item in error.errors()], Spec, (), data) from None

    teams = data.get("teams")
    if not isinstance(teams, list) or not teams:
        raise SpecError(shown, "must be a non-empty list of teams", line=lines.get(("teams",)), field="teams")
    team_index = {id(team): index for index, team in enumerate(teams)}
    # Each account's partition, from its region (checked above); None when it has none.
    account_partitions = {
        name: facts.partition_of_region(account["region"]) if isinstance(account.get("region"), str) else None
        for name, account in accounts.items() if isinstance(account, dict)
    }
    merged = []
    team_accounts: list[str | None] = []
    for index, team in enumerate(teams):
        if not isinstance(team, dict):
            raise SpecError(shown, "must be a mapping", line=lines.get(("teams", index)), field=f"teams[{index}]")
        account = team.get("account")
        layer = defaults
        if isinstance(account, str) and account in accounts:
            if "source_account_id" in team:
                raise at(("teams", index, "source_account_id"), f"is the id of account {account!r}: remove it, or the team's account")
            settings = {key: value for key, value in accounts[account].items() if key not in ("id", "region")}
            layer = {**deep_merge(defaults, settings), "source_account_id": accounts[account]["id"]}
        elif account is not None:
            known = ", ".join(accounts) or "none: add an accounts section"
            raise at(("teams", index, "account"), f"{account!r} is not one of the accounts ({known})")
        else:
            account = None
        team_accounts.append(account)
        team_data, problem = _placeholders(deep_merge(layer, team), str(team.get("name", "")))
        if problem is not None:
            raise at(written(problem[0], team, account), problem[1])
        try:
            partition = account_partitions.get(account) if account is not None else None
            merged.append(Team.model_validate(team_data, context={PARTITION_CONTEXT: partition}))
        except ValidationError as error:
            raise fail([dict(item) for item in error.errors()], Team, ("teams", index), team, account) from None
    # The AWS managed policies of `defaults` and of an account are checked in each team that inherits them, above. One that
    # every team replaces with its own is checked here: the layer alone, in the partition of the teams it could reach, by
    # the same validators (when the snapshot covers them all; EVERY_TEAM above checks none).
    layers: list[tuple[dict[str, Any], set[str | None]]] = [
        ({**alone, "accounts": {}}, {account_partitions.get(account) if account else None for account in team_accounts})
    ]
    layers += [({**alone, "defaults": {}, "accounts": {name: settings}}, {account_partitions.get(name)})
               for name, settings in alone.get("accounts", {}).items()]
    for layer, reached in layers:
        if all(_snapshot_covers(partition) for partition in reached):
            try:
                Spec.model_validate({**layer, "teams": [{"name": "x"}]},
                                    context={PARTITION_CONTEXT: None if None in reached else managed_policies.PARTITION})
            except ValidationError as error:
                raise fail([dict(item) for item in error.errors()], Spec, (), data) from None
    try:
        spec = Spec.model_validate({**alone, "teams": merged}, context={PARTITION_CONTEXT: EVERY_TEAM})
    except ValidationError as error:
        raise fail([dict(item) for item in error.errors()], Spec, (), data) from None
    source = SpecFile(spec, shown, lines, tuple(team_accounts))
    _check_effect(source, defaults, accounts, teams)
    _check_partitions(source)
    return source


def _arns(value: Any, path: Path_) -> Iterator[tuple[Path_, str]]:
    """Every string of a team's settings that is an ARN with a partition written out (not `{partition}`), with its path."""
    if isinstance(value, str):
        if value.startswith("arn:") and not value.startswith("arn:{partition}:"):
            yield path, value
    elif isinstance(value, BaseModel):
        for key in type(value).model_fields:
            yield from _arns(getattr(value, key), (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _arns(item, (*path, index))
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _arns(item, (*path, key))


def _check_partitions(source: SpecFile) -> None:
    """An ARN of another partition than the team's account's (from its region) names nothing IAM can reach there."""
    for index, team in enumerate(source.spec.teams):
        partition = source.partition(index)
        if partition is None:
            continue
        for path, arn in _arns(team, ("teams", index)):
            written = arn.split(":", 2)[1]
            if "*" not in written and "?" not in written and written != partition:
                region = source.spec.accounts[str(team.account)].region
                raise source.error(path, f"{arn!r} is an ARN of the {written} partition, and the team's account {team.account!r} is"
                                         f" in {partition} (region {region}): nothing there has that ARN; write arn:{{partition}}:")


# The placeholders a value may hold, besides `arn:{partition}:` (which the module resolves at plan time)
# and `{team}` in `name_prefix` (resolved with the name).
ACCOUNT_PLACEHOLDER = "{account}"
TEAM_PLACEHOLDER = "{team}"
SAMPLE_ACCOUNT, SAMPLE_TEAM = "123456789012", "team"


def _placeholders(data: dict[str, Any], team: str) -> tuple[Any, tuple[Path_, str] | None]:
    """A team's merged values with `{account}` (its account ID) and `{team}` (its name) filled in, or where one cannot be."""
    account = data.get("source_account_id")
    account = account if isinstance(account, str) else None
    if account is not None:  # every placeholder can be filled: no path to keep for an error
        return {key: value if key == "name_prefix" else _filled(value, account, team) for key, value in data.items()}, None
    return _fill(data, account, team)


def _filled(data: Any, account: str, team: str) -> Any:
    """`_fill` for a team with an account, where no value can fail."""
    kind = type(data)
    if kind is str:
        return data.replace(ACCOUNT_PLACEHOLDER, account).replace(TEAM_PLACEHOLDER, team) if "{" in data else data
    if kind is dict:
        return {key: _filled(value, account, team) for key, value in data.items()}
    if kind is list:
        return [_filled(item, account, team) for item in data]
    return data


def _fill(data: Any, account: str | None, team: str, path: Path_ = ()) -> tuple[Any, tuple[Path_, str] | None]:
    if isinstance(data, str):
        if ACCOUNT_PLACEHOLDER in data and account is None:
            return data, (path, "uses {account}, but the team has no account: set its account (or source_account_id)")
        if "{" in data:
            data = data.replace(ACCOUNT_PLACEHOLDER, account or "").replace(TEAM_PLACEHOLDER, team)
        return data, None
    if isinstance(data, dict):
        out: dict[Any, Any] = {}
        for key, value in data.items():
            if path == () and key == "name_prefix":
                out[key] = value
                continue
            out[key], problem = _fill(value, account, team, (*path, key))
            if problem is not None:
                return data, problem
        return out, None
    if isinstance(data, list):
        items = []
        for position, item in enumerate(data):
            filled, problem = _fill(item, account, team, (*path, position))
            if problem is not None:
                return data, problem
            items.append(filled)
        return items, None
    return data, None


# --- every value has an effect -------------------------------------------------------------------


@dataclass(frozen=True)
class _Unused:
    """Fields that do nothing while `when(team)` holds: written anyway, they are refused, naming `because`."""

    when: Callable[[Team], bool]
    because: str
    fields: tuple[str, ...]

    @property
    def setting(self) -> str:
        """The field whose value drops the others."""
        return self.because.split()[0]


_ROLE = ("name", "use_name_prefix", "policy_arns", "aws_managed_policies", "inline_policies")
_ATTACH = ("name", "attach_to_users", "attach_to_groups", "attach_to_roles")
_EMRFS = ("roles", "mappings", "security_configuration_name", "encryption")
_STUDIO = (
    "auth_mode", "workspace_bucket", "workspace_prefix", "kms_key_arns", "git_secrets", "studio_ids", "service_role", "user_role",
    "session_policies",
)


def _under(section: str, fields: Iterable[str]) -> tuple[str, ...]:
    return tuple(f"{section}.{field}" for field in fields)


# Each combination in which the generator drops what a spec says, in the order they are checked.
UNUSED: tuple[_Unused, ...] = (
    _Unused(lambda t: not t.service_role.create, "service_role.create is false",
            _under("service_role", (*_ROLE, "managed_policy", "allow_spot_service_linked_role"))),
    _Unused(lambda t: t.service_role.managed_policy == "v1",
            "service_role.managed_policy is v1 (AmazonElasticMapReduceRole lets EMR create the Spot service-linked role itself)",
            ("service_role.allow_spot_service_linked_role",)),
    _Unused(lambda t: not t.ec2_role.create, "ec2_role.create is false",
            _under("ec2_role", (*_ROLE, "instance_profile_name", "policy", "s3_access"))),
    _Unused(lambda t: not t.autoscaling_role.create, "autoscaling_role.create is false",
            _under("autoscaling_role", (*_ROLE, "trust_conditions"))),
    _Unused(lambda t: not t.emrfs.create, "emrfs.create is false", _under("emrfs", _EMRFS)),
    _Unused(lambda t: not t.ec2_role.create,
            "ec2_role.create is false (EMRFS roles and the security configuration need the team's EMR role for EC2)",
            _under("emrfs", _EMRFS)),
    _Unused(lambda t: not t.passrole_policy.create, "passrole_policy.create is false", _under("passrole_policy", _ATTACH)),
    _Unused(lambda t: not t.step_submitter_policy.create, "step_submitter_policy.create is false",
            _under("step_submitter_policy", _ATTACH)),
    _Unused(lambda t: not t.runtime_roles, "runtime_roles is empty (the step submitter policy is for them)",
            _under("step_submitter_policy", _ATTACH)),
    _Unused(lambda t: not t.serverless.create, "serverless.create is false",
            _under("serverless", ("application_ids", "runtime_roles", "submitter_policy"))),
    _Unused(lambda t: not t.serverless.runtime_roles, "serverless.runtime_roles is empty (the trust and the submitter policy are theirs)",
            _under("serverless", ("application_ids", "submitter_policy"))),
    _Unused(lambda t: not t.eks.create, "eks.create is false", _under("eks", ("roles", "virtual_cluster_ids", "submitter_policy"))),
    _Unused(lambda t: not t.eks.roles, "eks.roles is empty (the submitter policy is for them)",
            _under("eks", ("virtual_cluster_ids", "submitter_policy"))),
    _Unused(lambda t: not t.eks.submitter_policy, "eks.submitter_policy is false (only the submitter policy names virtual clusters)",
            ("eks.virtual_cluster_ids",)),
    _Unused(lambda t: not t.studio.create, "studio.create is false", _under("studio", _STUDIO)),
    _Unused(lambda t: t.studio.auth_mode == "IAM", "studio.auth_mode is IAM (the user role is for IAM Identity Center, SSO)",
            ("studio.user_role",)),
)


_UNUSED_BY_FIELD: dict[str, list[_Unused]] = {}
for _rule in UNUSED:
    for _field in _rule.fields:
        _UNUSED_BY_FIELD.setdefault(_field, []).append(_rule)


def _written(data: Any, path: Path_) -> bool:
    """Whether `path` holds a value in `data` other than an empty list or mapping (or null)."""
    for part in path:
        if not isinstance(data, dict) or part not in data:
            return False
        data = data[part]
    return data not in (None, [], {})


def _check_effect(source: SpecFile, defaults: Any, accounts: Mapping[str, Any], raw_teams: list[Any]) -> None:
    """Refuse a value that has no effect: written in a team, or in an account or `defaults` when no team that inherits it
    uses it."""

    at = source.error  # every field below is where the value was written
    teams = source.spec.teams
    for dotted, rules in _UNUSED_BY_FIELD.items():
        path = _split_field(dotted)
        # By the layer a value was inherited from: whether a team uses it, and the teams that drop it with why.
        inherited: dict[Path_, tuple[bool, list[tuple[str, _Unused]]]] = {}
        in_defaults = _written(defaults, path)
        for index, (raw, team) in enumerate(zip(raw_teams, teams, strict=True)):
            if _written(raw, path):
                holding = next((rule for rule in rules if rule.when(team)), None)
                if holding is not None:
                    raise at(("teams", index, *path), f"has no effect: {holding.because}; remove it, or change {holding.setting}")
                continue
            account = source.accounts[index] if index < len(source.accounts) else None
            if account is not None and _written(accounts.get(account), path):
                layer: Path_ = ("accounts", account)
            elif in_defaults:
                layer = ("defaults",)
            else:
                continue  # nothing written for this team: no rule to ask
            holding = next((rule for rule in rules if rule.when(team)), None)
            used, unused_by = inherited.get(layer, (False, []))
            if holding is not None:
                unused_by.append((team.name, holding))
            inherited[layer] = (used or holding is None, unused_by)
        for layer, (used, unused_by) in inherited.items():
            if not used:
                shown_teams = "; ".join(f"team {name!r}: {rule.because}" for name, rule in unused_by[:3])
                more = f"; and {len(unused_by) - 3} more" if len(unused_by) > 3 else ""
                raise at(
                    (*layer, *path),
                    f"has no effect in any team that inherits it ({shown_teams}{more}); remove it, or set it in the teams that use it",
                )
