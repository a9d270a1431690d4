"""From a validated spec to file texts: every module's files, rendered from the Jinja templates.

The generic modules come from `templates/modules/<name>/main.tf.j2`, each team's wrapper module
from `templates/team/main.tf.j2`; every module also gets the shared `variables.tf`, `outputs.tf`,
`versions.tf` and `README.md` from `templates/common/`. Values reach HCL through the filters of
generator/hcl.py, which write exactly what `tofu fmt` would.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2

from generator import catalog, facts, hcl, policies, statements, template_folders
from generator.catalog import ModuleDef, Variable
from generator.model import Claims, check_unique_names, resolve_team
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


# What differs from one module's files to the next; everything else in a render's context is the same for all.
_PER_MODULE = ("module", "team")


def _reads(env: jinja2.Environment, name: str, seen: tuple[str, ...] = ()) -> tuple[tuple[str, str], ...] | None:
    """The attributes of `module` and `team` that template `name` and the templates it includes read.

    None when a template uses them in any other way (whole, by index, through a filter, assigned),
    imports or extends another template, includes one by a computed name, or cannot be read: its
    text may then depend on anything about the module (and rendering reports any error).
    """
    if name in seen or env.loader is None:
        return None
    try:
        tree = env.parse(env.loader.get_source(env, name)[0])
    except jinja2.TemplateError:
        return None
    if any(True for _ in tree.find_all((jinja2.nodes.Import, jinja2.nodes.FromImport, jinja2.nodes.Extends))):
        return None
    attributes = [
        (node.node.name, node.attr)
        for node in tree.find_all(jinja2.nodes.Getattr)
        if isinstance(node.node, jinja2.nodes.Name) and node.node.name in _PER_MODULE and node.ctx == "load"
    ]
    if len(attributes) != sum(1 for node in tree.find_all(jinja2.nodes.Name) if node.name in _PER_MODULE):
        return None
    reads = set(attributes)
    for include in tree.find_all(jinja2.nodes.Include):
        if not (isinstance(include.template, jinja2.nodes.Const) and isinstance(include.template.value, str)):
            return None
        included = _reads(env, include.template.value, (*seen, name))
        if included is None:
            return None
        reads.update(included)
    return tuple(sorted(reads))


class _Files:
    """Renders the files of one render's modules from one context (the same for every module).

    A file whose template reads only attributes of the module (or team) that are the very objects
    the previous file from that template read is that file's text again, and is not rendered
    twice: the team modules share their outputs and most often their variables
    (generator/model.py), so every team's `outputs.tf` and `versions.tf` are rendered once per
    spec. The generator never changes a module once built, so the same objects hold the same
    values. A template is looked into only when it renders a second time.
    """

    def __init__(self, env: jinja2.Environment, context: Mapping[str, Any]):
        self.env = env
        self.context = context
        self.reads: dict[str, tuple[tuple[str, str], ...] | None] = {}
        self.last: dict[str, tuple[Mapping[str, Any], str]] = {}  # by template: the values of its last file, and its text

    def render(self, name: str, values: Mapping[str, Any], **extra: Any) -> str:
        last = self.last.get(name)
        if last is not None:
            if name not in self.reads:
                self.reads[name] = _reads(self.env, name)
            reads = self.reads[name]
            if reads is not None and _same(reads, last[0], values):
                return last[1]
        text = self.env.get_template(name).render(self.context, **values, **extra)
        self.last[name] = (values, text)
        return text


def _same(reads: tuple[tuple[str, str], ...], before: Mapping[str, Any], now: Mapping[str, Any]) -> bool:
    try:
        return all(getattr(before[variable], attribute) is getattr(now[variable], attribute) for variable, attribute in reads)
    except (KeyError, AttributeError):  # rendering reports it (StrictUndefined)
        return False


def _module_files(files: _Files, module: ModuleDef, main: str, values: Mapping[str, Any]) -> dict[str, str]:
    values = {"module": module, **values}
    texts = {
        "main.tf": files.render(main, values, comment="#"),
        "variables.tf": files.render("common/variables.tf.j2", values, comment="#"),
        "outputs.tf": files.render("common/outputs.tf.j2", values, comment="#"),
        "versions.tf": files.render("common/versions.tf.j2", values, comment="#"),
        "README.md": files.render("common/README.md.j2", values),
    }
    return {f"{module.name}/{name}": text for name, text in texts.items()}


@dataclass(frozen=True)
class TeamFiles:
    """What one team's module takes from a render: its files (paths inside the output folder) and the names it claims."""

    files: tuple[str, ...]
    claims: Claims


@dataclass
class Texts:
    """One render's file texts by path inside the output folder, and each team's files and claims.

    The teams in `kept` were not rendered: their files are on disk as the last render wrote them.
    """

    files: dict[str, str]
    teams: dict[str, TeamFiles]
    kept: tuple[str, ...] = ()

    @property
    def kept_files(self) -> list[str]:
        return [path for name in self.kept for path in self.teams[name].files]


def render_texts(
    source: SpecFile,
    out_dir: str | Path,
    *,
    user_templates: str | None = None,
    compiled_templates: str | None = None,
    kept: Mapping[str, TeamFiles] | None = None,
) -> Texts:
    """Every generated file, by path inside `out_dir`: the generic modules, then one module per team.

    A team in `kept` is neither resolved nor rendered (its claims still count in the name checks):
    the caller knows its inputs and its files are those of the last render.
    """
    kept = kept or {}
    spec_path = spec_label(source.path, out_dir)
    context = {"spec_path": spec_path, "regenerate": f"emr-iam render --spec {spec_path} --out {Path(out_dir).resolve().name}"}
    files = _Files(environment(user_templates, compiled_templates), context)
    texts: dict[str, str] = {}
    for module in catalog.GENERIC_MODULES:
        texts.update(_module_files(files, module, f"modules/{module.name}/main.tf.j2", {}))
    names = [team.name for team in source.spec.teams]
    teams = {index: resolve_team(source, index) for index, name in enumerate(names) if name not in kept}
    check_unique_names(
        [(name, kept[name].claims if index not in teams else teams[index].unique_names) for index, name in enumerate(names)], source
    )
    out: dict[str, TeamFiles] = {}
    for index, name in enumerate(names):
        if index in teams:
            team = teams[index]
            written = _module_files(files, team.definition, TEAM_TEMPLATE, {"team": team})
            texts.update(written)
            out[name] = TeamFiles(tuple(written), team.unique_names)
        else:
            out[name] = kept[name]
    return Texts(texts, out, tuple(name for name in names if name in kept))


def spec_label(spec_path: str | Path, out_dir: str | Path) -> str:
    """How generated headers name the spec: relative to the folder that holds the output folder.

    Headers then read the same however the paths were typed, and their `emr-iam render` command
    works when run from that folder (the project's root, in the usual layout).
    """
    try:
        return Path(os.path.relpath(Path(spec_path).resolve(), Path(out_dir).resolve().parent)).as_posix()
    except ValueError:
        return Path(spec_path).name
