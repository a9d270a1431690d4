# The one workspace of the account that also creates the service-linked role, with tags.
create_service_linked_role = true
tags = {
  ManagedBy = "terraform"
}
