# A workspace that creates the account's service-linked role, with a source account and tags.
create_service_linked_role = true
source_account_id          = "444455556666"
tags = {
  Environment = "production"
}
