# A drop-in for `aws emr create-default-roles`: the same role names, trust principals, managed
# policies and instance profile, in whichever partition the provider points at.

provider "aws" {
  region = var.region
}

module "default_roles" {
  source = "../../modules/emr-iam"

  create_service_role         = true
  service_role_name           = "EMR_DefaultRole"
  service_role_managed_policy = "v1"

  create_ec2_role                    = true
  ec2_role_name                      = "EMR_EC2_DefaultRole"
  ec2_role_attach_aws_managed_policy = true

  create_autoscaling_role           = true
  autoscaling_role_name             = "EMR_AutoScaling_DefaultRole"
  autoscaling_role_trust_conditions = false

  create_service_linked_role = var.create_service_linked_role
  create_emrfs               = false
  create_passrole_policy     = false

  source_account_id = var.source_account_id
  tags              = var.tags
}

# The same module switched off plans nothing: every resource honours `create`.
module "disabled" {
  source = "../../modules/emr-iam"

  create = false
}
