"""Partitions the test provider cannot name, and how plan tests still plan the modules in them.

The hashicorp/aws provider the tests install (3.39.0, 2021) predates aws-iso-e, aws-iso-f and
aws-eusc: for their regions `data.aws_partition` answers null, where current providers (5.x, 6.x)
answer the partition. For those partitions a plan test writes an override file beside every
`local.partition = data.aws_partition.current.partition`, setting the partition the region has;
everything the modules derive from it (ARNs, principals, the unknown-partition check) is then
what a current provider plans. test_partitions.py checks this list against the provider itself.
"""

from __future__ import annotations

import re
from pathlib import Path

from botocore.loaders import create_loader

from generator import facts

# Partitions whose sample regions the installed provider names itself.
PROVIDER_NAMES: tuple[str, ...] = ("aws", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b")
OVERRIDE_FILE = "zz_partition_override.tf"
_DERIVES_PARTITION = re.compile(r"^\s*partition\s*=\s*data\.aws_partition\.current\.partition\s*$", re.MULTILINE)


def needs_override(partition: str) -> bool:
    return partition not in PROVIDER_NAMES


def partition_of(region: str) -> str:
    """The partition of a sample region (facts.PARTITION_SAMPLE_REGIONS)."""
    found = [partition for partition, sample in facts.PARTITION_SAMPLE_REGIONS.items() if sample == region]
    if not found:
        raise ValueError(f"{region} is no partition's sample region in generator/facts.py")
    return found[0]


def partition_of_region(region: str) -> str:
    """The partition of any region botocore knows, by its partitions' region patterns."""
    known = create_loader().load_data("endpoints")["partitions"]
    for partition in known:
        if region in partition["regions"]:
            return str(partition["partition"])
    for partition in known:
        if re.fullmatch(partition["regionRegex"], region):
            return str(partition["partition"])
    raise ValueError(f"{region} is in no partition botocore knows")


def write_overrides(tree: Path, partition: str) -> list[Path]:
    """Set `local.partition` to `partition` in every folder under `tree` that derives it; the folders."""
    folders = sorted({tf.parent for tf in tree.rglob("*.tf") if ".terraform" not in tf.parts and _DERIVES_PARTITION.search(tf.read_text(encoding="utf-8"))})
    for folder in folders:
        (folder / OVERRIDE_FILE).write_text(f'locals {{\n  partition = "{partition}"\n}}\n', encoding="utf-8")
    return folders
