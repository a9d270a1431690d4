"""Adopting EMR roles that already exist: `import` blocks and `terraform import` commands.

Many accounts already hold `EMR_DefaultRole`, `EMR_EC2_DefaultRole` with its instance profile and
`EMR_AutoScaling_DefaultRole`, created by the console or `aws emr create-default-roles`. A plain
apply then fails with EntityAlreadyExists; importing them lets a workspace take them over in place.
This module knows which resources of `modules/emr-iam` hold those objects and what their import
IDs are; `templates/imports/imports.tf.j2` writes them out.
"""

from __future__ import annotations

import shlex
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from generator import facts
from generator.errors import EmrIamError

# The roles that can be adopted, in the order create-default-roles creates them.
ROLES: tuple[str, ...] = ("service_role", "ec2_role", "autoscaling_role")
# A team's runtime roles (modules/emr-runtime-roles), adopted only when `--roles` names them:
# they exist only where someone made them by hand before.
RUNTIME_ROLES = "runtime_roles"
# A team's EMR on EKS job execution roles (modules/emr-eks-job-roles), likewise only when named:
# for example roles made by hand and given their trust by `aws emr-containers update-role-trust-policy`.
EKS_ROLES = "eks_roles"
# A team's EMR Serverless job runtime roles (modules/emr-serverless-roles), adopted the same way.
SERVERLESS_ROLES = "serverless_roles"
# A team's EMR Studio service role and (IAM Identity Center mode) user role (modules/emr-studio-roles),
# likewise only when named: for example the roles the console made for a Studio.
STUDIO_ROLES = "studio_roles"
# Each of those role maps: (the modules/emr-iam call holding it, its toggle, what the roles are called).
ROLE_MAPS: Mapping[str, tuple[str, str, str]] = {
    RUNTIME_ROLES: ("runtime_roles", "create_runtime_roles", "runtime role"),
    EKS_ROLES: ("eks_roles", "create_eks_roles", "EMR on EKS job execution role"),
    SERVERLESS_ROLES: ("serverless_roles", "create_serverless", "EMR Serverless job runtime role"),
}

# What `aws emr create-default-roles` creates, as arguments of modules/emr-iam
# (examples/default-roles and examples/adopt-existing pass the same values).
DEFAULT_ROLES_ARGUMENTS: Mapping[str, Any] = {
    "create_service_role": True,
    "service_role_name": facts.DEFAULT_ROLE_NAMES["service_role"],
    "service_role_use_name_prefix": False,
    "service_role_managed_policy": "v1",
    "create_ec2_role": True,
    "ec2_role_name": facts.DEFAULT_ROLE_NAMES["ec2_role"],
    "ec2_role_use_name_prefix": False,
    "ec2_role_attach_aws_managed_policy": True,
    "create_autoscaling_role": True,
    "autoscaling_role_name": facts.DEFAULT_ROLE_NAMES["autoscaling_role"],
    "autoscaling_role_use_name_prefix": False,
}

# Addresses inside modules/emr-iam; they follow the resource names in templates/modules/*/main.tf.j2.
_ROLE = "module.{piece}.aws_iam_role.this[0]"
_MANAGED_ATTACHMENT = "module.{piece}.aws_iam_role_policy_attachment.managed[0]"
_INSTANCE_PROFILE = "module.ec2_role.aws_iam_instance_profile.this[0]"
_MAP_ROLE = 'module.{piece}.aws_iam_role.this["{name}"]'
_MAP_ATTACHMENT = 'module.{piece}.aws_iam_role_policy_attachment.this["{name}/{key}"]'


class AdoptError(EmrIamError):
    """The roles cannot be imported as asked."""


@dataclass(frozen=True)
class ImportTarget:
    """One existing object and the resource address that takes it over."""

    address: str
    id: str
    what: str


def _managed_policy(piece: str, arguments: Mapping[str, Any]) -> str | None:
    """The AWS managed policy modules/emr-iam attaches to `piece`, by path under policy/."""
    if piece == "service_role":
        choice = arguments["service_role_managed_policy"]
        return None if choice == "none" else facts.MANAGED_POLICIES[f"service_role_{choice}"]
    if piece == "ec2_role":
        return facts.MANAGED_POLICIES["ec2_role"] if arguments["ec2_role_attach_aws_managed_policy"] else None
    return facts.MANAGED_POLICIES["autoscaling_role"]


def import_targets(
    arguments: Mapping[str, Any],
    module_address: str,
    *,
    partition: str = "aws",
    roles: Sequence[str] = ROLES,
) -> list[ImportTarget]:
    """Import targets for the roles of one modules/emr-iam call at `module_address`.

    Each role brings its AWS managed policy attachment; the EMR role for EC2 also its instance
    profile, which has the role's name. Roles the module does not create are left out. With
    `runtime_roles`, `eks_roles` or `serverless_roles` among `roles`, every runtime role, EMR on EKS job
    execution role or EMR Serverless job runtime role and its managed policy attachments too; with
    `studio_roles`, the EMR Studio service role and user role.
    """
    if partition not in facts.PARTITIONS:
        raise AdoptError(f"partition {partition!r} is not one of {', '.join(facts.PARTITIONS)}")
    choices = (*ROLES, *ROLE_MAPS, STUDIO_ROLES)
    unknown = [role for role in roles if role not in choices]
    if unknown:
        raise AdoptError(f"cannot adopt {', '.join(unknown)}: choose from {', '.join(choices)}")
    targets: list[ImportTarget] = []
    for piece in ROLES:
        if piece not in roles or not arguments[f"create_{piece}"]:
            continue
        name = arguments[f"{piece}_name"]
        if arguments[f"{piece}_use_name_prefix"]:
            raise AdoptError(
                f"{piece} uses a name prefix, so its name is chosen at apply time and an existing role cannot be "
                "imported into it; set use_name_prefix: false with the existing role's name"
            )
        targets.append(ImportTarget(f"{module_address}.{_ROLE.format(piece=piece)}", name, f"role {name}"))
        if piece == "ec2_role":
            targets.append(ImportTarget(f"{module_address}.{_INSTANCE_PROFILE}", name, f"instance profile {name}"))
        policy = _managed_policy(piece, arguments)
        if policy is not None:
            policy_arn = f"arn:{partition}:iam::aws:policy/{policy}"
            targets.append(
                ImportTarget(
                    f"{module_address}.{_MANAGED_ATTACHMENT.format(piece=piece)}",
                    f"{name}/{policy_arn}",
                    f"attachment of {policy.rsplit('/', 1)[-1]} to {name}",
                )
            )
    for selector in ROLE_MAPS:
        if selector in roles:
            targets += _role_map_targets(arguments, module_address, partition, selector)
    if STUDIO_ROLES in roles:
        targets += _studio_targets(arguments, module_address, partition)
    return targets


def _studio_targets(arguments: Mapping[str, Any], module_address: str, partition: str) -> list[ImportTarget]:
    """The Studio service role, the user role in IAM Identity Center mode, and their managed policy attachments."""
    from generator.policies import concrete

    if not arguments.get("create_studio"):
        raise AdoptError(f"cannot adopt {STUDIO_ROLES}: the module creates no EMR Studio roles")
    kinds = ["service", *(["user"] if arguments["studio_auth_mode"] == "SSO" else [])]
    targets = []
    for kind in kinds:
        name = arguments[f"studio_{kind}_role_name"]
        targets.append(ImportTarget(f"{module_address}.module.studio_roles.aws_iam_role.{kind}[0]", name, f"EMR Studio {kind} role {name}"))
        for key, arn in arguments[f"studio_{kind}_role_policy_arns"].items():
            policy_arn = concrete(arn, {"local.partition": partition})
            targets.append(ImportTarget(
                f'{module_address}.module.studio_roles.aws_iam_role_policy_attachment.{kind}["{key}"]',
                f"{name}/{policy_arn}",
                f"attachment of {policy_arn.rsplit('/', 1)[-1]} to {name}",
            ))
    return targets


def _role_map_targets(arguments: Mapping[str, Any], module_address: str, partition: str, selector: str) -> list[ImportTarget]:
    from generator.policies import concrete

    piece, toggle, what = ROLE_MAPS[selector]
    role_map: Mapping[str, Any] = arguments.get(selector) or {}
    if not (arguments.get(toggle) and role_map):
        raise AdoptError(f"cannot adopt {selector}: the module creates no {what}s")
    targets = []
    for name, settings in role_map.items():
        targets.append(ImportTarget(f"{module_address}.{_MAP_ROLE.format(piece=piece, name=name)}", name, f"{what} {name}"))
        for key, arn in settings["policy_arns"].items():
            policy_arn = concrete(arn, {"local.partition": partition})
            targets.append(ImportTarget(
                f"{module_address}.{_MAP_ATTACHMENT.format(piece=piece, name=name, key=key)}",
                f"{name}/{policy_arn}",
                f"attachment of {policy_arn.rsplit('/', 1)[-1]} to {name}",
            ))
    return targets


def import_commands(targets: Sequence[ImportTarget], engine: str = "terraform") -> list[str]:
    """The same imports as shell commands, for engines without `import` blocks (Terraform < 1.5)."""
    return [f"{engine} import {shlex.quote(target.address)} {shlex.quote(target.id)}" for target in targets]


# The composite module's call inside every team wrapper (templates/team/main.tf.j2).
TEAM_COMPOSITE = "module.emr_iam"


def team_arguments(spec_path: str, team: str) -> Mapping[str, Any]:
    """The modules/emr-iam arguments of one team of the spec."""
    from generator.model import resolve
    from generator.spec import read_spec

    teams = {module.team: module for module in resolve(read_spec(spec_path))}
    if team not in teams:
        raise AdoptError(f"{spec_path}: has no team {team!r} (teams: {', '.join(teams)})")
    return teams[team].arguments


def module_address(module_name: str, team: bool) -> str:
    """Where modules/emr-iam sits in a workspace that calls it (or a team module) `module_name`."""
    if not module_name.isidentifier():
        raise AdoptError(f"module name {module_name!r} is not a valid HCL identifier")
    return f"module.{module_name}" + (f".{TEAM_COMPOSITE}" if team else "")


def render_imports(targets: Sequence[ImportTarget], *, source: str, command: str, subject: str) -> str:
    """`imports.tf`: one import block per target, with the equivalent commands for older engines."""
    from generator.templating import environment

    if not targets:
        raise AdoptError("nothing to import: the module creates none of the chosen roles")
    return environment().get_template("imports/imports.tf.j2").render(
        targets=targets, commands=import_commands(targets), source=source, command=command, subject=subject
    )
