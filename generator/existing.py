"""What already exists in the account, read with the AWS SDK for `emr-iam imports --check-existing`.

Read-only: iam:GetRole, iam:GetInstanceProfile, iam:ListAttachedRolePolicies and, only when a
service-linked role's ARN needs the account, sts:GetCallerIdentity. Credentials, region and endpoint
come from the SDK's usual chain (environment, shared config, instance role; AWS_ENDPOINT_URL_IAM
points it elsewhere). boto3 is an optional dependency: `pip install 'emr-iam[aws]'`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from generator.adopt import AdoptError


@dataclass(frozen=True)
class Existing:
    """An IAM role or instance profile as the account holds it."""

    path: str
    arn: str
    roles: tuple[str, ...] = ()  # an instance profile's roles
    boundary: str | None = None  # a role's permissions boundary


class Account:
    """The IAM objects of one account, each read once."""

    def __init__(self, partition: str):
        try:
            import boto3
            import botocore.exceptions
            import botocore.session
        except ImportError:
            raise AdoptError("--check-existing reads the account with the AWS SDK: install it with pip install 'emr-iam[aws]'") from None
        session = boto3.session.Session()
        # IAM is global within a partition; any region of the partition reaches it.
        region = session.region_name
        if region is None or session.get_partition_for_region(region) != partition:
            region = "us-east-1" if partition == "aws" else botocore.session.get_session().get_available_regions(
                "sts", partition_name=partition
            )[0]
        self._errors = botocore.exceptions
        self._session, self._region = session, region
        self._iam: Any = session.client("iam", region_name=region)
        self._attached: dict[str, set[str]] = {}

    def _call(self, what: str, call: Any, **kwargs: Any) -> Any:
        try:
            return call(**kwargs)
        except self._errors.ClientError as error:
            if error.response.get("Error", {}).get("Code") == "NoSuchEntity":
                return None
            raise AdoptError(f"cannot read {what}: {error.response.get('Error', {}).get('Message') or error}") from None
        except self._errors.BotoCoreError as error:
            raise AdoptError(f"cannot read {what}: {error}") from None

    def role(self, name: str) -> Existing | None:
        found = self._call(f"role {name}", self._iam.get_role, RoleName=name)
        if found is None:
            return None
        role = found["Role"]
        return Existing(role["Path"], role["Arn"], boundary=(role.get("PermissionsBoundary") or {}).get("PermissionsBoundaryArn"))

    def instance_profile(self, name: str) -> Existing | None:
        found = self._call(f"instance profile {name}", self._iam.get_instance_profile, InstanceProfileName=name)
        if found is None:
            return None
        profile = found["InstanceProfile"]
        return Existing(profile["Path"], profile["Arn"], tuple(role["RoleName"] for role in profile["Roles"]))

    def attached(self, role: str) -> set[str]:
        """ARNs of the managed policies attached to `role` (none when it does not exist)."""
        if role not in self._attached:
            arns: set[str] = set()
            marker: dict[str, str] = {}
            while True:
                page = self._call(f"the policies attached to {role}", self._iam.list_attached_role_policies, RoleName=role, **marker)
                if page is None:
                    break
                arns |= {policy["PolicyArn"] for policy in page["AttachedPolicies"]}
                if not page.get("IsTruncated"):
                    break
                marker = {"Marker": page["Marker"]}
            self._attached[role] = arns
        return self._attached[role]

    def account_id(self) -> str:
        sts = self._session.client("sts", region_name=self._region)
        found = self._call("the account ID", sts.get_caller_identity)
        return str(found["Account"])
