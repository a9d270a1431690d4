"""`make scan`'s cloudsplaining step: the authorization details moto gives, completed, read by cloudsplaining.

A small account on the local fake AWS (a role for EC2 with an inline policy, a customer-managed policy and an
AWS managed policy attached) is read back with GetAccountAuthorizationDetails: as moto returns it,
cloudsplaining 0.9.1 (its own environment, `make cloudsplaining-env`) cannot read it; completed by
scripts/cloudsplaining_scan.py it can, and reports what the strict settings flag. The reasons file is
checked to load, and the judging to fail on an unexplained finding and on a reason that explains none.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scripts import cloudsplaining_scan as scan
from tests.engine import ROOT
from tests.moto_server import MotoServer

CLOUDSPLAINING = ROOT / ".venv-cloudsplaining" / "bin" / "cloudsplaining"
TRUST = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"Service": "ec2.amazonaws.com"}}]}
WRITE_ANYWHERE = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:PutObject", "Resource": "*"}]}
PASS_ONE_ROLE = {"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Action": "iam:PassRole", "Resource": "arn:aws:iam::123456789012:role/emr/scan-EMR_EC2_DefaultRole",
    "Condition": {"StringEquals": {"iam:PassedToService": "ec2.amazonaws.com"}},
}]}
AWS_POLICY = "arn:aws:iam::aws:policy/service-role/AmazonElasticMapReduceforAutoScalingRole"


@pytest.fixture(scope="module")
def moto_details() -> dict[str, object]:
    """The account's authorization details exactly as moto returns them."""
    with MotoServer() as moto:
        iam = moto.client("iam")
        iam.create_role(RoleName="scan-EMR_EC2_DefaultRole", Path="/emr/", AssumeRolePolicyDocument=json.dumps(TRUST))
        iam.put_role_policy(RoleName="scan-EMR_EC2_DefaultRole", PolicyName="write", PolicyDocument=json.dumps(WRITE_ANYWHERE))
        arn = iam.create_policy(PolicyName="scan-EMR_PassRole", Path="/emr/", PolicyDocument=json.dumps(PASS_ONE_ROLE))["Policy"]["Arn"]
        iam.attach_role_policy(RoleName="scan-EMR_EC2_DefaultRole", PolicyArn=arn)
        iam.attach_role_policy(RoleName="scan-EMR_EC2_DefaultRole", PolicyArn=AWS_POLICY)
        pages = iam.get_paginator("get_account_authorization_details").paginate().build_full_result()
        details: dict[str, object] = {name: pages.get(name, []) for name in scan.AUTHORIZATION_DETAIL_LISTS}
        return details


def test_complete_fills_the_policies_and_keeps_those_in_use(moto_details: dict[str, list[dict[str, object]]]) -> None:
    assert all("PolicyName" not in policy and "PolicyId" not in policy for policy in moto_details["Policies"]), "moto fills them now"
    completed = scan.complete(moto_details)
    names = {policy["PolicyName"]: policy for policy in completed["Policies"]}
    assert set(names) == {"scan-EMR_PassRole", "AmazonElasticMapReduceforAutoScalingRole"}
    ids = [policy["PolicyId"] for policy in completed["Policies"]]
    assert len(set(ids)) == 2 and all(value.startswith("ANPA") and len(value) == 21 for value in ids)
    assert scan.complete(moto_details) == completed, "the same account gives the same IDs"
    assert len(moto_details["Policies"]) > 100, "moto lists every AWS managed policy it ships; complete keeps those attached"


def test_cloudsplaining_reads_only_the_completed_details(moto_details: dict[str, object], tmp_path: Path) -> None:
    assert CLOUDSPLAINING.is_file(), "cloudsplaining is not installed: run `make cloudsplaining-env`"
    with pytest.raises(scan.ScanError, match=r"cloudsplaining failed on .*raw\.json \(exit 1\)"):
        scan.run_cloudsplaining(CLOUDSPLAINING, moto_details, tmp_path, "raw")
    results = scan.run_cloudsplaining(CLOUDSPLAINING, scan.complete(moto_details), tmp_path, "completed")
    found = {(finding.where, finding.risk, finding.subject) for finding in scan.findings_of(results, "small")}
    assert {
        ("role /emr/scan-EMR_EC2_DefaultRole inline write", "InfrastructureModification", "s3:PutObject"),
        ("role /emr/scan-EMR_EC2_DefaultRole trust", "AssumableByComputeServices", "ec2"),
        # Flagged although the ARN and iam:PassedToService scope it: the strict setting.
        ("policy /emr/scan-EMR_PassRole", "ResourceExposure", "iam:PassRole"),
        ("aws-policy /service-role/AmazonElasticMapReduceforAutoScalingRole", "InfrastructureModification",
         "elasticmapreduce:ModifyInstanceGroups"),
    } <= found, sorted(found)


def test_the_committed_reasons_load_and_each_has_a_reason() -> None:
    reasons = scan.load_reasons()
    assert len(reasons) > 10
    assert all(len(reason.reason) > 40 for reason in reasons)


def test_judging_fails_on_an_unexplained_finding_and_on_a_reason_that_explains_none(tmp_path: Path) -> None:
    reasons_file = tmp_path / "reasons.yaml"
    reasons_file.write_text(
        "- where: policy /emr/*-EMR_PassRole\n  risk: [ResourceExposure, InfrastructureModification]\n  subjects: [iam:PassRole]\n"
        "  reason: the team's own roles, by ARN, each to its service\n", encoding="utf-8")
    reasons = scan.load_reasons(reasons_file)
    passrole = scan.Finding("s.yaml", "policy /emr/a-EMR_PassRole", "ResourceExposure", "iam:PassRole")
    other = scan.Finding("s.yaml", "policy /emr/a-EMR_PassRole", "ResourceExposure", "iam:CreateServiceLinkedRole")
    unexplained, stale, explained = scan.judge([passrole, other], reasons)
    assert unexplained == [other]
    assert stale == ["policy /emr/*-EMR_PassRole: InfrastructureModification: iam:PassRole"]
    assert explained == {reasons[0]: 1}
    reasons_file.write_text("- where: x\n  risk: Everything\n  subjects: ['*']\n  reason: no\n", encoding="utf-8")
    with pytest.raises(scan.ScanError, match="entry 1: risk 'Everything' is none of cloudsplaining's"):
        scan.load_reasons(reasons_file)
