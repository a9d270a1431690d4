"""Tags as IAM takes them: no aws: key prefix, IAM's lengths and characters, at most 50 after defaults and team merge."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.spec import load_spec
from tests.helpers import run_cli, write_spec
from tests.test_spec import expect_error


def _spec(tags: str, defaults: str = "{}") -> str:
    return f"version: 1\ndefaults:\n  tags: {defaults}\nteams:\n  - name: a\n    tags: {tags}\n"


@pytest.mark.parametrize("key", ["aws:team", "AWS:Team", "Aws:cost", "aWs:x"])
def test_reserved_prefix_refused_in_any_case(key: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    match = expect_error(capsys, tmp_path, _spec(f'{{"{key}": x}}'))
    assert (match["line"], match["field"]) == ("6", f"teams[0].tags.{key}"), match.string
    assert match["message"] == f"key {key!r}: the aws: prefix is reserved for AWS (in any case); IAM refuses such a tag at apply"


def test_reserved_prefix_in_defaults_reported_there(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    match = expect_error(capsys, tmp_path, _spec("{Team: a}", '{"aws:owner": platform}'))
    assert (match["line"], match["field"]) == ("3", "defaults.tags.aws:owner"), match.string


@pytest.mark.parametrize(
    ("tags", "field", "message"),
    [
        ('{"": x}', 'teams[0].tags.""', "must be a tag key"),
        (f'{{"{"k" * 129}": x}}', f"teams[0].tags.{'k' * 129}", "is 129 characters long; at most 128 are allowed"),
        (f'{{k: "{"v" * 257}"}}', "teams[0].tags.k", "is 257 characters long; at most 256 are allowed"),
        ('{"cost!": x}', "teams[0].tags.cost!", "key 'cost!' must be a tag key: 1 to 128 letters, digits, spaces and _.:/=+@-"),
        ('{k: "a#b"}', "teams[0].tags.k", "'a#b' must be a tag value: up to 256 letters, digits, spaces and _.:/=+@-"),
        ('{k: "tab\\there"}', "teams[0].tags.k", "must be a tag value"),
        ('{k: "emoji😀"}', "teams[0].tags.k", "must be a tag value"),
    ],
    ids=["empty key", "long key", "long value", "key character", "value character", "tab", "emoji"],
)
def test_lengths_and_characters(tags: str, field: str, message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    match = expect_error(capsys, tmp_path, _spec(tags))
    assert match["field"] == field, match.string
    assert message in match["message"], match.string


def test_what_iam_allows_passes(tmp_path: Path) -> None:
    tags = {"Équipe": "Données 日本", "a" * 128: "v" * 256, "cost-center:id/x=y+z@w_1.2": "", "Owner": "aws:ok"}
    spec = load_spec(write_spec(tmp_path, _spec("{" + ", ".join(f'"{k}": "{v}"' for k, v in tags.items()) + "}")))
    assert spec.teams[0].tags == tags


def test_fifty_after_merge(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    defaults = "{" + ", ".join(f"d{i}: x" for i in range(30)) + "}"
    team = "{" + ", ".join(f"t{i}: x" for i in range(20)) + "}"
    spec = write_spec(tmp_path, _spec(team, defaults))
    assert run_cli(capsys, "validate", "--spec", str(spec))[0] == 0  # 50: the limit itself
    # One more in the team: 51 once merged, though neither part has more than 30.
    match = expect_error(capsys, tmp_path, _spec(team[:-1] + ", t20: x}", defaults))
    assert (match["line"], match["field"]) == ("6", "teams[0].tags"), match.string
    assert match["message"].startswith(
        "number of tags (defaults.tags and the team's tags, merged) is 51, over the IAM limit of 50 per resource"
    ), match.string
    # A team overriding a default key does not add a tag.
    overriding = "{" + ", ".join(f"d{i}: y" for i in range(20)) + "}"
    assert run_cli(capsys, "validate", "--spec", str(write_spec(tmp_path, _spec(overriding, defaults))))[0] == 0
