# Hand-written, minimal HCL for the plan-overhead benchmark (`make bench`): the same resources
# that modules/emr-iam plans for team-0000 of the benchmark spec (bench/specgen.py, 1 team),
# written flat, with literal values and jsonencode() instead of modules and variables.
# bench/run.py adds the offline provider block and plans it side by side with the generated module.

data "aws_partition" "current" {}

locals {
  partition = data.aws_partition.current.partition
  account   = "111122223333"
  path      = "/emr/"
  tags      = { ManagedBy = "emr-iam", Team = "team-0000", "emr-iam:team" = "team-0000" }
  kms_key   = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
  emrfs_roles = {
    "team-0000-emrfs-0" = "zone0"
    "team-0000-emrfs-1" = "zone1"
    "team-0000-emrfs-2" = "zone2"
    "team-0000-emrfs-3" = "zone3"
    "team-0000-emrfs-4" = "zone4"
  }
  # Mapping n goes to role n % 5; Group, User and Prefix in turn.
  mappings = [for n in range(10) : {
    role = "team-0000-emrfs-${n % 5}"
    type = ["Group", "User", "Prefix"][n % 3]
    id   = n % 3 == 0 ? "group-${n}" : n % 3 == 1 ? "user-${n}" : "s3://team-0000-lake/zone${n % 5}/"
  }]
}

# --- EMR service role -------------------------------------------------------------------------

resource "aws_iam_role" "service" {
  name                  = "team-0000-EMR_DefaultRole"
  path                  = local.path
  force_detach_policies = true
  tags                  = local.tags
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "AssumeRole"
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = "elasticmapreduce.amazonaws.com" }
      Condition = {
        StringEquals = { "aws:SourceAccount" = [local.account] }
        ArnLike      = { "aws:SourceArn" = ["arn:${local.partition}:elasticmapreduce:*:${local.account}:*"] }
      }
    }]
  })
}

resource "aws_iam_role_policy_attachment" "service" {
  role       = aws_iam_role.service.name
  policy_arn = "arn:${local.partition}:iam::aws:policy/service-role/AmazonEMRServicePolicy_v2"
}

# AmazonEMRServicePolicy_v2 passes only the default role names at path /: this team's path is /emr/.
resource "aws_iam_role_policy" "service_pass_roles" {
  name = "pass-cluster-roles"
  role = aws_iam_role.service.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      { Sid = "PassRoleEc2Role", Effect = "Allow", Action = "iam:PassRole", Resource = aws_iam_role.ec2.arn, Condition = { StringEquals = { "iam:PassedToService" = "ec2.amazonaws.com" } } },
      { Sid = "PassRoleAutoscalingRole", Effect = "Allow", Action = "iam:PassRole", Resource = aws_iam_role.autoscaling.arn, Condition = { StringEquals = { "iam:PassedToService" = "application-autoscaling.amazonaws.com" } } },
    ]
  })
}

resource "aws_iam_role_policy" "service_spot" {
  name = "create-spot-service-linked-role"
  role = aws_iam_role.service.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "CreateSpotServiceLinkedRole"
      Effect    = "Allow"
      Action    = "iam:CreateServiceLinkedRole"
      Resource  = "arn:${local.partition}:iam::*:role/aws-service-role/spot.amazonaws.com/AWSServiceRoleForEC2Spot*"
      Condition = { StringEquals = { "iam:AWSServiceName" = ["spot.amazonaws.com"] } }
    }]
  })
}

# --- EMR role for EC2, its instance profile and scoped policy ----------------------------------

resource "aws_iam_role" "ec2" {
  name                  = "team-0000-EMR_EC2_DefaultRole"
  path                  = local.path
  force_detach_policies = true
  tags                  = local.tags
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Sid = "AssumeRole", Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "ec2.amazonaws.com" } }]
  })
}

resource "aws_iam_instance_profile" "ec2" {
  name = aws_iam_role.ec2.name
  path = local.path
  role = aws_iam_role.ec2.name
  tags = local.tags
}

resource "aws_iam_policy" "ec2" {
  name        = "team-0000-EMR_EC2_DefaultRole"
  path        = local.path
  description = "Scoped permissions of the EMR role for EC2 team-0000-EMR_EC2_DefaultRole."
  tags        = local.tags
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid      = "ClusterMetadata"
        Effect   = "Allow"
        Action   = ["elasticmapreduce:DescribeCluster", "elasticmapreduce:DescribeStep", "elasticmapreduce:ListBootstrapActions", "elasticmapreduce:ListInstanceFleets", "elasticmapreduce:ListInstanceGroups", "elasticmapreduce:ListInstances", "elasticmapreduce:ListSteps"]
        Resource = "arn:${local.partition}:elasticmapreduce:*:${local.account}:cluster/*"
      },
      { Sid = "InstanceMetadata", Effect = "Allow", Action = ["cloudwatch:PutMetricData", "ec2:DescribeInstances", "ec2:DescribeTags"], Resource = "*" },
      { Sid = "BucketLocation", Effect = "Allow", Action = ["s3:GetBucketLocation"], Resource = ["arn:${local.partition}:s3:::team-0000-emr-logs", "arn:${local.partition}:s3:::team-0000-lake"] },
      { Sid = "ListBucket0", Effect = "Allow", Action = ["s3:ListBucket"], Resource = ["arn:${local.partition}:s3:::team-0000-emr-logs"], Condition = { StringLike = { "s3:prefix" = ["logs", "logs/*"] } } },
      { Sid = "ListBucket1", Effect = "Allow", Action = ["s3:ListBucket"], Resource = ["arn:${local.partition}:s3:::team-0000-lake"], Condition = { StringLike = { "s3:prefix" = ["curated", "curated/*"] } } },
      { Sid = "ReadObjects", Effect = "Allow", Action = ["s3:GetObject", "s3:GetObjectVersion"], Resource = ["arn:${local.partition}:s3:::team-0000-emr-logs/logs/*", "arn:${local.partition}:s3:::team-0000-lake/curated/*"] },
      { Sid = "WriteObjects", Effect = "Allow", Action = ["s3:AbortMultipartUpload", "s3:DeleteObject", "s3:ListMultipartUploadParts", "s3:PutObject"], Resource = ["arn:${local.partition}:s3:::team-0000-emr-logs/logs/*"] },
    ]
  })
}

resource "aws_iam_role_policy_attachment" "ec2" {
  role       = aws_iam_role.ec2.name
  policy_arn = aws_iam_policy.ec2.arn
}

# --- Automatic scaling role --------------------------------------------------------------------

resource "aws_iam_role" "autoscaling" {
  name                  = "team-0000-EMR_AutoScaling_DefaultRole"
  path                  = local.path
  force_detach_policies = true
  tags                  = local.tags
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "AssumeRole"
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = ["elasticmapreduce.amazonaws.com", "application-autoscaling.amazonaws.com"] }
      Condition = {
        StringEquals = { "aws:SourceAccount" = [local.account] }
        ArnLike = { "aws:SourceArn" = [
          "arn:${local.partition}:application-autoscaling:*:${local.account}:scalable-target/*",
          "arn:${local.partition}:elasticmapreduce:*:${local.account}:*",
        ] }
      }
    }]
  })
}

resource "aws_iam_role_policy_attachment" "autoscaling" {
  role       = aws_iam_role.autoscaling.name
  policy_arn = "arn:${local.partition}:iam::aws:policy/service-role/AmazonElasticMapReduceforAutoScalingRole"
}

# --- Service-linked role (one per account) -----------------------------------------------------

resource "aws_iam_service_linked_role" "emr" {
  aws_service_name = "elasticmapreduce.amazonaws.com"
}

# --- EMRFS roles, their policies, and the security configuration with the role mappings -------

resource "aws_iam_role" "emrfs" {
  for_each = local.emrfs_roles

  name                  = each.key
  path                  = local.path
  description           = "EMRFS role ${each.key}, assumed by the EMR role for EC2 for mapped S3 requests."
  force_detach_policies = true
  tags                  = local.tags
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Sid = "AssumeRole", Effect = "Allow", Action = "sts:AssumeRole", Principal = { AWS = aws_iam_role.ec2.arn } }]
  })
}

resource "aws_iam_role_policy" "emrfs_s3" {
  for_each = local.emrfs_roles

  name = "s3-access"
  role = aws_iam_role.emrfs[each.key].name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      { Sid = "BucketLocation", Effect = "Allow", Action = ["s3:GetBucketLocation"], Resource = ["arn:${local.partition}:s3:::team-0000-lake", "arn:${local.partition}:s3:::team-0000-shared"] },
      { Sid = "ListBucket0", Effect = "Allow", Action = ["s3:ListBucket"], Resource = ["arn:${local.partition}:s3:::team-0000-lake"], Condition = { StringLike = { "s3:prefix" = [each.value, "${each.value}/*"] } } },
      { Sid = "ListBucket1", Effect = "Allow", Action = ["s3:ListBucket"], Resource = ["arn:${local.partition}:s3:::team-0000-shared"], Condition = { StringLike = { "s3:prefix" = ["reference", "reference/*"] } } },
      { Sid = "ReadObjects", Effect = "Allow", Action = ["s3:GetObject", "s3:GetObjectVersion"], Resource = ["arn:${local.partition}:s3:::team-0000-lake/${each.value}/*", "arn:${local.partition}:s3:::team-0000-shared/reference/*"] },
      { Sid = "WriteObjects", Effect = "Allow", Action = ["s3:AbortMultipartUpload", "s3:DeleteObject", "s3:ListMultipartUploadParts", "s3:PutObject"], Resource = ["arn:${local.partition}:s3:::team-0000-lake/${each.value}/*"] },
    ]
  })
}

resource "aws_iam_role_policy" "emrfs_notebooks" {
  name = "notebooks-write"
  role = aws_iam_role.emrfs["team-0000-emrfs-1"].name
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Sid = "WriteNotebooks", Effect = "Allow", Action = ["s3:PutObject"], Resource = ["arn:aws:s3:::team-0000-notebooks/*"] }]
  })
}

resource "aws_iam_role_policy_attachment" "emrfs_read_only" {
  role       = aws_iam_role.emrfs["team-0000-emrfs-0"].name
  policy_arn = "arn:${local.partition}:iam::aws:policy/AmazonS3ReadOnlyAccess"
}

resource "aws_iam_role_policy" "ec2_assume_emrfs" {
  name = "emrfs-assume-roles"
  role = aws_iam_role.ec2.name
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Sid = "AssumeEmrfsRoles", Effect = "Allow", Action = "sts:AssumeRole", Resource = [for role in aws_iam_role.emrfs : role.arn] }]
  })
}

resource "aws_emr_security_configuration" "emrfs" {
  name = "team-0000-emrfs"
  configuration = jsonencode({
    EncryptionConfiguration = {
      EnableInTransitEncryption = false
      EnableAtRestEncryption    = true
      AtRestEncryptionConfiguration = {
        S3EncryptionConfiguration        = { EncryptionMode = "SSE-KMS", AwsKmsKey = local.kms_key }
        LocalDiskEncryptionConfiguration = { EncryptionKeyProviderType = "AwsKms", AwsKmsKey = local.kms_key }
      }
    }
    AuthorizationConfiguration = {
      EmrFsConfiguration = {
        RoleMappings = [for m in local.mappings : { Role = aws_iam_role.emrfs[m.role].arn, IdentifierType = m.type, Identifiers = [m.id] }]
      }
    }
  })
}

# --- PassRole policy for the people who launch clusters ----------------------------------------

resource "aws_iam_policy" "passrole" {
  name        = "team-0000-EMR_PassRole"
  path        = local.path
  description = "Pass the EMR roles to the services that use them, and no other roles."
  tags        = local.tags
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      { Sid = "PassRoleServiceRole", Effect = "Allow", Action = "iam:PassRole", Resource = aws_iam_role.service.arn, Condition = { StringEquals = { "iam:PassedToService" = "elasticmapreduce.amazonaws.com" } } },
      { Sid = "PassRoleEc2Role", Effect = "Allow", Action = "iam:PassRole", Resource = aws_iam_role.ec2.arn, Condition = { StringEquals = { "iam:PassedToService" = "ec2.amazonaws.com" } } },
      { Sid = "PassRoleAutoscalingRole", Effect = "Allow", Action = "iam:PassRole", Resource = aws_iam_role.autoscaling.arn, Condition = { StringEquals = { "iam:PassedToService" = "application-autoscaling.amazonaws.com" } } },
    ]
  })
}

resource "aws_iam_group_policy_attachment" "passrole" {
  group      = "team-0000-emr-operators"
  policy_arn = aws_iam_policy.passrole.arn
}
