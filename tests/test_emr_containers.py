"""EMR on EKS service-account names, judged by the AWS CLI's own code (PyPI `awscli`, the test extra).

`aws emr-containers update-role-trust-policy` writes the IRSA trust statement a job execution
role needs, with the role name in base36 (awscli/customizations/emrcontainers/base36.py). The
generator must produce exactly the same: its encoder is checked against the CLI's on more than
1,000 role names (every character IAM allows, the shortest and longest names), and the trust
subject against what the real `aws` command writes into a local fake AWS.
"""

from __future__ import annotations

import fnmatch
import json
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest
from awscli.customizations.emrcontainers.base36 import Base36

from generator import emr_containers
from tests.moto_server import ACCOUNT_ID, MotoServer

# The characters IAM allows in a role name, and its longest role name.
IAM_NAME_CHARACTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+=,.@_-"
LONGEST = 64


def role_names() -> list[str]:
    rng = random.Random(20261201)  # fixed: the same names on every run
    names = [rng.choice(IAM_NAME_CHARACTERS)]
    names += list(IAM_NAME_CHARACTERS)  # every allowed character alone
    names += [character * LONGEST for character in IAM_NAME_CHARACTERS]  # and as a name of the longest length
    names += [IAM_NAME_CHARACTERS[:LONGEST], IAM_NAME_CHARACTERS[-LONGEST:], "0", "00", "EMR_EKS_JobExecutionRole", "a" * 63 + "b"]
    names += ["".join(rng.choices(IAM_NAME_CHARACTERS, k=rng.randint(1, LONGEST))) for _ in range(1000)]
    return names


def test_base36_matches_the_aws_cli_on_1000_names() -> None:
    names = role_names()
    assert len(names) > 1100 and max(map(len, names)) == LONGEST and min(map(len, names)) == 1
    reference = Base36()
    mismatches = [(name, emr_containers.base36(name), reference.encode(name)) for name in names
                  if emr_containers.base36(name) != reference.encode(name)]
    assert mismatches == [], mismatches[:5]


def test_a_trailing_newline_changes_the_encoding() -> None:
    # What `echo name | ...` would encode, as AWS's documentation example has been seen to: not the name.
    reference = Base36()
    assert emr_containers.base36("example_iam_role\n") == reference.encode("example_iam_role\n")
    assert emr_containers.base36("example_iam_role") != emr_containers.base36("example_iam_role\n")


def _aws(server: MotoServer, *args: str, region: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ, "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": region,
        "AWS_CONFIG_FILE": os.devnull, "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
        # The command makes its own EKS client, which --endpoint-url does not reach; botocore reads this for every client.
        "AWS_ENDPOINT_URL": server.endpoint,
    }
    command = [str(Path(sys.executable).with_name("aws")), "--endpoint-url", server.endpoint, *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, env=env, check=False)


@pytest.mark.parametrize("role_name", ["a", "EMR_EKS_JobExecutionRole", "x" * LONGEST, "team.data+eng@emr=,_-"])
@pytest.mark.parametrize("region", ["us-east-1", "cn-north-1"])
def test_irsa_subject_is_what_the_aws_cli_writes(moto: MotoServer, role_name: str, region: str) -> None:
    eks, iam = moto.client("eks", region), moto.client("iam", region)
    cluster = eks.create_cluster(name="analytics", roleArn=f"arn:aws:iam::{ACCOUNT_ID}:role/eks", resourcesVpcConfig={})["cluster"]
    iam.create_role(RoleName=role_name, AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": []}))
    result = _aws(moto, "emr-containers", "update-role-trust-policy", "--cluster-name", "analytics", "--namespace", "spark-jobs",
                  "--role-name", role_name, "--iam-endpoint", moto.endpoint, "--dry-run", region=region)
    assert result.returncode == 0, result.stderr
    (statement,) = json.loads(result.stdout)["Statement"]
    issuer = cluster["identity"]["oidc"]["issuer"].removeprefix("https://")
    account = cluster["arn"].split(":")[4]
    assert statement["Condition"]["StringLike"] == {f"{issuer}:sub": emr_containers.irsa_subject("spark-jobs", account, role_name)}


def test_pod_identity_service_accounts_are_what_the_irsa_trust_admits() -> None:
    # Names from awscli v2's create-role-associations (start_job_run: spark client, driver, executor);
    # v1 on PyPI has no such command, so they are checked against the IRSA pattern v1 writes.
    subject = emr_containers.irsa_subject("jobs", ACCOUNT_ID, "team-job-role").removeprefix("system:serviceaccount:jobs:")
    accounts = emr_containers.start_job_run_service_accounts(ACCOUNT_ID, "team-job-role")
    assert [name.split("-")[4] for name in accounts] == ["client", "driver", "executor"]
    assert all(fnmatch.fnmatchcase(name, subject) for name in accounts), (accounts, subject)
    assert not any(fnmatch.fnmatchcase(name, emr_containers.irsa_subject("jobs", ACCOUNT_ID, "other-role")) for name in accounts)
