"""EMR and IAM facts: the one place that knows names, principals, managed policies and quotas.

Templates and the spec models read these values; nothing else spells them out.
"""

from __future__ import annotations

from typing import Final

PARTITIONS: Final = ("aws", "aws-cn", "aws-us-gov")
# A region per partition, for examples and partition test cases.
PARTITION_SAMPLE_REGIONS: Final = {"aws": "us-east-1", "aws-cn": "cn-north-1", "aws-us-gov": "us-gov-west-1"}
# The longest partition name: IAM size checks measure ARNs as they come out in it.
LONGEST_PARTITION: Final = max(PARTITIONS, key=len)

# Service principals differ by partition: China uses the amazonaws.com.cn suffix.
SERVICE_PRINCIPALS: Final = {
    service: {
        "aws": f"{service}.amazonaws.com",
        "aws-cn": f"{service}.amazonaws.com.cn",
        "aws-us-gov": f"{service}.amazonaws.com",
    }
    for service in ("elasticmapreduce", "ec2", "application-autoscaling")
}
# The Spot service-linked role is named by the same service name in every partition.
SPOT_SERVICE_NAME: Final = "spot.amazonaws.com"
SPOT_SERVICE_LINKED_ROLE_PATH: Final = "aws-service-role/spot.amazonaws.com/AWSServiceRoleForEC2Spot*"

# What `aws emr create-default-roles` creates.
DEFAULT_ROLE_NAMES: Final = {
    "service_role": "EMR_DefaultRole",
    "ec2_role": "EMR_EC2_DefaultRole",
    "autoscaling_role": "EMR_AutoScaling_DefaultRole",
}
SERVICE_LINKED_ROLE_NAME: Final = "AWSServiceRoleForEMRCleanup"

# AWS managed policies, by path under arn:<partition>:iam::aws:policy/.
MANAGED_POLICIES: Final = {
    "service_role_v2": "service-role/AmazonEMRServicePolicy_v2",
    "service_role_v1": "service-role/AmazonElasticMapReduceRole",
    "ec2_role": "service-role/AmazonElasticMapReduceforEC2Role",
    "autoscaling_role": "service-role/AmazonElasticMapReduceforAutoScalingRole",
}

# Actions that IAM only evaluates against "Resource": "*"; each with the reason.
# Generated customer-managed policies may use "*" for these actions and no others.
WILDCARD_RESOURCE_ACTIONS: Final = {
    "cloudwatch:PutMetricData": "CloudWatch has no resource-level permissions for PutMetricData",
    "ec2:DescribeInstances": "EC2 Describe* actions do not support resource-level permissions",
    "ec2:DescribeTags": "EC2 Describe* actions do not support resource-level permissions",
}

# IAM quotas (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html).
IAM_LIMITS: Final = {
    "role_name": 64,
    # Terraform appends a 26-character unique suffix to a name prefix.
    "role_name_prefix": 38,
    "policy_name": 128,
    "instance_profile_name": 128,
    "path": 512,
    "trust_policy": 2048,
    "inline_policies_per_role": 10240,
    "managed_policy": 6144,
    "managed_policies_per_role": 10,
    "tags_per_role": 50,
    "tag_key": 128,
    "tag_value": 256,
}

# Upper bound for an account ID inside an ARN when sizing policies at generation time.
ACCOUNT_ID_PLACEHOLDER: Final = "123456789012"

# The same principals keyed the way the modules look them up: partition, then service.
SERVICE_PRINCIPALS_BY_PARTITION: Final = {
    partition: {service: principals[partition] for service, principals in SERVICE_PRINCIPALS.items()}
    for partition in PARTITIONS
}

# The IAM policy language version every generated document uses.
POLICY_VERSION: Final = "2012-10-17"
# Object actions: read, and the extra ones read_write adds.
S3_READ_ACTIONS: Final = ["s3:GetObject", "s3:GetObjectVersion"]
S3_WRITE_ACTIONS: Final = ["s3:AbortMultipartUpload", "s3:DeleteObject", "s3:ListMultipartUploadParts", "s3:PutObject"]
# What an EMR node reads about its own cluster; scoped to cluster ARNs.
CLUSTER_METADATA_ACTIONS: Final = [
    "elasticmapreduce:DescribeCluster",
    "elasticmapreduce:DescribeStep",
    "elasticmapreduce:ListBootstrapActions",
    "elasticmapreduce:ListInstanceFleets",
    "elasticmapreduce:ListInstanceGroups",
    "elasticmapreduce:ListInstances",
    "elasticmapreduce:ListSteps",
]
# What an EMR node needs that IAM only grants on "*" (reasons in WILDCARD_RESOURCE_ACTIONS).
INSTANCE_WILDCARD_ACTIONS: Final = ["cloudwatch:PutMetricData", "ec2:DescribeInstances", "ec2:DescribeTags"]
