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
import dataclasses
import re
import shlex
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from generator import catalog, facts
from generator.catalog import Adoption, Piece
from generator.errors import EmrIamError
from generator.hcl import Expr, Template, template

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


# What the provider replaces (destroys, then creates) when the module's value differs from the existing
# object's, beyond the name the import ID already fixes. hashicorp/aws marks these "Forces new resource":
# aws_iam_role `name`, `name_prefix` and `path`; aws_iam_instance_profile the same three;
# aws_iam_service_linked_role `aws_service_name` (the role's path, /aws-service-role/<service>/) and
# `custom_suffix` (the modules set none). tests/test_adopt.py plants each mismatch and sees the
# provider plan a replacement without the check. A name prefix cannot be imported at all (refused).
REPLACED_ON_CHANGE = ("path",)


@dataclass(frozen=True)
class ImportTarget:
    """One existing object and the resource address that takes it over."""

    address: str
    id: str
    what: str
    kind: str = "attachment"  # "role", "instance profile", "service-linked role" or "attachment"
    name: str = ""  # the role's or instance profile's name
    path: str | None = None  # the path the module plans for it (replaced on change)
    boundary: str | None = None  # a role's permissions boundary as the module sets it (changed in place)


def import_targets(
    arguments: Mapping[str, Any],
    module_address: str,
    *,
    partition: str = "aws",
    roles: Sequence[str] = ROLES,
    account_id: str | None = None,
) -> list[ImportTarget]:
    """Import targets for the roles of one modules/emr-iam call at `module_address`.

    `roles` names pieces of the module (`catalog.PIECES`); what each takes over is its declared
    `Adoption`: its roles with their managed policy attachments (the EMR role for EC2 also its instance
    profile, which has the role's name), every role of its map of roles, or its service-linked role (whose
    import ID, an ARN, needs the account: `account_id`, else the module's `source_account_id`). Roles the
    module does not create are left out for the default choices and an error for the others.
    """
    if partition not in facts.PARTITIONS:
        raise AdoptError(f"partition {partition!r} is not one of {', '.join(facts.PARTITIONS)}")
    unknown = [role for role in roles if role not in ADOPTABLE]
    if unknown:
        raise AdoptError(f"cannot adopt {', '.join(unknown)}: choose from {', '.join(ADOPTABLE)}")
    targets: list[ImportTarget] = []
    for block, (piece, adoption) in ADOPTABLE.items():
        if block in roles:
            address = f"{module_address}.module.{block}[0]"
            targets += _piece_targets(piece, adoption, arguments, address, partition, account_id)
    return targets


def module_path(arguments: Mapping[str, Any]) -> str:
    """The IAM path the module gives its roles and instance profile."""
    path = arguments.get("path")
    return path if isinstance(path, str) else str(catalog.PATH.default)


def _piece_targets(
    piece: Piece, adoption: Adoption, arguments: Mapping[str, Any], address: str, partition: str, account_id: str | None
) -> list[ImportTarget]:
    """What `adoption` takes over in `piece`, whose module block is at `address` in the workspace."""
    from generator.policies import concrete

    role_map: Mapping[str, Any] = (arguments.get(piece.input(adoption.role_map)) or {}) if adoption.role_map else {}
    if not arguments.get(piece.toggle.name) or (adoption.role_map and not role_map):
        if adoption.by_default:
            return []
        raise AdoptError(f"cannot adopt {piece.block}: the module creates no {adoption.what}s")
    prefixed = any(variable.name == "use_name_prefix" for variable in piece.module.variables)
    path = module_path(arguments)
    boundary = arguments.get("permissions_boundary_arn")
    boundary = concrete(boundary, {"local.partition": partition}) if boundary is not None else None
    targets = []

    def attachment(resource: str, role: str, policy_arn: str) -> None:
        targets.append(ImportTarget(
            f"{address}.aws_iam_role_policy_attachment.{resource}",
            f"{role}/{policy_arn}",
            f"attachment of {policy_arn.rsplit('/', 1)[-1]} to {role}",
        ))

    def role(resource: str, name: str, what: str) -> None:
        targets.append(ImportTarget(f"{address}.aws_iam_role.{resource}", name, f"{what} {name}", "role", name, path, boundary))

    if adoption.service_linked_role is not None:
        linked = adoption.service_linked_role
        account = account_id or arguments.get("source_account_id")
        if not account:
            raise AdoptError(
                f"cannot adopt {piece.block}: the import ID of the {adoption.what} {linked.name} is its ARN, which names the"
                " account: set source_account_id for the team, or pass --account-id (or --check-existing, which reads it)"
            )
        service_path = f"/aws-service-role/{linked.service[partition]}/"
        targets.append(ImportTarget(
            f"{address}.aws_iam_service_linked_role.this[0]",
            f"arn:{partition}:iam::{account}:role{service_path}{linked.name}",
            f"{adoption.what} {linked.name}",
            "service-linked role",
            linked.name,
            service_path,
        ))
    for adoptable in adoption.roles:
        if adoptable.only_when and arguments[piece.input(adoptable.only_when[0])] != adoptable.only_when[1]:
            continue
        name = arguments[piece.input(adoptable.name)]
        if prefixed and arguments[piece.input("use_name_prefix")]:
            raise AdoptError(
                f"{piece.block} uses a name prefix, so its name is chosen at apply time and an existing role cannot be "
                "imported into it; set use_name_prefix: false with the existing role's name"
            )
        role(f"{adoptable.resource}[0]", name, adoptable.what)
        if adoptable.instance_profile:
            targets.append(ImportTarget(
                f"{address}.aws_iam_instance_profile.this[0]", name, f"instance profile {name}", "instance profile", name, path
            ))
        if adoptable.managed_policy:
            choice = arguments[piece.input(adoptable.managed_policy.by)] if adoptable.managed_policy.by else None
            policy = adoptable.managed_policy.policies[choice]
            if policy is not None:
                attachment("managed[0]", name, f"arn:{partition}:iam::aws:policy/{policy}")
        for key, arn in (arguments[piece.input(adoptable.policy_arns)] if adoptable.policy_arns else {}).items():
            attachment(f'{adoptable.resource}["{key}"]', name, concrete(arn, {"local.partition": partition}))
    for name, settings in role_map.items():
        role(f'this["{name}"]', name, adoption.what)
        for key, arn in settings["policy_arns"].items():
            attachment(f'this["{name}/{key}"]', name, concrete(arn, {"local.partition": partition}))
    return targets


class Holdings(Protocol):
    """What an account holds (generator.existing.Account reads it)."""

    def role(self, name: str) -> Any: ...
    def instance_profile(self, name: str) -> Any: ...
    def attached(self, role: str) -> set[str]: ...


def compare_existing(targets: Sequence[ImportTarget], account: Holdings, *, who: str, fix: str) -> tuple[list[ImportTarget], list[str]]:
    """The targets that exist in `account`, and a note for each left out (the plan creates it).

    An object whose path differs from the module's is refused: the provider would replace it. `who` is
    whose adoption it is ("team legacy"); `fix` says how to give the module the existing path, with
    `{path}` for it.
    """
    kept: list[ImportTarget] = []
    notes: list[str] = []
    missing: set[str] = set()
    for target in targets:
        if target.kind == "attachment":
            role, _, arn = target.id.partition("/")  # role names hold no "/"
            if role in missing or arn not in account.attached(role):
                notes.append(f"{target.what} does not exist: the plan creates it")
            else:
                kept.append(target)
            continue
        existing = account.instance_profile(target.name) if target.kind == "instance profile" else account.role(target.name)
        if existing is None:
            if target.kind != "instance profile":
                missing.add(target.name)
            notes.append(f"{target.what} does not exist: the plan creates it")
            continue
        if existing.path != target.path:
            raise replaced(target, existing.path, who=who, fix=fix)
        notes += _changed_in_place(target, existing)
        kept.append(dataclasses.replace(target, id=existing.arn) if target.kind == "service-linked role" else target)
    return kept, notes


def _changed_in_place(target: ImportTarget, existing: Any) -> list[str]:
    """What the first apply changes in place on an adopted object that people may want to know before it does."""
    notes = []
    if target.kind == "role" and existing.boundary != target.boundary:
        if target.boundary is None:
            notes.append(f"warning: {target.what} has the permissions boundary {existing.boundary}; the apply removes it")
        else:
            now = f"has the permissions boundary {existing.boundary}" if existing.boundary else "has no permissions boundary"
            notes.append(f"warning: {target.what} {now}; the apply sets {target.boundary}")
    if target.kind == "instance profile" and existing.roles not in ((), (target.name,)):
        notes.append(
            f"warning: {target.what} holds the role {', '.join(existing.roles)}; the apply puts {target.name} in its place,"
            " and clusters launched with the profile get that role"
        )
    return notes


def replaced(target: ImportTarget, existing_path: str, *, who: str, fix: str) -> AdoptError:
    """The refusal of an adoption that the provider would carry out by destroying `target` and creating it anew."""
    if target.kind == "service-linked role":
        return AdoptError(
            f"{who}: cannot adopt the {target.what}: it exists at path {existing_path}, for another service name than the"
            f" {target.path} the module creates it for, and the provider would replace it; leave it out of --roles"
            " (and set create: false for it: one workspace per account creates it)"
        )
    return AdoptError(
        f"{who}: cannot adopt {target.what}: its path is {existing_path} and the module asks for {target.path}; the"
        f" provider cannot change a path in place and would destroy the {target.kind}, then create it: {fix.format(path=existing_path)}"
    )


def import_commands(targets: Sequence[ImportTarget], engine: str = "terraform") -> list[str]:
    """The same imports as shell commands, for engines without `import` blocks (Terraform < 1.5)."""
    return [f"{engine} import {shlex.quote(target.address)} {shlex.quote(target.id)}" for target in targets]


# The composite module's call inside every team wrapper (templates/team/main.tf.j2).
TEAM_COMPOSITE = "module.emr_iam"


def team_arguments(spec_path: str, team: str) -> Mapping[str, Any]:
    """The modules/emr-iam arguments of one team of the spec."""
    from generator.model import resolve, with_defaults
    from generator.spec import read_spec

    teams = {module.team: module for module in resolve(read_spec(spec_path))}
    if team not in teams:
        raise AdoptError(f"{spec_path}: has no team {team!r} (teams: {', '.join(teams)})")
    # Arguments the team module leaves to its workspace (`var.*`) take their defaults, which come from the spec.
    return with_defaults(teams[team].arguments, teams[team].definition.variables)


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


@dataclass(frozen=True)
class Guard:
    """A data source that stops the plan when an adopted object is not at the module's path (the engine reads it)."""

    type: str
    label: str
    name: str
    path: str
    message: Template


def guards(targets: Sequence[ImportTarget], *, who: str, fix: str) -> list[Guard]:
    """One guard per adopted role and instance profile: the engine checks at plan what --check-existing checks here."""
    found: list[Guard] = []
    labels: set[str] = set()
    for target in targets:
        if target.kind == "attachment" or target.path is None:
            continue
        kind = "instance_profile" if target.kind == "instance profile" else "role"
        label = f"adopted_{kind}_" + re.sub(r"[^a-z0-9]+", "_", target.name.lower()).strip("_")
        while label in labels:  # names that differ only in case or punctuation
            label += "_"
        labels.add(label)
        texts = str(replaced(target, "\0", who=who, fix=fix)).split("\0")
        parts: list[str | Expr] = [texts[0]]
        for text in texts[1:]:
            parts += [Expr("self.path"), text]
        found.append(Guard(f"aws_iam_{kind}", label, target.name, target.path, template(*parts)))
    return found


def render_imports(targets: Sequence[ImportTarget], *, source: str, command: str, subject: str, who: str, fix: str) -> str:
    """`imports.tf`: one import block per target (at least one: see nothing_to_import), with the equivalent commands
    for older engines, and a guard per adopted role and instance profile that stops a plan which would replace it."""
    from generator.templating import environment

    return environment().get_template("imports/imports.tf.j2").render(
        targets=targets, commands=import_commands(targets), source=source, command=command, subject=subject,
        guards=guards(targets, who=who, fix=fix),
    )
