# create = false plans nothing, even with every input given.
create           = false
workspace_bucket = "analytics-studio"
session_policies = {
  analytics-studio-basic = { tier = "basic" }
}
