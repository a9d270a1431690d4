# A team's EMR Studio IAM through the composite module, beside its EMR on EC2 roles: the Studio
# service role, the user role of IAM Identity Center mode, and a basic and an advanced session
# policy; the advanced one may create clusters with exactly this team's EMR service role and role
# for EC2.

provider "aws" {
  region = var.region
}

locals {
  name = "ex-${basename(path.cwd)}"
}

module "emr_iam" {
  source = "../../modules/emr-iam"

  path              = "/emr/"
  source_account_id = var.account_id
  # The people's policies act only on clusters, Workspaces, applications, virtual clusters and job
  # runs tagged emr-iam:team = analytics (the team_tag output), and create only such resources.
  team_tag_value = "analytics"
  tags           = { Team = "analytics", Example = local.name }

  service_role_name      = "analytics-EMR_DefaultRole"
  ec2_role_name          = "analytics-EMR_EC2_DefaultRole"
  autoscaling_role_name  = "analytics-EMR_AutoScaling_DefaultRole"
  passrole_policy_name   = "analytics-EMR_PassRole"
  create_emrfs           = false
  create_passrole_policy = false

  # The service role trusts elasticmapreduce with aws:SourceAccount and aws:SourceArn of this
  # account and region; it keeps Workspaces under workspaces/ of the bucket.
  create_studio            = true
  studio_region            = var.region
  studio_service_role_name = "analytics-EMRStudio_Service_Role"
  studio_user_role_name    = "analytics-EMRStudio_User_Role"
  studio_workspace_bucket  = var.workspace_bucket
  studio_workspace_prefix  = "workspaces/"
  studio_session_policies = {
    analytics-EMRStudio_Basic    = { tier = "basic" }
    analytics-EMRStudio_Advanced = { tier = "advanced", collaboration = true }
  }
}

# The same module with create = false plans nothing: a workspace can switch a team off.
module "switched_off" {
  source = "../../modules/emr-iam"

  create = false
}
