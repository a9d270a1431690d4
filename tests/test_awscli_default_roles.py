"""examples/default-roles against the real `aws emr create-default-roles`, not a copy of our constants.

The AWS CLI (PyPI `awscli`, in the test extra) runs create-default-roles against this
worker's fake AWS for a region of each partition whose EMR endpoint it knows, its IAM calls sent
to moto with --iam-endpoint; the EMR endpoint stays the region's own, since the CLI derives the
service principals from that host name and calls nothing there. The trust policies it wrote are
read back and compared with what the example plans for the same region: the same principals for
the same roles, China included (ec2.amazonaws.com since aws-cli PR #8709).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from generator import facts
from tests.engine import copy_tree, opentofu, plan_json, planned_resources
from tests.moto_server import MotoServer
from tests.plan.harness import write_provider

pytestmark = pytest.mark.engine

AWS_CLI = Path(sys.executable).with_name("aws")  # the console script of the test extra's awscli
# Partitions whose principals AWS documents and the CLI derives from a real endpoint; for aws-iso*
# and aws-eusc the CLI takes the endpoint's DNS suffix (elasticmapreduce.c2s.ic.gov, ...), which
# AWS documents nowhere: the modules use the global form there (see generator/facts.py).
COMPARED = ("aws", "aws-cn", "aws-us-gov")


def principals(trust: dict[str, Any]) -> list[str]:
    found: list[str] = []
    for statement in trust["Statement"]:
        service = statement["Principal"]["Service"]
        found += service if isinstance(service, list) else [service]
    return sorted(found)


def cli_default_roles(moto: MotoServer, region: str, home: Path) -> dict[str, list[str]]:
    if not AWS_CLI.is_file():
        pytest.fail(f"the AWS CLI is not installed at {AWS_CLI}: run `make test-deps` (make test does)", pytrace=False)
    env = {
        **{key: value for key, value in os.environ.items() if not key.startswith("AWS_")},
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        # create-default-roles records the roles in the CLI's config file: a scratch one.
        "AWS_CONFIG_FILE": str(home / "aws-config"),
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
        "AWS_EC2_METADATA_DISABLED": "true",
    }
    result = subprocess.run(
        [str(AWS_CLI), "emr", "create-default-roles", "--region", region, "--iam-endpoint", moto.endpoint, "--output", "json"],
        env=env, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    iam = moto.client("iam", region)
    return {
        name: principals(json.loads(doc) if isinstance(doc := iam.get_role(RoleName=name)["Role"]["AssumeRolePolicyDocument"], str) else doc)
        for name in facts.DEFAULT_ROLE_NAMES.values()
    }


def planned_default_roles(tmp_path: Path, region: str) -> dict[str, list[str]]:
    tree = copy_tree(tmp_path)
    example = tree / "examples" / "default-roles"
    write_provider(example, region, None, is_module=False)
    resources = planned_resources(plan_json(opentofu(), example, f"-var=region={region}"))
    return {
        values["name"]: principals(json.loads(values["assume_role_policy"]))
        for address, values in resources.items()
        if address.endswith("aws_iam_role.this[0]") and address.startswith("module.default_roles.")
    }


@pytest.mark.parametrize("partition", COMPARED)
def test_default_roles_trust_what_the_aws_cli_writes(partition: str, moto: MotoServer, tmp_path: Path) -> None:
    region = facts.PARTITION_SAMPLE_REGIONS[partition]
    written = cli_default_roles(moto, region, tmp_path)
    assert planned_default_roles(tmp_path / "tree", region) == written
    if partition == "aws-cn":
        # The fact this test pins: the CLI writes the global EC2 principal in China.
        assert written[facts.DEFAULT_ROLE_NAMES["ec2_role"]] == ["ec2.amazonaws.com"]
