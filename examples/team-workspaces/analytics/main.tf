# Team analytics' workspace. Everything about its roles comes from specs/platform.yaml through the
# generated team module; the workspace only picks the account (provider) and extra tags.
# The spec sets service_linked_role.create for this team, so this is the one workspace that
# creates the account's EMR service-linked role.

provider "aws" {
  region = var.region
}

module "emr_iam" {
  source = "../../../modules/teams/analytics"

  tags = var.tags
}
