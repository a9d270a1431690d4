# Account and region known: the service role's trust carries aws:SourceAccount and aws:SourceArn and
# every ARN names them; an encrypted Workspace bucket under a prefix; no Git secrets; a session policy
# of each tier, the intermediate one with Workspace collaboration and the advanced one passing the
# cluster roles; path, boundary, tags and further policies on both roles.
account_id               = "111122223333"
region                   = "eu-west-1"
service_role_name        = "analytics-EMRStudio_Service_Role"
user_role_name           = "analytics-EMRStudio_User_Role"
workspace_bucket         = "analytics-studio"
workspace_prefix         = "workspaces/"
kms_key_arns             = ["arn:aws:kms:eu-west-1:111122223333:key/8c1d2e3f-4a5b-4c6d-9e7f-0a1b2c3d4e5f"]
git_secrets              = false
cluster_service_role_arn = "arn:aws:iam::111122223333:role/emr/analytics-EMR_DefaultRole"
cluster_ec2_role_arn     = "arn:aws:iam::111122223333:role/emr/analytics-EMR_EC2_DefaultRole"
path                     = "/emr/analytics/"
permissions_boundary_arn = "arn:aws:iam::111122223333:policy/emr-boundary"
session_policies = {
  analytics-studio-basic        = { tier = "basic" }
  analytics-studio-intermediate = { tier = "intermediate", collaboration = true }
  analytics-studio-advanced     = { tier = "advanced" }
}
service_role_policy_arns = {
  read-only = "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"
}
user_role_inline_policies = {
  deny-delete = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"DenyDelete\",\"Effect\":\"Deny\",\"Action\":[\"s3:DeleteObject\"],\"Resource\":[\"arn:aws:s3:::analytics-lake/*\"]}]}"
}
tags = {
  Team = "analytics"
}

# The team tag the policies for people require (the team modules set it from the spec).
team_tag_value = "analytics"
