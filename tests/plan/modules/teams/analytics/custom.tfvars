# A workspace's own tags (merged over the spec's), another account, no service-linked role.
create_service_linked_role = false
source_account_id          = "444455556666"
tags = {
  Environment = "staging"
  Team        = "analytics-staging"
}
