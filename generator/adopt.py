"""Adopting EMR roles that already exist: `import` blocks and `terraform import` commands.

Many accounts already hold `EMR_DefaultRole`, `EMR_EC2_DefaultRole` with its instance profile and
`EMR_AutoScaling_DefaultRole`, created by the console or `aws emr create-default-roles`. A plain
apply then fails with EntityAlreadyExists; importing them lets a workspace take them over in place.
Which resources of `modules/emr-iam` hold those objects is declared with each of its modules
(`catalog.Piece.adoption`); this module turns that into addresses and import IDs, and
`templates/imports/imports.tf.j2` writes them out.
"""

from __future__ import annotations

import contextlib
import shlex
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from generator import catalog, facts
from generator.catalog import Adoption, Piece
from generator.errors import EmrIamError

# The pieces of modules/emr-iam whose roles can be adopted, by their module block's name (the `--roles` choice).
ADOPTABLE: Mapping[str, tuple[Piece, Adoption]] = {piece.block: (piece, piece.adoption) for piece in catalog.PIECES if piece.adoption}
# The choices adopted unless `--roles` says otherwise, in the order create-default-roles creates the roles.
ROLES: tuple[str, ...] = tuple(block for block, (_, adoption) in ADOPTABLE.items() if adoption.by_default)
# The other choices, adopted only when named, with what their roles are called.
NAMED_ONLY: Mapping[str, str] = {block: adoption.what for block, (_, adoption) in ADOPTABLE.items() if not adoption.by_default}

# What `aws emr create-default-roles` creates, as arguments of modules/emr-iam
# (examples/default-roles and examples/adopt-existing pass the same values).
DEFAULT_ROLES_ARGUMENTS: Mapping[str, Any] = {
    **catalog.PIECE["service_role"].composite_arguments({
        "create": True, "name": facts.DEFAULT_ROLE_NAMES["service_role"], "use_name_prefix": False, "managed_policy": "v1",
    }),
    **catalog.PIECE["ec2_role"].composite_arguments({
        "create": True, "name": facts.DEFAULT_ROLE_NAMES["ec2_role"], "use_name_prefix": False, "attach_aws_managed_policy": True,
    }),
    **catalog.PIECE["autoscaling_role"].composite_arguments({
        "create": True, "name": facts.DEFAULT_ROLE_NAMES["autoscaling_role"], "use_name_prefix": False,
    }),
}


class AdoptError(EmrIamError):
    """The roles cannot be imported as asked."""


@dataclass(frozen=True)
class ImportTarget:
    """One existing object and the resource address that takes it over."""

    address: str
    id: str
    what: str


def import_targets(
    arguments: Mapping[str, Any],
    module_address: str,
    *,
    partition: str = "aws",
    roles: Sequence[str] = ROLES,
) -> list[ImportTarget]:
    """Import targets for the roles of one modules/emr-iam call at `module_address`.

    `roles` names pieces of the module (`catalog.PIECES`); what each takes over is its declared
    `Adoption`: its roles with their managed policy attachments (the EMR role for EC2 also its instance
    profile, which has the role's name), or every role of its map of roles. Roles the module does not
    create are left out for the default choices and an error for the others.
    """
    if partition not in facts.PARTITIONS:
        raise AdoptError(f"partition {partition!r} is not one of {', '.join(facts.PARTITIONS)}")
    unknown = [role for role in roles if role not in ADOPTABLE]
    if unknown:
        raise AdoptError(f"cannot adopt {', '.join(unknown)}: choose from {', '.join(ADOPTABLE)}")
    targets: list[ImportTarget] = []
    for block, (piece, adoption) in ADOPTABLE.items():
        if block in roles:
            targets += _piece_targets(piece, adoption, arguments, f"{module_address}.module.{block}", partition)
    return targets


def _piece_targets(piece: Piece, adoption: Adoption, arguments: Mapping[str, Any], address: str, partition: str) -> list[ImportTarget]:
    """What `adoption` takes over in `piece`, whose module block is at `address` in the workspace."""
    from generator.policies import concrete

    role_map: Mapping[str, Any] = (arguments.get(piece.input(adoption.role_map)) or {}) if adoption.role_map else {}
    if not arguments.get(piece.toggle.name) or (adoption.role_map and not role_map):
        if adoption.by_default:
            return []
        raise AdoptError(f"cannot adopt {piece.block}: the module creates no {adoption.what}s")
    prefixed = any(variable.name == "use_name_prefix" for variable in piece.module.variables)
    targets = []

    def attachment(resource: str, role: str, policy_arn: str) -> None:
        targets.append(ImportTarget(
            f"{address}.aws_iam_role_policy_attachment.{resource}",
            f"{role}/{policy_arn}",
            f"attachment of {policy_arn.rsplit('/', 1)[-1]} to {role}",
        ))

    for role in adoption.roles:
        if role.only_when and arguments[piece.input(role.only_when[0])] != role.only_when[1]:
            continue
        name = arguments[piece.input(role.name)]
        if prefixed and arguments[piece.input("use_name_prefix")]:
            raise AdoptError(
                f"{piece.block} uses a name prefix, so its name is chosen at apply time and an existing role cannot be "
                "imported into it; set use_name_prefix: false with the existing role's name"
            )
        targets.append(ImportTarget(f"{address}.aws_iam_role.{role.resource}[0]", name, f"{role.what} {name}"))
        if role.instance_profile:
            targets.append(ImportTarget(f"{address}.aws_iam_instance_profile.this[0]", name, f"instance profile {name}"))
        if role.managed_policy:
            choice = arguments[piece.input(role.managed_policy.by)] if role.managed_policy.by else None
            policy = role.managed_policy.policies[choice]
            if policy is not None:
                attachment("managed[0]", name, f"arn:{partition}:iam::aws:policy/{policy}")
        for key, arn in (arguments[piece.input(role.policy_arns)] if role.policy_arns else {}).items():
            attachment(f'{role.resource}["{key}"]', name, concrete(arn, {"local.partition": partition}))
    for name, settings in role_map.items():
        targets.append(ImportTarget(f'{address}.aws_iam_role.this["{name}"]', name, f"{adoption.what} {name}"))
        for key, arn in settings["policy_arns"].items():
            attachment(f'this["{name}/{key}"]', name, concrete(arn, {"local.partition": partition}))
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


def adoptable_choices(arguments: Mapping[str, Any], module_address: str, partition: str = "aws") -> list[str]:
    """The `--roles` choices that take over something of this module call."""
    found = []
    for block in ADOPTABLE:
        with contextlib.suppress(AdoptError):  # a named choice the module does not create
            if import_targets(arguments, module_address, partition=partition, roles=[block]):
                found.append(block)
    return found


def nothing_to_import(arguments: Mapping[str, Any], module_address: str, roles: Sequence[str], partition: str = "aws") -> AdoptError:
    """The error for a choice of roles of which the module creates none, naming the choices that would adopt something."""
    available = adoptable_choices(arguments, module_address, partition)
    hint = f"it creates {', '.join(available)}: use --roles {','.join(available)}" if available else "it creates no role to adopt"
    return AdoptError(f"nothing to import: the module creates none of the chosen roles ({', '.join(roles)}); {hint}")


def render_imports(targets: Sequence[ImportTarget], *, source: str, command: str, subject: str) -> str:
    """`imports.tf`: one import block per target (at least one: see nothing_to_import), with the equivalent commands for older engines."""
    from generator.templating import environment

    return environment().get_template("imports/imports.tf.j2").render(
        targets=targets, commands=import_commands(targets), source=source, command=command, subject=subject
    )
