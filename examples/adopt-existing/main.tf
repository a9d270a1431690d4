# Takes over EMR_DefaultRole, EMR_EC2_DefaultRole (with its instance profile) and
# EMR_AutoScaling_DefaultRole that the console or `aws emr create-default-roles` already created.
# imports.tf imports them into this module, so the first apply adopts them in place instead of
# failing with EntityAlreadyExists. The module arguments match what create-default-roles made.

provider "aws" {
  region = var.region
}

module "default_roles" {
  source = "../../modules/emr-iam"

  service_role_name           = "EMR_DefaultRole"
  service_role_managed_policy = "v1"

  ec2_role_name                      = "EMR_EC2_DefaultRole"
  ec2_role_attach_aws_managed_policy = true

  autoscaling_role_name             = "EMR_AutoScaling_DefaultRole"
  autoscaling_role_trust_conditions = false

  # Not made by create-default-roles: switched off so the adoption changes nothing else.
  create_service_linked_role = false
  create_emrfs               = false
  create_passrole_policy     = false

  tags = var.tags
}
