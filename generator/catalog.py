"""The reusable modules: their interfaces (variables, outputs) as data.

`variables.tf`, `outputs.tf` and the README tables of every module are rendered from these
definitions; each module's resources come from `templates/modules/<name>/main.tf.j2`. The
composite `emr-iam` is declared as its pieces (`PIECES`): its module blocks, variables and
outputs, and what `emr-iam imports` adopts, are derived from them.
"""

from __future__ import annotations

import functools
import json
import textwrap
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from generator import emr_containers, facts, hcl, policies
from generator.hcl import Expr


@dataclass(frozen=True)
class Variable:
    name: str
    type: str
    default: Any
    description: str
    # (condition, error message) pairs for `validation` blocks.
    validations: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Output:
    name: str
    value: str
    description: str
    # Its value (HCL) when the module creates nothing: what the composite gives when the piece is off.
    off: str = "null"
    # (condition, error message) pairs for `precondition` blocks, checked at plan.
    preconditions: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class ModuleDef:
    name: str
    title: str
    summary: str
    variables: tuple[Variable, ...]
    outputs: tuple[Output, ...]
    usage: str
    context: dict[str, Any] = field(default_factory=dict)
    # The hashicorp/aws constraint of versions.tf when the module needs more than the generator's floor.
    aws_provider_version: str | None = None
    # A composite's modules, in the order of its module blocks.
    pieces: tuple[Piece, ...] = ()


@dataclass(frozen=True)
class ManagedPolicy:
    """The AWS managed policy a role module attaches as `aws_iam_role_policy_attachment.managed[0]`.

    Chosen by the value of its variable `by`; with `by` None, always the policy keyed None.
    """

    by: str | None
    policies: Mapping[Any, str | None]


@dataclass(frozen=True)
class AdoptableRole:
    """A role of a piece, created with `count`, that may exist before the workspace: `emr-iam imports` takes it over."""

    what: str  # in an import's comment: "<what> <name>"
    resource: str = "this"  # name of its aws_iam_role and of its aws_iam_role_policy_attachment keyed by policy
    name: str = "name"  # the piece variable holding the role's name
    policy_arns: str | None = None  # a piece variable of policy ARNs by key, whose attachments are taken over too
    managed_policy: ManagedPolicy | None = None
    instance_profile: bool = False  # and its `aws_iam_instance_profile.this[0]`, which has the role's name
    only_when: tuple[str, Any] | None = None  # (piece variable, value): the role exists only then


@dataclass(frozen=True)
class ServiceLinkedRoleName:
    """A service-linked role: IAM names it, and keeps it at `/aws-service-role/<service by partition>/`."""

    name: str
    service: Mapping[str, str]


@dataclass(frozen=True)
class Adoption:
    """What `emr-iam imports --roles <the piece's block name>` takes over."""

    what: str  # the piece's roles, in messages: "<what>s"
    roles: tuple[AdoptableRole, ...] = ()
    # Or a piece variable whose keys name roles created with `for_each`: `aws_iam_role.this["<name>"]`, each with
    # the attachments of its `policy_arns`, `aws_iam_role_policy_attachment.this["<name>/<key>"]`.
    role_map: str | None = None
    # Or the account's service-linked role of this name, `aws_iam_service_linked_role.this[0]`, whose
    # service (the path `aws-service-role/<service>/`) is the piece's in each partition.
    service_linked_role: ServiceLinkedRoleName | None = None
    # Taken over unless `--roles` says otherwise (what `aws emr create-default-roles` creates), and then
    # left out quietly when the piece is off; any other choice must name roles the module creates.
    by_default: bool = False


@dataclass(frozen=True)
class PieceOutput:
    """An output of the composite: a piece's output under the composite's name."""

    name: str
    output: str
    description: str


@dataclass(frozen=True)
class Ref:
    """An output of a piece, read in the composite.

    Each piece's module block has `count`, so a team pays nothing at plan time for the pieces it does not use: the
    output is `module.<block>[0].<output>`, or the output's `off` value when the piece is off, the value the piece
    module itself gives with `create = false`.
    """

    block: str
    output: str

    @property
    def code(self) -> str:
        off = next(output.off for output in PIECE[self.block].module.outputs if output.name == self.output)
        return f"try(module.{self.block}[0].{self.output}, {off})"


@dataclass(frozen=True)
class Piece:
    """One module of the composite `emr-iam`, declared once.

    Its `module` block, its variables and outputs in the composite and what `emr-iam imports` can take
    over in it are all derived from this.
    """

    module: ModuleDef
    block: str  # the name of its module block in the composite (and its `--roles` choice, when adoptable)
    what: str  # what its toggle creates
    # Its variable `x` is the composite's `<prefix>_x` (`x` when it starts so already); default: `block`.
    prefix: str = ""
    toggle_name: str = ""  # the composite's variable that turns it on; default: `create_<block>`
    created_by_default: bool = True
    # Piece variables the composite sets to other values than a variable of their own: HCL expression by variable.
    wired: Mapping[str, str | Ref] = field(default_factory=dict)
    requires: tuple[str, ...] = ()  # further toggles its `create` needs: the pieces it is wired to
    outputs: tuple[PieceOutput, ...] = ()
    adoption: Adoption | None = None
    comment: str = ""  # above its module block
    # Its block comes after all others: PassRole lists every role, beside the locals that name them.
    block_last: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "prefix", self.prefix or self.block)
        object.__setattr__(self, "toggle_name", self.toggle_name or f"create_{self.block}")

    @property
    def toggle(self) -> Variable:
        return Variable(self.toggle_name, "bool", self.created_by_default, f"Whether to create the {self.what}.")

    def input(self, variable: str) -> str:
        """The composite's variable (or, for a shared one, the same name) that feeds the piece's `variable`."""
        if variable in SHARED:
            return variable
        return variable if variable.startswith(f"{self.prefix}_") else f"{self.prefix}_{variable}"

    @property
    def own_composite_names(self) -> tuple[str, ...]:
        """The composite's variables that feed this piece alone: its toggle and its own variables."""
        return tuple(self._composite_names.values())

    @functools.cached_property
    def _composite_names(self) -> dict[str, str]:
        """The composite's name of each of the piece's own variables, `create` its toggle."""
        own = [variable.name for variable in self.module.variables if variable.name not in SHARED and variable.name not in self.wired]
        return {"create": self.toggle_name, **{name: self.input(name) for name in own}}

    def composite_arguments(self, values: Mapping[str, Any]) -> dict[str, Any]:
        """Arguments of the composite that set the piece's own variables to `values`; `create` sets its toggle."""
        names = self._composite_names
        try:
            return {names[name]: value for name, value in values.items()}
        except KeyError:
            unknown = sorted(set(values) - set(names))
            raise KeyError(f"{self.block} has no variable {', '.join(unknown)} of its own in the composite") from None

    @property
    def composite_variables(self) -> tuple[Variable, ...]:
        """Its toggle and its own variables under the composite's names; shared and wired ones are not repeated."""
        renamed = [self.toggle]
        for variable in self.module.variables:
            if variable.name in SHARED or variable.name in self.wired:
                continue
            name = self.input(variable.name)
            validations = tuple((c.replace(f"var.{variable.name}", f"var.{name}"), m) for c, m in variable.validations)
            renamed.append(Variable(name, variable.type, variable.default, variable.description, validations))
        return tuple(renamed)

    @property
    def composite_outputs(self) -> tuple[Output, ...]:
        return tuple(Output(o.name, Ref(self.block, o.output).code, o.description) for o in self.outputs)

    @property
    def created(self) -> str:
        """Whether the composite creates it (HCL): the composite's `create`, its toggle and those it requires."""
        return " && ".join(["var.create", f"var.{self.toggle.name}", *(f"var.{toggle}" for toggle in self.requires)])

    @property
    def count(self) -> str:
        """The `count` of its module block: one instance when the composite creates it, else none."""
        return f"{self.created} ? 1 : 0"

    @property
    def arguments(self) -> dict[str, Expr]:
        """The arguments of its module block: every variable of the piece but `create`, which `count` replaces."""
        values = {}
        for variable in self.module.variables:
            if variable.name == "create":
                continue
            value = self.wired.get(variable.name) or RESOLVED.get(variable.name) or f"var.{self.input(variable.name)}"
            values[variable.name] = Expr(value.code if isinstance(value, Ref) else value)

        def place(name: str) -> int:
            # A multi-line value first (it would break the run of aligned `=`), a role's further policies and tags last.
            return 0 if "\n" in values[name].code else 2 if name in ROLE_TAIL else 1

        return {name: values[name] for name in sorted(values, key=place)}

    @property
    def block_comment(self) -> str:
        return "".join(f"# {line}\n" for line in self.comment.splitlines())


CREATE = Variable("create", "bool", True, "Whether to create anything in this module; `false` plans zero resources.")
TAGS = Variable("tags", "map(string)", {}, "Tags added to every taggable resource this module creates.")
# The composite puts the team tag on every taggable resource of every piece, over the caller's `tags`, which may
# repeat it but not change it (the `team_tag` output's precondition).
TEAM_TAG_MAP = "var.team_tag_value == null ? {} : { (var.team_tag_key) = var.team_tag_value }"
COMPOSITE_TAGS = "local.tags"
PATH = Variable(
    "path",
    "string",
    "/",
    "IAM path for the roles and policies; it must begin and end with `/`.",
    (
        (
            'length(var.path) <= 512 && can(regex("^/([\\\\x{21}-\\\\x{2E}\\\\x{30}-\\\\x{7E}]+/)*$", var.path))',
            "The path must begin and end with /, use printable ASCII and be at most 512 characters.",
        ),
    ),
)
PERMISSIONS_BOUNDARY = Variable(
    "permissions_boundary_arn", "string", None, "ARN of the policy used as permissions boundary for the roles, or null."
)
TEAM_TAG_KEY = Variable(
    "team_tag_key",
    "string",
    facts.TEAM_TAG_KEY,
    "Key of the team tag: the people's policies act only on clusters, Workspaces, applications, virtual clusters and"
    " job runs that carry it with `team_tag_value`, and require it where they create them.",
    (
        (
            'length(var.team_tag_key) <= 128 && can(regex("^[\\\\p{L}\\\\p{N} _.:/=+@-]+$", var.team_tag_key))'
            ' && !startswith(lower(var.team_tag_key), "aws:")',
            "The team tag key must be 1 to 128 letters, digits, spaces and _.:/=+@- and must not start with aws:.",
        ),
    ),
)
TEAM_TAG_VALUE = Variable(
    "team_tag_value",
    "string",
    None,
    "Value of the team tag (the team's name in a team module); required where the module creates a policy for people.",
)
POLICY_ARNS = Variable(
    "policy_arns",
    "map(string)",
    {},
    "Further managed policies to attach, keyed by a static name so the keys are known at plan time.",
)
INLINE_POLICIES = Variable(
    "inline_policies", "map(string)", {}, "Inline policies for the role: policy name to policy JSON."
)


def role_name_validations(variable: str) -> tuple[tuple[str, str], ...]:
    """The `validation` of a variable holding a role name: IAM's length and characters."""
    limit = facts.IAM_LIMITS["role_name"]
    return (
        (
            f'length(var.{variable}) <= {limit} && can(regex("^[\\\\w+=,.@-]+$", var.{variable}))',
            f"The role name must be 1 to {limit} characters of letters, digits and +=,.@_-.",
        ),
    )


def hcl_example(text: str) -> str:
    """A README's usage example, written as an indented block in this file."""
    return textwrap.dedent(text).lstrip("\n")


def objects(collection: str, **fields: str | dict[str, str]) -> str:
    """The HCL type `<collection>(object({...}))` laid out as `tofu fmt` does; a dict field is a map of objects."""
    return _objects(collection, fields, 2)


def _objects(collection: str, fields: dict[str, str | dict[str, str]], indent: int) -> str:
    types = {name: Expr(_objects("map", dict(field), indent + 2) if isinstance(field, dict) else field) for name, field in fields.items()}
    return f"{collection}(object({{\n" + hcl.body(types, indent + 2) + " " * indent + "}))"


# The further policies of each role in a module's `roles` map.
ROLE_POLICY_FIELDS = {"policy_arns": "optional(map(string), {})", "inline_policies": "optional(map(string), {})"}


def account_id_validations(variable: str) -> tuple[tuple[str, str], ...]:
    """The `validation` of a variable holding an account ID or null."""
    return ((f'var.{variable} == null || can(regex("^[0-9]{{12}}$", var.{variable}))', "The account ID must be 12 digits."),)


REGION_PATTERN = "^[a-z]{2,4}(-[a-z]+)+-[0-9]+$"


def region_validations(variable: str) -> tuple[tuple[str, str], ...]:
    """The `validation` of a variable holding a region name or null."""
    condition = f'var.{variable} == null || can(regex("{REGION_PATTERN}", var.{variable}))'
    return ((condition, "The region must be a region name such as us-east-1."),)


def policy_name_validations(variable: str) -> tuple[tuple[str, str], ...]:
    """The `validation` of a variable holding a customer-managed policy's name: IAM's length."""
    limit = facts.IAM_LIMITS["policy_name"]
    return ((f"length(var.{variable}) <= {limit}", f"The policy name must be at most {limit} characters."),)


def attach_to_variables(prefix: str, policy: str) -> tuple[Variable, ...]:
    """`<prefix>attach_to_users`, `_groups` and `_roles`: who gets the policy."""
    return tuple(
        Variable(f"{prefix}attach_to_{kind}s", "list(string)", [], f"IAM {kind} names to attach the {policy} to.")
        for kind in ("user", "group", "role")
    )


def role_variables(default_name: str, what: str) -> tuple[Variable, ...]:
    """The variables every role module shares, in the order its README lists them."""
    return (
        CREATE,
        Variable(
            "name",
            "string",
            default_name,
            f"Name of the {what} (or its prefix when `use_name_prefix` is true).",
            role_name_validations("name"),
        ),
        Variable(
            "use_name_prefix",
            "bool",
            False,
            "Whether `name` is a prefix for a unique name chosen by the engine"
            f" (at most {facts.IAM_LIMITS['role_name_prefix'] - 1} characters then).",
        ),
        Variable("description", "string", None, f"Description of the {what}."),
        PATH,
        PERMISSIONS_BOUNDARY,
        POLICY_ARNS,
        INLINE_POLICIES,
        TAGS,
    )


def role_outputs(what: str) -> tuple[Output, ...]:
    return (
        Output("role_name", "try(aws_iam_role.this[0].name, null)", f"Name of the {what}."),
        Output("role_arn", "try(aws_iam_role.this[0].arn, null)", f"ARN of the {what}."),
        Output("role_unique_id", "try(aws_iam_role.this[0].unique_id, null)", f"Stable unique ID of the {what}."),
    )


SOURCE_ACCOUNT = Variable(
    "source_account_id",
    "string",
    None,
    "Account ID whose EMR clusters may assume the role. When set, the trust policy carries the "
    "confused-deputy conditions `aws:SourceAccount` and `aws:SourceArn`.",
    account_id_validations("source_account_id"),
)

SERVICE_ROLE = ModuleDef(
    name="emr-service-role",
    title="EMR service role",
    summary=(
        "The role Amazon EMR assumes to provision clusters (`EMR_DefaultRole`). It trusts the "
        "partition's `elasticmapreduce` service principal and attaches `AmazonEMRServicePolicy_v2` "
        "(`v2`) or `AmazonElasticMapReduceRole` (`v1`, what `aws emr create-default-roles` attaches)."
    ),
    variables=(
        *role_variables(facts.DEFAULT_ROLE_NAMES["service_role"], "EMR service role"),
        SOURCE_ACCOUNT,
        Variable(
            "managed_policy",
            "string",
            "v2",
            "AWS managed policy to attach: `v2` (AmazonEMRServicePolicy_v2), `v1` (AmazonElasticMapReduceRole) or `none`.",
            (('contains(["v2", "v1", "none"], var.managed_policy)', "managed_policy must be v2, v1 or none."),),
        ),
        Variable(
            "allow_spot_service_linked_role",
            "bool",
            True,
            "Let EMR create the Spot service-linked role (`iam:CreateServiceLinkedRole` for `spot.amazonaws.com` only) "
            "when the managed policy cannot: with `v2` and `none`; `v1` already allows it.",
        ),
        Variable(
            "pass_roles",
            objects("map", arn="string", passed_to_service="string"),
            {},
            "Roles EMR must pass on that the managed policy does not cover, by a static key: the role ARN and the service"
            " (`ec2` or `application-autoscaling`) it is passed to. `AmazonEMRServicePolicy_v2` passes only"
            " `EMR_EC2_DefaultRole` and `EMR_AutoScaling_DefaultRole` at path `/`; `emr-iam` fills this in.",
            (
                (
                    'alltrue([for r in values(var.pass_roles) : contains(["ec2", "application-autoscaling"], r.passed_to_service)])',
                    "passed_to_service must be ec2 or application-autoscaling.",
                ),
                (
                    'alltrue([for r in values(var.pass_roles) : !can(regex("[*?]", r.arn))])',
                    "Role ARNs must name exactly one role each: no * or ? wildcards.",
                ),
            ),
        ),
    ),
    outputs=role_outputs("EMR service role"),
    context={
        "creates_spot_role": dict(facts.MANAGED_POLICY_CREATES_SPOT_ROLE),
        "passed_to_service_forms": facts.PASSED_TO_SERVICE_FORMS,
    },
    usage=hcl_example("""
        module "emr_service_role" {
          source = "../../modules/emr-service-role"

          source_account_id = "111122223333"
        }
    """),
)

EC2_ROLE = ModuleDef(
    name="emr-ec2-role",
    title="EMR role for EC2 and its instance profile",
    summary=(
        "The role cluster instances run as (`EMR_EC2_DefaultRole`) and its instance profile, which "
        "always has exactly the role's name: EMR answers \"invalid instance profile\" otherwise. "
        "Attaches `AmazonElasticMapReduceforEC2Role` and/or a scoped customer-managed policy."
    ),
    variables=(
        *role_variables(facts.DEFAULT_ROLE_NAMES["ec2_role"], "EMR role for EC2"),
        Variable(
            "attach_aws_managed_policy",
            "bool",
            True,
            "Whether to attach the AWS managed policy AmazonElasticMapReduceforEC2Role.",
        ),
        Variable(
            "scoped_policy_json",
            "string",
            None,
            "JSON of a customer-managed policy to create and attach instead of broad access, or null.",
        ),
    ),
    outputs=(
        *role_outputs("EMR role for EC2"),
        Output(
            "instance_profile_name",
            "try(aws_iam_instance_profile.this[0].name, null)",
            "Name of the instance profile (the role's name).",
        ),
        Output("instance_profile_arn", "try(aws_iam_instance_profile.this[0].arn, null)", "ARN of the instance profile."),
        Output("scoped_policy_arn", "try(aws_iam_policy.scoped[0].arn, null)", "ARN of the scoped customer-managed policy, if created."),
    ),
    usage=hcl_example("""
        module "emr_ec2_role" {
          source = "../../modules/emr-ec2-role"

          name                      = "analytics-emr-ec2"
          attach_aws_managed_policy = false
          scoped_policy_json        = data.aws_iam_policy_document.emr_nodes.json
        }
    """),
)

AUTOSCALING_ROLE = ModuleDef(
    name="emr-autoscaling-role",
    title="EMR automatic scaling role",
    summary=(
        "The role for EMR automatic scaling (`EMR_AutoScaling_DefaultRole`). It trusts the "
        "`elasticmapreduce` and `application-autoscaling` service principals of the partition and "
        "attaches `AmazonElasticMapReduceforAutoScalingRole`."
    ),
    variables=(
        *role_variables(facts.DEFAULT_ROLE_NAMES["autoscaling_role"], "EMR automatic scaling role"),
        SOURCE_ACCOUNT,
        Variable(
            "trust_conditions",
            "bool",
            True,
            "Whether the trust policy carries the confused-deputy conditions when `source_account_id` is set:"
            " `aws:SourceAccount`, and `aws:SourceArn` like "
            + " or ".join(f"`arn:<partition>:{service}:*:<account>:{resource}`"
                          for service, resource in facts.AUTOSCALING_SOURCE_ARN_RESOURCES.items())
            + ".",
        ),
    ),
    outputs=role_outputs("EMR automatic scaling role"),
    usage=hcl_example("""
        module "emr_autoscaling_role" {
          source = "../../modules/emr-autoscaling-role"
        }
    """),
)

SERVICE_LINKED_ROLE = ModuleDef(
    name="emr-service-linked-role",
    title="EMR service-linked role",
    summary=(
        f"The EMR service-linked role (`{facts.SERVICE_LINKED_ROLE_NAME}`), which EMR uses to clean up "
        "EC2 resources. An account has one: create it in exactly one workspace and set "
        "`create = false` everywhere else."
    ),
    variables=(
        Variable("create", "bool", True, "Whether to create the service-linked role; only one workspace per account should."),
        Variable("description", "string", None, "Description of the service-linked role."),
    ),
    outputs=(
        Output("role_name", "try(aws_iam_service_linked_role.this[0].name, null)", "Name of the service-linked role."),
        Output("role_arn", "try(aws_iam_service_linked_role.this[0].arn, null)", "ARN of the service-linked role."),
    ),
    usage=hcl_example("""
        module "emr_service_linked_role" {
          source = "../../modules/emr-service-linked-role"

          create = true # in one workspace per account
        }
    """),
)

EMRFS = ModuleDef(
    name="emrfs-role-mappings",
    title="EMRFS role mappings",
    summary=(
        "Roles that EMRFS assumes for S3 requests of given users, groups or S3 prefixes; the EMR "
        "role for EC2's permission to assume exactly those roles; and a security configuration "
        "whose role mappings EMR evaluates top-down, in the order given."
    ),
    variables=(
        CREATE,
        Variable("ec2_role_arn", "string", None, "ARN of the EMR role for EC2 that may assume the EMRFS roles."),
        Variable("ec2_role_name", "string", None, "Name of the EMR role for EC2, which gets the permission to assume the EMRFS roles."),
        Variable(
            "roles",
            objects("map", **ROLE_POLICY_FIELDS),
            {},
            "EMRFS roles by name, each with managed policies to attach and inline policies (name to JSON).",
        ),
        Variable(
            "role_mappings",
            objects("list", role="string", identifier_type="string", identifiers="list(string)"),
            [],
            "Role mappings in evaluation order: the role (a key of `roles`), `User`, `Group` or `Prefix`, and identifiers of that type.",
            (
                (
                    'alltrue([for m in var.role_mappings : contains(["User", "Group", "Prefix"], m.identifier_type)])',
                    "identifier_type must be User, Group or Prefix.",
                ),
                (
                    'alltrue([for m in var.role_mappings : m.identifier_type != "Prefix" || alltrue([for i in m.identifiers : startswith(i, "s3://")])])',
                    "Prefix identifiers must be s3:// locations.",
                ),
            ),
        ),
        PATH,
        PERMISSIONS_BOUNDARY,
        Variable("create_security_configuration", "bool", True, "Whether to create the security configuration that carries the mappings."),
        Variable("security_configuration_name", "string", "emrfs-role-mappings", "Name of the EMR security configuration."),
        Variable(
            "encryption_configuration",
            "any",
            {},
            "Object merged into the security configuration beside the role mappings, e.g. `{ EncryptionConfiguration = {...} }`.",
        ),
        Variable(
            "authorization_configuration",
            "any",
            {},
            "Object merged into the security configuration's `AuthorizationConfiguration` beside the role mappings:"
            " the `authorization_configuration` output of `emr-runtime-roles` (`IAMConfiguration`, `LakeFormationConfiguration`).",
        ),
        Variable(
            "assume_policy_name",
            "string",
            "emrfs-assume-roles",
            "Name of the inline policy on the EMR role for EC2 that allows assuming the EMRFS roles.",
        ),
        TAGS,
    ),
    outputs=(
        Output("role_names", "{ for name, role in aws_iam_role.this : name => role.name }", "Names of the EMRFS roles.", off="{}"),
        Output("role_arns", "{ for name, role in aws_iam_role.this : name => role.arn }", "ARNs of the EMRFS roles, by name.", off="{}"),
        Output(
            "security_configuration_name",
            "try(aws_emr_security_configuration.this[0].name, null)",
            "Name of the security configuration to give `aws_emr_cluster`.",
        ),
        Output(
            "security_configuration",
            "try(aws_emr_security_configuration.this[0].configuration, null)",
            "JSON of the security configuration.",
        ),
    ),
    usage=hcl_example("""
        module "emrfs" {
          source = "../../modules/emrfs-role-mappings"

          ec2_role_arn  = module.emr_ec2_role.role_arn
          ec2_role_name = module.emr_ec2_role.role_name
          roles = {
            analytics-raw = {}
          }
          role_mappings = [
            { role = "analytics-raw", identifier_type = "Group", identifiers = ["analysts"] },
          ]
        }
    """),
)

PASSROLE = ModuleDef(
    name="emr-passrole-policy",
    title="EMR PassRole policy",
    summary=(
        "A customer-managed policy for the people who launch clusters: `iam:PassRole` on exactly the "
        "given roles, each limited by `iam:PassedToService`, attached to the given users, groups and roles."
    ),
    variables=(
        CREATE,
        Variable(
            "name",
            "string",
            "EMR_PassRole",
            "Name of the policy.",
            policy_name_validations("name"),
        ),
        Variable(
            "description",
            "string",
            "Pass the EMR roles to the services that use them, and no other roles.",
            "Description of the policy.",
        ),
        PATH,
        Variable(
            "roles",
            objects("map", arn="string", passed_to_services="list(string)"),
            {},
            "Roles that may be passed, by a static key: the role ARN and the services"
            " (`elasticmapreduce`, `ec2`, `application-autoscaling`) it may be passed to.",
            (
                (
                    "alltrue([for r in values(var.roles) : length(r.passed_to_services) > 0 && alltrue("
                    '[for s in r.passed_to_services : contains(["elasticmapreduce", "ec2", "application-autoscaling"], s)])])',
                    "passed_to_services must list elasticmapreduce, ec2 or application-autoscaling.",
                ),
                (
                    'alltrue([for r in values(var.roles) : !can(regex("[*?]", r.arn))])',
                    "Role ARNs must name exactly one role each: no * or ? wildcards.",
                ),
            ),
        ),
        *attach_to_variables("", "policy"),
        TAGS,
    ),
    context={"passed_to_service_forms": facts.PASSED_TO_SERVICE_FORMS},
    outputs=(
        Output("policy_name", "try(aws_iam_policy.this[0].name, null)", "Name of the PassRole policy."),
        Output("policy_arn", "try(aws_iam_policy.this[0].arn, null)", "ARN of the PassRole policy."),
        Output("policy_json", "try(aws_iam_policy.this[0].policy, null)", "JSON of the PassRole policy."),
    ),
    usage=hcl_example("""
        module "emr_passrole" {
          source = "../../modules/emr-passrole-policy"

          roles = {
            service_role = {
              arn                = module.emr_service_role.role_arn
              passed_to_services = ["elasticmapreduce"]
            }
          }
          attach_to_groups = ["emr-operators"]
        }
    """),
)

RUNTIME_ROLES = ModuleDef(
    name="emr-runtime-roles",
    title="EMR runtime roles for steps",
    summary=(
        "Runtime roles for EMR steps (EMR 6.7 and later): each step or interactive session runs as its own role,"
        " which trusts exactly the cluster's EMR role for EC2. Optionally governed by Lake Formation or S3 Access"
        " Grants (EMR 6.15 and later). Also the EMR role for EC2's permission to assume exactly those roles, the"
        " `AuthorizationConfiguration` the security configuration needs, the `emrfs-site` classification for S3"
        " Access Grants and a policy for the people who submit steps with exactly these roles."
    ),
    variables=(
        CREATE,
        Variable("ec2_role_arn", "string", None, "ARN of the EMR role for EC2 that assumes the runtime roles."),
        Variable("ec2_role_name", "string", None, "Name of the EMR role for EC2, which gets the permission to assume the runtime roles."),
        Variable(
            "roles",
            objects(
                "map",
                **ROLE_POLICY_FIELDS,
                lake_formation="optional(bool, false)",
                s3_access_grants="optional(bool, false)",
                propagate_source_identity="optional(bool, false)",
            ),
            {},
            "Runtime roles by name: managed policies to attach, inline policies (name to JSON), and whether Lake Formation"
            " governs the role (`lake_formation`), it uses S3 Access Grants (`s3_access_grants`) and EMR propagates the"
            " submitter's identity to it (`propagate_source_identity`, the same for every role: it is a setting of the"
            " security configuration).",
            (
                (
                    "length(distinct([for role in values(var.roles) : role.propagate_source_identity])) <= 1",
                    "propagate_source_identity is a setting of the security configuration: set it on every runtime role or on none.",
                ),
            ),
        ),
        Variable(
            "account_id",
            "string",
            None,
            "Account of the clusters, Glue Data Catalog and S3 Access Grants instance the policies name; null takes the"
            " EMR role for EC2's account from its ARN.",
            account_id_validations("account_id"),
        ),
        Variable(
            "cluster_region",
            "string",
            None,
            "Region of the clusters, Glue Data Catalog and S3 Access Grants instance the policies name; null allows any (`*`).",
            region_validations("cluster_region"),
        ),
        Variable(
            "external_id",
            "string",
            None,
            "External ID of the security configuration, when the runtime roles' trust should require it (`sts:ExternalId`); null for none.",
            (
                (
                    "var.external_id == null || try(length(var.external_id) >= 2 && length(var.external_id) <= 1224"
                    ' && can(regex("^[\\\\w+=,.@:/-]+$", var.external_id)), false)',
                    "The external ID must be 2 to 1224 of the characters STS allows (letters, digits and _+=,.@:/-).",
                ),
            ),
        ),
        PATH,
        PERMISSIONS_BOUNDARY,
        Variable(
            "assume_policy_name",
            "string",
            "emr-runtime-roles-assume",
            "Name of the inline policy on the EMR role for EC2 that allows assuming the runtime roles.",
        ),
        Variable(
            "s3_access_grants_fallback_to_iam",
            "bool",
            False,
            "`fs.s3.s3AccessGrants.fallbackToIAM` in the `emrfs-site` classification: whether EMRFS falls back to the role's"
            " own IAM permissions where no grant matches.",
        ),
        Variable(
            "create_submitter_policy", "bool", True, "Whether to create the policy for the people who submit steps with the runtime roles."
        ),
        Variable(
            "submitter_policy_name",
            "string",
            "EMR_RuntimeRoleSteps",
            "Name of the step submitter policy.",
            policy_name_validations("submitter_policy_name"),
        ),
        Variable(
            "submitter_cluster_arns",
            "list(string)",
            [],
            "Clusters the submitters may add steps to; empty means those of the account (and `region`) that carry the team tag.",
        ),
        *attach_to_variables("submitter_", "step submitter policy"),
        TEAM_TAG_KEY,
        TEAM_TAG_VALUE,
        TAGS,
    ),
    outputs=(
        Output("role_names", "{ for name, role in aws_iam_role.this : name => role.name }", "Names of the runtime roles.", off="{}"),
        Output(
            "role_arns",
            "{ for name, role in aws_iam_role.this : name => role.arn }",
            "ARNs of the runtime roles, by name (`ExecutionRoleArn` of a step).",
            off="{}",
        ),
        Output(
            "authorization_configuration",
            "local.authorization_configuration",
            "The security configuration's `AuthorizationConfiguration` entries the runtime roles need: give it to"
            " `authorization_configuration` of `emrfs-role-mappings`; `{}` when no role is created.",
            off="{}",
        ),
        Output(
            "configurations_json",
            "local.configurations_json",
            "JSON of the `emrfs-site` classification for S3 Access Grants, for `configurations_json` of `aws_emr_cluster`;"
            " null when no role uses S3 Access Grants.",
        ),
        Output("submitter_policy_name", "try(aws_iam_policy.submitter[0].name, null)", "Name of the step submitter policy."),
        Output("submitter_policy_arn", "try(aws_iam_policy.submitter[0].arn, null)", "ARN of the step submitter policy."),
        Output("submitter_policy_json", "try(aws_iam_policy.submitter[0].policy, null)", "JSON of the step submitter policy."),
    ),
    context={
        "lake_formation_tag": facts.LAKE_FORMATION_SESSION_TAG,
        "lake_formation_tag_value": facts.LAKE_FORMATION_SESSION_TAG_VALUE,
        "access_grants_classification": facts.S3_ACCESS_GRANTS_CLASSIFICATION,
        "access_grants_enabled": facts.S3_ACCESS_GRANTS_ENABLED_PROPERTY,
        "access_grants_fallback": facts.S3_ACCESS_GRANTS_FALLBACK_PROPERTY,
        "policy_names": facts.RUNTIME_ROLE_POLICY_NAMES,
        "passed_to_service_forms": facts.PASSED_TO_SERVICE_FORMS,
    },
    usage=hcl_example("""
        module "runtime_roles" {
          source = "../../modules/emr-runtime-roles"

          ec2_role_arn   = module.emr_ec2_role.role_arn
          ec2_role_name  = module.emr_ec2_role.role_name
          cluster_region = "us-east-1"
          roles = {
            analytics-etl = { lake_formation = true }
          }
          submitter_attach_to_groups = ["analytics-step-submitters"]
        }

        # Its authorization_configuration goes into the team's one security configuration.
        module "emrfs" {
          source = "../../modules/emrfs-role-mappings"

          authorization_configuration = module.runtime_roles.authorization_configuration
        }
    """),
)

SERVERLESS_SUBMITTER_POLICY_NAME = "EMR_ServerlessJobSubmitter"

SERVERLESS_ROLES = ModuleDef(
    name="emr-serverless-roles",
    title="EMR Serverless job runtime roles",
    summary=(
        "Job runtime roles for EMR Serverless: each trusts the partition's `emr-serverless` service principal, with the"
        " confused-deputy conditions `aws:SourceAccount` and `aws:SourceArn` (the given applications, or every application of"
        " the account) when the account is known. Also a policy for the people who start job runs: `iam:PassRole` on exactly"
        " these roles to EMR Serverless, and starting, reading and cancelling job runs on the team's applications."
    ),
    variables=(
        CREATE,
        Variable(
            "roles",
            objects("map", **ROLE_POLICY_FIELDS),
            {},
            "Job runtime roles by name, each with managed policies to attach and inline policies (name to JSON).",
        ),
        Variable(
            "account_id",
            "string",
            None,
            "Account of the EMR Serverless applications. When set, the trust policy carries `aws:SourceAccount` and"
            " `aws:SourceArn`, and the submitter policy names the account's applications; null: no conditions, any account (`*`).",
            account_id_validations("account_id"),
        ),
        Variable(
            "application_region",
            "string",
            None,
            "Region of the applications, in their ARNs (trust and submitter policy); null allows any (`*`).",
            region_validations("application_region"),
        ),
        Variable(
            "application_ids",
            "list(string)",
            [],
            "IDs of the EMR Serverless applications that may use the roles (`aws:SourceArn`) and that the submitters may start"
            " job runs on; empty: every application of the account for the roles' trust, those that carry the team tag for"
            " the submitters.",
            (
                (
                    'alltrue([for id in var.application_ids : can(regex("^[0-9a-z]{1,64}$", id))])',
                    "Application IDs are 1 to 64 lower-case letters and digits.",
                ),
            ),
        ),
        PATH,
        PERMISSIONS_BOUNDARY,
        Variable("create_submitter_policy", "bool", True, "Whether to create the policy for the people who start job runs with the roles."),
        Variable(
            "submitter_policy_name",
            "string",
            SERVERLESS_SUBMITTER_POLICY_NAME,
            "Name of the job submitter policy.",
            policy_name_validations("submitter_policy_name"),
        ),
        *attach_to_variables("submitter_", "job submitter policy"),
        TEAM_TAG_KEY,
        TEAM_TAG_VALUE,
        TAGS,
    ),
    outputs=(
        Output("role_names", "{ for name, role in aws_iam_role.this : name => role.name }", "Names of the job runtime roles.", off="{}"),
        Output(
            "role_arns",
            "{ for name, role in aws_iam_role.this : name => role.arn }",
            "ARNs of the job runtime roles, by name (`executionRoleArn` of a job run).",
            off="{}",
        ),
        Output("submitter_policy_name", "try(aws_iam_policy.submitter[0].name, null)", "Name of the job submitter policy."),
        Output("submitter_policy_arn", "try(aws_iam_policy.submitter[0].arn, null)", "ARN of the job submitter policy."),
        Output("submitter_policy_json", "try(aws_iam_policy.submitter[0].policy, null)", "JSON of the job submitter policy."),
    ),
    context={
        "service_principals": facts.SERVERLESS_PRINCIPALS_BY_PARTITION,
        "passed_to_service_forms": facts.SERVERLESS_PASSED_TO_SERVICE_FORMS,
        "application_resource": facts.SERVERLESS_APPLICATION_RESOURCE.replace("{application}", "${id}"),
        "job_run_resource": facts.SERVERLESS_JOB_RUN_RESOURCE.replace("{application}", "${id}"),
    },
    usage=hcl_example("""
        module "serverless_roles" {
          source = "../../modules/emr-serverless-roles"

          account_id         = "111122223333"
          application_region = "us-east-1"
          application_ids    = ["00fabcdefghij012"]
          roles = {
            analytics-spark-jobs = { policy_arns = { data = aws_iam_policy.lake_read.arn } }
          }
          submitter_attach_to_groups = ["analytics-job-submitters"]
        }
    """),
)

SERVERLESS_SERVICE_LINKED_ROLE = ModuleDef(
    name="emr-serverless-service-linked-role",
    title="EMR Serverless service-linked role",
    summary=(
        f"The EMR Serverless service-linked role (`{facts.SERVERLESS_SERVICE_LINKED_ROLE_NAME}`), which EMR Serverless uses for"
        " the network interfaces and metrics of its applications. An account has one: create it in exactly one workspace and"
        " set `create = false` everywhere else."
    ),
    variables=SERVICE_LINKED_ROLE.variables,
    outputs=SERVICE_LINKED_ROLE.outputs,
    context={"service_name": facts.SERVERLESS_SERVICE_LINKED_ROLE_SERVICE, "role_name": facts.SERVERLESS_SERVICE_LINKED_ROLE_NAME},
    usage=hcl_example("""
        module "emr_serverless_service_linked_role" {
          source = "../../modules/emr-serverless-service-linked-role"

          create = true # in one workspace per account
        }
    """),
)

EKS_JOB_ROLES = ModuleDef(
    name="emr-eks-job-roles",
    title="EMR on EKS job execution roles",
    summary=(
        "Job execution roles for EMR on EKS: each trusts, per EKS cluster, exactly the service accounts EMR creates for"
        " a job run as that role in the given namespaces, through the cluster's IAM OIDC provider (IRSA) and/or EKS Pod"
        " Identity (EMR 7.3 and later). Also the policy for the people who start job runs with exactly these roles, and"
        " the inputs of the Pod Identity associations (`modules/emr-eks-pod-identity` creates them)."
    ),
    variables=(
        CREATE,
        Variable(
            "account_id",
            "string",
            None,
            "Account of the roles and the EKS clusters: the OIDC provider ARNs and EMR's service account names contain it."
            " Required when `roles` is not empty.",
            account_id_validations("account_id"),
        ),
        Variable(
            "roles",
            objects(
                "map",
                base36_name="string",
                **ROLE_POLICY_FIELDS,
                clusters={"oidc_issuer": "optional(string)", "namespaces": "list(string)"},
                irsa="optional(bool, true)",
                pod_identity="optional(bool, false)",
            ),
            {},
            "Job execution roles by name: `base36_name`, the role name in base36 as `aws emr-containers"
            " update-role-trust-policy` encodes it (HCL cannot compute it; the generator writes it), managed policies to"
            " attach, inline policies (name to JSON), the EKS clusters by name with their OIDC issuer URL and the namespaces"
            " jobs run in, and whether the role trusts IRSA (`irsa`) and EKS Pod Identity (`pod_identity`).",
            (
                (
                    'alltrue([for role in values(var.roles) : can(regex("^[0-9a-z]+$", role.base36_name))])',
                    "base36_name must be the role name in base36: lower-case letters and digits.",
                ),
                (
                    "alltrue([for role in values(var.roles) : role.irsa || role.pod_identity])",
                    "Every role needs irsa or pod_identity: else it trusts nobody.",
                ),
                (
                    "alltrue([for role in values(var.roles) : length(role.clusters) > 0 && alltrue([for cluster in values(role.clusters) :"
                    " length(cluster.namespaces) > 0 &&"
                    ' (cluster.oidc_issuer == null || can(regex("^https://[^/]+", cluster.oidc_issuer)))])])',
                    "Every role needs a cluster, every cluster a namespace, and an oidc_issuer is an https:// URL.",
                ),
            ),
        ),
        PATH,
        PERMISSIONS_BOUNDARY,
        Variable(
            "region",
            "string",
            None,
            "Region of the virtual clusters the submitter policy names; null allows any (`*`).",
            region_validations("region"),
        ),
        Variable(
            "virtual_cluster_ids",
            "list(string)",
            [],
            "EMR on EKS virtual clusters the submitters may start job runs on; empty means those of the account (and `region`)"
            " that carry the team tag.",
        ),
        Variable(
            "create_submitter_policy", "bool", True, "Whether to create the policy for the people who start job runs with these roles."
        ),
        Variable(
            "submitter_policy_name",
            "string",
            "EMR_EKS_StartJobRun",
            "Name of the job submitter policy.",
            policy_name_validations("submitter_policy_name"),
        ),
        *attach_to_variables("submitter_", "job submitter policy"),
        TEAM_TAG_KEY,
        TEAM_TAG_VALUE,
        TAGS,
    ),
    outputs=(
        Output("role_names", "{ for name, role in aws_iam_role.this : name => role.name }", "Names of the job execution roles.", off="{}"),
        Output(
            "role_arns",
            "{ for name, role in aws_iam_role.this : name => role.arn }",
            "ARNs of the job execution roles, by name (`executionRoleArn` of a job run).",
            off="{}",
        ),
        Output(
            "pod_identity_associations",
            "local.pod_identity_associations",
            "The EKS Pod Identity associations the roles with `pod_identity` need, by `<role>/<cluster>/<namespace>/<component>`:"
            " `cluster_name`, `namespace`, `service_account` and `role_arn`; give them to `modules/emr-eks-pod-identity`.",
            off="{}",
        ),
        Output("submitter_policy_name", "try(aws_iam_policy.submitter[0].name, null)", "Name of the job submitter policy."),
        Output("submitter_policy_arn", "try(aws_iam_policy.submitter[0].arn, null)", "ARN of the job submitter policy."),
        Output("submitter_policy_json", "try(aws_iam_policy.submitter[0].policy, null)", "JSON of the job submitter policy."),
    ),
    context={
        "service_account": emr_containers.SERVICE_ACCOUNT_FORMAT,
        "framework": "spark",
        "components": list(emr_containers.START_JOB_RUN_COMPONENTS),
        "pod_identity_principals": facts.EKS_POD_IDENTITY_PRINCIPALS,
        "virtual_cluster_resource": facts.EKS_VIRTUAL_CLUSTER_RESOURCE,
    },
    usage=hcl_example(f"""
        module "eks_job_roles" {{
          source = "../../modules/emr-eks-job-roles"

          account_id = "111122223333"
          roles = {{
            analytics-spark = {{
              base36_name = "{emr_containers.base36("analytics-spark")}" # emr-iam writes it
              clusters = {{
                analytics = {{
                  oidc_issuer = "https://oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"
                  namespaces  = ["spark-jobs"]
                }}
              }}
            }}
          }}
          virtual_cluster_ids        = ["abcdefghijklmnopqrstuvwxy"]
          submitter_attach_to_groups = ["analytics-job-submitters"]
        }}
    """),
)

EKS_POD_IDENTITY = ModuleDef(
    name="emr-eks-pod-identity",
    title="EKS Pod Identity associations for EMR on EKS",
    summary=(
        "The EKS Pod Identity associations of EMR's service accounts (`"
        + emr_containers.SERVICE_ACCOUNT_FORMAT.format(framework="spark", component="{client,driver,executor}", account="<account>",
                                                       encoded="<base36 of the role name>")
        + "`) with their job execution role: the `pod_identity_associations` output of `emr-eks-job-roles`. It needs"
        f" hashicorp/aws {facts.EKS_POD_IDENTITY_PROVIDER_VERSION} (the resource type is newer than the other modules' floor),"
        " so it is a module of its own."
    ),
    variables=(
        CREATE,
        Variable(
            "associations",
            objects("map", cluster_name="string", namespace="string", service_account="string", role_arn="string"),
            {},
            "Associations by a static key: the EKS cluster, namespace, service account and role ARN"
            " (the `pod_identity_associations` output of `emr-eks-job-roles`).",
        ),
        TAGS,
    ),
    outputs=(
        Output(
            "association_arns",
            "{ for key, association in aws_eks_pod_identity_association.this : key => association.association_arn }",
            "ARNs of the associations, by key.",
        ),
        Output(
            "association_ids",
            "{ for key, association in aws_eks_pod_identity_association.this : key => association.association_id }",
            "IDs of the associations, by key.",
        ),
    ),
    context={"provider_version": facts.EKS_POD_IDENTITY_PROVIDER_VERSION},
    aws_provider_version=facts.EKS_POD_IDENTITY_PROVIDER_VERSION,
    usage=hcl_example("""
        module "eks_pod_identity" {
          source = "../../modules/emr-eks-pod-identity"

          associations = module.eks_job_roles.pod_identity_associations
        }
    """),
)

STUDIO_ROLES = ModuleDef(
    name="emr-studio-roles",
    title="EMR Studio roles and user policies",
    summary=(
        "The IAM of one EMR Studio: its service role (trusting the partition's `elasticmapreduce` principal with"
        " `aws:SourceAccount` and `aws:SourceArn` when the account is known; AWS's permissions on resources tagged"
        f" `{facts.STUDIO_TAG_KEY}=true`, the Workspace bucket and its KMS keys), the user role of IAM Identity Center"
        " mode (`sts:AssumeRole` and `sts:SetContext`) and the users' policies, one per entry, each one of AWS's"
        " basic, intermediate and advanced tiers: session policies attached to the user role, or, in IAM mode,"
        " policies attached to the IAM users, groups and roles named."
    ),
    variables=(
        CREATE,
        Variable(
            "account_id",
            "string",
            None,
            "Account of the Studio. When set, the service role's trust carries `aws:SourceAccount` and `aws:SourceArn`, and"
            " the policies name the account's resources; null: no conditions, any account (`*`).",
            account_id_validations("account_id"),
        ),
        Variable(
            "region",
            "string",
            None,
            "Region of the Studio, in the ARNs of the trust and the policies; null allows any (`*`).",
            region_validations("region"),
        ),
        Variable(
            "auth_mode",
            "string",
            "SSO",
            "The Studio's authentication mode: `SSO` (IAM Identity Center: the user role, with every session policy attached)"
            " or `IAM` (the policies go to the users, groups and roles each entry names, with `CreateStudioPresignedUrl`).",
            ((f"contains({json.dumps(list(facts.STUDIO_AUTH_MODES))}, var.auth_mode)", "auth_mode must be SSO or IAM."),),
        ),
        Variable(
            "service_role_name",
            "string",
            facts.STUDIO_DEFAULT_NAMES["service_role"],
            "Name of the Studio service role (`service_role` of `aws_emr_studio`).",
            role_name_validations("service_role_name"),
        ),
        Variable(
            "user_role_name",
            "string",
            facts.STUDIO_DEFAULT_NAMES["user_role"],
            "Name of the user role of IAM Identity Center mode (`user_role` of `aws_emr_studio`).",
            role_name_validations("user_role_name"),
        ),
        Variable(
            "workspace_bucket",
            "string",
            None,
            "S3 bucket where the Studio keeps Workspaces and notebook files (`default_s3_location`); required.",
            (
                (
                    'var.workspace_bucket == null || can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.workspace_bucket))',
                    "The bucket must be an S3 bucket name.",
                ),
            ),
        ),
        Variable(
            "workspace_prefix", "string", "", "Key prefix in `workspace_bucket` under which the Studio keeps Workspaces; empty for all."
        ),
        Variable("kms_key_arns", "list(string)", [], "KMS keys of an encrypted Workspace bucket: the service role may use them."),
        Variable(
            "git_secrets",
            "bool",
            True,
            f"Whether the service role may read Secrets Manager secrets tagged `{facts.STUDIO_TAG_KEY}=true` (Git repositories"
            " linked to Workspaces).",
        ),
        Variable(
            "studio_ids",
            "list(string)",
            [],
            "IAM mode: the Studios whose presigned URLs the policies allow (`CreateStudioPresignedUrl`); empty means every Studio"
            " of the account and region.",
        ),
        Variable(
            "session_policies",
            objects(
                "map",
                tier="string",
                collaboration="optional(bool, false)",
                **{f"attach_to_{kind}s": "optional(list(string), [])" for kind in ("user", "group", "role")},
            ),
            {},
            "The users' policies by name: AWS's `tier` (basic, intermediate or advanced), `collaboration` (the user may share"
            " the Workspaces they created), and, in IAM mode, the IAM users, groups and roles to attach it to.",
            (
                (
                    "alltrue([for policy in values(var.session_policies) :"
                    f" contains({json.dumps(list(facts.STUDIO_TIERS))}, policy.tier)])",
                    "Every tier must be basic, intermediate or advanced.",
                ),
            ),
        ),
        Variable(
            "cluster_service_role_arn",
            "string",
            None,
            "The EMR service role the advanced tier may pass to EMR when it creates clusters (`RunJobFlow`), or null.",
        ),
        Variable(
            "cluster_ec2_role_arn",
            "string",
            None,
            "The EMR role for EC2 the advanced tier may pass to EC2 when it creates clusters, or null.",
        ),
        Variable("service_role_policy_arns", "map(string)", {}, "Further managed policies for the service role, keyed by a static name."),
        Variable("service_role_inline_policies", "map(string)", {}, "Further inline policies for the service role: name to JSON."),
        Variable("user_role_policy_arns", "map(string)", {}, "Further managed policies for the user role, keyed by a static name."),
        Variable("user_role_inline_policies", "map(string)", {}, "Further inline policies for the user role: name to JSON."),
        PATH,
        PERMISSIONS_BOUNDARY,
        TEAM_TAG_KEY,
        TEAM_TAG_VALUE,
        TAGS,
    ),
    outputs=(
        Output("service_role_name", "try(aws_iam_role.service[0].name, null)", "Name of the Studio service role."),
        Output(
            "service_role_arn",
            "try(aws_iam_role.service[0].arn, null)",
            "ARN of the Studio service role (`service_role` of `aws_emr_studio`).",
        ),
        Output("user_role_name", "try(aws_iam_role.user[0].name, null)", "Name of the user role (IAM Identity Center mode)."),
        Output("user_role_arn", "try(aws_iam_role.user[0].arn, null)", "ARN of the user role (`user_role` of `aws_emr_studio`)."),
        Output(
            "session_policy_arns",
            "{ for name, policy in aws_iam_policy.session : name => policy.arn }",
            "ARNs of the users' policies, by name (`session_policy_arn` of `aws_emr_studio_session_mapping`).",
            off="{}",
        ),
    ),
    context={
        "passed_to_service_forms": {
            partition: {service: forms[service] for service in facts.STUDIO_PASSED_TO}
            for partition, forms in facts.PASSED_TO_SERVICE_FORMS.items()
        },
        "service_statements": policies.studio_module_statements(facts.STUDIO_SERVICE_STATEMENTS),
        "git_secrets_statements": policies.studio_module_statements([facts.STUDIO_GIT_SECRETS_STATEMENT]),
        "collaboration_statements": policies.studio_module_statements([facts.STUDIO_COLLABORATION_STATEMENT]),
        "service_collaboration_statements": policies.studio_module_statements(facts.STUDIO_SERVICE_COLLABORATION_STATEMENTS),
        "tier_compositions": {
            tier: Expr("concat(" + ", ".join(f"local.own_tier_statements.{below}" for below in facts.STUDIO_TIERS[: index + 1]) + ")")
            for index, tier in enumerate(facts.STUDIO_TIERS)
        },
        "tier_statements": {tier: policies.studio_module_statements(facts.STUDIO_TIER_STATEMENTS[tier]) for tier in facts.STUDIO_TIERS},
        "service_policy_name": facts.STUDIO_SERVICE_POLICY_NAME,
    },
    usage=hcl_example("""
        module "studio_roles" {
          source = "../../modules/emr-studio-roles"

          account_id       = "111122223333"
          region           = "us-east-1"
          workspace_bucket = "analytics-studio"
          session_policies = {
            analytics-studio-basic    = { tier = "basic" }
            analytics-studio-advanced = { tier = "advanced" }
          }
        }
    """),
)

def _default_role(managed_policy: ManagedPolicy, instance_profile: bool = False) -> Adoption:
    """A role `aws emr create-default-roles` makes, with its AWS managed policy."""
    return Adoption("role", (AdoptableRole("role", managed_policy=managed_policy, instance_profile=instance_profile),), by_default=True)


_MANAGED = facts.MANAGED_POLICIES
# The composite's own variables, which every piece that has them gets as they are.
COMMON = (CREATE, PATH, PERMISSIONS_BOUNDARY, SOURCE_ACCOUNT, TEAM_TAG_KEY, TEAM_TAG_VALUE, TAGS)
SHARED = frozenset(variable.name for variable in COMMON)
# Shared variables the composite passes on as it resolved them: the tags, with the team tag merged over them.
RESOLVED = {TAGS.name: COMPOSITE_TAGS}
# Module blocks list a role's further policies and tags last, after the role module's own settings.
ROLE_TAIL = frozenset({POLICY_ARNS.name, INLINE_POLICIES.name, TAGS.name})
_EC2_ROLE = {"ec2_role_arn": Ref("ec2_role", "role_arn"), "ec2_role_name": Ref("ec2_role", "role_name")}

# The composite's pieces, in the order of its variables and outputs.
PIECES = (
    Piece(
        SERVICE_ROLE,
        "service_role",
        "EMR service role",
        wired={"pass_roles": "local.service_role_pass_roles"},
        outputs=(
            PieceOutput("service_role_name", "role_name", "Name of the EMR service role (`service_role` of `aws_emr_cluster`)."),
            PieceOutput("service_role_arn", "role_arn", "ARN of the EMR service role."),
        ),
        adoption=_default_role(ManagedPolicy("managed_policy", {
            "v2": _MANAGED["service_role_v2"], "v1": _MANAGED["service_role_v1"], "none": None,
        })),
    ),
    Piece(
        EC2_ROLE,
        "ec2_role",
        "EMR role for EC2 and its instance profile",
        outputs=(
            PieceOutput("ec2_role_name", "role_name", "Name of the EMR role for EC2."),
            PieceOutput("ec2_role_arn", "role_arn", "ARN of the EMR role for EC2."),
            PieceOutput(
                "instance_profile_name", "instance_profile_name", "Name of the instance profile (`instance_profile` of `aws_emr_cluster`)."
            ),
            PieceOutput("instance_profile_arn", "instance_profile_arn", "ARN of the instance profile."),
        ),
        adoption=_default_role(
            ManagedPolicy("attach_aws_managed_policy", {True: _MANAGED["ec2_role"], False: None}), instance_profile=True
        ),
    ),
    Piece(
        AUTOSCALING_ROLE,
        "autoscaling_role",
        "EMR automatic scaling role",
        outputs=(
            PieceOutput(
                "autoscaling_role_name", "role_name", "Name of the automatic scaling role (`autoscaling_role` of `aws_emr_cluster`)."
            ),
            PieceOutput("autoscaling_role_arn", "role_arn", "ARN of the automatic scaling role."),
        ),
        adoption=_default_role(ManagedPolicy(None, {None: _MANAGED["autoscaling_role"]})),
    ),
    Piece(
        SERVICE_LINKED_ROLE,
        "service_linked_role",
        "EMR service-linked role (one workspace per account)",
        created_by_default=False,
        outputs=(
            PieceOutput("service_linked_role_name", "role_name", "Name of the service-linked role, if this workspace created it."),
            PieceOutput("service_linked_role_arn", "role_arn", "ARN of the service-linked role, if this workspace created it."),
        ),
        adoption=Adoption("service-linked role", service_linked_role=ServiceLinkedRoleName(
            facts.SERVICE_LINKED_ROLE_NAME, facts.SERVICE_PRINCIPALS["elasticmapreduce"]
        )),
    ),
    Piece(
        EMRFS,
        "emrfs",
        "EMRFS roles and the security configuration with their mappings",
        wired={**_EC2_ROLE, "authorization_configuration": Ref("runtime_roles", "authorization_configuration")},
        requires=("create_ec2_role",),
        outputs=(
            PieceOutput("emrfs_role_names", "role_names", "Names of the EMRFS roles."),
            PieceOutput("emrfs_role_arns", "role_arns", "ARNs of the EMRFS roles, by name."),
            PieceOutput(
                "security_configuration_name",
                "security_configuration_name",
                "Name of the security configuration (`security_configuration` of `aws_emr_cluster`).",
            ),
        ),
        adoption=Adoption("EMRFS role", role_map="roles"),
    ),
    Piece(
        PASSROLE,
        "passrole_policy",
        "PassRole policy for the people who launch clusters",
        wired={"roles": textwrap.dedent("""\
            {
                for key, role in local.cluster_roles : key => { arn = role.arn, passed_to_services = [role.passed_to_service] }
                if local.created_roles[key]
              }""")},
        outputs=(
            PieceOutput("passrole_policy_name", "policy_name", "Name of the PassRole policy."),
            PieceOutput("passrole_policy_arn", "policy_arn", "ARN of the PassRole policy."),
        ),
        comment=(
            "PassRole for exactly the roles this module creates, each to the service that uses it\n"
            "(AmazonEMRFullAccessPolicy_v2 passes the EC2 role to ec2 and the scaling role to application-autoscaling)."
        ),
        block_last=True,
    ),
    Piece(
        RUNTIME_ROLES,
        "runtime_roles",
        "runtime roles for EMR steps, the EC2 role's permission to assume them and the step submitter policy",
        prefix="runtime",
        wired={**_EC2_ROLE, "account_id": "var.source_account_id"},
        requires=("create_ec2_role",),
        outputs=(
            PieceOutput("runtime_role_names", "role_names", "Names of the runtime roles."),
            PieceOutput("runtime_role_arns", "role_arns", "ARNs of the runtime roles, by name (`ExecutionRoleArn` of a step)."),
            PieceOutput(
                "configurations_json",
                "configurations_json",
                "The `emrfs-site` classification S3 Access Grants needs (`configurations_json` of `aws_emr_cluster`), or null.",
            ),
            PieceOutput("step_submitter_policy_name", "submitter_policy_name", "Name of the step submitter policy."),
            PieceOutput("step_submitter_policy_arn", "submitter_policy_arn", "ARN of the step submitter policy."),
        ),
        adoption=Adoption("runtime role", role_map="roles"),
        comment=(
            "Runtime roles trust the EMR role for EC2; their AuthorizationConfiguration goes into the one\n"
            "security configuration above."
        ),
    ),
    Piece(
        SERVERLESS_ROLES,
        "serverless_roles",
        "EMR Serverless job runtime roles and the job submitter policy",
        prefix="serverless",
        toggle_name="create_serverless",
        wired={"account_id": "var.source_account_id"},
        outputs=(
            PieceOutput("serverless_role_names", "role_names", "Names of the EMR Serverless job runtime roles."),
            PieceOutput(
                "serverless_role_arns",
                "role_arns",
                "ARNs of the EMR Serverless job runtime roles, by name (`executionRoleArn` of a job run).",
            ),
            PieceOutput("serverless_submitter_policy_name", "submitter_policy_name", "Name of the EMR Serverless job submitter policy."),
            PieceOutput("serverless_submitter_policy_arn", "submitter_policy_arn", "ARN of the EMR Serverless job submitter policy."),
        ),
        adoption=Adoption("EMR Serverless job runtime role", role_map="roles"),
        comment="EMR Serverless: job runtime roles for the team's applications of the source account.",
    ),
    Piece(
        SERVERLESS_SERVICE_LINKED_ROLE,
        "serverless_service_linked_role",
        "EMR Serverless service-linked role (one workspace per account)",
        created_by_default=False,
        outputs=(
            PieceOutput(
                "serverless_service_linked_role_arn",
                "role_arn",
                "ARN of the EMR Serverless service-linked role, if this workspace created it.",
            ),
        ),
        adoption=Adoption("EMR Serverless service-linked role", service_linked_role=ServiceLinkedRoleName(
            facts.SERVERLESS_SERVICE_LINKED_ROLE_NAME, dict.fromkeys(facts.PARTITIONS, facts.SERVERLESS_SERVICE_LINKED_ROLE_SERVICE)
        )),
    ),
    Piece(
        EKS_JOB_ROLES,
        "eks_roles",
        "EMR on EKS job execution roles and the job submitter policy",
        prefix="eks",
        wired={"account_id": "var.source_account_id"},
        outputs=(
            PieceOutput("eks_role_names", "role_names", "Names of the EMR on EKS job execution roles."),
            PieceOutput(
                "eks_role_arns", "role_arns", "ARNs of the EMR on EKS job execution roles, by name (`executionRoleArn` of a job run)."
            ),
            PieceOutput(
                "eks_pod_identity_associations",
                "pod_identity_associations",
                "Inputs of the EKS Pod Identity associations the job execution roles need (`associations` of `emr-eks-pod-identity`).",
            ),
            PieceOutput("eks_submitter_policy_name", "submitter_policy_name", "Name of the EMR on EKS job submitter policy."),
            PieceOutput("eks_submitter_policy_arn", "submitter_policy_arn", "ARN of the EMR on EKS job submitter policy."),
        ),
        adoption=Adoption("EMR on EKS job execution role", role_map="roles"),
        comment="EMR on EKS job execution roles trust EKS clusters, not this module's EC2 role: they stand alone.",
    ),
    Piece(
        STUDIO_ROLES,
        "studio_roles",
        "EMR Studio service role, user role and user policies",
        prefix="studio",
        toggle_name="create_studio",
        created_by_default=False,
        wired={
            "account_id": "var.source_account_id",
            "cluster_service_role_arn": Ref("service_role", "role_arn"),
            "cluster_ec2_role_arn": Ref("ec2_role", "role_arn"),
        },
        outputs=(
            PieceOutput("studio_service_role_name", "service_role_name", "Name of the EMR Studio service role."),
            PieceOutput("studio_service_role_arn", "service_role_arn", "ARN of the EMR Studio service role."),
            PieceOutput("studio_user_role_name", "user_role_name", "Name of the EMR Studio user role (IAM Identity Center)."),
            PieceOutput("studio_user_role_arn", "user_role_arn", "ARN of the EMR Studio user role."),
            PieceOutput(
                "studio_session_policy_arns",
                "session_policy_arns",
                "ARNs of the EMR Studio users' policies, by name (`session_policy_arn` of `aws_emr_studio_session_mapping`).",
            ),
        ),
        adoption=Adoption(
            "EMR Studio role",
            (
                AdoptableRole("EMR Studio service role", "service", "service_role_name", "service_role_policy_arns"),
                AdoptableRole("EMR Studio user role", "user", "user_role_name", "user_role_policy_arns", only_when=("auth_mode", "SSO")),
            ),
        ),
        comment=(
            "EMR Studio: its service role, the user role of IAM Identity Center mode and the users' policies;\n"
            "the advanced tier may pass this module's EMR service role and role for EC2 when it creates clusters."
        ),
    ),
)

# The pieces by their module block's name.
PIECE = {piece.block: piece for piece in PIECES}

COMPOSITE = ModuleDef(
    context={
        "passes_any_role": dict(facts.MANAGED_POLICY_PASSES_ANY_ROLE),
        "v2_passable_role_names": dict(facts.V2_PASSABLE_ROLE_NAMES),
        "passed_to": dict(facts.PASSED_TO),
        "created": {role: PIECE[role].created for role in facts.PASSED_TO},
        "role_arns": {role: Ref(role, "role_arn").code for role in facts.PASSED_TO},
        "team_tag_map": TEAM_TAG_MAP,
    },
    name="emr-iam",
    title="EMR IAM for one team",
    summary=(
        "Everything an EMR cluster needs from IAM, wired together: service role, role for EC2 with "
        "its instance profile, automatic scaling role, service-linked role, EMRFS role mappings and "
        "the PassRole policy for the people who launch clusters; runtime roles for EMR steps; and for EMR Serverless,"
        " job runtime roles, their job submitter policy and the service-linked role; EMR on EKS job execution roles; and EMR"
        " Studio's service role, user role and user policies."
    ),
    variables=(*COMMON, *(variable for piece in PIECES for variable in piece.composite_variables)),
    outputs=(
        *(output for piece in PIECES for output in piece.composite_outputs),
        Output(
            "team_tag",
            "local.team_tag",
            "The team tag as a map, for the `tags` of the team's clusters, EMR Serverless applications, virtual clusters,"
            " EMR on EKS managed endpoints and job runs: the people's policies act only on resources that carry it."
            " The module's own roles, instance profiles and policies carry it too.",
            preconditions=(
                (
                    "var.team_tag_value == null ? true : lookup(var.tags, var.team_tag_key, var.team_tag_value) == var.team_tag_value",
                    "tags sets the team tag's key (team_tag_key) to another value than team_tag_value: every resource of"
                    " the module carries the team tag; drop the key from tags or give it the team's value.",
                ),
                (
                    f"length(local.tags) <= {facts.IAM_LIMITS['tags_per_role']}",
                    f"tags and the team tag are more than {facts.IAM_LIMITS['tags_per_role']} tags: IAM allows at most"
                    f" {facts.IAM_LIMITS['tags_per_role']} per role, instance profile and policy.",
                ),
            ),
        ),
    ),
    pieces=tuple(sorted(PIECES, key=lambda piece: piece.block_last)),
    usage=hcl_example("""
        module "emr_iam" {
          source = "../../modules/emr-iam"

          path              = "/emr/"
          source_account_id = "111122223333"
          team_tag_value    = "analytics"
          tags              = { Team = "analytics" }

          service_role_name     = "analytics-EMR_DefaultRole"
          ec2_role_name         = "analytics-EMR_EC2_DefaultRole"
          autoscaling_role_name = "analytics-EMR_AutoScaling_DefaultRole"

          passrole_policy_name             = "analytics-EMR_PassRole"
          passrole_policy_attach_to_groups = ["analytics-emr-operators"]
        }
    """),
)

GENERIC_MODULES = (*(piece.module for piece in PIECES), COMPOSITE, EKS_POD_IDENTITY)
