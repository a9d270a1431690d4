"""Messages in our words: no error reaches the user in the validation library's own phrasing.

Every field of every model gets values of each wrong kind (type, length, bound, choice); each
error the library raises goes through the translation in generator/spec.py, and the result must
differ from the library's text. Then the messages issue 28 names, one by one, through the CLI.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

from generator import spec as spec_module
from tests.helpers import aws_managed_policy_names, run_cli, write_spec
from tests.test_spec import expect_error
from tests.test_strict_types import _models

# The validation library's phrases; none may reach a user.
LIBRARY_WORDS = re.compile(r"Input should|should have|after validation|Value error|valid dictionary|String should|instance of|"
                           r"Field required|Extra inputs|Assertion failed", re.IGNORECASE)
WRONG_VALUES: list[Any] = [True, 0, -1, 2.5, 10**6, "x", "", "yes", "x" * 5000, [], ["x"], [1], ["x"] * 6000, {}, {"k": "v"},
                           {f"k{i}": "v" for i in range(60)}, None]
MODELS = sorted(_models(), key=lambda model: model.__name__)


def _translated(model: type[BaseModel], data: dict[str, Any]) -> tuple[list[dict[str, Any]], str] | None:
    try:
        model.model_validate(data)
    except ValidationError as error:
        errors = [dict(item) for item in error.errors()]
        located, message = spec_module._first_error(errors)
        return errors, message if message is not None else spec_module._describe(errors[0], model)
    return None


@pytest.mark.parametrize("model", MODELS, ids=[model.__name__ for model in MODELS])
def test_no_library_message_for_any_field(model: type[BaseModel]) -> None:
    kinds: set[str] = set()
    for field in model.model_fields:
        for value in WRONG_VALUES:
            result = _translated(model, {field: value})
            if result is None:
                continue
            errors, message = result
            kinds.add(errors[0]["type"])
            assert message != errors[0]["msg"] or errors[0]["type"] in ("value_error", "assertion_error"), (field, value, errors[0])
            assert not LIBRARY_WORDS.search(message), (model.__name__, field, value, message)
            assert not message.startswith("is not valid:"), (model.__name__, field, value, errors[0])
    assert kinds, model


def test_the_walk_meets_every_kind_of_error() -> None:
    kinds = set()
    for model in MODELS:
        for field in model.model_fields:
            for value in WRONG_VALUES:
                result = _translated(model, {field: value})
                if result is not None:
                    kinds.add(result[0][0]["type"])
    assert kinds >= {"missing", "extra_forbidden", "bool_type", "int_type", "string_type", "list_type", "dict_type", "model_type",
                     "literal_error", "too_long", "too_short", "string_too_long", "string_pattern_mismatch", "greater_than_equal",
                     "less_than_equal"}, kinds


STATEMENT = "{Effect: Allow, Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*'}"


@pytest.mark.parametrize(
    ("text", "line", "field", "message"),
    [
        ("version: 1\nteams:\n  - name: a\n    service_role:\n      inline_policies:\n        p:\n          Statement: ["
         + ", ".join([STATEMENT] * 120) + "]\n", 7, "teams[0].service_role.inline_policies.p.Statement",
         "has 120 items; at most 100 are allowed"),
        ("version: 1\nteams:\n  - name: a\n    service_role:\n      managed_policy: v1\n      policy_arns: ["
         + ", ".join(f"'arn:aws:iam::111122223333:policy/p{i}'" for i in range(10)) + "]\n", 4, "teams[0].service_role",
         "number of managed policies attached to the role is 11, over the IAM limit of 10: 10 listed in policy_arns and"
         " aws_managed_policies, plus service-role/AmazonElasticMapReduceRole, the AWS managed policy the role gets anyway"
         " (managed_policy: v1)"),
        ("version: 1\nteams:\n  - name: a\n    autoscaling_role:\n      aws_managed_policies: [" + ", ".join(aws_managed_policy_names(10))
         + "]\n", 4, "teams[0].autoscaling_role", "plus service-role/AmazonElasticMapReduceforAutoScalingRole, the AWS managed policy"),
        ("version: 1\nteams:\n  - name: analytics\n    emrfs:\n      roles: [{name: EMR_DefaultRole}]\n", 5,
         "teams[0].emrfs.roles[0].name", "role name 'EMR_DefaultRole' is already used by team 'analytics' (service_role.name); names"
         " must be unique in an account (rename one of the two: both are in team 'analytics', so its name_prefix cannot tell them apart)"),
        ("version: 1\nteams:\n  - name: one\n  - name: two\n", 4, "teams[1].service_role.name",
         "is already used by team 'one' (service_role.name), and a team without an account is checked against every team (set"
         " account or source_account_id); names must be unique in an account (give teams different name_prefix values)"),
        ("version: 1\nteams:\n  - name: a\n    service_role: {managed_policy: v3}\n", 4, "teams[0].service_role.managed_policy",
         "must be one of 'v2', 'v1' or 'none', not the string 'v3'"),
        ("version: 1\nquotas: {managed_policies_per_role: 30}\nteams: [{name: a}]\n", 2, "quotas.managed_policies_per_role",
         "is 30; it must be at most 20"),
        ("version: 1\nteams:\n  - name: a\n    service_role: {name: " + "r" * 129 + "}\n", 4, "teams[0].service_role.name",
         "is 129 characters long; at most 128 are allowed"),
        ("version: 1\nteams:\n  - name: a\n    service_role: on\n", 4, "teams[0].service_role", "must be a mapping, not the boolean true"),
        ("version: 1\nteams:\n  - name: a\n    service_role:\n      inline_policies:\n        p:\n          Statement:\n"
         "            - {Effect: Allow, Action: 5, Resource: '*'}\n", 8, "teams[0].service_role.inline_policies.p.Statement[0].Action",
         "must be a string or a list of strings, not the number 5"),
        ("version: 1\nteams:\n  - name: a\n    service_role:\n      inline_policies:\n        p:\n          Statement:\n"
         "            - {Effect: Allow, Action: [s3:GetObject, 5], Resource: 'arn:aws:s3:::b/*'}\n", 8,
         "teams[0].service_role.inline_policies.p.Statement[0].Action[1]", "must be a string, and YAML read 5 as a number"),
        ("version: 1\nteams:\n  - name: a\n    emrfs:\n      roles: {name: r}\n", 5, "teams[0].emrfs.roles", "must be a list, not a mapping"),
    ],
    ids=["120 statements", "service role policies", "autoscaling policies", "clash in one team", "clash across teams", "choice",
         "bound", "length", "mapping", "union", "union member", "list"],
)
def test_messages_named_in_the_issue(
    text: str, line: int, field: str, message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    match = expect_error(capsys, tmp_path, text)
    assert (match["line"], match["field"]) == (str(line), field), match.string
    assert message in match["message"], match.string
    assert not LIBRARY_WORDS.search(match.string), match.string


def test_valid_counts_teams_in_english(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    one = write_spec(tmp_path, "version: 1\nteams: [{name: a}]\n", "one.yaml")
    two = write_spec(tmp_path, "version: 1\ndefaults: {name_prefix: '{team}-'}\nteams: [{name: a}, {name: b}]\n", "two.yaml")
    assert run_cli(capsys, "validate", "--spec", str(one))[1] == f"{one}: valid (1 team)\n"
    assert run_cli(capsys, "validate", "--spec", str(two))[1] == f"{two}: valid (2 teams)\n"


@pytest.mark.parametrize("command", ["validate", "render", "check", "diff"])
@pytest.mark.parametrize("spec", ["", "  "])
def test_empty_spec_path(command: str, spec: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    extra = ["--out", str(tmp_path / "out")] if command != "validate" else []
    code, out, err = run_cli(capsys, command, "--spec", spec, *extra)
    assert code == 2 and out == ""
    assert err == "emr-iam: error: --spec: the spec path is empty: name a spec file, for example specs/platform.yaml\n"
