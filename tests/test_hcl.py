"""The HCL writer, and every generated module read back with python-hcl2."""

from __future__ import annotations

import copy
import functools
import json
import re
from pathlib import Path
from typing import Any

import hcl2
import pytest

from generator import catalog, facts
from generator.hcl import Expr, body, expression, quote, template

ROOT = Path(__file__).resolve().parent.parent
MODULES = ROOT / "modules"
MODULE_DIRS = sorted(path.parent for path in MODULES.rglob("main.tf"))
REFERENCE = re.compile(r"(?<![\w.\"])(var|local|module|data|aws_[a-z0-9_]+)\.([A-Za-z0-9_-]+)(?:\[\d+\])?(?:\.([A-Za-z0-9_-]+))?")


# --- the writer -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "hcl"),
    [
        ("plain", '"plain"'),
        ("${var.secret}", '"$${var.secret}"'),
        ("%{ if true }x%{ endif }", '"%%{ if true }x%%{ endif }"'),
        ('say "hi"', '"say \\"hi\\""'),
        ("two\nlines", '"two\\nlines"'),
        ("back\\slash", '"back\\\\slash"'),
        ("# not a comment // nor /* this */", '"# not a comment // nor /* this */"'),
        ("$ alone and % alone", '"$ alone and % alone"'),
        ("ünïcode", '"ünïcode"'),
    ],
)
def test_strings_are_always_literal(text: str, hcl: str) -> None:
    assert quote(text) == hcl


def test_template_interpolates_only_references() -> None:
    value = template("arn:", Expr("local.partition"), ":s3:::bucket/${x}")
    assert expression(value) == '"arn:${local.partition}:s3:::bucket/$${x}"'
    assert value.sample({"local.partition": "aws-cn"}) == "arn:aws-cn:s3:::bucket/${x}"


def test_body_aligns_runs_of_single_line_values_only() -> None:
    text = body({"a": 1, "long_name": "x", "nested": {"k": True, "key2": None}, "b": [1, 2], "after": []}, 2)
    assert text == (
        "  a         = 1\n"
        '  long_name = "x"\n'
        "  nested = {\n"
        "    k    = true\n"
        "    key2 = null\n"
        "  }\n"
        "  b     = [1, 2]\n"
        "  after = []\n"
    )


def test_keys_that_are_not_identifiers_are_quoted() -> None:
    assert body({"s3:prefix": ["a"], "ok_key": 1}, 0) == '"s3:prefix" = ["a"]\nok_key      = 1\n'


def test_lists_of_objects_are_multiline() -> None:
    assert expression([{"a": 1}], 0) == "[\n  {\n    a = 1\n  },\n]"


# --- the generated modules, read back ----------------------------------------------------------


def _name(key: str) -> str:
    return key.strip('"')


def _load(folder: Path, file: str) -> dict[str, Any]:
    # A copy: callers may change what they get; the parse (python-hcl2, slow) is made once per file.
    return copy.deepcopy(_parsed(folder / file))


@functools.cache
def _parsed(path: Path) -> dict[str, Any]:
    with path.open() as handle:
        parsed: dict[str, Any] = hcl2.load(handle)
        return parsed


def _blocks(parsed: dict[str, Any], kind: str) -> dict[str, dict[str, Any]]:
    return {_name(name): block for item in parsed.get(kind, []) for name, block in item.items()}


def _declared(folder: Path) -> dict[str, set[str]]:
    """What a module declares: variables, locals, outputs, modules, resources and data sources."""
    declared: dict[str, set[str]] = {"var": set(), "local": set(), "module": set(), "output": set()}
    for file in ("main.tf", "variables.tf", "outputs.tf", "versions.tf"):
        parsed = _load(folder, file)
        declared["var"] |= set(_blocks(parsed, "variable"))
        declared["output"] |= set(_blocks(parsed, "output"))
        declared["module"] |= set(_blocks(parsed, "module"))
        for item in parsed.get("locals", []):
            declared["local"] |= {key for key in item if not key.startswith("__")}
        for kind in ("resource", "data"):
            for item in parsed.get(kind, []):
                for rtype, named in item.items():
                    declared.setdefault(f"{kind}:{_name(rtype)}", set()).update(_name(n) for n in named)
    return declared


@pytest.mark.parametrize("folder", MODULE_DIRS, ids=[str(p.relative_to(MODULES)) for p in MODULE_DIRS])
def test_every_variable_has_type_description_and_default(folder: Path) -> None:
    variables = _blocks(_load(folder, "variables.tf"), "variable")
    assert variables, f"{folder} declares no variables"
    for name, block in variables.items():
        assert block.get("type"), f"{folder}: variable {name} has no type"
        assert _name(str(block.get("description", ""))).strip(), f"{folder}: variable {name} has no description"
        assert "default" in block, f"{folder}: variable {name} has no default"
    assert "create" in variables and variables["create"]["type"] == "bool" and variables["create"]["default"] is True


@pytest.mark.parametrize("folder", MODULE_DIRS, ids=[str(p.relative_to(MODULES)) for p in MODULE_DIRS])
def test_every_reference_resolves(folder: Path) -> None:
    declared = _declared(folder)
    outputs = _blocks(_load(folder, "outputs.tf"), "output")
    assert outputs, f"{folder} has no outputs"
    main = _load(folder, "main.tf")
    texts = [json.dumps(main), json.dumps(outputs)]
    for kind, name, attribute in (match.groups() for text in texts for match in REFERENCE.finditer(text)):
        if kind in ("var", "local", "module"):
            assert name in declared[kind], f"{folder}: {kind}.{name} is not declared"
        elif kind == "data":
            assert name in declared.get(f"data:{name}", set()) or attribute in declared.get(f"data:{name}", set()), (
                f"{folder}: data.{name}.{attribute} is not declared"
            )
        else:
            assert name in declared.get(f"resource:{kind}", set()), f"{folder}: {kind}.{name} is not declared"
        if kind == "module" and attribute is not None:  # a whole module call is named in `moved` blocks
            source = _name(_blocks(main, "module")[name]["source"])
            child = _declared((folder / source).resolve())
            assert attribute in child["output"], f"{folder}: module.{name}.{attribute} is not an output of {source}"


@pytest.mark.parametrize("folder", MODULE_DIRS, ids=[str(p.relative_to(MODULES)) for p in MODULE_DIRS])
def test_outputs_cover_every_name_and_arn(folder: Path) -> None:
    outputs = set(_blocks(_load(folder, "outputs.tf"), "output"))
    for output in outputs:
        # An EMR security configuration has a name and no ARN.
        if output.startswith("security_configuration"):
            continue
        if output.endswith("_name") or output.endswith("_names"):
            assert output.replace("_name", "_arn") in outputs, f"{folder}: {output} without its ARN"


def test_catalog_matches_the_rendered_interfaces() -> None:
    for module in catalog.GENERIC_MODULES:
        folder = MODULES / module.name
        assert list(_blocks(_load(folder, "variables.tf"), "variable")) == [v.name for v in module.variables]
        assert list(_blocks(_load(folder, "outputs.tf"), "output")) == [o.name for o in module.outputs]


def test_piece_declarations_name_what_the_modules_have() -> None:
    """Wiring, toggles, outputs and adoption of each piece name what exists: a misspelt name fails here, not silently."""
    toggles = {piece.toggle.name for piece in catalog.PIECES}
    composite = [variable.name for variable in catalog.COMPOSITE.variables]
    assert len(composite) == len(set(composite)), "two pieces claim one composite variable"
    for piece in catalog.PIECES:
        variables = {variable.name for variable in piece.module.variables}
        assert set(piece.wired) <= variables - catalog.SHARED, piece.block
        assert set(piece.requires) <= toggles, piece.block
        assert {output.output for output in piece.outputs} <= {output.name for output in piece.module.outputs}, piece.block
        adoption = piece.adoption
        if adoption is None:
            continue
        named = {adoption.role_map} if adoption.role_map else set()
        for role in adoption.roles:
            named |= {role.name, *(x for x in (role.policy_arns, role.managed_policy and role.managed_policy.by) if x)}
            named |= {role.only_when[0]} if role.only_when else set()
        assert named <= variables, f"{piece.block}: {sorted(named - variables)}"


def test_composite_arguments_set_only_a_piece_s_own_variables() -> None:
    studio = catalog.PIECE["studio_roles"]
    assert studio.composite_arguments({"create": True, "auth_mode": "IAM", "studio_ids": []}) == {
        "create_studio": True, "studio_auth_mode": "IAM", "studio_ids": [],
    }
    # Wired in the composite (to source_account_id), and shared: not the piece's to set.
    for name in ("account_id", "path", "auth_mod"):
        with pytest.raises(KeyError, match=name):
            studio.composite_arguments({name: None})


@pytest.mark.parametrize("piece", [p for p in catalog.PIECES if p.adoption], ids=lambda piece: piece.block)
def test_adoption_addresses_are_resources_of_the_module(piece: catalog.Piece) -> None:
    """`emr-iam imports` writes addresses of resources the piece's module has (a renamed resource breaks adoption)."""
    declared = _declared(MODULES / piece.module.name)
    assert piece.adoption is not None
    if piece.adoption.service_linked_role is not None:
        assert "this" in declared["resource:aws_iam_service_linked_role"]
        return
    roles, attachments = declared["resource:aws_iam_role"], declared["resource:aws_iam_role_policy_attachment"]
    if piece.adoption.role_map:
        assert "this" in roles and "this" in attachments
    for role in piece.adoption.roles:
        assert role.resource in roles
        assert role.policy_arns is None or role.resource in attachments
        assert role.managed_policy is None or "managed" in attachments
        assert not role.instance_profile or "this" in declared["resource:aws_iam_instance_profile"]


def test_no_hard_coded_partition() -> None:
    for path in [*(ROOT / "templates").rglob("*.j2"), *(MODULES / m.name for m in catalog.GENERIC_MODULES)]:
        files = [path] if path.is_file() else list(path.glob("*.tf"))
        for file in files:
            assert "arn:aws:" not in file.read_text(), f"{file} hard-codes the aws partition"
    for folder in (MODULES / "teams").iterdir():
        text = (folder / "main.tf").read_text()
        generated_arns = re.findall(r'"(arn:[^"]*)"', text)
        for arn in generated_arns:
            assert arn.startswith("arn:${local.partition}:") or arn.startswith("arn:aws"), arn


def test_principals_cover_every_partition() -> None:
    main = (MODULES / "emr-service-role" / "main.tf").read_text()
    for partition in facts.PARTITIONS:
        assert f'"{partition}" = {{' in main or f"{partition} = {{" in main
    assert "elasticmapreduce.amazonaws.com.cn" in main
