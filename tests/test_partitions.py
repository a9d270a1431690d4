"""Every partition in which AWS offers EMR: the list, and a plan of every module and example in each.

The list in generator/facts.py must be botocore's (each partition whose endpoints data has an
`elasticmapreduce` endpoint), with a sample region where EMR has one. Every module (its `custom`
case) and every example is then planned in each partition's sample region, and everything it
plans must be in that partition: ARNs and service principals. A partition the modules do not know
stops the plan with a message that names it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from botocore.loaders import create_loader

from generator import facts
from tests import partitions
from tests.engine import EXAMPLES, copy_tree, opentofu, provider_block
from tests.plan import harness

ENDPOINTS = create_loader().load_data("endpoints")
MODULE_TARGETS = harness.module_targets()
EXAMPLE_TARGETS = sorted(
    f"examples/{path.parent.relative_to(EXAMPLES).as_posix()}"
    for path in EXAMPLES.rglob("main.tf")
    if ".terraform" not in path.parts and not (path.parent / "imports.tf").exists()
)


def emr_partitions() -> dict[str, list[str]]:
    """Partition -> regions with an EMR endpoint, from botocore's endpoints data."""
    found = {}
    for partition in ENDPOINTS["partitions"]:
        endpoints = partition["services"].get("elasticmapreduce", {}).get("endpoints", {})
        regions = [region for region in endpoints if region in partition["regions"]]
        if regions:
            found[partition["partition"]] = regions
    return found


def test_the_partitions_are_botocores_emr_partitions() -> None:
    offered = emr_partitions()
    assert sorted(facts.PARTITIONS) == sorted(offered), "update PARTITION_SAMPLE_REGIONS in generator/facts.py"
    for partition, region in facts.PARTITION_SAMPLE_REGIONS.items():
        assert region in offered[partition], f"{region} has no EMR endpoint in {partition}"


def _plan(root: Path, *args: str) -> tuple[int, dict[str, Any] | None, str]:
    engine = opentofu()
    engine.init(root)
    result = engine.run("plan", "-input=false", "-no-color", "-out=plan.bin", *args, cwd=root, check=False)
    if result.returncode != 0:
        return result.returncode, None, result.stdout + result.stderr
    shown = json.loads(engine.run("show", "-json", "-no-color", "plan.bin", cwd=root).stdout)
    return 0, shown, result.stdout


def test_the_provider_names_the_partitions_the_tests_say_it_does(tmp_path: Path) -> None:
    """tests/partitions.py: which sample regions the installed provider maps to a partition itself."""
    blocks = []
    for partition, region in facts.PARTITION_SAMPLE_REGIONS.items():
        alias = partition.replace("-", "_")
        block = provider_block(region).replace('provider "aws" {\n', f'provider "aws" {{\n  alias = "{alias}"\n', 1)
        blocks.append(f'{block}\ndata "aws_partition" "{alias}" {{\n  provider = aws.{alias}\n}}\n\n'
                      f'output "{alias}" {{\n  value = data.aws_partition.{alias}.partition\n}}\n')
    (tmp_path / "main.tf").write_text("\n".join(blocks), encoding="utf-8")
    code, plan, text = _plan(tmp_path)
    assert code == 0, text
    assert plan is not None
    named = {partition: plan["planned_values"]["outputs"][partition.replace("-", "_")].get("value") for partition in facts.PARTITIONS}
    assert {partition for partition, value in named.items() if value == partition} == set(partitions.PROVIDER_NAMES)
    assert all(named[partition] is None for partition in facts.PARTITIONS if partitions.needs_override(partition)), named


def partition_instances(partition: str) -> list[harness.Instance]:
    """Every module (its `custom` case) and every example, in the partition's sample region."""
    region = facts.PARTITION_SAMPLE_REGIONS[partition]
    cases = {case.target: case for case in harness.discover() if case.name == "custom" and case.target in MODULE_TARGETS}
    assert sorted(cases) == MODULE_TARGETS
    kind = "part_" + partition
    # The case's own ARN inputs moved into the partition: whatever arn:aws: is left, the module wrote.
    modules = [harness.Instance(harness.instance_name(kind, target, "custom"), target, harness.case_arguments(case).replace("arn:aws:", f"arn:{partition}:"), region)
               for target, case in cases.items()]
    return modules + [harness.Instance(harness.instance_name(kind, example, "as-written"), example, f'region = "{region}"\n', region) for example in EXAMPLE_TARGETS]


def partition_plan(workbench: harness.Workbench, partition: str) -> dict[str, Any]:
    """One root per partition plans every module and example in it; a partition the provider does not name gets
    its root in a copy of the tree with `local.partition` set (tests/partitions.py). A root per partition, not
    one for all: the plan of one root for the five partitions the provider names took 89 s (107 s of CPU), one
    partition's root 9-13 s, and the roots plan side by side in the xdist workers."""
    def prepare(tree: Path) -> None:
        assert partitions.write_overrides(tree, partition)

    overridden = partitions.needs_override(partition)
    return workbench.grouped(opentofu(), f"partition-{partition}", partition_instances(partition), prepare if overridden else None)


def foreign_arns(targets: set[str]) -> list[str]:
    """ARNs a case's inventory knowingly lets through (tests/plan/README.md, foreign_arns)."""
    return [arn for case in harness.discover() if case.target in targets for arn in case.settings().get("foreign_arns", [])]


@pytest.mark.engine
@pytest.mark.parametrize("partition", facts.PARTITIONS)
def test_every_module_plans_in_the_partition(partition: str, workbench: harness.Workbench) -> None:
    plan = partition_plan(workbench, partition)
    summaries = {instance.name: harness.summarize(harness.scoped_plan(plan, instance.name))
                 for instance in partition_instances(partition) if instance.is_module}
    summary = harness.Summary(
        values={f"{name}.{address}": values for name, one in summaries.items() for address, values in one.values.items()},
        counts={"resources": sum(one.counts["resources"] for one in summaries.values())},
        outputs={name: one.outputs for name, one in summaries.items()},
    )
    assert summary.counts["resources"] > 0
    problems, checked = harness.partition_problems(summary, partition, foreign_arns(set(MODULE_TARGETS)))
    assert checked > 0
    assert problems == []


@pytest.mark.engine
@pytest.mark.parametrize("partition", facts.PARTITIONS)
@pytest.mark.parametrize("example", EXAMPLE_TARGETS)
def test_every_example_plans_in_the_partition(example: str, partition: str, workbench: harness.Workbench) -> None:
    plan = partition_plan(workbench, partition)
    summary = harness.summarize(harness.scoped_plan(plan, harness.instance_name("part_" + partition, example, "as-written")))
    problems, checked = harness.partition_problems(summary, partition, foreign_arns({example}))
    assert checked > 0 and problems == []


@pytest.mark.engine
def test_an_unknown_partition_stops_the_plan_with_its_name(tmp_path: Path) -> None:
    tree = copy_tree(tmp_path)
    assert partitions.write_overrides(tree, "aws-mars")
    root = tree / "_unknown"
    root.mkdir()
    (root / "main.tf").write_text(provider_block() + '\nmodule "ec2_role" {\n  source = "../modules/emr-ec2-role"\n}\n', encoding="utf-8")
    code, _, text = _plan(root)
    assert code != 0
    assert "Partition aws-mars is not one where these modules know EMR's" in " ".join(text.split()), text
    assert "Invalid index" not in text
