"""The spec: YAML in, validated pydantic models out, or one SpecError naming file, line and field.

A spec has platform-wide `defaults` and a list of `teams`; each team's keys are deep-merged
over the defaults (mappings merge, lists and scalars replace) before validation.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterator, Mapping
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
    field_validator,
    model_validator,
)

from generator import facts
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
TeamName = Annotated[str, _pattern(
    r"^[a-z](?:[a-z0-9-]*[a-z0-9])?$", "lower-case letters, digits and -, starting with a letter (it names a folder)", max_length=32
)]
BucketName = Annotated[str, _pattern(rf"^{_BUCKET}$", "an S3 bucket name (3-63 lower-case letters, digits, . and -)")]
S3Prefix = Annotated[str, _pattern(
    r"^(?:[A-Za-z0-9_!.*'()=+,@-]+/)*[A-Za-z0-9_!.*'()=+,@-]*$",
    "an S3 key prefix without a leading / (letters, digits and _!.*'()=+,@-, separated by /)",
    max_length=1024,
)]
TagKey = Annotated[str, _pattern(
    r"^[A-Za-z0-9_ .:/=+@-]+$", "a tag key: letters, digits, spaces and _.:/=+@-", max_length=facts.IAM_LIMITS["tag_key"]
)]
TagValue = Annotated[str, _pattern(
    r"^[A-Za-z0-9_ .:/=+@-]*$", "a tag value: letters, digits, spaces and _.:/=+@-", max_length=facts.IAM_LIMITS["tag_value"]
)]
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


def _items(max_items: int = MAX_LIST_ITEMS) -> Any:
    return Field(default_factory=list, max_length=max_items)


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PolicyStatement(Model):
    """One statement of an identity-based policy, in IAM's own key spelling."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=False)

    Sid: StatementId | None = None
    Effect: Literal["Allow", "Deny"]
    Action: str | list[str] | None = None
    NotAction: str | list[str] | None = None
    Resource: str | list[str] | None = None
    NotResource: str | list[str] | None = None
    Condition: dict[str, dict[str, str | bool | int | list[str]]] | None = None

    @model_validator(mode="after")
    def _one_of_each(self) -> PolicyStatement:
        if (self.Action is None) == (self.NotAction is None):
            raise ValueError("a statement needs exactly one of Action or NotAction")
        if (self.Resource is None) == (self.NotResource is None):
            raise ValueError("a statement needs exactly one of Resource or NotResource")
        return self

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


class PolicyDocument(Model):
    Version: Literal["2012-10-17"] = "2012-10-17"
    Statement: list[PolicyStatement] = Field(min_length=1, max_length=100)


class S3Access(Model):
    """An S3 location a role may use: a bucket, optionally narrowed to a key prefix."""

    bucket: BucketName
    prefix: S3Prefix = ""
    access: Literal["read", "read_write"] = "read"


class RolePolicies(Model):
    """Extra policies for one role, on top of what the generator attaches."""

    policy_arns: list[PolicyArn] = _items(20)
    aws_managed_policies: list[ManagedPolicyName] = _items(20)
    inline_policies: dict[IamName, PolicyDocument] = Field(default_factory=dict, max_length=20)


class ServiceRole(RolePolicies):
    create: bool = True
    name: IamName = facts.DEFAULT_ROLE_NAMES["service_role"]
    use_name_prefix: bool = False
    # v2: AmazonEMRServicePolicy_v2 (AWS's advice); v1: AmazonElasticMapReduceRole (create-default-roles);
    # none: only the policies listed here.
    managed_policy: Literal["v2", "v1", "none"] = "v2"
    allow_spot_service_linked_role: bool = True


class Ec2Role(RolePolicies):
    create: bool = True
    name: IamName = facts.DEFAULT_ROLE_NAMES["ec2_role"]
    use_name_prefix: bool = False
    instance_profile_name: IamName | None = None
    # managed: AmazonElasticMapReduceforEC2Role; scoped: a customer-managed policy from s3_access.
    policy: Literal["managed", "scoped"] = "managed"
    s3_access: list[S3Access] = _items(200)

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
    create: bool = True
    name: IamName = facts.DEFAULT_ROLE_NAMES["autoscaling_role"]
    use_name_prefix: bool = False
    trust_conditions: bool = True


class ServiceLinkedRole(Model):
    # One per account: create it in exactly one workspace.
    create: bool = False


class EmrfsRole(RolePolicies):
    name: IamName
    s3_access: list[S3Access] = _items(200)


class EmrfsMapping(Model):
    role: IamName
    identifier_type: Literal["User", "Group", "Prefix"]
    identifiers: list[str] = Field(min_length=1, max_length=100)

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
    mode: Literal["SSE-S3", "SSE-KMS"] = "SSE-S3"
    kms_key_arn: KmsKeyOrAliasArn | None = None

    @model_validator(mode="after")
    def _key_with_kms(self) -> S3Encryption:
        if (self.mode == "SSE-KMS") != (self.kms_key_arn is not None):
            raise _field_error("kms_key_arn", "is required with mode SSE-KMS and not allowed with SSE-S3")
        return self


class Encryption(Model):
    """Encryption settings carried by the same security configuration as the EMRFS mappings."""

    at_rest_s3: S3Encryption | None = None
    local_disk_kms_key_arn: KmsKeyArn | None = None
    in_transit_certificate_s3_object: S3Uri | None = None


class Emrfs(Model):
    create: bool = True
    roles: list[EmrfsRole] = _items(100)
    mappings: list[EmrfsMapping] = _items(500)
    security_configuration_name: SecurityConfigurationName | None = None
    encryption: Encryption | None = None

    @model_validator(mode="after")
    def _mappings_name_roles(self) -> Emrfs:
        names = [role.name for role in self.roles]
        for index, name in enumerate(names):
            if names.index(name) != index:
                raise _field_error(f"roles[{index}].name", f"{name!r} is listed twice")
        for index, mapping in enumerate(self.mappings):
            if mapping.role not in names:
                raise _field_error(f"mappings[{index}].role", f"{mapping.role!r} is not one of this team's emrfs roles {names}")
        return self


class PassRolePolicy(Model):
    create: bool = True
    name: IamName = "EMR_PassRole"
    attach_to_users: list[IamName] = _items(100)
    attach_to_groups: list[IamName] = _items(100)
    attach_to_roles: list[IamName] = _items(100)


class TeamSettings(Model):
    """Everything a team may set; `defaults` sets the same keys for every team."""

    name_prefix: NamePrefix = ""
    path: IamPath = "/"
    permissions_boundary: PolicyArn | None = None
    tags: dict[TagKey, TagValue] = Field(default_factory=dict)
    source_account_id: AccountId | None = None
    service_role: ServiceRole = ServiceRole()
    ec2_role: Ec2Role = Ec2Role()
    autoscaling_role: AutoscalingRole = AutoscalingRole()
    service_linked_role: ServiceLinkedRole = ServiceLinkedRole()
    emrfs: Emrfs = Emrfs()
    passrole_policy: PassRolePolicy = PassRolePolicy()


class Team(TeamSettings):
    name: TeamName


class Quotas(Model):
    """IAM quotas that an account can raise; the generator checks against these values."""

    managed_policies_per_role: int = Field(default=facts.IAM_LIMITS["managed_policies_per_role"], ge=1, le=20)
    trust_policy: int = Field(default=facts.IAM_LIMITS["trust_policy"], ge=1, le=4096)


class Spec(Model):
    version: Literal[1]
    quotas: Quotas = Quotas()
    defaults: TeamSettings = TeamSettings()
    teams: list[Team] = Field(min_length=1, max_length=5000)

    @field_validator("teams")
    @classmethod
    def _unique_team_names(cls, teams: list[Team]) -> list[Team]:
        seen: set[str] = set()
        for index, team in enumerate(teams):
            if team.name in seen:
                raise _field_error(f"[{index}].name", f"team {team.name!r} is listed twice")
            seen.add(team.name)
        return teams


S3_URI_RE = re.compile(_S3_URI)
# Linux user and group names as EMRFS sees them (Hadoop user names, Kerberos short names).
PRINCIPAL_RE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9._@-]{0,127}$")


class _FieldError(ValueError):
    """A validator's error about one sub-field, so the message names that field."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


def _field_error(field: str, message: str) -> _FieldError:
    return _FieldError(field, message)


# --- loading -------------------------------------------------------------------------------


class _NoAliasLoader(yaml.SafeLoader):
    """SafeLoader that refuses anchors and aliases (no billion-laughs expansion)."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()  # type: ignore[no-untyped-call]
            raise yaml.MarkedYAMLError(None, None, "anchors and aliases are not supported in a spec", event.start_mark)
        return super().compose_node(parent, index)


Path_ = tuple[str | int, ...]


def _line_index(node: yaml.Node, path: Path_ = (), index: dict[Path_, int] | None = None) -> dict[Path_, int]:
    """Map each key path in the document to its 1-based line."""
    index = {} if index is None else index
    index.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            child = (*path, key_node.value)
            index[child] = key_node.start_mark.line + 1
            if value_node.__class__ is not yaml.ScalarNode:  # a scalar value's path already has its key's line
                _line_index(value_node, child, index)
    elif isinstance(node, yaml.SequenceNode):
        for position, item in enumerate(node.value):
            if item.__class__ is yaml.ScalarNode:
                index.setdefault((*path, position), item.start_mark.line + 1)
            else:
                _line_index(item, (*path, position), index)
    return index


class _Lines(Mapping[Path_, int]):
    """The line index of a document, built from its nodes the first time an error looks a line up."""

    def __init__(self, root: yaml.Node):
        self._root: yaml.Node | None = root
        self._index: dict[Path_, int] = {}

    def _lines(self) -> dict[Path_, int]:
        if self._root is not None:
            self._index, self._root = _line_index(self._root), None
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
        raise SpecError(shown, f"is not UTF-8 text (byte {error.start})") from None


class _Unusual(Exception):
    """The fast path met something only the pure-Python path reports exactly (an alias, a tag, a merge key)."""


_STR, _INT, _SEQ, _MAP = "tag:yaml.org,2002:str", "tag:yaml.org,2002:int", "tag:yaml.org,2002:seq", "tag:yaml.org,2002:map"


def _data(node: yaml.Node, seen: set[int] | None, construct: Any) -> Any:
    """What SafeConstructor builds from a tree of plain mappings, sequences and scalars.

    `seen` collects the nodes met so far, since a node met twice is what an alias composes to;
    it is None when the text has no `&`: without an anchor no alias composes.
    """
    if seen is not None:
        if id(node) in seen:
            raise _Unusual
        seen.add(id(node))
    kind, tag = node.__class__, node.tag
    if kind is yaml.ScalarNode:
        return node.value if tag == _STR else construct(node)
    if kind is yaml.SequenceNode and tag == _SEQ:
        if seen is None:  # plain strings inline: most nodes are
            return [
                item.value if item.__class__ is yaml.ScalarNode and item.tag == _STR else _data(item, None, construct)
                for item in node.value
            ]
        return [_data(item, seen, construct) for item in node.value]
    if kind is yaml.MappingNode and tag == _MAP:
        mapping = {}
        for key_node, value_node in node.value:
            if key_node.__class__ is not yaml.ScalarNode or key_node.tag not in (_STR, _INT):
                raise _Unusual  # merge (<<) and value (=) keys, unhashable keys
            if seen is None and key_node.tag == _STR and value_node.__class__ is yaml.ScalarNode and value_node.tag == _STR:
                mapping[key_node.value] = value_node.value
            else:
                mapping[_data(key_node, seen, construct)] = _data(value_node, seen, construct)
        return mapping
    raise _Unusual


def _parse_fast(text: str) -> tuple[Any, yaml.Node] | None:
    """libyaml's parser when PyYAML has it, and a direct walk instead of SafeConstructor's generators.

    About 10x faster on a large spec. None sends the text down the pure-Python path, which gives
    every problem (aliases included) the same message and line as before.
    """
    loader_class = getattr(yaml, "CSafeLoader", None)
    if loader_class is None:
        return None
    try:
        loader = loader_class(text)
        if not loader.yaml_path_resolvers:
            # Without path resolvers a scalar's tag depends only on its text: resolve each text once.
            tags: dict[tuple[str, Any], str] = {}
            resolve = loader.resolve

            def cached_resolve(kind: Any, value: Any, implicit: Any) -> Any:
                if kind is not yaml.ScalarNode:
                    return resolve(kind, value, implicit)
                try:
                    return tags[value, implicit]
                except KeyError:
                    tag = tags[value, implicit] = resolve(kind, value, implicit)
                    return tag

            loader.resolve = cached_resolve
        try:
            node = loader.get_single_node()
            if node is None:
                return None
            return _data(node, set() if "&" in text else None, loader.construct_object), node
        finally:
            loader.dispose()
    except (yaml.YAMLError, RecursionError, _Unusual):
        return None


def _check_nodes(root: yaml.Node, shown: str) -> yaml.Node:
    """Refuse what YAML accepts but a spec must not hold: a key given twice, a lone surrogate."""
    stack = [root]
    while stack:
        node = stack.pop()
        if isinstance(node, yaml.ScalarNode) and not node.value.isascii():
            try:
                node.value.encode("utf-8")
            except UnicodeEncodeError:
                # A "\ud800" escape: no output file can hold it.
                raise SpecError(shown, "a string escape is not a Unicode character", line=node.start_mark.line + 1) from None
        elif isinstance(node, yaml.MappingNode):
            # YAML loaders keep the last of two equal keys; in a spec that is a typo, not an override.
            keys: set[tuple[str, str]] = set()
            for key_node, value_node in node.value:
                if isinstance(key_node, yaml.ScalarNode):
                    if (key_node.tag, key_node.value) in keys:
                        raise SpecError(shown, f"key {key_node.value!r} is given twice", line=key_node.start_mark.line + 1)
                    keys.add((key_node.tag, key_node.value))
                stack += (key_node, value_node)
        elif isinstance(node, yaml.SequenceNode):
            stack += node.value
    return root


def _parse(path: Path, text: str) -> tuple[Any, Mapping[Path_, int]]:
    shown = str(path)
    fast = _parse_fast(text)
    if fast is not None:
        data, node = fast
        if not isinstance(data, dict):
            raise SpecError(shown, "must be a mapping with `version`, `defaults` and `teams`", line=1)
        return data, _Lines(_check_nodes(node, shown))
    try:
        loader = _NoAliasLoader(text)
        try:
            document = loader.get_single_node()
            data = loader.construct_document(document) if document is not None else None
        finally:
            loader.dispose()
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
    if document is None or not isinstance(data, dict):
        raise SpecError(shown, "must be a mapping with `version`, `defaults` and `teams`", line=1)
    return data, _Lines(_check_nodes(document, shown))


def _has_path(data: Any, path: Path_) -> bool:
    for part in path:
        if isinstance(data, dict) and part in data:  # noqa: SIM114 (one condition would hide the list type from mypy)
            data = data[part]
        elif isinstance(part, int) and isinstance(data, list) and part < len(data):
            data = data[part]
        else:
            return False
    return True


def _describe(error: dict[str, Any], model: type[BaseModel] | None) -> str:
    kind = error["type"]
    if kind == "extra_forbidden":
        return "unknown field" + (f" (allowed: {', '.join(model.model_fields)})" if model else "")
    if kind == "missing":
        return "is required"
    if kind == "string_pattern_mismatch":
        pattern = (error.get("ctx") or {}).get("pattern", "")
        return f"{error['input']!r} must be {PATTERN_HELP.get(pattern, f'matching {pattern}')}"
    message: str = error["msg"]
    return message.removeprefix("Value error, ")


def _error_path(error: dict[str, Any]) -> Path_:
    loc: Path_ = tuple(part for part in error["loc"] if not (isinstance(part, str) and part.startswith("function-")))
    context = error.get("ctx") or {}
    inner = context.get("error")
    if isinstance(inner, _FieldError):
        loc = (*loc, *_split_field(inner.field))
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

    def error(self, field: Path_, message: str) -> SpecError:
        """A SpecError at `field`, reported where it was written: the team's own key or `defaults`."""
        if field[:1] == ("teams",) and field not in self.lines:
            inherited = ("defaults", *field[2:])
            if inherited in self.lines:
                field = inherited
        line = next((self.lines[field[:n]] for n in range(len(field), -1, -1) if field[:n] in self.lines), None)
        return SpecError(self.path, message, line=line, field=_format_path(field))


def load_spec(path: str | Path) -> Spec:
    """Read, merge and validate a spec file; raise SpecError on the first problem."""
    return read_spec(path).spec


def read_spec(path: str | Path) -> SpecFile:
    """Like load_spec, keeping the line of every key for later errors."""
    path = Path(path)
    shown = str(path)
    data, lines = _parse(path, _read(path))

    def fail(error: Any, root: type[BaseModel], prefix: Path_, raw: Any, fallback: Path_ = ()) -> SpecError:
        loc = _error_path(error)
        full = (*prefix, *loc)
        # Inherited values are reported where they were written: in `defaults`.
        if prefix[:1] == ("teams",) and not _has_path(raw, loc) and _has_path(data.get("defaults"), loc):
            full = ("defaults", *loc)
        line = next((lines[full[:n]] for n in range(len(full), -1, -1) if full[:n] in lines), None)
        return SpecError(shown, _describe(error, _model_at(root, loc)), line=line, field=_format_path(full))

    top = {key: value for key, value in data.items() if key != "teams"}
    try:
        Spec.model_validate({**top, "teams": [{"name": "x"}]})
    except ValidationError as error:
        raise fail(error.errors()[0], Spec, (), data) from None

    defaults = data.get("defaults") or {}
    teams = data.get("teams")
    if not isinstance(teams, list) or not teams:
        raise SpecError(shown, "must be a non-empty list of teams", line=lines.get(("teams",)), field="teams")
    merged = []
    for index, team in enumerate(teams):
        if not isinstance(team, dict):
            raise SpecError(shown, "must be a mapping", line=lines.get(("teams", index)), field=f"teams[{index}]")
        team_data = deep_merge(defaults, team)
        try:
            merged.append(Team.model_validate(team_data))
        except ValidationError as error:
            raise fail(error.errors()[0], Team, ("teams", index), team) from None
    try:
        spec = Spec.model_validate({**top, "teams": merged})
    except ValidationError as error:
        raise fail(error.errors()[0], Spec, (), data) from None
    return SpecFile(spec, shown, lines)
