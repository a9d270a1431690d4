"""One spec for an organisation: accounts, layered settings, placeholders, and names unique per account.

IAM names (roles, instance profiles, customer managed policies) are unique within an account, as are
EMR security configurations (per account and region) and the service-linked roles (one each per
account). Teams in different accounts may use AWS's default names; teams in one account may not.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.cli import main
from generator.errors import SpecError
from generator.model import resolve
from generator.spec import read_spec

ORGANISATION = """\
version: 1
defaults:
  path: /emr/
  tags: {ManagedBy: emr-iam}
accounts:
  payments-prod:
    id: "210987654321"
    path: /payments/
    permissions_boundary: "arn:{partition}:iam::{account}:policy/emr-boundary"
    tags: {CostCentre: payments}
  risk-prod:
    id: "310987654321"
teams:
  - {name: payments, account: payments-prod}
  - {name: risk, account: risk-prod}
  - name: fraud
    account: risk-prod
    name_prefix: "{team}-"
    tags: {Team: "{team}"}
"""


def _spec(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "platform.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _error(tmp_path: Path, text: str) -> SpecError:
    source = read_spec(_spec(tmp_path, text))
    with pytest.raises(SpecError) as raised:
        resolve(source)
    return raised.value


def test_one_account_per_team_with_the_default_names_is_valid(tmp_path: Path) -> None:
    """The set-up the conservative rule refused: each team in its own account, AWS's default role names."""
    spec = _spec(tmp_path, 'version: 1\nteams:\n  - {name: payments, source_account_id: "210987654321"}\n'
                 '  - {name: risk, source_account_id: "310987654321"}\n')
    modules = resolve(read_spec(spec))
    assert [module.arguments["service_role_name"] for module in modules] == ["EMR_DefaultRole", "EMR_DefaultRole"]


def test_settings_layer_defaults_then_account_then_team(tmp_path: Path) -> None:
    source = read_spec(_spec(tmp_path, ORGANISATION))
    payments, risk, fraud = source.spec.teams
    assert [team.source_account_id for team in (payments, risk, fraud)] == ["210987654321", "310987654321", "310987654321"]
    assert (payments.path, risk.path) == ("/payments/", "/emr/")
    # {account} is the team's account ID; {partition} stays for the module to resolve at plan time.
    assert payments.permissions_boundary == "arn:{partition}:iam::210987654321:policy/emr-boundary"
    assert payments.tags == {"ManagedBy": "emr-iam", "CostCentre": "payments"}
    assert fraud.tags == {"ManagedBy": "emr-iam", "Team": "fraud"}
    modules = {module.team: module for module in resolve(source)}
    assert modules["fraud"].arguments["service_role_name"] == "fraud-EMR_DefaultRole"
    assert modules["risk"].arguments["service_role_name"] == "EMR_DefaultRole"


def test_the_same_names_in_one_account_are_refused_naming_it(tmp_path: Path) -> None:
    text = ORGANISATION.replace('    name_prefix: "{team}-"\n', "")
    error = _error(tmp_path, text)
    assert error.field == "teams[2].service_role.name"
    assert error.message == (
        "role name 'EMR_DefaultRole' is already used by team 'risk' (service_role.name) in account 310987654321;"
        " names must be unique in an account (give teams different name_prefix values)"
    )


def test_a_team_without_an_account_is_checked_against_every_team(tmp_path: Path) -> None:
    error = _error(tmp_path, ORGANISATION + "  - {name: legacy}\n")
    assert error.field == "teams[3].service_role.name"
    assert "a team without an account is checked against every team (set account or source_account_id)" in error.message


def test_a_name_the_team_does_not_create_is_free(tmp_path: Path) -> None:
    """Only what a team creates takes a name: a team without cluster roles leaves AWS's default names to another."""
    text = (
        'version: 1\naccounts:\n  prod: {id: "210987654321"}\nteams:\n  - {name: a, account: prod}\n'
        "  - name: b\n    account: prod\n    service_role: {create: false}\n    ec2_role: {create: false}\n"
        "    autoscaling_role: {create: false}\n    passrole_policy: {create: false}\n    emrfs: {create: false}\n"
        "    serverless: {runtime_roles: [{name: etl}]}\n"
    )
    assert [module.team for module in resolve(read_spec(_spec(tmp_path, text)))] == ["a", "b"]


def test_policy_names_share_one_namespace_per_account(tmp_path: Path) -> None:
    """IAM keeps one set of customer managed policy names per account: a PassRole and a step submitter policy included."""
    text = (
        'version: 1\naccounts:\n  prod: {id: "210987654321"}\nteams:\n  - name: a\n    account: prod\n'
        "    passrole_policy: {name: EMR_Launch}\n    runtime_roles: [{name: etl}]\n"
        "    step_submitter_policy: {name: EMR_Launch}\n"
    )
    error = _error(tmp_path, text)
    assert error.field == "teams[0].passrole_policy.name"
    assert error.message.startswith("PassRole policy name 'EMR_Launch' is already used for the step submitter policy by team 'a'")


def test_one_service_linked_role_per_account(tmp_path: Path) -> None:
    def spec(b_account: str) -> str:
        return (
            'version: 1\naccounts:\n  prod: {id: "210987654321"}\n  dev: {id: "310987654321"}\nteams:\n'
            "  - {name: a, name_prefix: a-, account: prod, service_linked_role: {create: true}}\n"
            f"  - {{name: b, name_prefix: b-, account: {b_account}, service_linked_role: {{create: true}}}}\n"
        )

    resolve(read_spec(_spec(tmp_path, spec("dev"))))
    error = _error(tmp_path, spec("prod"))
    assert error.field == "teams[1].service_linked_role.create"
    assert "both create the EMR service-linked role AWSServiceRoleForEMRCleanup in account 210987654321" in error.message


@pytest.mark.parametrize(
    ("text", "line", "field", "message"),
    [
        (ORGANISATION.replace("path: /payments/", "path: payments"), 8, "accounts.payments-prod.path", "an IAM path"),
        (ORGANISATION.replace("account: risk-prod}", "account: risk}"), 15, "teams[1].account",
         "'risk' is not one of the accounts (payments-prod, risk-prod)"),
        (ORGANISATION.replace("    id: \"310987654321\"\n", '    id: "310987654321"\n    source_account_id: "310987654321"\n'), 13,
         "accounts.risk-prod.source_account_id", "is the account's id: write it once, as id"),
        (ORGANISATION.replace("{name: payments, account: payments-prod}", '{name: payments, account: payments-prod, source_account_id: "1"}'),
         14, "teams[0].source_account_id", "is the id of account 'payments-prod': remove it, or the team's account"),
        ('version: 1\nteams:\n  - name: a\n    permissions_boundary: "arn:{partition}:iam::{account}:policy/b"\n', 4,
         "teams[0].permissions_boundary", "uses {account}, but the team has no account: set its account (or source_account_id)"),
        (ORGANISATION.replace("    tags: {CostCentre: payments}\n", "    tags: {CostCentre: payments}\n    studio: {workspace_bucket: payments-studio}\n"),
         11, "accounts.payments-prod.studio.workspace_bucket", "has no effect in any team that inherits it (team 'payments': studio"),
    ],
    ids=["bad value in an account", "unknown account", "id twice", "account and source_account_id", "{account} without one",
         "account value no team uses"],
)
def test_errors_name_the_line_where_the_value_was_written(
    text: str, line: int, field: str, message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = _spec(tmp_path, text)
    assert main(["validate", "--spec", str(spec)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"emr-iam: error: {spec}:{line}: {field}: ") and message in err, err
    assert err.count("\n") == 1


def test_specs_without_accounts_render_as_before() -> None:
    """The committed modules of specs/platform.yaml (no accounts) are current: `make test` runs `check` too."""
    assert main(["check", "--spec", "specs/platform.yaml", "--out", "modules", "--no-cache", "-q"]) == 0
