# Partition aws-us-gov (the README's region switch): ARNs and service principals of aws-us-gov.
region                     = "us-gov-west-1"
create_service_linked_role = true
