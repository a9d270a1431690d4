"""The benchmark's team set as a CDKTF Python app: what `make bench` compares the generator with.

    .venv-cdktf/bin/python bench/cdktf_app.py --spec bench/work/specs/teams-10.yaml --out bench/work/cdktf.out

It reads the same YAML spec and synthesises, per team, the AWS resources that modules/emr-iam
plans for that team: three roles and their attachments, the instance profile, the scoped EC2
policy, the service-linked role (first team only), the EMRFS roles with their policies, the
security configuration with the role mappings, the PassRole policy and its group attachment
(25 resources, or 24 without the service-linked role); one stack per team, as a team
workspace would be.

Fairness notes (also in bench/README.md):
- Only CDKTF core is used: resources are `TerraformResource` escape hatches with
  `terraform_resource_type` and `add_override` per argument. The prebuilt AWS provider bindings
  (cdktf-cdktf-provider-aws, a large generated package) would only add loading and jsii time,
  so leaving them out favours CDKTF.
- The app does no validation and no IAM limit checks (the generator does both), which also
  favours CDKTF.
- Policies are JSON strings built in Python with CDKTF tokens for the references, as a CDKTF user
  would write them.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import yaml
from cdktf import App, TerraformDataSource, TerraformProvider, TerraformResource, TerraformStack
from constructs import Construct

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from generator import facts  # noqa: E402  (facts and merge load nothing heavy)
from generator.merge import deep_merge  # noqa: E402

VERSION = facts.POLICY_VERSION
# The app plans in the aws partition only; the generator's modules pick principals per partition.
EMR, EC2, AUTOSCALING = (facts.SERVICE_PRINCIPALS[service]["aws"] for service in ("elasticmapreduce", "ec2", "application-autoscaling"))
MANAGED = {
    "v2": facts.MANAGED_POLICIES["service_role_v2"],
    "v1": facts.MANAGED_POLICIES["service_role_v1"],
    "autoscaling": facts.MANAGED_POLICIES["autoscaling_role"],
}


def resource(scope: Construct, kind: str, construct_id: str, /, **arguments: Any) -> TerraformResource:
    """A resource through CDKTF core's escape hatch: type by name, arguments by override."""
    created = TerraformResource(scope, construct_id, terraform_resource_type=kind)
    for key, value in arguments.items():
        if value is not None:
            created.add_override(key, value)
    return created


def _object_arns(partition: str, locations: list[dict[str, Any]]) -> list[str]:
    arns = []
    for location in locations:
        prefix = location.get("prefix", "").rstrip("/")
        arns.append(f"arn:{partition}:s3:::{location['bucket']}/{prefix + '/' if prefix else ''}*")
    return list(dict.fromkeys(arns))


def s3_statements(partition: str, locations: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The generator's least-privilege S3 statements, written again for the app."""
    buckets: dict[str, list[str]] = {}
    for location in locations:
        buckets.setdefault(location["bucket"], []).append(location.get("prefix", "").rstrip("/"))
    bucket_arns = {bucket: f"arn:{partition}:s3:::{bucket}" for bucket in buckets}
    statements: list[dict[str, Any]] = [
        {"Sid": "BucketLocation", "Effect": "Allow", "Action": ["s3:GetBucketLocation"], "Resource": list(bucket_arns.values())}
    ]
    for index, (bucket, prefixes) in enumerate(buckets.items()):
        statement: dict[str, Any] = {
            "Sid": f"ListBucket{index}",
            "Effect": "Allow",
            "Action": ["s3:ListBucket"],
            "Resource": [bucket_arns[bucket]],
        }
        if "" not in prefixes:
            listed = list(dict.fromkeys(item for prefix in prefixes for item in (prefix, f"{prefix}/*")))
            statement["Condition"] = {"StringLike": {"s3:prefix": listed}}
        statements.append(statement)
    read = _object_arns(partition, locations)
    statements.append({"Sid": "ReadObjects", "Effect": "Allow", "Action": facts.S3_READ_ACTIONS, "Resource": read})
    writable = [location for location in locations if location.get("access") == "read_write"]
    if writable:
        write = _object_arns(partition, writable)
        statements.append({"Sid": "WriteObjects", "Effect": "Allow", "Action": facts.S3_WRITE_ACTIONS, "Resource": write})
    return statements


def trust(principal: dict[str, Any], condition: dict[str, Any] | None = None) -> str:
    statement: dict[str, Any] = {"Sid": "AssumeRole", "Effect": "Allow", "Action": "sts:AssumeRole", "Principal": principal}
    if condition:
        statement["Condition"] = condition
    return json.dumps({"Version": VERSION, "Statement": [statement]})


class TeamStack(TerraformStack):
    """One team's EMR IAM set-up: the resources modules/teams/<team> plans."""

    def __init__(self, scope: Construct, team: dict[str, Any]):
        super().__init__(scope, team["name"])
        provider = TerraformProvider(self, "aws", terraform_resource_type="aws", terraform_provider_source="hashicorp/aws")
        provider.add_override("region", "us-east-1")
        partition = TerraformDataSource(self, "partition", terraform_resource_type="aws_partition").get_string_attribute("partition")

        prefix = team.get("name_prefix", "").replace("{team}", team["name"])
        path, tags, account = team.get("path", "/"), team.get("tags", {}), team.get("source_account_id")
        common = {"path": path, "tags": tags, "force_detach_policies": True}
        names = {
            key: prefix + team.get(key, {}).get("name", default)
            for key, default in (
                ("service_role", "EMR_DefaultRole"),
                ("ec2_role", "EMR_EC2_DefaultRole"),
                ("autoscaling_role", "EMR_AutoScaling_DefaultRole"),
            )
        }
        source = {"StringEquals": {"aws:SourceAccount": account}} if account else None

        service = resource(
            self,
            "aws_iam_role",
            "service_role",
            name=names["service_role"],
            **common,
            assume_role_policy=trust(
                {"Service": EMR},
                {**source, "ArnLike": {"aws:SourceArn": f"arn:{partition}:elasticmapreduce:*:{account}:*"}} if source else None,
            ),
        )
        resource(
            self,
            "aws_iam_role_policy_attachment",
            "service_role_managed",
            role=service.get_string_attribute("name"),
            policy_arn=f"arn:{partition}:iam::aws:policy/{MANAGED[team.get('service_role', {}).get('managed_policy', 'v2')]}",
        )

        ec2 = resource(
            self, "aws_iam_role", "ec2_role", name=names["ec2_role"], **common, assume_role_policy=trust({"Service": EC2})
        )
        resource(
            self,
            "aws_iam_instance_profile",
            "ec2_instance_profile",
            name=names["ec2_role"],
            path=path,
            tags=tags,
            role=ec2.get_string_attribute("name"),
        )
        scoped = resource(
            self,
            "aws_iam_policy",
            "ec2_scoped",
            name=names["ec2_role"],
            path=path,
            tags=tags,
            description=f"Scoped permissions of the EMR role for EC2 {names['ec2_role']}.",
            policy=json.dumps(
                {
                    "Version": VERSION,
                    "Statement": [
                        {
                            "Sid": "ClusterMetadata",
                            "Effect": "Allow",
                            "Action": facts.CLUSTER_METADATA_ACTIONS,
                            "Resource": f"arn:{partition}:elasticmapreduce:*:{account or '*'}:cluster/*",
                        },
                        {
                            "Sid": "InstanceMetadata",
                            "Effect": "Allow",
                            "Action": facts.INSTANCE_WILDCARD_ACTIONS,
                            "Resource": "*",
                        },
                        *s3_statements(partition, team["ec2_role"].get("s3_access", [])),
                    ],
                }
            ),
        )
        resource(
            self,
            "aws_iam_role_policy_attachment",
            "ec2_scoped_attachment",
            role=ec2.get_string_attribute("name"),
            policy_arn=scoped.get_string_attribute("arn"),
        )

        autoscaling = resource(
            self,
            "aws_iam_role",
            "autoscaling_role",
            name=names["autoscaling_role"],
            **common,
            assume_role_policy=trust({"Service": [EMR, AUTOSCALING]}, source),
        )
        resource(
            self,
            "aws_iam_role_policy_attachment",
            "autoscaling_role_managed",
            role=autoscaling.get_string_attribute("name"),
            policy_arn=f"arn:{partition}:iam::aws:policy/{MANAGED['autoscaling']}",
        )

        if team.get("service_linked_role", {}).get("create"):
            resource(self, "aws_iam_service_linked_role", "service_linked_role", aws_service_name=EMR)

        emrfs = team.get("emrfs", {})
        role_arns: dict[str, str] = {}
        for role in emrfs.get("roles", []):
            full = prefix + role["name"]
            created = resource(
                self,
                "aws_iam_role",
                f"emrfs_{role['name']}",
                name=full,
                **common,
                description=f"EMRFS role {full}, assumed by the EMR role for EC2 for mapped S3 requests.",
                assume_role_policy=trust({"AWS": ec2.get_string_attribute("arn")}),
            )
            role_arns[role["name"]] = created.get_string_attribute("arn")
            role_name = created.get_string_attribute("name")
            if role.get("s3_access"):
                resource(
                    self,
                    "aws_iam_role_policy",
                    f"emrfs_{role['name']}_s3",
                    name="s3-access",
                    role=role_name,
                    policy=json.dumps({"Version": VERSION, "Statement": s3_statements(partition, role["s3_access"])}),
                )
            for policy_name, document in role.get("inline_policies", {}).items():
                resource(
                    self,
                    "aws_iam_role_policy",
                    f"emrfs_{role['name']}_{policy_name}",
                    name=policy_name,
                    role=role_name,
                    policy=json.dumps({"Version": VERSION, **document}),
                )
            for managed in role.get("aws_managed_policies", []):
                resource(
                    self,
                    "aws_iam_role_policy_attachment",
                    f"emrfs_{role['name']}_{managed}",
                    role=role_name,
                    policy_arn=f"arn:{partition}:iam::aws:policy/{managed}",
                )
        if role_arns:
            resource(
                self,
                "aws_iam_role_policy",
                "ec2_assume_emrfs",
                name="emrfs-assume-roles",
                role=ec2.get_string_attribute("name"),
                policy=json.dumps(
                    {
                        "Version": VERSION,
                        "Statement": [
                            {"Sid": "AssumeEmrfsRoles", "Effect": "Allow", "Action": "sts:AssumeRole", "Resource": list(role_arns.values())}
                        ],
                    }
                ),
            )
            encryption = emrfs.get("encryption") or {}
            at_rest: dict[str, Any] = {}
            if "at_rest_s3" in encryption:
                at_rest["S3EncryptionConfiguration"] = {
                    "EncryptionMode": encryption["at_rest_s3"]["mode"],
                    "AwsKmsKey": encryption["at_rest_s3"].get("kms_key_arn"),
                }
            if "local_disk_kms_key_arn" in encryption:
                at_rest["LocalDiskEncryptionConfiguration"] = {
                    "EncryptionKeyProviderType": "AwsKms",
                    "AwsKmsKey": encryption["local_disk_kms_key_arn"],
                }
            resource(
                self,
                "aws_emr_security_configuration",
                "emrfs_security_configuration",
                name=f"{prefix}{team['name']}-emrfs",
                configuration=json.dumps(
                    {
                        "EncryptionConfiguration": {
                            "EnableInTransitEncryption": False,
                            "EnableAtRestEncryption": bool(at_rest),
                            "AtRestEncryptionConfiguration": at_rest,
                        },
                        "AuthorizationConfiguration": {
                            "EmrFsConfiguration": {
                                "RoleMappings": [
                                    {"Role": role_arns[m["role"]], "IdentifierType": m["identifier_type"], "Identifiers": m["identifiers"]}
                                    for m in emrfs.get("mappings", [])
                                ]
                            }
                        },
                    }
                ),
            )

        passrole = team.get("passrole_policy", {})
        passed = {
            "service_role": (service, [EMR]),
            "ec2_role": (ec2, [EC2]),
            "autoscaling_role": (autoscaling, [EMR, AUTOSCALING]),
        }
        policy = resource(
            self,
            "aws_iam_policy",
            "passrole",
            name=prefix + passrole.get("name", "EMR_PassRole"),
            path=path,
            tags=tags,
            description="Pass the EMR roles to the services that use them, and no other roles.",
            policy=json.dumps(
                {
                    "Version": VERSION,
                    "Statement": [
                        {
                            "Sid": f"PassRole{key.title().replace('_', '')}",
                            "Effect": "Allow",
                            "Action": "iam:PassRole",
                            "Resource": role.get_string_attribute("arn"),
                            "Condition": {"StringEquals": {"iam:PassedToService": services}},
                        }
                        for key, (role, services) in passed.items()
                    ],
                }
            ),
        )
        for group in passrole.get("attach_to_groups", []):
            resource(
                self, "aws_iam_group_policy_attachment", f"passrole_{group}", group=group, policy_arn=policy.get_string_attribute("arn")
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--spec", required=True)
    parser.add_argument("--out", required=True, help="cdktf.out folder to synthesise into")
    args = parser.parse_args()
    spec = yaml.load(Path(args.spec).read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    defaults = spec.get("defaults") or {}
    app = App(outdir=args.out)
    for team in spec["teams"]:
        TeamStack(app, deep_merge(defaults, team))
    app.synth()


if __name__ == "__main__":
    main()
