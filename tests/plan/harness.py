"""Plan inventories: test cases as data, planned with the real engine and compared as a subset.

A case is `<target>/<case>.tfvars` (the inputs) beside `<target>/<case>.yaml` (the inventory: the
planned values expected, resource counts by type and outputs), under tests/plan/ for modules and
examples, or under `examples/<example>/tests/` for an example that keeps its cases with it. The
layout and the inventory format are described in tests/plan/README.md.

The cases of a module are planned in one small root config that calls the module once per case
(`module "case_<case>"`, the case's inputs as arguments, a provider that plans offline for its
region); a case that applies first gets a root of its own (`module "under_test"`, every variable
passed through). An example is planned as the root it is, with an `*_override.tf` file that
merges the offline provider settings into its own provider block. All of them live in a
temporary copy of modules/ and examples/, so relative module sources resolve.
"""

from __future__ import annotations

import copy
import functools
import json
import os
import re
import shutil
import tempfile
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import tftest
import yaml

from generator import facts
from tests.engine import EXAMPLES, INVENTORY_ENGINE, MODULES, PLUGIN_DIR, ROOT, Engine, copy_tree, needs_newer_provider, provider_block
from tests.shared import once

PLAN_DATA = ROOT / "tests" / "plan"
# How an unknown ("known after apply") value is written in an inventory.
UNKNOWN = "(known after apply)"
WRAPPED = "module.under_test."
REGENERATE = ".venv/bin/python -m tests.plan.regenerate"
# Inventory keys written by hand and kept by the regeneration, beside the generated ones.
SETTINGS = ("prior_apply", "foreign_arns")
GENERATED = ("values", "counts", "outputs")
DEFAULT_REGION = "us-east-1"
PROVIDER_OVERRIDE = "provider_override.tf"
# The module cases every engine plans (INVENTORY_ENGINE plans them all): the one that sets the most
# inputs and one in another partition. Every example case runs on every engine.
MATRIX_CASES = ("custom", "partition-aws-cn")


@functools.cache
def _load_inventory(path: Path, mtime_ns: int) -> Any:
    # Read once per version of the file: `prior_apply` and the settings are asked for by every case's selection.
    return yaml.safe_load(path.read_text(encoding="utf-8")) or {}


@dataclass(frozen=True)
class Case:
    """One plan test case: its target (a module or example folder), its name and its inputs."""

    target: str  # "modules/emr-service-role", "modules/teams/analytics", "examples/default-roles"
    name: str
    tfvars: Path

    @property
    def inventory_path(self) -> Path:
        return self.tfvars.with_suffix(".yaml")

    @property
    def id(self) -> str:
        return f"{self.target}:{self.name}"

    @property
    def is_module(self) -> bool:
        return self.target.startswith("modules/")

    @property
    def regenerate_command(self) -> str:
        return f"{REGENERATE} {self.target} {self.name}"

    def inventory(self) -> dict[str, Any]:
        if not self.inventory_path.is_file():
            return {}
        loaded = copy.deepcopy(_load_inventory(self.inventory_path, self.inventory_path.stat().st_mtime_ns))
        if not isinstance(loaded, dict):
            raise ValueError(f"{self.inventory_path}: an inventory is a mapping")
        unknown = set(loaded) - set(SETTINGS) - set(GENERATED)
        if unknown:
            raise ValueError(f"{self.inventory_path}: unknown keys {sorted(unknown)}; allowed: {[*SETTINGS, *GENERATED]}")
        return loaded

    def settings(self) -> dict[str, Any]:
        twin = self.tfvars.with_name(f"{TWIN}.yaml")
        if self.name in HELD_TO_TWIN and not self.inventory_path.is_file() and twin.is_file():
            # Held to its twin (twin_of), it plans as the twin does: after the same prior apply.
            return Case(self.target, TWIN, twin.with_suffix(".tfvars")).settings()
        inventory = self.inventory()
        return {key: inventory[key] for key in SETTINGS if key in inventory}

    @property
    def prior_apply(self) -> list[str]:
        """Resources applied against the local fake AWS before the plan, so their ARNs are known."""
        return list(self.settings().get("prior_apply", []))

    @property
    def region(self) -> str:
        return region_argument(self.tfvars.read_text(encoding="utf-8")) or DEFAULT_REGION


def region_argument(text: str) -> str | None:
    """The `region = "..."` that `.tfvars` or module arguments set, if any."""
    found = re.search(r'^\s*region\s*=\s*"([^"]*)"', text, re.MULTILINE)
    return found.group(1) if found else None


def in_matrix(case: Case) -> bool:
    """Whether every engine plans `case` (and must plan the same values), not only INVENTORY_ENGINE."""
    return not case.prior_apply and (not case.is_module or case.name in MATRIX_CASES)


def runs_on(engine_name: str, case: Case) -> bool:
    return engine_name == INVENTORY_ENGINE or in_matrix(case)


def discover(plan_data: Path = PLAN_DATA, examples: Path = EXAMPLES) -> list[Case]:
    """Every case: tests/plan/<target>/<case>.tfvars and examples/<example>/tests/<case>.tfvars."""
    found: dict[str, Case] = {}
    sources = [(path, path.parent.relative_to(plan_data).as_posix()) for path in sorted(plan_data.rglob("*.tfvars"))]
    if examples.is_dir():
        sources += [
            (path, f"examples/{path.parent.parent.relative_to(examples).as_posix()}")
            for path in sorted(examples.rglob("tests/*.tfvars"))
            if ".terraform" not in path.parts
        ]
    for tfvars, target in sources:
        case = Case(target, tfvars.stem, tfvars)
        if case.id in found:
            raise ValueError(f"case {case.id} is defined twice: {found[case.id].tfvars} and {tfvars}")
        found[case.id] = case
    return sorted(found.values(), key=lambda case: (case.target, case.name))


def module_targets() -> list[str]:
    """Every module folder (one with a main.tf), e.g. modules/emr-iam and modules/teams/analytics, that the
    installed provider can plan (tests/engine.py needs_newer_provider)."""
    return sorted(
        f"modules/{path.parent.relative_to(MODULES).as_posix()}" for path in MODULES.rglob("main.tf") if not needs_newer_provider(path.parent)
    )


# --- roots ---------------------------------------------------------------------------------------


def _names(text: str, block: str) -> list[str]:
    # Generated files are `tofu fmt`-exact: every block starts at the beginning of a line.
    return re.findall(rf'^{block} "([^"]+)"', text, re.MULTILINE)


def write_wrapper(tree: Path, target: str) -> Path:
    """A root config that calls the module at `tree/target` with every variable passed through."""
    module_dir = tree / target
    root = tree / "_roots" / target.replace("/", "__")
    root.mkdir(parents=True, exist_ok=True)
    variables_tf = (module_dir / "variables.tf").read_text(encoding="utf-8")
    variables = _names(variables_tf, "variable")
    outputs = _names((module_dir / "outputs.tf").read_text(encoding="utf-8"), "output")
    source = os.path.relpath(module_dir, root)
    width = max((len(name) for name in variables), default=0)
    arguments = "".join(f"  {name.ljust(width)} = var.{name}\n" for name in variables)
    (root / "main.tf").write_text(f'module "under_test" {{\n  source = "{source}"\n\n{arguments}}}\n', encoding="utf-8")
    if "region" not in variables:
        # The tfvars may set the region of the test provider; the harness reads it from the file.
        variables_tf += '\nvariable "region" {\n  description = "Region of the test provider."\n  type        = string\n  default     = "us-east-1"\n}\n'
    (root / "variables.tf").write_text(variables_tf, encoding="utf-8")
    (root / "outputs.tf").write_text(
        "".join(f'output "{name}" {{\n  value = module.under_test.{name}\n}}\n\n' for name in outputs), encoding="utf-8"
    )
    return root


def write_provider(root: Path, region: str, endpoint: str | None, *, is_module: bool) -> None:
    """The offline (or local fake AWS) provider settings for a root."""
    block = provider_block(region, endpoint)
    if is_module:
        (root / "provider.tf").write_text(block, encoding="utf-8")
        return
    own_provider = any(re.search(r'^provider\s+"aws"', tf.read_text(encoding="utf-8"), re.MULTILINE) for tf in root.glob("*.tf")
                       if not tf.name.endswith("_override.tf"))
    if own_provider:
        # Merged into the example's own block: the example keeps choosing its region (var.region).
        block = "".join(line + "\n" for line in block.splitlines() if not line.strip().startswith("region "))
        (root / PROVIDER_OVERRIDE).write_text(block, encoding="utf-8")
    else:
        (root / "provider.tf").write_text(block, encoding="utf-8")


def _provider_alias(region: str) -> str:
    return "r_" + region.replace("-", "_")


# The provider block every example writes (tests/test_examples.py checks each has one). A grouped root
# passes an example the root's provider of the instance's region in its place: one provider
# configuration per region instead of one per example instance, each of which the engine starts in
# the validate and the plan walk (3.39 builds its whole schema at every start: about 1 s of CPU per
# configuration and plan; a partition root's plan 20 s -> 13 s). The block itself is planned as
# written where an example is the root: tests/test_apply.py, test_first_run.py and the validate root.
EXAMPLE_PROVIDER = 'provider "aws" {\n  region = var.region\n}\n'


def use_the_roots_provider(example: Path) -> None:
    """Take EXAMPLE_PROVIDER out of a copy of an example, which then gets the provider its caller passes; an
    example whose provider block says more cannot be planned that way, and stops the test."""
    for tf in sorted(example.glob("*.tf")):
        text = tf.read_text(encoding="utf-8")
        if EXAMPLE_PROVIDER in text:
            text = text.replace(EXAMPLE_PROVIDER, "", 1)
            tf.write_text(text, encoding="utf-8")
        if re.search(r'^provider\s+"aws"', text, re.MULTILINE):
            raise ValueError(f"{tf}: a provider block other than {EXAMPLE_PROVIDER!r}; tests/plan/harness.py cannot stand in for it")


@dataclass(frozen=True)
class Instance:
    """One `module` block of a grouped root: a module or an example called with some inputs, and
    given the root's provider of its region (`providers = { aws = aws.<alias> }`; an example's own
    block, EXAMPLE_PROVIDER, is taken out of the root's copy of it).
    """

    name: str  # the module block's name, e.g. "case__modules__emr-iam__custom"
    target: str  # "modules/emr-iam", "examples/default-roles"
    arguments: str  # HCL arguments, `name = value` lines
    region: str = DEFAULT_REGION

    @property
    def is_module(self) -> bool:
        return self.target.startswith("modules/")

    @property
    def prefix(self) -> str:
        return f"module.{self.name}."


def instance_name(kind: str, target: str, name: str) -> str:
    # Module names take letters, digits, "_" and "-": "/" and "." (in a target or case) become "__" and "_".
    return "__".join([kind, target.replace("/", "__"), name]).replace(".", "_")


def case_module_name(case: Case) -> str:
    return instance_name("case", case.target, case.name)


def case_arguments(case: Case) -> str:
    """A `.tfvars` is `name = value` lines: the same text is valid as module arguments. For a module,
    `region` is the test provider's, not the module's; an example declares `var.region` itself."""
    text = case.tfvars.read_text(encoding="utf-8")
    if not case.is_module:
        return text
    return re.sub(r'^\s*region\s*=\s*"[^"]*"\s*$\n?', "", text, flags=re.MULTILINE)


def case_instance(case: Case) -> Instance:
    return Instance(case_module_name(case), case.target, case_arguments(case), case.region)


def write_grouped_root(tree: Path, name: str, instances: list[Instance]) -> Path:
    """One root at `tree/_grouped/<name>` that calls every instance, each with its inputs and the provider
    of its region; each instance's outputs are one root output of the same name."""
    root = tree / "_grouped" / name
    root.mkdir(parents=True, exist_ok=True)
    names = [instance.name for instance in instances]
    duplicated = sorted({name for name in names if names.count(name) > 1})
    if duplicated:
        raise ValueError(f"two instances named {duplicated} in one root")
    blocks = []
    for region in sorted({instance.region for instance in instances}):
        block = provider_block(region)
        blocks.append(block.replace('provider "aws" {\n', f'provider "aws" {{\n  alias                       = "{_provider_alias(region)}"\n', 1))
    for example in sorted({instance.target for instance in instances if not instance.is_module}):
        use_the_roots_provider(tree / example)
    for instance in instances:
        chosen = region_argument(instance.arguments)
        if not instance.is_module and chosen is not None and chosen != instance.region:
            raise ValueError(f"{instance.name}: the example's region {chosen} is not the instance's, {instance.region}, whose provider it gets")
    for instance in instances:
        source = os.path.relpath(tree / instance.target, root)
        providers = f"  providers = {{\n    aws = aws.{_provider_alias(instance.region)}\n  }}\n"
        blocks.append(
            f'module "{instance.name}" {{\n  source = "{source}"\n{providers}\n{instance.arguments}\n}}\n\n'
            f'output "{instance.name}" {{\n  value = module.{instance.name}\n}}\n'
        )
    (root / "main.tf").write_text("\n".join(blocks), encoding="utf-8")
    return root


def scoped_plan(plan: dict[str, Any], name: str) -> dict[str, Any]:
    """The part of a grouped root's plan that belongs to module instance `name`, shaped like the plan of
    that module as the root: its resource changes and planned resources with the `module.<name>.` prefix
    taken off their addresses, its outputs as root outputs, its configuration as the root module's."""
    prefix = f"module.{name}."

    def strip(address: str) -> str:
        return address.removeprefix(prefix)

    def child(module: dict[str, Any]) -> dict[str, Any]:
        return next((inner for inner in module.get("child_modules", []) if inner.get("address") == f"module.{name}"), {})

    def rebased(module: dict[str, Any]) -> dict[str, Any]:
        out = {**module, "resources": [{**resource, "address": strip(resource["address"])} for resource in module.get("resources", [])]}
        out["child_modules"] = [{**rebased(inner), "address": strip(inner["address"])} for inner in module.get("child_modules", [])]
        out.pop("address", None)
        return out

    planned = child(plan.get("planned_values", {}).get("root_module", {}))
    change = plan.get("output_changes", {}).get(name, {})
    after, unknown = change.get("after") or {}, change.get("after_unknown") or {}
    outputs = {key: {"value": value, "sensitive": False} for key, value in after.items() if not (isinstance(unknown, dict) and unknown.get(key) is True)}
    output_changes = {
        key: {"actions": change.get("actions", []), "after": after.get(key), "after_unknown": unknown.get(key, False) if isinstance(unknown, dict) else unknown}
        for key in {*after, *(unknown if isinstance(unknown, dict) else {})}
    }
    module_address = f"module.{name}"
    changes = []
    for resource_change in plan.get("resource_changes", []):
        if not resource_change["address"].startswith(prefix):
            continue
        scoped = {**resource_change, "address": strip(resource_change["address"])}
        inner = resource_change.get("module_address", "")
        if inner == module_address:
            scoped.pop("module_address")
        else:
            scoped["module_address"] = strip(inner)
        changes.append(scoped)
    call = plan.get("configuration", {}).get("root_module", {}).get("module_calls", {}).get(name, {})
    return {
        **{key: value for key, value in plan.items() if key not in ("planned_values", "resource_changes", "output_changes", "configuration")},
        "planned_values": {"root_module": rebased(planned), "outputs": outputs},
        "resource_changes": changes,
        "output_changes": output_changes,
        "configuration": {**plan.get("configuration", {}), "root_module": call.get("module", {})},
    }


@functools.cache
def _reads_cwd(target: str) -> bool:
    # path.root too: the root folder is the grouped root's.
    return any(word in tf.read_text(encoding="utf-8") for tf in (ROOT / target).glob("*.tf") for word in ("path.cwd", "path.root"))


def root_group(case: Case) -> str:
    """The grouped root an engine plans `case` in (one root per group and engine): every module case in
    "modules", every example's case in "examples", but for an example that names what it makes after
    `basename(path.cwd)`: its cases get a root of their own, in a folder named like the example, so that
    they plan as the example does as a root."""
    if case.is_module:
        return "modules"
    if _reads_cwd(case.target):
        return f"{case.target.replace('/', '__')}/{case.target.rsplit('/', 1)[-1]}"
    return "examples"


class Workbench:
    """Temporary copies of the repo tree, one per engine, and the plans made in them.

    Every case that plans offline is a module instance of one root per engine (`grouped`): the
    engine starts, initialises and plans once for all of them, and each case's summary is cut out
    of the common plan by its module address. Other tests add roots of their own through `grouped`
    (tests/test_partitions.py: every module and example in each partition). A case that applies
    first (`prior_apply`) gets a fresh copy and a wrapper of its own. Every root installs the provider
    from the one plugin directory (symlinked, never copied).
    """

    def __init__(self, base: Path, cases: list[Case] | None = None, shared: Path | None = None,
                 selects: Callable[[str, Case], bool] | None = None):
        self.base = base
        self.cases = cases if cases is not None else discover()
        # Which cases an engine plans (all by default).
        self.selects = selects or (lambda engine_name, case: True)
        # A folder all pytest-xdist workers of the session see: a grouped root is planned once there.
        self.shared = shared
        self._trees: dict[str, Path] = {}
        self._roots: dict[tuple[str, str], tftest.TerraformTest] = {}
        self._summaries: dict[tuple[str, str], Summary] = {}
        self._fresh = 0
        self._made: dict[str, dict[str, Any] | Exception] = {}

    def _tree(self, engine: Engine, variant: str = "") -> Path:
        key = f"{engine.name}{'-' + variant if variant else ''}"
        if key not in self._trees:
            self._trees[key] = copy_tree(self.base / key)
        return self._trees[key]

    @staticmethod
    def _init(root: Path, engine: Engine) -> tftest.TerraformTest:
        if not root.is_dir():
            raise FileNotFoundError(f"{root}: no such module or example")
        test = tftest.TerraformTest(str(root), binary=str(engine.binary), env=engine.env(), cache_dir=str(root))
        test.setup(plugin_dir=str(PLUGIN_DIR), cleanup_on_exit=False)
        return test

    def root(self, engine: Engine, target: str, *, fresh: bool = False) -> tftest.TerraformTest:
        """An initialised root for a single case of `target`: a wrapper for a module."""
        if fresh:
            self._fresh += 1
            tree = copy_tree(self.base / f"fresh-{engine.name}-{self._fresh}")
            return self._init(write_wrapper(tree, target) if target.startswith("modules/") else tree / target, engine)
        key = (engine.name, target)
        if key not in self._roots:
            tree = self._tree(engine)
            self._roots[key] = self._init(write_wrapper(tree, target) if target.startswith("modules/") else tree / target, engine)
        return self._roots[key]

    def plan(self, engine: Engine, case: Case, endpoint: str | None = None) -> Summary:
        """Plan a case (after its prior apply against `endpoint`, if it has one) and summarise it."""
        key = (engine.name, case.id)
        if case.prior_apply and key not in self._summaries:
            if endpoint is None:
                raise ValueError(f"{case.id}: prior_apply needs the local fake AWS")
            test = self.root(engine, case.target, fresh=True)
            write_provider(Path(test.tfdir), case.region, endpoint, is_module=case.is_module)
            prefix = WRAPPED if case.is_module else ""
            test.apply(tf_var_file=str(case.tfvars), targets=[prefix + address for address in case.prior_apply])
            self._summaries[key] = summarize(test.plan(output=True, tf_var_file=str(case.tfvars))._raw, prefix)
        if key not in self._summaries:
            self._summaries[key] = summarize(self.case_plan(engine, case))
        return self._summaries[key]

    def case_plan(self, engine: Engine, case: Case) -> dict[str, Any]:
        """`case`'s part of the plan of its group root (root_group; scoped_plan: shaped like the plan of the
        case's module or example as the root)."""
        group = root_group(case)
        instances = [case_instance(other) for other in self.cases
                     if not other.prior_apply and self.selects(engine.name, other) and root_group(other) == group]
        if case_instance(case) not in instances:
            raise ValueError(f"{engine.name} does not plan {case.id} offline")
        return scoped_plan(self.grouped(engine, group, instances), case_module_name(case))

    def grouped(self, engine: Engine, name: str, instances: list[Instance], prepare: Callable[[Path], object] | None = None) -> dict[str, Any]:
        """`show -json` of the plan of one root calling every instance, made once per session and engine.
        `prepare` changes the tree first (a root with `prepare` gets a copy of the tree of its own)."""
        def make() -> dict[str, Any]:
            tree = self._tree(engine, name if prepare else "")
            if prepare is not None:
                prepare(tree)
            plan: dict[str, Any] = self._init(write_grouped_root(tree, name, instances), engine).plan(output=True)._raw
            return plan

        return self._shared(f"plan-{engine.name}-{name.replace('/', '__')}", make)

    def _shared(self, name: str, make: Callable[[], dict[str, Any]]) -> dict[str, Any]:
        """`make()`'s plan, made once per session: the other workers read it from the shared folder. A plan
        that failed fails every test that asks for it, with the same error, and is not made again."""
        if name not in self._made:
            try:
                self._made[name] = self._make_shared(name, make)
            except Exception as error:
                self._made[name] = error
        found = self._made[name]
        if isinstance(found, Exception):
            raise found
        return found

    def _make_shared(self, name: str, make: Callable[[], dict[str, Any]]) -> dict[str, Any]:
        # The first worker to ask plans; the others wait for it and read its plan (tests/shared.py).
        plan = once(self.shared, name, make)
        assert plan is not None  # once() waits
        return plan

    def cleanup(self) -> None:
        shutil.rmtree(self.base, ignore_errors=True)


# --- plan summary --------------------------------------------------------------------------------


@dataclass
class Summary:
    """What a plan will leave: values by resource address, counts by type, outputs.

    JSON strings (policies, trust policies, security configurations) are decoded, so documents
    compare as data; unknown values are `UNKNOWN`.
    """

    values: dict[str, dict[str, Any]]
    counts: dict[str, int]
    outputs: dict[str, Any]
    prefix: str = ""
    # Attributes each resource sets in its configuration, by configuration address.
    configured: dict[str, set[str]] = field(default_factory=dict)


def decode(value: Any) -> Any:
    """Decode strings that hold a JSON object or array, recursively."""
    if isinstance(value, str) and value.lstrip()[:1] in ("{", "["):
        try:
            return decode(json.loads(value))
        except ValueError:
            return value
    if isinstance(value, dict):
        return {key: decode(item) for key, item in value.items()}
    if isinstance(value, list):
        return [decode(item) for item in value]
    return value


def with_unknowns(value: Any, unknown: Any) -> Any:
    """Merge a plan's `after` with its `after_unknown` marks."""
    if unknown is True:
        return UNKNOWN
    if isinstance(unknown, dict) and unknown:
        merged = dict(value) if isinstance(value, dict) else {}
        for key, mark in unknown.items():
            merged[key] = with_unknowns(merged.get(key), mark)
        return merged
    if isinstance(unknown, list) and unknown:
        items = list(value) if isinstance(value, list) else []
        items += [None] * (len(unknown) - len(items))
        return [with_unknowns(item, unknown[index] if index < len(unknown) else False) for index, item in enumerate(items)]
    return value


def _walk_modules(module: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield from module.get("resources", [])
    for child in module.get("child_modules", []):
        yield from _walk_modules(child)


def config_address(address: str) -> str:
    """`module.a["k"].aws_iam_role.this[0]` -> `module.a.aws_iam_role.this`."""
    return re.sub(r'\[(?:"(?:[^"\\]|\\.)*"|\d+)\]', "", address)


def configured_attributes(plan: dict[str, Any]) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}

    def walk(module: dict[str, Any], prefix: str) -> None:
        for resource in module.get("resources", []):
            if resource.get("mode") == "managed":
                found[prefix + resource["address"]] = set(resource.get("expressions", {}))
        for name, call in module.get("module_calls", {}).items():
            walk(call.get("module", {}), f"{prefix}module.{name}.")

    walk(plan.get("configuration", {}).get("root_module", {}), "")
    return found


def summarize(plan: dict[str, Any], prefix: str = "", output: str | None = None) -> Summary:
    """The summary of the resources under `prefix` (all with ""); with `output`, the outputs are
    the attributes of that root output (a module's outputs as one object), else the root outputs."""
    changes = {change["address"]: change["change"] for change in plan.get("resource_changes", [])}
    values: dict[str, dict[str, Any]] = {}
    counts: Counter[str] = Counter()
    for resource in _walk_modules(plan.get("planned_values", {}).get("root_module", {})):
        address = resource["address"]
        if resource.get("mode") != "managed" or not address.startswith(prefix):
            continue
        unknown = changes.get(address, {}).get("after_unknown", {})
        values[address.removeprefix(prefix)] = decode(with_unknowns(resource.get("values", {}), unknown))
        counts[resource["type"]] += 1
    outputs: dict[str, Any] = {}
    output_changes = plan.get("output_changes", {})
    planned_outputs = plan.get("planned_values", {}).get("outputs", {})
    for name, change in output_changes.items():
        outputs[name] = decode(with_unknowns(change.get("after"), change.get("after_unknown", False)))
    for name, planned in planned_outputs.items():
        outputs.setdefault(name, decode(planned.get("value")))
    if output is not None:
        outputs = outputs.get(output) or {}
    return Summary(
        values=dict(sorted(values.items())),
        counts={**dict(sorted(counts.items())), "resources": sum(counts.values())},
        outputs=dict(sorted(outputs.items())),
        prefix=prefix,
        configured=configured_attributes(plan),
    )


# --- comparison ----------------------------------------------------------------------------------


def compare(expected: Any, actual: Any, where: str) -> list[str]:
    """Subset match: mappings may hold more keys than expected; lists match item by item, in order."""
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return [f"{where}: expected a mapping, planned {actual!r}"]
        problems: list[str] = []
        for key, item in expected.items():
            if key not in actual:
                problems.append(f"{where}.{key}: missing from the plan")
            else:
                problems += compare(item, actual[key], f"{where}.{key}")
        return problems
    if isinstance(expected, list):
        if not isinstance(actual, list):
            return [f"{where}: expected a list, planned {actual!r}"]
        if len(expected) != len(actual):
            return [f"{where}: expected {len(expected)} items {expected!r}, planned {len(actual)} items {actual!r}"]
        problems = []
        for index, (item, planned) in enumerate(zip(expected, actual, strict=True)):
            problems += compare(item, planned, f"{where}[{index}]")
        return problems
    if expected != actual or type(expected) is not type(actual) and not (_is_number(expected) and _is_number(actual)):
        return [f"{where}: expected {expected!r}, planned {actual!r}"]
    return []


def differences(here: Any, there: Any, where: str) -> list[str]:
    """Exact comparison, both ways: every key and item of either side, in order."""
    if isinstance(here, dict) and isinstance(there, dict):
        found: list[str] = []
        for key in sorted(here.keys() | there.keys()):
            if key not in there:
                found.append(f"{where}.{key}: only here")
            elif key not in here:
                found.append(f"{where}.{key}: only there")
            else:
                found += differences(here[key], there[key], f"{where}.{key}")
        return found
    if isinstance(here, list) and isinstance(there, list) and len(here) == len(there):
        return [problem for index, pair in enumerate(zip(here, there, strict=True)) for problem in differences(*pair, f"{where}[{index}]")]
    if here != there or type(here) is not type(there) and not (_is_number(here) and _is_number(there)):
        return [f"{where}: {here!r} here, {there!r} there"]
    return []


def plan_differences(here: Summary, there: Summary) -> list[str]:
    """Where two plans of the same case differ: planned values by address, counts and outputs."""
    found = []
    for address in sorted(here.values.keys() | there.values.keys()):
        if address not in there.values:
            found.append(f"values[{address}]: only here")
        elif address not in here.values:
            found.append(f"values[{address}]: only there")
        else:
            found += differences(here.values[address], there.values[address], f"values[{address}]")
    found += differences(here.counts, there.counts, "counts") + differences(here.outputs, there.outputs, "outputs")
    return sorted(found)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def check_inventory(inventory: dict[str, Any], summary: Summary) -> list[str]:
    problems: list[str] = []
    for address, expected in (inventory.get("values") or {}).items():
        if address not in summary.values:
            problems.append(f"values: {address} is not planned; planned: {sorted(summary.values)}")
        else:
            problems += compare(expected, summary.values[address], f"values[{address}]")
    for kind, expected_count in (inventory.get("counts") or {}).items():
        planned = summary.counts.get(kind, 0)
        if planned != expected_count:
            problems.append(f"counts.{kind}: expected {expected_count}, planned {planned}")
    expected_outputs = inventory.get("outputs") or {}
    for name, expected in expected_outputs.items():
        if name not in summary.outputs:
            problems.append(f"outputs.{name}: not an output of the plan; outputs: {sorted(summary.outputs)}")
        else:
            problems += compare(expected, summary.outputs[name], f"outputs.{name}")
    # An inventory leaves null outputs out (an optional piece that is off adds only those): every output it
    # does not name must be null.
    if "outputs" in inventory:
        for name, planned in summary.outputs.items():
            if name not in expected_outputs and planned is not None:
                problems.append(f"outputs.{name}: planned {planned!r}; the inventory names no such output, so it must be null")
    if not any(key in inventory for key in GENERATED):
        problems.append("the inventory has no values, counts or outputs")
    return problems


def failure_message(case: Case, problems: list[str]) -> str:
    shown = problems[:40] + ([f"... and {len(problems) - 40} more"] if len(problems) > 40 else [])
    return (
        f"{case.id}: the plan does not match {case.inventory_path.relative_to(ROOT)}\n  "
        + "\n  ".join(shown)
        + f"\nIf the change is intended, regenerate the inventory from a real plan and review its diff:\n  {case.regenerate_command}"
    )


# --- invariants every case of a kind must hold, beside its inventory ------------------------------


def _strings(value: Any, where: str) -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        yield where, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(item, f"{where}.{key}" if where else key)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _strings(item, f"{where}[{index}]")


def service_principals(value: Any, where: str) -> Iterator[tuple[str, str]]:
    """Service principals in trust policies, `iam:PassedToService` values and `aws_service_name`."""
    if isinstance(value, dict):
        for key, item in value.items():
            here = f"{where}.{key}" if where else key
            if key == "Principal" and isinstance(item, dict) and "Service" in item:
                services = item["Service"]
                for index, service in enumerate(services if isinstance(services, list) else [services]):
                    yield f"{here}.Service[{index}]", service
            elif key in ("iam:PassedToService", "aws_service_name"):
                for index, service in enumerate(item if isinstance(item, list) else [item]):
                    yield f"{here}[{index}]", service
            else:
                yield from service_principals(item, here)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from service_principals(item, f"{where}[{index}]")


def partition_problems(summary: Summary, partition: str, foreign_arns: list[str]) -> tuple[list[str], int]:
    """Every ARN in the partition and every service principal with the partition's suffix.

    Returns the problems and how many ARNs and principals were checked.
    """
    planned = {"values": summary.values, "outputs": summary.outputs}
    problems, checked = [], 0
    for where, text in _strings(planned, ""):
        if text.startswith("arn:") and text not in foreign_arns:
            checked += 1
            if not text.startswith(f"arn:{partition}:"):
                problems.append(f"{where}: {text!r} is not in partition {partition}")
    # The trust principals of the partition, and the forms iam:PassedToService may take there.
    allowed = {principals[partition] for principals in facts.SERVICE_PRINCIPALS.values()}
    allowed |= {form for forms in facts.PASSED_TO_SERVICE_FORMS[partition].values() for form in forms}
    allowed |= {form for forms in facts.SERVERLESS_PASSED_TO_SERVICE_FORMS[partition].values() for form in forms}
    # The EMR Serverless service-linked role's service name, the same in every partition.
    allowed.add(facts.SERVERLESS_SERVICE_LINKED_ROLE_SERVICE)
    # EKS Pod Identity's principal, where AWS offers it (none in aws-cn).
    allowed |= {facts.EKS_POD_IDENTITY_PRINCIPALS[partition]} if partition in facts.EKS_POD_IDENTITY_PRINCIPALS else set()
    for where, service in service_principals(planned, ""):
        checked += 1
        if service not in allowed:
            problems.append(f"{where}: service principal {service!r} is not one of {partition}'s {sorted(allowed)}")
    return problems, checked


# A partition case of these partitions that has no inventory is held to its twin in aws-cn instead (same inputs
# but the region): the same plan, partition for partition. aws-cn is the partition whose principals differ.
TWIN = "partition-aws-cn"
HELD_TO_TWIN = ("partition-aws", "partition-aws-us-gov")


def twin_of(case: Case, cases: list[Case]) -> Case | None:
    """The aws-cn twin that `case` is held to, when it is a partition case of HELD_TO_TWIN without an inventory."""
    if case.name not in HELD_TO_TWIN or case.inventory_path.is_file():
        return None
    return next((other for other in cases if other.target == case.target and other.name == TWIN), None)


def inputs_but_region(case: Case, partition: str) -> list[str]:
    """The input lines of a case's `.tfvars` with comments, blank lines and `region` left out, and what the
    partition decides written alike: `arn:<partition>:`, and the partition's sample region as a value."""
    region = facts.PARTITION_SAMPLE_REGIONS[partition]
    lines = [line.rstrip() for line in case.tfvars.read_text(encoding="utf-8").splitlines()]
    return [
        line.replace(f"arn:{partition}:", "arn:<partition>:").replace(f'"{region}"', '"<region>"')
        for line in lines
        if line.strip() and not line.lstrip().startswith("#") and not re.match(r"\s*region\s*=", line)
    ]


def partition_neutral(value: Any, partition: str) -> Any:
    """`value` with what the partition decides written the same in every partition: `arn:<partition>:`, the
    partition's sample region (`<region>`), and each service principal (or iam:PassedToService
    form; a list of them as the set of services, one alone as a string, as IAM policy documents write it)."""
    services = {principals[partition]: service for service, principals in facts.SERVICE_PRINCIPALS.items()}
    for table in (facts.PASSED_TO_SERVICE_FORMS, facts.SERVERLESS_PASSED_TO_SERVICE_FORMS):
        services |= {form: service for service, forms in table[partition].items() for form in forms}
    region = facts.PARTITION_SAMPLE_REGIONS[partition]

    def neutral(item: Any) -> Any:
        if isinstance(item, str):
            if item in services:
                return f"<service {services[item]}>"
            return item.replace(f"arn:{partition}:", "arn:<partition>:").replace(region, "<region>")
        if isinstance(item, dict):
            return {key: neutral(inner) for key, inner in item.items()}
        if isinstance(item, list):
            items = [neutral(inner) for inner in item]
            if items and all(isinstance(inner, str) and inner.startswith("<service ") for inner in items):
                unique = sorted(set(items))
                return unique[0] if len(unique) == 1 else unique
            return items
        return item

    return neutral(value)


def twin_problems(summary: Summary, partition: str, twin: Summary) -> list[str]:
    """Where a partition case's plan differs from its aws-cn twin's, beyond what the partition decides: what
    an inventory of each would record (inventory_from: every configured attribute and known ARN of every
    resource, counts, outputs), compared exactly, both ways."""
    here, there = inventory_from(summary, {}), inventory_from(twin, {})
    return differences(partition_neutral(here, partition), partition_neutral(there, "aws-cn"), "plan")


def structural_problems(summary: Summary) -> list[str]:
    """Facts that hold for every plan: trust policies are never empty; instance profile = role name."""
    problems = []
    for address, values in summary.values.items():
        trust = values.get("assume_role_policy")
        if trust is not None and trust != UNKNOWN and not (isinstance(trust, dict) and trust.get("Statement")):
            problems.append(f"{address}: the trust policy has no statement: {trust!r}")
        if address.endswith("aws_iam_instance_profile.this[0]") and values.get("name") != values.get("role"):
            problems.append(f"{address}: instance profile {values.get('name')!r} is not named after its role {values.get('role')!r}")
    return problems


# --- regeneration --------------------------------------------------------------------------------


class _InventoryDumper(yaml.SafeDumper):
    pass


def _represent_list(dumper: yaml.SafeDumper, items: list[Any]) -> yaml.Node:
    # Lists of plain values (actions, identifiers) on one line; lists of mappings as blocks.
    flow = bool(items) and all(isinstance(item, str | int | float | bool) or item is None for item in items)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", items, flow_style=flow)


_InventoryDumper.add_representer(list, _represent_list)


def inventory_from(summary: Summary, settings: dict[str, Any]) -> dict[str, Any]:
    """The inventory a plan gives: the attributes each resource's configuration sets, and its ARN
    once known. Provider defaults and computed values (`id`, `unique_id`, `create_date`, which
    change from one apply to the next) are left out."""
    values = {}
    for address, attributes in summary.values.items():
        configured = summary.configured.get(config_address(summary.prefix + address), set())
        values[address] = {key: value for key, value in attributes.items() if key in configured or key == "arn" and value != UNKNOWN}
    # Null outputs are left out: check_inventory holds every output the inventory does not name to null.
    outputs = {name: value for name, value in summary.outputs.items() if value is not None}
    return {**settings, "values": values, "counts": summary.counts, "outputs": outputs}


def write_inventory(case: Case, summary: Summary) -> None:
    inventory = inventory_from(summary, case.settings())
    header = (
        f"# Plan inventory of {case.target}, case {case.name} (inputs: {case.tfvars.name}).\n"
        "# Expected planned values (matched as a subset), resource counts by type and outputs; JSON\n"
        f'# strings are decoded; "{UNKNOWN}" marks a value unknown at plan time.\n'
        f"# Written from a real plan by: {case.regenerate_command}\n"
    )
    text = yaml.dump(inventory, Dumper=_InventoryDumper, sort_keys=False, default_flow_style=False, width=200, allow_unicode=True)
    with tempfile.NamedTemporaryFile("w", dir=case.inventory_path.parent, delete=False, encoding="utf-8") as staged:
        staged.write(header + text)
    os.chmod(staged.name, 0o644)
    os.replace(staged.name, case.inventory_path)
