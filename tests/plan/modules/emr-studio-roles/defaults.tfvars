# Every variable at its default but the one the module requires, workspace_bucket: the service role
# (no account, so no confused-deputy conditions) and the user role of IAM Identity Center mode,
# without user policies.
workspace_bucket = "analytics-studio"
