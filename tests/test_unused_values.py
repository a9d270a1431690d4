"""Every value a spec holds has an effect or is refused (generator/spec.py, UNUSED).

For each combination in which the generator would drop a field because of another, the field
written in a team is an error naming both; written in `defaults`, it is an error only when no team
that inherits it uses it (a team that turns a section off opts out of what defaults give it).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from generator.cli import main
from generator.errors import SpecError
from generator.merge import deep_merge
from generator.spec import UNUSED, Team, read_spec

EKS_ROLE = {"name": "jobs", "clusters": [{"name": "prod", "oidc_issuer": "https://oidc.eks.us-east-1.amazonaws.com/id/ABC", "namespaces": ["jobs"]}]}
STUDIO = {"create": True, "auth_mode": "IAM", "workspace_bucket": "analytics-studio", "session_policies": [{"name": "p", "tier": "basic"}]}
# What makes each rule hold, by the setting it names.
SETUP: dict[str, dict[str, Any]] = {
    "service_role.create is false": {"service_role": {"create": False}},
    "service_role.managed_policy is v1": {"service_role": {"managed_policy": "v1"}},
    "ec2_role.create is false": {"ec2_role": {"create": False}},
    "autoscaling_role.create is false": {"autoscaling_role": {"create": False}},
    "emrfs.create is false": {"emrfs": {"create": False}},
    "passrole_policy.create is false": {"passrole_policy": {"create": False}},
    "step_submitter_policy.create is false": {"step_submitter_policy": {"create": False}},
    "runtime_roles is empty": {},
    "serverless.create is false": {"serverless": {"create": False}},
    "serverless.runtime_roles is empty": {},
    "eks.create is false": {"eks": {"create": False}},
    "eks.roles is empty": {},
    "eks.submitter_policy is false": {"eks": {"submitter_policy": False, "roles": [EKS_ROLE]}},
    "studio.create is false": {},
    "studio.auth_mode is IAM": {"studio": STUDIO},
}
# Values for fields whose documented example needs more of the team than the field itself.
VALUES: dict[str, Any] = {
    "emrfs.mappings": {"roles": [{"name": "raw"}], "mappings": [{"role": "raw", "identifier_type": "User", "identifiers": ["alice"]}]},
    "emrfs.roles": {"roles": [{"name": "raw"}]},
    "eks.roles": {"roles": [EKS_ROLE]},
    "serverless.runtime_roles": {"runtime_roles": [{"name": "spark"}]},
    "studio.session_policies": {"session_policies": [{"name": "p", "tier": "basic"}]},
    "studio.studio_ids": {"auth_mode": "IAM", "studio_ids": ["es-ABC123"]},
    "ec2_role.s3_access": {"policy": "scoped", "s3_access": [{"bucket": "analytics-emr-logs", "prefix": "logs/", "access": "read_write"}]},
}
# A team in which no rule holds: every field has its effect.
EVERYTHING_ON = {
    "name": "a",
    "runtime_roles": [{"name": "etl"}],
    "serverless": {"runtime_roles": [{"name": "spark"}]},
    "eks": {"roles": [EKS_ROLE]},
    "studio": {**STUDIO, "auth_mode": "SSO"},
}


def _example(dotted: str) -> dict[str, Any]:
    """The field with a value: its documented example, nested under its section."""
    section, _, field = dotted.rpartition(".")
    if dotted in VALUES:
        return {section: VALUES[dotted]}
    model: type[BaseModel] = Team
    for part in section.split(".") if section else ():
        model = model.model_fields[part].annotation  # type: ignore[assignment]
    info = model.model_fields[field]
    value = info.examples[0] if info.examples else (not info.default if isinstance(info.default, bool) else info.default)
    return {section: {field: value}} if section else {field: value}


CASES = [
    pytest.param(rule, dotted, id=f"{dotted}-when-{rule.because.split(' (')[0].replace(' ', '-')}")
    for rule in UNUSED
    for dotted in rule.fields
]


def _write(tmp_path: Path, document: dict[str, Any]) -> Path:
    path = tmp_path / "spec.yaml"
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def _written_fields(team: dict[str, Any], fields: tuple[str, ...]) -> set[str]:
    def has(dotted: str) -> bool:
        data: Any = team
        for part in dotted.split("."):
            if not isinstance(data, dict) or part not in data:
                return False
            data = data[part]
        return True

    return {f"teams[0].{dotted}" for dotted in fields if has(dotted)}


@pytest.mark.parametrize(("rule", "dotted"), CASES)
def test_a_field_dropped_by_another_is_refused(rule: Any, dotted: str, tmp_path: Path) -> None:
    team = deep_merge(deep_merge({"name": "a"}, SETUP[rule.because.split(" (")[0]]), _example(dotted))
    path = _write(tmp_path, {"version": 1, "teams": [team]})
    with pytest.raises(SpecError) as raised:
        read_spec(path)
    # The field, or one written with it that the same setting drops (emrfs.mappings need emrfs.roles).
    assert raised.value.field in _written_fields(team, rule.fields) and f"teams[0].{dotted}" in _written_fields(team, rule.fields)
    assert raised.value.message == f"has no effect: {rule.because}; remove it, or change {rule.setting}"


@pytest.mark.parametrize("dotted", sorted({dotted for rule in UNUSED for dotted in rule.fields}))
def test_where_nothing_drops_it_the_same_value_is_valid(dotted: str, tmp_path: Path) -> None:
    """The control: the values above are valid, and refused only for the setting that drops them."""
    team = deep_merge(EVERYTHING_ON, _example(dotted))
    if dotted == "studio.studio_ids":  # IAM mode, where the SSO user role is not written
        team["studio"]["auth_mode"] = "IAM"
    read_spec(_write(tmp_path, {"version": 1, "teams": [team]}))


def test_defaults_a_team_turns_off_are_legitimate(tmp_path: Path) -> None:
    document = {
        "version": 1,
        "defaults": {"emrfs": {"roles": [{"name": "raw"}]}},
        "teams": [{"name": "a", "name_prefix": "a-", "emrfs": {"create": False}}, {"name": "b", "name_prefix": "b-"}],
    }
    spec = read_spec(_write(tmp_path, document)).spec
    assert [team.emrfs.create for team in spec.teams] == [False, True]


def test_defaults_no_team_uses_are_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "spec.yaml"
    path.write_text(
        "version: 1\ndefaults:\n  emrfs:\n    roles: [{name: raw}]\nteams:\n"
        "  - {name: a, name_prefix: a-, emrfs: {create: false}}\n  - {name: b, name_prefix: b-, ec2_role: {create: false}}\n",
        encoding="utf-8",
    )
    assert main(["validate", "--spec", str(path)]) == 2
    assert capsys.readouterr().err == (
        f"emr-iam: error: {path}:4: defaults.emrfs.roles: has no effect in any team that inherits it (team 'a': emrfs.create is"
        " false; team 'b': ec2_role.create is false (EMRFS roles and the security configuration need the team's EMR role for"
        " EC2)); remove it, or set it in the teams that use it\n"
    )
