"""Strict types: every field takes the type YAML gives it, never a string that looks like one.

`create: "yes"` is a string, not true; `managed_policies_per_role: "12"` a string, not 12. Every
model of the spec is walked, so a field added later is covered without a new test.
"""

from __future__ import annotations

import types
import typing
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

from generator import spec as spec_module
from generator.spec import Spec, load_spec
from tests.helpers import run_cli, write_spec
from tests.test_spec import expect_error


def _models(root: type[BaseModel] = Spec, seen: set[type[BaseModel]] | None = None) -> set[type[BaseModel]]:
    """Every model reachable from the spec's root."""
    seen = set() if seen is None else seen
    if root in seen:
        return seen
    seen.add(root)
    for field in root.model_fields.values():
        for candidate in _flatten(field.annotation):
            if isinstance(candidate, type) and issubclass(candidate, BaseModel):
                _models(candidate, seen)
    return seen


def _flatten(annotation: Any) -> list[Any]:
    out = [annotation]
    for argument in typing.get_args(annotation):
        out.extend(_flatten(argument))
    return out


def _scalar_fields(kind: type) -> list[tuple[type[BaseModel], str]]:
    """(model, field) for every field whose annotation is `kind` itself (optional or not)."""
    found = []
    for model in sorted(_models(), key=lambda m: m.__name__):
        for name, field in model.model_fields.items():
            annotation = field.annotation
            members = typing.get_args(annotation) if isinstance(annotation, types.UnionType) else (annotation,)
            if kind in members:
                found.append((model, name))
    return found


BOOL_FIELDS = _scalar_fields(bool)
INT_FIELDS = _scalar_fields(int)
STRING_BOOLEANS = ["true", "false", "yes", "no", "True", "1", "0", "on", "off"]


def _refusal(model: type[BaseModel], field: str, value: Any) -> dict[str, Any]:
    with pytest.raises(ValidationError) as raised:
        model.model_validate({field: value})
    mine = [error for error in raised.value.errors() if error["loc"][:1] == (field,)]
    assert mine, f"{model.__name__}.{field} accepted {value!r}"
    return mine[0]


def test_the_walk_finds_the_fields() -> None:
    # The walk is what makes the test systematic: it must see the spec's booleans and numbers.
    assert len(BOOL_FIELDS) >= 20
    assert {(m.__name__, f) for m, f in INT_FIELDS} == {("Quotas", "managed_policies_per_role"), ("Quotas", "trust_policy")}


@pytest.mark.parametrize(("model", "field"), BOOL_FIELDS, ids=[f"{m.__name__}.{f}" for m, f in BOOL_FIELDS])
def test_every_boolean_refuses_strings_and_numbers(model: type[BaseModel], field: str) -> None:
    for value in [*STRING_BOOLEANS, 1, 0, 0.0]:
        error = _refusal(model, field, value)
        assert error["type"] == "bool_type", (model, field, value, error)
        message = spec_module._describe(error, model)
        assert message.startswith("must be true or false"), message


@pytest.mark.parametrize(("model", "field"), INT_FIELDS, ids=[f"{m.__name__}.{f}" for m, f in INT_FIELDS])
def test_every_number_refuses_strings_booleans_and_fractions(model: type[BaseModel], field: str) -> None:
    for value in ["10", "ten", True, False, 10.0, 2.5]:
        error = _refusal(model, field, value)
        assert error["type"] == "int_type", (model, field, value, error)
        assert spec_module._describe(error, model).startswith("must be a whole number"), error


@pytest.mark.parametrize(
    ("text", "line", "field", "message"),
    [
        ("version: 1\nteams:\n  - name: a\n    service_linked_role: {create: \"yes\"}\n", 4, "teams[0].service_linked_role.create",
         "must be true or false without quotes, not the string 'yes'"),
        ("version: 1\ndefaults:\n  ec2_role:\n    use_name_prefix: 'no'\nteams:\n  - name: a\n", 4, "defaults.ec2_role.use_name_prefix",
         "must be true or false without quotes, not the string 'no'"),
        ("version: 1\nteams:\n  - name: a\n    emrfs: {create: 1}\n", 4, "teams[0].emrfs.create",
         "must be true or false, not the number 1"),
        ("version: 1\nquotas:\n  managed_policies_per_role: \"12\"\nteams: [{name: a}]\n", 3, "quotas.managed_policies_per_role",
         "must be a whole number, not the string '12': write the number without quotes"),
        ("version: 1\nquotas:\n  trust_policy: 4096.0\nteams: [{name: a}]\n", 3, "quotas.trust_policy",
         "must be a whole number, not the number 4096.0"),
        ("version: 1\nquotas:\n  trust_policy: true\nteams: [{name: a}]\n", 3, "quotas.trust_policy",
         "must be a whole number, not the boolean true"),
        ("version: true\nteams: [{name: a}]\n", 1, "version", "must be the number 1, not the boolean true"),
        ("version: \"1\"\nteams: [{name: a}]\n", 1, "version", "must be the number 1, not the string '1'"),
        ("version: 1.0\nteams: [{name: a}]\n", 1, "version", "must be the number 1, not the number 1.0"),
        ("version: 1\nteams:\n  - name: a\n    tags: {Enabled: yes}\n", 4, "teams[0].tags.Enabled",
         "must be a string, and YAML read the value as a boolean"),
        ("version: 1\nteams:\n  - name: a\n    source_account_id: 2020-01-01\n", 4, "teams[0].source_account_id",
         "must be a string, and YAML read the value as a date: quote it"),
    ],
    ids=["quoted yes", "quoted no in defaults", "number as boolean", "quoted number", "fraction", "boolean as number",
         "version true", "version string", "version fraction", "tag value yes", "date as string"],
)
def test_wrong_yaml_types_refused(
    text: str, line: int, field: str, message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    match = expect_error(capsys, tmp_path, text)
    assert (match["line"], match["field"]) == (str(line), field), match.string
    assert message in match["message"], match.string


def test_yaml_native_types_still_pass(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = """\
    version: 1
    quotas: {managed_policies_per_role: 12, trust_policy: 4096}
    defaults:
      tags: {CostCenter: "42"}
      ec2_role: {use_name_prefix: false}
    teams:
      - name: a
        service_linked_role: {create: true}
        emrfs: {create: no}
        service_role:
          inline_policies:
            read:
              Statement:
                - Effect: Allow
                  Action: s3:GetObject
                  Resource: arn:aws:s3:::b/*
                  Condition: {Bool: {"aws:SecureTransport": true}, NumericLessThan: {"s3:max-keys": 10}}
    """
    spec = load_spec(write_spec(tmp_path, text))
    assert spec.quotas.managed_policies_per_role == 12
    assert spec.teams[0].service_linked_role.create is True and spec.teams[0].emrfs.create is False
    code, out, _ = run_cli(capsys, "validate", "--spec", str(tmp_path / "spec.yaml"))
    assert code == 0 and out.endswith(": valid (1 team)\n"), out
