# EMR Studio in the composite: the service role with the confused-deputy conditions of the source
# account and region, the user role of IAM Identity Center mode with a basic and an advanced session
# policy; the advanced one passes exactly the composite's EMR service role and role for EC2.
path                     = "/emr/"
source_account_id        = "111122223333"
create_studio            = true
studio_region            = "us-east-1"
studio_service_role_name = "analytics-EMRStudio_Service_Role"
studio_user_role_name    = "analytics-EMRStudio_User_Role"
studio_workspace_bucket  = "analytics-studio"
studio_workspace_prefix  = "workspaces/"
studio_session_policies = {
  analytics-studio-basic    = { tier = "basic" }
  analytics-studio-advanced = { tier = "advanced" }
}

# The team tag the policies for people require (the team modules set it from the spec).
team_tag_value = "analytics"
