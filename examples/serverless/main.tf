# A team's EMR Serverless IAM through the composite module, without the EMR on EC2 roles: job
# runtime roles that only EMR Serverless may assume, only for the team's applications, and the
# policy for the people who start job runs with them.

provider "aws" {
  region = var.region
}

data "aws_partition" "current" {}

locals {
  name      = "ex-${basename(path.cwd)}"
  partition = data.aws_partition.current.partition
}

module "emr_iam" {
  source = "../../modules/emr-iam"

  path              = "/emr/"
  source_account_id = var.account_id
  # The people's policies act only on clusters, Workspaces, applications, virtual clusters and job
  # runs tagged emr-iam:team = analytics (the team_tag output), and create only such resources.
  team_tag_value = "analytics"
  tags           = { Team = "analytics", Example = local.name }

  # EMR Serverless only: no cluster roles, no security configuration, no PassRole policy for clusters.
  create_service_role     = false
  create_ec2_role         = false
  create_autoscaling_role = false
  create_emrfs            = false
  create_passrole_policy  = false

  # Each job runtime role trusts emr-serverless with aws:SourceAccount and aws:SourceArn = these applications.
  serverless_application_region = var.region
  serverless_application_ids    = var.application_ids
  serverless_roles = {
    analytics-spark-etl = {
      inline_policies = {
        job-data = jsonencode({
          Version = "2012-10-17"
          Statement = [
            {
              Sid      = "ReadInput"
              Effect   = "Allow"
              Action   = ["s3:GetObject"]
              Resource = ["arn:${local.partition}:s3:::${var.data_bucket}/input/*"]
            },
            {
              Sid      = "WriteOutputAndLogs"
              Effect   = "Allow"
              Action   = ["s3:PutObject"]
              Resource = ["arn:${local.partition}:s3:::${var.data_bucket}/output/*", "arn:${local.partition}:s3:::${var.data_bucket}/logs/*"]
            },
          ]
        })
      }
    }
  }
  serverless_submitter_policy_name      = "analytics-EMR_ServerlessJobSubmitter"
  serverless_submitter_attach_to_groups = var.job_submitter_groups
}

# The same module with create = false plans nothing: a workspace can switch a team off.
module "switched_off" {
  source = "../../modules/emr-iam"

  create = false
}
