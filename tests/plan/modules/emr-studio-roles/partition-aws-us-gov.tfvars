# Partition aws-us-gov, planned after the roles exist in the local fake AWS (prior_apply): the
# elasticmapreduce principals of both trusts and of iam:PassedToService, and every ARN in aws-us-gov, with
# Workspace collaboration's ARN and its policy variable.
region           = "us-gov-west-1"
account_id       = "123456789012"
workspace_bucket = "analytics-studio"
path             = "/emr/"
session_policies = {
  analytics-studio-advanced = { tier = "advanced", collaboration = true }
}
cluster_service_role_arn = "arn:aws-us-gov:iam::123456789012:role/emr/EMR_DefaultRole"
cluster_ec2_role_arn     = "arn:aws-us-gov:iam::123456789012:role/emr/EMR_EC2_DefaultRole"

# The team tag the policies for people require (the team modules set it from the spec).
team_tag_value = "analytics"
