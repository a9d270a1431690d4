"""`emr-iam scaffold`: one root workspace per team, which can only be applied to the team's account.

Each workspace calls the team's generated module, pins its provider to the team's account with
`allowed_account_ids` (the provider refuses any other account before it changes anything), and
outputs what the team's clusters and jobs need. A workspace belongs to the team once written:
scaffold creates the files that are missing and never touches one that exists; it reports each
existing file as unchanged (the same as it would write) or kept (different: someone edited it, or
the spec changed since; the difference is the person's to merge).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator import hcl
from generator.errors import OutputError
from generator.hcl import Expr
from generator.model import TeamModule, resolve, used_pieces
from generator.spec import SpecFile
from generator.templating import AWS_PROVIDER_VERSION, REQUIRED_VERSION

DEFAULT_REGION = "us-east-1"
# What scaffold writes, in the order it reports them.
FILES = ("main.tf", "variables.tf", "outputs.tf", "versions.tf")


@dataclass(frozen=True)
class Workspace:
    team: str
    files: Mapping[str, str]


def _block(kind: str, labels: str, attributes: Mapping[str, Any]) -> str:
    return f"{kind} {labels} {{\n{hcl.body(attributes, 2)}}}\n"


def workspace(module: TeamModule, account_id: str | None, region: str | None, source: str, spec_path: str) -> Workspace:
    """The files of team `module.team`'s workspace; `source` is the path from it to the team module."""
    team = module.team
    provider: dict[str, Any] = {"region": Expr("var.region")}
    if account_id is not None:
        provider["allowed_account_ids"] = [account_id]
    pinned = (
        f"# The provider refuses any account but {account_id}, the team's account in {spec_path}, before it changes anything.\n"
        if account_id is not None
        else f"# {spec_path} names no account for team {team}: set its account there and scaffold a new workspace, or add\n"
        "# allowed_account_ids here, so that this workspace cannot be applied to the wrong account.\n"
    )
    main = (
        f"# Team {team}'s workspace, scaffolded by `emr-iam scaffold --spec {spec_path}`; yours to edit (scaffold never\n"
        f"# overwrites a file). Everything about the team's roles comes from the spec through the generated module.\n"
        + pinned
        + "\n"
        + _block("provider", '"aws"', provider)
        + "\n"
        + f'module "emr_iam" {{\n  source = {hcl.quote(source)}\n\n  tags = var.tags\n}}\n'
    )
    variables = "\n".join([
        _block("variable", '"region"', {
            "description": "Region of the provider; its partition (aws, aws-cn, aws-us-gov) decides ARNs and service principals.",
            "type": Expr("string"),
            "default": region or DEFAULT_REGION,
        }),
        _block("variable", '"tags"', {
            "description": "Tags added to the team's tags from the spec, for example a cost centre.",
            "type": Expr("map(string)"),
            "default": {},
        }),
    ])
    outputs = "\n".join(
        _block("output", hcl.quote(output.name), {"description": output.description, "value": Expr(f"module.emr_iam.{output.name}")})
        for piece in used_pieces(module.arguments, module.definition.variables)
        for output in piece.composite_outputs
    )
    versions = (
        f"terraform {{\n  required_version = {hcl.quote(REQUIRED_VERSION)}\n\n  required_providers {{\n    aws = {{\n"
        f"      source  = \"hashicorp/aws\"\n      version = {hcl.quote(AWS_PROVIDER_VERSION)}\n    }}\n  }}\n}}\n"
    )
    return Workspace(team, {"main.tf": main, "variables.tf": variables, "outputs.tf": outputs, "versions.tf": versions})


def workspaces(source: SpecFile, out: str, modules: str, teams: list[str] | None = None) -> list[Workspace]:
    """The workspace of every team of the spec (or of `teams`), under `out`, calling the team modules under `modules`."""
    resolved = resolve(source)
    known = [module.team for module in resolved]
    unknown = [team for team in teams or [] if team not in known]
    if unknown:
        raise OutputError(f"{source.path}: has no team {unknown[0]!r} (teams: {', '.join(known)})")
    accounts = source.spec.accounts
    found = []
    for index, module in enumerate(resolved):
        if teams and module.team not in teams:
            continue
        team = source.spec.teams[index]
        region = accounts[team.account].region if team.account is not None else None
        folder = os.path.join(out, module.team)
        relative = os.path.relpath(os.path.join(modules, "teams", module.team), folder).replace(os.sep, "/")
        found.append(workspace(module, team.source_account_id, region, relative, source.path))
    return found


def write(found: list[Workspace], out: str) -> list[tuple[str, str]]:
    """Create the missing files; return (path, what happened) for every file: created, unchanged or kept."""
    report = []
    for space in found:
        folder = Path(out) / space.team
        for name in FILES:
            path = folder / name
            text = space.files[name]
            try:
                if path.exists():
                    same = path.read_text(encoding="utf-8") == text
                    report.append((str(path), "unchanged" if same else "kept (it differs from what scaffold writes: yours)"))
                    continue
                folder.mkdir(parents=True, exist_ok=True)
                handle, temporary = tempfile.mkstemp(dir=folder, prefix=f".{name}.")
                try:
                    with os.fdopen(handle, "w", encoding="utf-8") as stream:
                        stream.write(text)
                    os.replace(temporary, path)
                finally:
                    if os.path.exists(temporary):
                        os.unlink(temporary)
            except (OSError, UnicodeDecodeError) as error:
                reason = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
                raise OutputError(f"{path}: cannot be written: {reason}") from None
            report.append((str(path), "created"))
    return report
