# Every variable at its default but the two the module requires, workspace_bucket and team_tag_value:
# the service role (no account, so no confused-deputy conditions; its cluster reads on the team's
# tagged clusters) and the user role of IAM Identity Center mode, without user policies.
workspace_bucket = "analytics-studio"
team_tag_value   = "analytics"
