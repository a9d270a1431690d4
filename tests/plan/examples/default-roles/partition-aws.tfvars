# Partition aws (the README's region switch): ARNs and service principals of aws.
region                     = "us-east-1"
create_service_linked_role = true
