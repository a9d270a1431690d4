# IAM authentication mode: no user role; each policy is attached to the IAM users, groups and roles
# it names and allows CreateStudioPresignedUrl on the given Studio only.
account_id       = "111122223333"
region           = "us-east-1"
auth_mode        = "IAM"
workspace_bucket = "analytics-studio"
studio_ids       = ["es-0123456789ABCDEFGHIJKLMNO"]
session_policies = {
  analytics-studio-basic = {
    tier             = "basic"
    attach_to_users  = ["alice"]
    attach_to_groups = ["analytics-notebook-users"]
  }
  analytics-studio-advanced = {
    tier            = "advanced"
    attach_to_roles = ["analytics-studio-admins"]
  }
}

# The team tag the policies for people require (the team modules set it from the spec).
team_tag_value = "analytics"
