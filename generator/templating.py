"""From a validated spec to file texts: every module's files, rendered from the Jinja templates.

The generic modules come from `templates/modules/<name>/main.tf.j2`, each team's wrapper module
from `templates/team/main.tf.j2`; every module also gets the shared `variables.tf`, `outputs.tf`,
`versions.tf` and `README.md` from `templates/common/`. Values reach HCL through the filters of
generator/hcl.py, which write exactly what `tofu fmt` would.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import jinja2

from generator import catalog, facts, hcl, policies, statements, template_folders
from generator.catalog import ModuleDef, Variable
from generator.model import check_unique_names, resolve_team
from generator.spec import SpecFile

REQUIRED_VERSION = ">= 1.3"
AWS_PROVIDER_VERSION = ">= 3.39"
TEAM_TEMPLATE = "team/main.tf.j2"


def _variable_body(variable: Variable) -> str:
    return hcl.body(
        {"description": variable.description, "type": hcl.Expr(variable.type), "default": variable.default}, 2
    ).rstrip("\n")


def _md(text: Any) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _md_default(value: Any) -> str:
    return "`" + " ".join(hcl.expression(value).split()) + "`"


class _CompiledTemplates(jinja2.FileSystemBytecodeCache):
    """Jinja's cache of compiled templates (keyed by each template's source) in the CLI's cache folder.

    Best effort: a folder that cannot be made, read or written means templates are compiled again.
    """

    def __init__(self, directory: str):
        with contextlib.suppress(OSError):
            os.makedirs(directory, exist_ok=True)
        super().__init__(directory)

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        with contextlib.suppress(OSError, ValueError, EOFError):
            super().load_bytecode(bucket)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        with contextlib.suppress(OSError):
            super().dump_bytecode(bucket)


def environment(user_templates: str | None = None, compiled_templates: str | None = None) -> jinja2.Environment:
    """A Jinja environment for one render; a user folder, when given, is searched before the shipped templates.

    Templates are compiled once per environment and not checked for changes again
    (`auto_reload=False`), and with `compiled_templates` (a folder) kept there for the next process.
    """
    env = jinja2.Environment(
        bytecode_cache=_CompiledTemplates(compiled_templates) if compiled_templates else None,
        loader=jinja2.FileSystemLoader([str(folder) for folder in template_folders(user_templates)]),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        autoescape=False,
        auto_reload=False,
    )
    env.filters.update(
        hcl=lambda value, indent=0: hcl.expression(value, indent),
        hcl_body=lambda value, indent=2: hcl.body(value, indent),
        expr=hcl.Expr,
        statements=statements.statements_hcl,
        variable_body=_variable_body,
        md=_md,
        md_default=_md_default,
    )
    env.globals.update(
        policies=policies,
        service_principals=facts.SERVICE_PRINCIPALS_BY_PARTITION,
        service_role_policies=facts.SERVICE_ROLE_MANAGED_POLICY,
        ec2_role_policy=facts.MANAGED_POLICIES["ec2_role"],
        autoscaling_role_policy=facts.MANAGED_POLICIES["autoscaling_role"],
        service_linked_role_name=facts.SERVICE_LINKED_ROLE_NAME,
        required_version=REQUIRED_VERSION,
        aws_provider_version=AWS_PROVIDER_VERSION,
    )
    return env


def _module_files(
    template: Callable[[str], jinja2.Template], module: ModuleDef, main: str, context: Mapping[str, Any]
) -> dict[str, str]:
    base = {"module": module, **context}
    files = {
        "main.tf": template(main).render(base, comment="#"),
        "variables.tf": template("common/variables.tf.j2").render(base, comment="#"),
        "outputs.tf": template("common/outputs.tf.j2").render(base, comment="#"),
        "versions.tf": template("common/versions.tf.j2").render(base, comment="#"),
        "README.md": template("common/README.md.j2").render(base),
    }
    return {f"{module.name}/{name}": text for name, text in files.items()}


def module_texts(
    source: SpecFile, out_dir: str | Path, *, user_templates: str | None = None, compiled_templates: str | None = None
) -> dict[str, str]:
    """Every generated file, by path inside `out_dir`: the generic modules, then one module per team."""
    template = environment(user_templates, compiled_templates).get_template
    spec_path = spec_label(source.path, out_dir)
    context = {"spec_path": spec_path, "regenerate": f"emr-iam render --spec {spec_path} --out {Path(out_dir).resolve().name}"}
    files: dict[str, str] = {}
    for module in catalog.GENERIC_MODULES:
        files.update(_module_files(template, module, f"modules/{module.name}/main.tf.j2", context))
    teams = [resolve_team(source, index) for index in range(len(source.spec.teams))]
    check_unique_names([(team.team, team.unique_names) for team in teams], source)
    for team in teams:
        files.update(_module_files(template, team.definition, TEAM_TEMPLATE, {**context, "team": team}))
    return files


def spec_label(spec_path: str | Path, out_dir: str | Path) -> str:
    """How generated headers name the spec: relative to the folder that holds the output folder.

    Headers then read the same however the paths were typed, and their `emr-iam render` command
    works when run from that folder (the project's root, in the usual layout).
    """
    try:
        return Path(os.path.relpath(Path(spec_path).resolve(), Path(out_dir).resolve().parent)).as_posix()
    except ValueError:
        return Path(spec_path).name
