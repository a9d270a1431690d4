"""The generation-time size checks measure what the modules really plan.

generator/policies.py builds the scoped EC2 policy and sizes the trust policies; these tests
plan the rendered modules in the longest partition and compare sizes character for character.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from generator import facts, policies
from generator.rendering import render
from generator.spec import load_spec
from tests.engine import copy_tree, opentofu, plan_json, planned_resources, provider_block

SPEC = Path(__file__).parent / "specs" / "full.yaml"

pytestmark = pytest.mark.engine


def minified(document: str) -> int:
    return len(json.dumps(json.loads(document), separators=(",", ":")))


@pytest.fixture(scope="module")
def gov_plan(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict]:
    root = copy_tree(tmp_path_factory.mktemp("limits"))
    shutil.rmtree(root / "modules")
    render(SPEC, root / "modules")
    workspace = root / "workspace"
    workspace.mkdir()
    (workspace / "main.tf").write_text(provider_block("us-gov-west-1") + 'module "etl" {\n  source = "../modules/teams/etl"\n}\n')
    return planned_resources(plan_json(opentofu(), workspace))


def test_scoped_policy_size_matches_the_plan(gov_plan: dict[str, dict]) -> None:
    team = load_spec(SPEC).teams[0]
    planned = gov_plan["module.etl.module.emr_iam.module.ec2_role.aws_iam_policy.scoped[0]"]["policy"]
    assert facts.LONGEST_PARTITION == "aws-us-gov"
    assert minified(planned) == policies.policy_size(policies.ec2_scoped_policy(team.ec2_role.s3_access, team.source_account_id))


def test_service_role_trust_size_matches_the_plan(gov_plan: dict[str, dict]) -> None:
    planned = gov_plan["module.etl.module.emr_iam.module.service_role.aws_iam_role.this[0]"]["assume_role_policy"]
    principal = {"Service": facts.SERVICE_PRINCIPALS["elasticmapreduce"]["aws-us-gov"]}
    conditions = {
        "StringEquals": {"aws:SourceAccount": "111122223333"},
        "ArnLike": {"aws:SourceArn": "arn:aws-us-gov:elasticmapreduce:*:111122223333:*"},
    }
    assert minified(planned) == policies.trust_policy_size(principal, conditions)


def test_emrfs_inline_policy_size_matches_the_plan(gov_plan: dict[str, dict]) -> None:
    team = load_spec(SPEC).teams[0]
    raw = team.emrfs.roles[0]
    planned = gov_plan['module.etl.module.emr_iam.module.emrfs.aws_iam_role_policy.this["etl-raw/s3-access"]']["policy"]
    assert minified(planned) == policies.policy_size(policies.s3_access_policy(raw.s3_access))
