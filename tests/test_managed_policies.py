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


def test_deprecated_policy_warns_at_its_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # moto's copies carry no deprecation mark, so the snapshot lists none; the warning path is shown with one.
    data: dict[str, Any] = {**managed_policies._data(), "deprecated": {"AmazonS3ReadOnlyAccess": "use a scoped policy"}}
    monkeypatch.setattr(managed_policies, "_data", lambda: data)
    spec = write_spec(tmp_path, "version: 1\ndefaults:\n  ec2_role:\n    policy_arns: ['arn:{partition}:iam::aws:policy/AmazonS3ReadOnlyAccess']\n"
                      + _spec("aws_managed_policies: [AmazonS3ReadOnlyAccess]").removeprefix("version: 1\n"))
    found = [line for line in warnings(read_spec(spec)) if "is deprecated by AWS" in line]
    assert found == [
        f"{spec}:8: teams[0].service_role.aws_managed_policies[0]: the AWS managed policy AmazonS3ReadOnlyAccess is deprecated by"
        " AWS: use a scoped policy (team a)",
        f"{spec}:4: defaults.ec2_role.policy_arns[0]: the AWS managed policy AmazonS3ReadOnlyAccess is deprecated by AWS: use a"
        " scoped policy (team a)",
    ]


# A name the aws partition's snapshot lacks: a policy of AWS's in China only, say.
NOT_IN_SNAPSHOT = "AmazonEMRChinaOnlyPolicy"


def _in_account(region: str, role: str) -> str:
    return (f"version: 1\naccounts:\n  main:\n    id: '123456789012'\n    region: {region}\nteams:\n  - name: a\n    account: main\n"
            f"    ec2_role:\n      {role}\n")


@pytest.mark.parametrize("region", ["cn-north-1", "cn-northwest-1", "us-gov-west-1", "us-gov-east-1"])
@pytest.mark.parametrize(
    ("role", "field"),
    [
        (f"aws_managed_policies: [{NOT_IN_SNAPSHOT}]", "teams[0].ec2_role.aws_managed_policies[0]"),
        (f"policy_arns: ['arn:{{partition}}:iam::aws:policy/{NOT_IN_SNAPSHOT}']", "teams[0].ec2_role.policy_arns[0]"),
    ],
    ids=["by name", "by ARN"],
)
def test_outside_the_aws_partition_an_unknown_name_is_a_warning(
    region: str, role: str, field: str, tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    spec = write_spec(tmp_path, _in_account(region, role))
    code, out, err = run_cli(capsys, "validate", "--spec", str(spec))
    assert code == 0 and "valid (1 team)" in out, err
    partition = facts.partition_of_region(region)
    assert err.splitlines() == [
        f"emr-iam: warning: {spec}:10: {field}: {NOT_IN_SNAPSHOT!r} is not in the snapshot of AWS managed policies"
        f" ({managed_policies.source()}), which lists the aws partition's only; the policy is looked up in {partition}, where AWS"
        " has policies of its own: check that it exists there (team a)"
    ]


@pytest.mark.parametrize(
    ("text", "line", "field"),
    [
        (_in_account("us-east-1", f"aws_managed_policies: [{NOT_IN_SNAPSHOT}]"), "10", "teams[0].ec2_role.aws_managed_policies[0]"),
        # No region: the partition is not known, and the snapshot's is taken.
        (_in_account("us-east-1", f"aws_managed_policies: [{NOT_IN_SNAPSHOT}]").replace("    region: us-east-1\n", ""), "9",
         "teams[0].ec2_role.aws_managed_policies[0]"),
        # An ARN of the aws partition written out is checked whatever the account's partition.
        (_in_account("cn-north-1", f"policy_arns: ['arn:aws-cn:iam::aws:policy/{NOT_IN_SNAPSHOT}']").replace(
            "region: cn-north-1", "region: us-west-2").replace("arn:aws-cn:", "arn:aws:"), "10", "teams[0].ec2_role.policy_arns[0]"),
        # A default every team inherits is checked in each team, and reported where it is written.
        (f"version: 1\ndefaults:\n  ec2_role:\n    aws_managed_policies: [{NOT_IN_SNAPSHOT}]\nteams:\n  - name: a\n", "4",
         "defaults.ec2_role.aws_managed_policies[0]"),
        # A default every team replaces with its own is checked too, in the partition of the teams.
        (f"version: 1\ndefaults:\n  ec2_role:\n    aws_managed_policies: [{NOT_IN_SNAPSHOT}]\nteams:\n  - name: a\n"
         "    ec2_role:\n      aws_managed_policies: [AmazonS3ReadOnlyAccess]\n", "4", "defaults.ec2_role.aws_managed_policies[0]"),
        (f"version: 1\naccounts:\n  main:\n    id: '123456789012'\n    region: us-east-1\n    ec2_role:\n"
         f"      policy_arns: ['arn:{{partition}}:iam::aws:policy/{NOT_IN_SNAPSHOT}']\nteams:\n  - name: a\n    account: main\n"
         "    ec2_role:\n      policy_arns: []\n", "7", "accounts.main.ec2_role.policy_arns[0]"),
        (f"version: 1\ndefaults:\n  permissions_boundary: 'arn:{{partition}}:iam::aws:policy/{NOT_IN_SNAPSHOT}'\nteams:\n"
         "  - name: a\n    permissions_boundary: 'arn:{partition}:iam::aws:policy/PowerUserAccess'\n", "3", "defaults.permissions_boundary"),
    ],
    ids=["aws region", "no region", "aws ARN", "defaults", "defaults every team replaces", "account's, every team replaces",
         "boundary every team replaces"],
)
def test_in_the_aws_partition_or_an_unknown_one_it_is_an_error(
    text: str, line: str, field: str, tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    match = expect_error(capsys, tmp_path, text)
    assert (match["line"], match["field"]) == (line, field), match.string
    assert "is not an AWS managed policy that IAM knows" in match["message"]
    # Where the spec does not tell the partition, a name with nothing close to it may be another partition's: the way out.
    hint = "the snapshot is of the aws partition: for a team in another, give its account the region, and such a name is a warning"
    assert (hint in match["message"]) == ("region:" not in text), match.string


def test_a_default_every_team_in_another_partition_replaces_is_not_checked(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The snapshot lists the aws partition's policies only: a name for teams in China may be China's own."""
    text = _in_account("cn-north-1", "aws_managed_policies: [AmazonS3ReadOnlyAccess]").replace(
        "teams:\n", f"defaults:\n  ec2_role:\n    aws_managed_policies: [{NOT_IN_SNAPSHOT}]\nteams:\n")
    code, out, err = run_cli(capsys, "validate", "--spec", str(write_spec(tmp_path, text)))
    assert code == 0 and "valid (1 team)" in out, err
    assert NOT_IN_SNAPSHOT not in err


def test_an_arn_of_another_partition_is_looked_up_there(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`arn:aws-cn:` written out: the policy is China's, whatever the team's account (unknown here): a warning."""
    spec = write_spec(tmp_path, _spec(f"policy_arns: ['arn:aws-cn:iam::aws:policy/{NOT_IN_SNAPSHOT}']"))
    code, _, err = run_cli(capsys, "validate", "--spec", str(spec))
    assert code == 0, err
    assert [line for line in err.splitlines() if NOT_IN_SNAPSHOT in line] == [
        f"emr-iam: warning: {spec}:5: teams[0].service_role.policy_arns[0]: {managed_policies.other_partition(NOT_IN_SNAPSHOT, 'aws-cn')}"
        " (team a)"
    ]


def test_the_region_patterns_are_botocores() -> None:
    from botocore.loaders import create_loader

    endpoints = create_loader().load_data("endpoints")
    patterns = {partition["partition"]: partition["regionRegex"] for partition in endpoints["partitions"]}
    assert {partition: patterns[partition] for partition in facts.PARTITIONS} == facts.PARTITION_REGION_PATTERNS
    for partition in endpoints["partitions"]:
        if partition["partition"] in facts.PARTITIONS:
            assert all(facts.partition_of_region(region) == partition["partition"] for region in partition["regions"]), partition["partition"]
    assert facts.partition_of_region("mars-north-1") is None
