"""The tests' moto_server: a reset forgets everything but AWS's managed policies, as moto's own does.

tests/moto_launch.py builds the managed policies once per server and gives every later IAM
backend copies; these tests hold it to what a stock moto_server does after a reset.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests import moto_launch
from tests.moto_server import MotoServer

POLICY = "arn:aws:iam::aws:policy/service-role/AmazonEMRServicePolicy_v2"
TRUST = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "elasticmapreduce.amazonaws.com"}, "Action": "sts:AssumeRole"}]})


def _moto_documents() -> dict[str, dict[str, object]]:
    from moto.iam.aws_managed_policies import aws_managed_policies_data

    return {name: data["Document"] for name, data in json.loads(aws_managed_policies_data).items()}


def test_the_launcher_patches_the_installed_moto() -> None:
    # In a child process: the patch changes moto's class for the whole process.
    code = "import sys; sys.path.insert(0, sys.argv[1]); import moto_launch; print(moto_launch.patch())"
    done = subprocess.run(
        [sys.executable, "-c", code, str(Path(moto_launch.__file__).parent)], capture_output=True, text=True, timeout=120, check=True
    )
    assert done.stdout.strip() == "True", "the installed moto has no build step to patch: its resets are slow again"


@pytest.mark.parametrize("region", ["us-east-1", "cn-north-1"])
def test_a_reset_forgets_roles_and_attachments_and_keeps_the_managed_policies(moto: MotoServer, region: str) -> None:
    iam = moto.client("iam", region)
    arn = POLICY.replace("arn:aws:", "arn:aws-cn:") if region.startswith("cn-") else POLICY
    documents = _moto_documents()
    for _ in range(2):  # the second round is served from copies
        assert iam.list_roles()["Roles"] == []
        assert iam.get_policy(PolicyArn=arn)["Policy"]["AttachmentCount"] == 0
        iam.create_role(RoleName="service", AssumeRolePolicyDocument=TRUST)
        iam.attach_role_policy(RoleName="service", PolicyArn=arn)
        assert iam.get_policy(PolicyArn=arn)["Policy"]["AttachmentCount"] == 1
        version = iam.get_policy(PolicyArn=arn)["Policy"]["DefaultVersionId"]
        document = iam.get_policy_version(PolicyArn=arn, VersionId=version)["PolicyVersion"]["Document"]
        assert document == documents["AmazonEMRServicePolicy_v2"]
        listed = iam.get_paginator("list_policies").paginate(Scope="AWS").build_full_result()["Policies"]
        assert len(listed) == len(documents)
        moto.reset()
