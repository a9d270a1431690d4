"""AWS managed policy names: the snapshot, its freshness against moto, and the spec's checks with suggestions."""

from __future__ import annotations

import json
from importlib.metadata import version
from pathlib import Path
from typing import Any

import pytest

from generator import facts, managed_policies
from generator.model import warnings
from generator.spec import read_spec
from scripts import aws_managed_policies as script
from tests.helpers import run_cli, write_spec
from tests.test_spec import expect_error


def test_snapshot_is_what_the_pinned_moto_gives() -> None:
    assert managed_policies.SNAPSHOT == script.SNAPSHOT
    assert script.SNAPSHOT.read_text(encoding="utf-8") == script.text(), "stale snapshot: run `make managed-policies`"
    assert script.main(["--check"]) == 0


def test_snapshot_records_its_source() -> None:
    data = json.loads(script.SNAPSHOT.read_text(encoding="utf-8"))
    assert data["source"] == {"package": "moto", "version": version("moto"), "module": "moto.iam.aws_managed_policies"}
    assert len(data["policies"]) > 1000
    assert set(data["policies"].values()) >= {"/", "/service-role/", "/job-function/", "/aws-service-role/"}


@pytest.mark.parametrize("key", sorted(facts.MANAGED_POLICIES))
def test_the_generators_own_managed_policies_are_in_the_snapshot(key: str) -> None:
    assert managed_policies.problem(facts.MANAGED_POLICIES[key]) is None


@pytest.mark.parametrize(
    ("written", "message"),
    [
        ("AmazonS3ReadOnlyAcess", "did you mean AmazonS3ReadOnlyAccess?"),
        ("amazons3readonlyaccess", "did you mean AmazonS3ReadOnlyAccess?"),
        ("AMAZONS3READONLYACCESS", "did you mean AmazonS3ReadOnlyAccess?"),
        ("AmazonEMRServicePolicy_v3", "did you mean service-role/AmazonEMRServicePolicy_v2?"),
        ("service-role/AmazonElasticMapReduceforEc2Role", "did you mean service-role/AmazonElasticMapReduceforEC2Role?"),
        ("AmazonElasticMapReduceRole", "is under the path /service-role/: write service-role/AmazonElasticMapReduceRole"),
        ("service-role/AmazonS3ReadOnlyAccess", "is at the path / (no path before its name): write AmazonS3ReadOnlyAccess"),
        ("DataScientist", "write job-function/DataScientist"),
        ("NoSuchPolicyAtAllAnywhere", "is not an AWS managed policy that IAM knows"),
    ],
)
def test_problems_and_suggestions(written: str, message: str) -> None:
    problem = managed_policies.problem(written)
    assert problem is not None and message in problem, problem


def _spec(role: str) -> str:
    return f"version: 1\nteams:\n  - name: a\n    service_role:\n      {role}\n"


@pytest.mark.parametrize(
    ("role", "field", "message"),
    [
        ("aws_managed_policies: [AmazonS3ReadOnlyAccess, AmazonS3ReadOnlyAcess]", "teams[0].service_role.aws_managed_policies[1]",
         "'AmazonS3ReadOnlyAcess' is not an AWS managed policy that IAM knows (snapshot from moto"),
        ("policy_arns: ['arn:{partition}:iam::aws:policy/AmazonS3ReadOnlyAcess']", "teams[0].service_role.policy_arns[0]",
         "did you mean AmazonS3ReadOnlyAccess?"),
    ],
    ids=["by name", "by ARN"],
)
def test_spec_names_the_field(role: str, field: str, message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    match = expect_error(capsys, tmp_path, _spec(role))
    assert (match["line"], match["field"]) == ("5", field), match.string
    assert message in match["message"], match.string


def test_permissions_boundary_of_aws(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = "version: 1\nteams:\n  - name: a\n    permissions_boundary: arn:aws:iam::aws:policy/PowerUserAcess\n"
    match = expect_error(capsys, tmp_path, text)
    assert (match["line"], match["field"]) == ("4", "teams[0].permissions_boundary"), match.string
    assert "did you mean PowerUserAccess?" in match["message"]


def test_customer_policies_and_real_names_pass(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    role = ("{aws_managed_policies: [AmazonS3ReadOnlyAccess, job-function/DataScientist],"
            " policy_arns: ['arn:aws:iam::111122223333:policy/AnyNameAtAll', 'arn:aws-cn:iam::aws:policy/ReadOnlyAccess']}")
    spec = write_spec(tmp_path, f"version: 1\nteams:\n  - name: a\n    ec2_role: {role}\n")
    code, _, err = run_cli(capsys, "validate", "--spec", str(spec))
    assert code == 0, err


def test_deprecated_policy_warns(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # moto's copies carry no deprecation mark, so the snapshot lists none; the warning path is shown with one.
    data: dict[str, Any] = {**managed_policies._data(), "deprecated": {"AmazonS3ReadOnlyAccess": "use a scoped policy"}}
    monkeypatch.setattr(managed_policies, "_data", lambda: data)
    source = read_spec(write_spec(tmp_path, _spec("aws_managed_policies: [AmazonS3ReadOnlyAccess]")))
    assert "teams[0].service_role.aws_managed_policies[0] (a): the AWS managed policy AmazonS3ReadOnlyAccess is deprecated by AWS:"\
        " use a scoped policy" in warnings(source)
