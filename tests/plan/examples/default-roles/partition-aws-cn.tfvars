# Partition aws-cn (the README's region switch): ARNs and service principals of aws-cn.
region                     = "cn-north-1"
create_service_linked_role = true
