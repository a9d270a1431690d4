"""Plan inventories of every module and example, on the engines of tests/engine.py.

The cases are data under tests/plan/ (see its README): each `.tfvars` is planned with the real
engine and hashicorp/aws provider, offline, and the plan is compared with the `.yaml` beside it.
A mismatch prints the command that rewrites the inventory from a real plan. OpenTofu plans every
case; every other engine plans the matrix cases (harness.in_matrix: every example case and a
sample of each module's), and all engines must plan the same values for each of those.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from generator import facts
from tests import partitions
from tests.engine import INVENTORY_ENGINE, engine_by_name, engine_names
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
    "modules/emrfs-role-mappings": ("mappings", "mappings-known-arns", "encryption", "authorization"),
    "modules/emr-iam": ("toggles-off", "runtime-roles", "serverless", "eks-roles", "studio"),
    "modules/emr-runtime-roles": ("plain", "lake-formation", "s3-access-grants", "propagate-source-identity"),
    "modules/emr-serverless-roles": ("no-account", "every-application"),
    "modules/emr-eks-job-roles": ("irsa", "pod-identity"),
    "modules/emr-studio-roles": ("iam-mode",),
}

pytestmark = pytest.mark.engine


def partition_of(region: str) -> str:
    return partitions.partition_of(region)


def plan(request: pytest.FixtureRequest, workbench: Workbench, engine_name: str, case: Case) -> Summary:
    engine = engine_by_name(engine_name)
    endpoint = None
    if case.prior_apply:
        moto: MotoServer = request.getfixturevalue("moto")
        # Emptied for each case applied (a partition case and its twin apply roles of the same names).
        moto.reset()
        endpoint = moto.endpoint
    return workbench.plan(engine, case, endpoint)


ENGINE_CASES = [(engine_name, case) for case in CASES for engine_name in engine_names() if harness.runs_on(engine_name, case)]
MATRIX = [case for case in CASES if harness.in_matrix(case)]


@pytest.mark.parametrize(("engine_name", "case"), ENGINE_CASES, ids=[f"{engine_name}-{case.id}" for engine_name, case in ENGINE_CASES])
def test_plan_matches_inventory(request: pytest.FixtureRequest, workbench: Workbench, engine_name: str, case: Case) -> None:
    twin = harness.twin_of(case, CASES)
    summary = plan(request, workbench, engine_name, case)
    if twin is not None:
        # No inventory: the same plan as the aws-cn twin's (held to its inventory), partition for partition.
        partition = partition_of(case.region)
        assert harness.inputs_but_region(case, partition) == harness.inputs_but_region(twin, "aws-cn"), (
            f"{case.id}: its inputs differ from {twin.tfvars} beyond the partition"
        )
        problems = harness.twin_problems(summary, partition, plan(request, workbench, engine_name, twin))
        assert not problems, (
            f"{case.id} plans otherwise than {twin.id} beyond the partition:\n  " + "\n  ".join(problems[:40])
            + f"\nIf {case.name} must differ, give it an inventory of its own:\n  {case.regenerate_command}"
        )
    else:
        inventory = case.inventory()
        assert inventory.keys() - set(harness.SETTINGS), (
            f"{case.id}: no inventory at {case.inventory_path}; write it from a real plan, then review it:\n  {case.regenerate_command}"
        )
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


@pytest.mark.parametrize("case", MATRIX, ids=[case.id for case in MATRIX])
def test_engines_plan_the_same_values(request: pytest.FixtureRequest, workbench: Workbench, case: Case) -> None:
    """Every engine's planned values, counts and outputs (from `show -json`) equal OpenTofu's."""
    reference = plan(request, workbench, INVENTORY_ENGINE, case)
    others = [name for name in engine_names() if name != INVENTORY_ENGINE]
    assert others, "only one engine: the matrix compares nothing (make tools installs the Terraform builds)"
    for engine_name in others:
        problems = harness.plan_differences(reference, plan(request, workbench, engine_name, case))
        assert not problems, f"{case.id}: {engine_name} plans other values than {INVENTORY_ENGINE}:\n  " + "\n  ".join(problems[:40])


def test_the_matrix_covers_every_module_and_example() -> None:
    targets = {case.target for case in MATRIX}
    missing = [target for target in {case.target for case in CASES} if target not in targets]
    assert not missing, f"no case of {missing} is planned by every engine: add one of {harness.MATRIX_CASES} (tests/plan/harness.py MATRIX_CASES)"
    assert {case.target for case in CASES if not case.is_module} <= targets


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


def test_plan_differences_name_the_value_that_differs() -> None:
    planned = summary_of({"aws_iam_role.this[0]": {"name": "r", "assume_role_policy": TRUST}}, {"role_name": "r"})
    assert harness.plan_differences(planned, summary_of({"aws_iam_role.this[0]": {"name": "r", "assume_role_policy": TRUST}}, {"role_name": "r"})) == []
    other = summary_of({"aws_iam_role.this[0]": {"name": "s", "assume_role_policy": TRUST.replace(".cn", "")}}, {"role_name": "r"})
    assert harness.plan_differences(planned, other) == [
        "values[aws_iam_role.this[0]].assume_role_policy.Statement[0].Principal.Service: 'ec2.amazonaws.com.cn' here, 'ec2.amazonaws.com' there",
        "values[aws_iam_role.this[0]].name: 'r' here, 's' there",
    ]
    fewer = summary_of({}, {"role_name": "r", "extra": 1})
    assert harness.plan_differences(planned, fewer) == [
        "counts.aws_iam_role: 1 here, 0 there",
        "counts.resources: 1 here, 0 there",
        "outputs.extra: only there",
        "values[aws_iam_role.this[0]]: only here",
    ]


def test_partition_check_finds_foreign_arns_and_principals() -> None:
    summary = summary_of({"aws_iam_role.this[0]": {"assume_role_policy": TRUST, "permissions_boundary": "arn:aws:iam::1:policy/b"}})
    problems, checked = harness.partition_problems(summary, "aws-cn", [])
    assert checked == 2 and problems == ["values.aws_iam_role.this[0].permissions_boundary: 'arn:aws:iam::1:policy/b' is not in partition aws-cn"]
    problems, _ = harness.partition_problems(summary, "aws", ["arn:aws:iam::1:policy/b"])
    assert len(problems) == 1 and problems[0].startswith(
        "values.aws_iam_role.this[0].assume_role_policy.Statement[0].Principal.Service[0]: "
        "service principal 'ec2.amazonaws.com.cn' is not one of aws's"
    )


def test_outputs_an_inventory_leaves_out_must_be_null() -> None:
    summary = summary_of({}, {"role_arn": "arn:aws:iam::1:role/r", "studio_role_arn": None})
    assert harness.check_inventory({"outputs": {"role_arn": "arn:aws:iam::1:role/r"}}, summary) == []
    assert harness.check_inventory({"outputs": {}}, summary) == [
        "outputs.role_arn: planned 'arn:aws:iam::1:role/r'; the inventory names no such output, so it must be null"
    ]
    assert harness.inventory_from(summary, {})["outputs"] == {"role_arn": "arn:aws:iam::1:role/r"}


def test_a_partition_case_differs_from_its_twin_only_where_the_partition_decides() -> None:
    trust_cn = '{"Statement":[{"Principal":{"Service":"elasticmapreduce.amazonaws.com.cn"},"Condition":{"StringEquals":{"iam:PassedToService":["ec2.amazonaws.com","ec2.amazonaws.com.cn"]}}}]}'
    trust_gov = '{"Statement":[{"Principal":{"Service":"elasticmapreduce.amazonaws.com"},"Condition":{"StringEquals":{"iam:PassedToService":"ec2.amazonaws.com"}}}]}'

    def role(name: str, trust: str, resource: str) -> Summary:
        summary = summary_of({"aws_iam_role.this[0]": {"name": name, "assume_role_policy": trust, "description": resource, "unique_id": name}})
        summary.configured = {"aws_iam_role.this": {"name", "assume_role_policy", "description"}}
        return summary

    twin = role("r", trust_cn, "arn:aws-cn:emr-serverless:cn-north-1:1:/applications/*")
    assert harness.twin_problems(role("r", trust_gov, "arn:aws-us-gov:emr-serverless:us-gov-west-1:1:/applications/*"), "aws-us-gov", twin) == []
    renamed = role("s", trust_gov, "arn:aws-us-gov:emr-serverless:us-east-1:1:/applications/*")
    assert harness.twin_problems(renamed, "aws-us-gov", twin) == [
        "plan.values.aws_iam_role.this[0].description: 'arn:<partition>:emr-serverless:us-east-1:1:/applications/*' here, "
        "'arn:<partition>:emr-serverless:<region>:1:/applications/*' there",
        "plan.values.aws_iam_role.this[0].name: 's' here, 'r' there",
    ]
    wrong_principal = role("r", trust_gov.replace("elasticmapreduce", "ec2", 1), "arn:aws-us-gov:emr-serverless:us-gov-west-1:1:/applications/*")
    assert len(harness.twin_problems(wrong_principal, "aws-us-gov", twin)) == 1


def test_a_grouped_root_gives_an_example_the_roots_provider_of_its_region(tmp_path: Path) -> None:
    example = tmp_path / "examples" / "one"
    example.mkdir(parents=True)
    (example / "main.tf").write_text(harness.EXAMPLE_PROVIDER + '\nmodule "m" {\n  source = "../../modules/x"\n}\n', encoding="utf-8")
    instances = [harness.Instance("a", "examples/one", 'region = "cn-north-1"\n', "cn-north-1")]
    root = harness.write_grouped_root(tmp_path, "g", instances)
    assert "provider" not in (example / "main.tf").read_text(encoding="utf-8")
    main = (root / "main.tf").read_text(encoding="utf-8")
    assert main.count('provider "aws" {') == 1 and 'region                      = "cn-north-1"' in main
    assert 'module "a" {\n  source = "../../examples/one"\n  providers = {\n    aws = aws.r_cn_north_1\n  }\n' in main
    harness.write_grouped_root(tmp_path, "g2", instances)  # a second root over the same copy: nothing left to take out


def test_an_example_whose_provider_block_says_more_is_not_planned_in_a_grouped_root(tmp_path: Path) -> None:
    example = tmp_path / "examples" / "one"
    example.mkdir(parents=True)
    (example / "main.tf").write_text('provider "aws" {\n  region = var.region\n  default_tags {\n    tags = { A = "b" }\n  }\n}\n', encoding="utf-8")
    with pytest.raises(ValueError, match="a provider block other than"):
        harness.write_grouped_root(tmp_path, "g", [harness.Instance("a", "examples/one", "")])


def test_an_example_gets_the_provider_of_the_region_it_is_given(tmp_path: Path) -> None:
    (tmp_path / "examples" / "one").mkdir(parents=True)
    with pytest.raises(ValueError, match="the example's region cn-north-1 is not the instance's, us-east-1"):
        harness.write_grouped_root(tmp_path, "g", [harness.Instance("a", "examples/one", 'region = "cn-north-1"\n')])


def test_examples_share_a_root_but_those_named_after_their_folder() -> None:
    groups = {case.target: harness.root_group(case) for case in harness.discover()}
    assert {groups[target] for target in groups if target.startswith("modules/")} == {"modules"}
    assert groups["examples/default-roles"] == groups["examples/team-workspaces/analytics"] == "examples"
    assert groups["examples/studio"] == "examples__studio/studio"  # it names its roles after basename(path.cwd)
