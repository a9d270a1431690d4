# A team's EMR IAM with runtime roles, and the cluster that uses them: the module's security
# configuration (runtime roles on, Lake Formation, source identity) and, for S3 Access Grants, its
# emrfs-site classification are the two cluster arguments runtime roles need.

provider "aws" {
  region = var.region
}

module "emr_iam" {
  source = "../../modules/emr-iam"

  path              = "/emr/"
  source_account_id = var.account_id
  # The people's policies act only on clusters, Workspaces, applications, virtual clusters and job
  # runs tagged emr-iam:team = analytics (the team_tag output), and create only such resources.
  team_tag_value = "analytics"
  tags           = { Team = "analytics" }

  service_role_name      = "analytics-EMR_DefaultRole"
  ec2_role_name          = "analytics-EMR_EC2_DefaultRole"
  autoscaling_role_name  = "analytics-EMR_AutoScaling_DefaultRole"
  create_passrole_policy = false

  # Spark steps run as one of these roles; each trusts only the EC2 role above.
  runtime_roles                      = var.runtime_roles
  runtime_cluster_region             = var.region
  runtime_submitter_policy_name      = "analytics-EMR_RuntimeRoleSteps"
  runtime_submitter_attach_to_groups = var.step_submitter_groups
  emrfs_security_configuration_name  = "analytics-runtime-roles"
}

# The security groups EMR manages for the nodes, created without rules: EMR adds the ones the
# cluster needs itself, and nothing here opens them to the world.
resource "aws_security_group" "primary" {
  count = var.create_cluster ? 1 : 0

  name        = "analytics-emr-primary"
  description = "EMR managed security group of the analytics cluster's primary node"
  vpc_id      = var.vpc_id

  lifecycle {
    # EMR adds and removes the rules of the groups it manages.
    ignore_changes = [ingress, egress]
  }
}

resource "aws_security_group" "core" {
  count = var.create_cluster ? 1 : 0

  name        = "analytics-emr-core"
  description = "EMR managed security group of the analytics cluster's core nodes"
  vpc_id      = var.vpc_id

  lifecycle {
    ignore_changes = [ingress, egress]
  }
}

resource "aws_emr_cluster" "this" {
  count = var.create_cluster ? 1 : 0

  name = "analytics"
  # Lake Formation and S3 Access Grants need EMR 6.15 or later; runtime roles alone 6.7.
  release_label = "emr-7.5.0"
  applications  = ["Spark"]

  service_role           = module.emr_iam.service_role_arn
  autoscaling_role       = module.emr_iam.autoscaling_role_arn
  security_configuration = module.emr_iam.security_configuration_name
  configurations_json    = module.emr_iam.configurations_json

  ec2_attributes {
    instance_profile                  = module.emr_iam.instance_profile_arn
    subnet_id                         = var.subnet_id
    emr_managed_master_security_group = aws_security_group.primary[0].id
    emr_managed_slave_security_group  = aws_security_group.core[0].id
  }

  master_instance_group {
    instance_type = "m5.xlarge"
  }

  core_instance_group {
    instance_type  = "m5.xlarge"
    instance_count = 2
  }

  tags = { Team = "analytics" }
}
