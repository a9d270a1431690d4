# create = false plans nothing, even with the service-linked role asked for.
create                     = false
create_service_linked_role = true
