# Team data-science's workspace. Everything about its roles comes from specs/platform.yaml through
# the generated team module; the workspace only picks the account (provider) and extra tags.
# The analytics workspace creates the account's EMR service-linked role, so this one does not.

provider "aws" {
  region = var.region
}

module "emr_iam" {
  source = "../../../modules/teams/data-science"

  tags = var.tags
}
