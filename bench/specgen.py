"""Benchmark specs: N teams, each with every piece and 10 EMRFS role mappings.

Every team turns on every module the generator has (service, EC2 with a scoped S3 policy,
autoscaling, EMRFS roles, mappings and encryption, PassRole); the account's one service-linked
role is created by the first team only, as a real platform would. Team names are unique and
`name_prefix: "{team}-"` keeps role names unique across teams.

    python bench/specgen.py 1000 > bench/work/teams-1000.yaml
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import yaml

EMRFS_ROLES = 5
EMRFS_MAPPINGS = 10
ACCOUNT_ID = "111122223333"
KMS_KEY = f"arn:aws:kms:us-east-1:{ACCOUNT_ID}:key/1234abcd-12ab-34cd-56ef-1234567890ab"


def team_name(index: int) -> str:
    return f"team-{index:04d}"


def team(index: int) -> dict[str, Any]:
    name = team_name(index)
    lake = f"{name}-lake"
    roles = [
        {
            "name": f"emrfs-{role}",
            "s3_access": [
                {"bucket": lake, "prefix": f"zone{role}/", "access": "read_write"},
                {"bucket": f"{name}-shared", "prefix": "reference/"},
            ],
        }
        for role in range(EMRFS_ROLES)
    ]
    roles[0]["aws_managed_policies"] = ["AmazonS3ReadOnlyAccess"]
    roles[1]["inline_policies"] = {
        "notebooks-write": {
            "Statement": [
                {"Sid": "WriteNotebooks", "Effect": "Allow", "Action": ["s3:PutObject"], "Resource": [f"arn:aws:s3:::{name}-notebooks/*"]}
            ]
        }
    }
    kinds = ("Group", "User", "Prefix")
    mappings = []
    for number in range(EMRFS_MAPPINGS):
        kind = kinds[number % 3]
        identifier = f"s3://{lake}/zone{number % EMRFS_ROLES}/" if kind == "Prefix" else f"{kind.lower()}-{number}"
        mappings.append({"role": f"emrfs-{number % EMRFS_ROLES}", "identifier_type": kind, "identifiers": [identifier]})
    return {
        "name": name,
        "source_account_id": ACCOUNT_ID,
        "tags": {"Team": name},
        "service_linked_role": {"create": index == 0},
        "ec2_role": {
            "s3_access": [
                {"bucket": f"{name}-emr-logs", "prefix": "logs/", "access": "read_write"},
                {"bucket": lake, "prefix": "curated/"},
            ]
        },
        "emrfs": {
            "roles": roles,
            "mappings": mappings,
            "encryption": {"at_rest_s3": {"mode": "SSE-KMS", "kms_key_arn": KMS_KEY}, "local_disk_kms_key_arn": KMS_KEY},
        },
        "passrole_policy": {"attach_to_groups": [f"{name}-emr-operators"]},
    }


def spec(teams: int) -> dict[str, Any]:
    return {
        "version": 1,
        "defaults": {
            "name_prefix": "{team}-",
            "path": "/emr/",
            "tags": {"ManagedBy": "emr-iam"},
            "service_role": {"managed_policy": "v2"},
            "ec2_role": {"policy": "scoped"},
        },
        "teams": [team(index) for index in range(teams)],
    }


def dump(teams: int) -> str:
    """The spec as block-style YAML, the way people write specs."""
    return yaml.safe_dump(spec(teams), sort_keys=False, width=200)


def write(teams: int, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(dump(teams), encoding="utf-8")
    return path


if __name__ == "__main__":
    sys.stdout.write(dump(int(sys.argv[1])))
