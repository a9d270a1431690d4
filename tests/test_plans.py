"""Plan inventories of every module and example, with OpenTofu and (when on PATH) Terraform.

The cases are data under tests/plan/ (see its README): each `.tfvars` is planned with the real
engine and hashicorp/aws provider, offline, and the plan is compared with the `.yaml` beside it.
A mismatch prints the command that rewrites the inventory from a real plan.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from generator import facts
from tests import partitions
from tests.engine import engine_by_name, engine_names
from tests.moto_server import MotoServer
from tests.plan import harness
from tests.plan.harness import UNKNOWN, Case, Summary, Workbench

CASES = harness.discover()
# Partitions with an inventoried case per module; tests/test_partitions.py plans every module and
# example in each of facts.PARTITIONS.
INVENTORIED_PARTITIONS = ("aws", "aws-cn", "aws-us-gov")
# Every module has these; a partition case per partition checks ARNs and service principals.
REQUIRED_CASES = ("defaults", "disabled", "custom", *(f"partition-{partition}" for partition in INVENTORIED_PARTITIONS))
EXTRA_REQUIRED_CASES = {
    "modules/emrfs-role-mappings": ("mappings", "mappings-known-arns", "encryption"),
    "modules/emr-iam": ("toggles-off",),
}

pytestmark = pytest.mark.engine


def partition_of(region: str) -> str:
    return partitions.partition_of(region)


@pytest.fixture(scope="session")
def workbench(tmp_path_factory: pytest.TempPathFactory) -> Workbench:
    """This worker's copies of the repo tree; a module's plan is shared by the session's workers."""
    # The parent of the base temp folder is common to every xdist worker of this run.
    shared = tmp_path_factory.getbasetemp().parent if os.environ.get("PYTEST_XDIST_WORKER") else None
    return Workbench(tmp_path_factory.mktemp("plans"), CASES, shared)


def plan(request: pytest.FixtureRequest, workbench: Workbench, engine_name: str, case: Case) -> Summary:
    engine = engine_by_name(engine_name)
    endpoint = None
    if case.prior_apply:
        moto: MotoServer = request.getfixturevalue("moto")
        endpoint = moto.endpoint
    return workbench.plan(engine, case, endpoint)


@pytest.mark.parametrize("engine_name", engine_names())
@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_plan_matches_inventory(request: pytest.FixtureRequest, workbench: Workbench, engine_name: str, case: Case) -> None:
    inventory = case.inventory()
    assert inventory.keys() - set(harness.SETTINGS), (
        f"{case.id}: no inventory at {case.inventory_path}; write it from a real plan, then review it:\n  {case.regenerate_command}"
    )
    summary = plan(request, workbench, engine_name, case)

    problems = harness.check_inventory(inventory, summary)
    assert not problems, harness.failure_message(case, problems)

    assert not harness.structural_problems(summary), harness.structural_problems(summary)
    if case.name == "disabled" or case.name == "toggles-off":
        assert summary.counts["resources"] == 0, f"{case.id}: plans {sorted(summary.values)}"
    if case.name.startswith("partition-"):
        partition = partition_of(case.region)
        assert case.name.startswith(f"partition-{partition}"), f"{case.id}: region {case.region} is in partition {partition}"
        assert facts.PARTITION_SAMPLE_REGIONS[partition] == case.region
        problems, checked = harness.partition_problems(summary, partition, case.settings().get("foreign_arns", []))
        assert not problems, f"{case.id}: " + "\n  ".join(problems)
        assert checked > 0, f"{case.id}: no ARN or service principal to check"


@pytest.mark.parametrize("target", harness.module_targets())
def test_every_module_has_the_required_cases(target: str) -> None:
    names = {case.name for case in CASES if case.target == target}
    missing = [name for name in (*REQUIRED_CASES, *EXTRA_REQUIRED_CASES.get(target, ())) if name not in names]
    folder = harness.PLAN_DATA / target
    assert not missing, f"{target} has no plan case {missing}: add {folder}/<case>.tfvars, then run {harness.REGENERATE} {target} <case>"


def test_every_case_names_an_existing_target() -> None:
    for case in CASES:
        assert (harness.ROOT / case.target).is_dir(), f"{case.tfvars}: {case.target} is not a module or example folder"
        assert any((harness.ROOT / case.target).glob("*.tf")), f"{case.tfvars}: {case.target} has no .tf files"


def test_examples_with_data_are_collected(tmp_path: Path) -> None:
    """A new example only adds data: tests/plan/examples/<name>/ or examples/<name>/tests/."""
    plan_data, examples = tmp_path / "plan", tmp_path / "examples"
    (plan_data / "examples" / "one").mkdir(parents=True)
    (plan_data / "examples" / "one" / "defaults.tfvars").write_text("")
    (examples / "two" / "tests").mkdir(parents=True)
    (examples / "two" / "tests" / "defaults.tfvars").write_text("")
    (examples / "three").mkdir()
    found = [(case.target, case.name) for case in harness.discover(plan_data, examples)]
    assert found == [("examples/one", "defaults"), ("examples/two", "defaults")]


# --- the comparison itself must be able to fail ----------------------------------------------------

TRUST = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"Service":"ec2.amazonaws.com.cn"}}]}'


def summary_of(values: dict, outputs: dict | None = None) -> Summary:
    counts = {"aws_iam_role": len(values), "resources": len(values)}
    return Summary(values=harness.decode(values), counts=counts, outputs=harness.decode(outputs or {}))


def test_json_strings_compare_as_documents() -> None:
    summary = summary_of({"aws_iam_role.this[0]": {"name": "r", "assume_role_policy": TRUST}})
    expected = {"values": {"aws_iam_role.this[0]": {"assume_role_policy": {"Statement": [{"Principal": {"Service": "ec2.amazonaws.com.cn"}}]}}}}
    assert harness.check_inventory(expected, summary) == []
    wrong = {"values": {"aws_iam_role.this[0]": {"assume_role_policy": {"Statement": [{"Principal": {"Service": "ec2.amazonaws.com"}}]}}}}
    assert harness.check_inventory(wrong, summary) == [
        "values[aws_iam_role.this[0]].assume_role_policy.Statement[0].Principal.Service: "
        "expected 'ec2.amazonaws.com', planned 'ec2.amazonaws.com.cn'"
    ]


def test_lists_match_in_order_and_length() -> None:
    mappings = [{"IdentifierType": "User"}, {"IdentifierType": "Group"}]
    summary = summary_of({}, {"security_configuration": {"RoleMappings": mappings}})
    swapped = {"outputs": {"security_configuration": {"RoleMappings": [{"IdentifierType": "Group"}, {"IdentifierType": "User"}]}}}
    assert len(harness.check_inventory(swapped, summary)) == 2
    shorter = {"outputs": {"security_configuration": {"RoleMappings": mappings[:1]}}}
    assert "expected 1 items" in harness.check_inventory(shorter, summary)[0]


def test_counts_missing_resources_and_unknowns_are_checked() -> None:
    summary = summary_of({"aws_iam_role.this[0]": {"name": UNKNOWN}})
    problems = harness.check_inventory(
        {"values": {"aws_iam_role.this[1]": {}, "aws_iam_role.this[0]": {"name": "known"}}, "counts": {"aws_iam_role": 2}}, summary
    )
    assert len(problems) == 3
    assert harness.check_inventory({"values": {"aws_iam_role.this[0]": {"name": UNKNOWN}}}, summary) == []
    assert harness.check_inventory({}, summary) == ["the inventory has no values, counts or outputs"]


def test_partition_check_finds_foreign_arns_and_principals() -> None:
    summary = summary_of({"aws_iam_role.this[0]": {"assume_role_policy": TRUST, "permissions_boundary": "arn:aws:iam::1:policy/b"}})
    problems, checked = harness.partition_problems(summary, "aws-cn", [])
    assert checked == 2 and problems == ["values.aws_iam_role.this[0].permissions_boundary: 'arn:aws:iam::1:policy/b' is not in partition aws-cn"]
    problems, _ = harness.partition_problems(summary, "aws", ["arn:aws:iam::1:policy/b"])
    assert len(problems) == 1 and problems[0].startswith(
        "values.aws_iam_role.this[0].assume_role_policy.Statement[0].Principal.Service[0]: "
        "service principal 'ec2.amazonaws.com.cn' is not one of aws's"
    )
