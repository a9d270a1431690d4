"""Tags as IAM takes them: no aws: key prefix, IAM's lengths and characters, at most 50 after defaults, team and team tag merge;
the team tag on every taggable IAM resource of a team module, which tags may repeat but not change."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from generator import facts, hcl
from generator.spec import load_spec
from tests.engine import ROOT, copy_tree, opentofu, plan_json, planned_resources, provider_block
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


def test_fifty_after_merge_with_the_team_tag(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    defaults = "{" + ", ".join(f"d{i}: x" for i in range(30)) + "}"
    team = "{" + ", ".join(f"t{i}: x" for i in range(19)) + "}"
    spec = write_spec(tmp_path, _spec(team, defaults))
    assert run_cli(capsys, "validate", "--spec", str(spec))[0] == 0  # 49 and the team tag: the limit itself
    # One more in the team: 51 once merged with the team tag, though neither part has more than 30.
    match = expect_error(capsys, tmp_path, _spec(team[:-1] + ", t19: x}", defaults))
    assert (match["line"], match["field"]) == ("6", "teams[0].tags"), match.string
    assert match["message"].startswith(
        "number of tags (defaults.tags and the team's tags, merged, and the team tag) is 51, over the IAM limit of 50 per resource"
    ), match.string
    # A team overriding a default key does not add a tag, nor does the team tag written out with the team's value.
    overriding = "{" + ", ".join(f"d{i}: y" for i in range(20)) + "}"
    assert run_cli(capsys, "validate", "--spec", str(write_spec(tmp_path, _spec(overriding, defaults))))[0] == 0
    repeated = team[:-1] + f", {facts.TEAM_TAG_KEY}: a}}"
    assert run_cli(capsys, "validate", "--spec", str(write_spec(tmp_path, _spec(repeated, defaults))))[0] == 0


def test_tags_may_not_give_the_team_tag_another_value(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    match = expect_error(capsys, tmp_path, _spec(f'{{"{facts.TEAM_TAG_KEY}": b}}'))
    assert (match["line"], match["field"]) == ("6", f"teams[0].tags.{facts.TEAM_TAG_KEY}"), match.string
    assert match["message"] == (
        f"{facts.TEAM_TAG_KEY!r} is the team tag's key (team_tag): the modules tag every resource of the team"
        f" {facts.TEAM_TAG_KEY}=a; drop it from tags or give it the value 'a'"
    ), match.string
    # The team's own key and value, set in defaults: the default tag is where the conflict was written.
    spec = "version: 1\ndefaults:\n  team_tag: {key: Team}\n  tags: {Team: shared}\nteams:\n  - name: a\n    team_tag: {value: alpha}\n"
    match = expect_error(capsys, tmp_path, spec)
    assert (match["line"], match["field"]) == ("4", "defaults.tags.Team"), match.string
    assert "the modules tag every resource of the team Team=alpha" in match["message"], match.string


PLATFORM_TEAMS = {team.name: team for team in load_spec(ROOT / "specs" / "platform.yaml").teams}
# IAM resources that take tags, each of which a team module creates: every one must carry the team tag.
TAGGABLE_IAM = {"aws_iam_role", "aws_iam_instance_profile", "aws_iam_policy"}


def _team_root(tmp_path: Path, tags: dict[str, dict[str, str]]) -> Path:
    """A root that calls the committed team modules, each with the workspace `tags` given for it."""
    tree = copy_tree(tmp_path)
    calls = "".join(
        f'module "{name.replace("-", "_")}" {{\n  source = "./modules/teams/{name}"\n  tags   = {hcl.expression(extra, 2)}\n}}\n\n'
        for name, extra in tags.items()
    )
    (tree / "main.tf").write_text(calls + provider_block(), encoding="utf-8")
    return tree


@pytest.mark.engine
def test_every_taggable_iam_resource_of_a_team_carries_the_team_tag_and_the_tags(tmp_path: Path) -> None:
    workspace = {name: {"Owner": f"{name}-owners"} for name in PLATFORM_TEAMS}
    resources = planned_resources(plan_json(opentofu(), _team_root(tmp_path, workspace)))
    seen: set[str] = set()
    for name, team in PLATFORM_TEAMS.items():
        expected = {**team.tags, **workspace[name], team.team_tag.key: team.team_tag.value or name}
        for address, values in resources.items():
            kind = re.sub(r"\[[^\]]*\]$", "", address).split(".")[-2]
            if address.startswith(f"module.{name.replace('-', '_')}.") and "tags" in values and kind.startswith("aws_iam_"):
                assert values["tags"] == expected, address
                seen.add(kind)
    assert seen == TAGGABLE_IAM, seen


@pytest.mark.engine
def test_a_plan_refuses_tags_that_change_the_team_tag_or_pass_fifty(tmp_path: Path) -> None:
    analytics, science = PLATFORM_TEAMS["analytics"], PLATFORM_TEAMS["data-science"]
    many = {f"k{i}": "v" for i in range(50 - len(science.tags))}  # with the spec's tags 50, and the team tag 51
    root = _team_root(tmp_path, {"analytics": {analytics.team_tag.key: "data-science"}, "data-science": many})
    engine = opentofu()
    engine.init(root)
    result = engine.run("plan", "-input=false", "-no-color", cwd=root, check=False)
    output = " ".join((result.stdout + result.stderr).split())
    assert result.returncode == 1, output
    assert "tags sets the team tag's key (team_tag_key) to another value than team_tag_value" in output, output
    assert "tags and the team tag are more than 50 tags: IAM allows at most 50 per role, instance profile and policy." in output, output
