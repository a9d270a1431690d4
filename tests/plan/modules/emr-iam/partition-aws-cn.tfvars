# Partition aws-cn: managed policy ARNs, aws:SourceArn conditions, service principals of the
# three roles and the service-linked role, and iam:PassedToService values, all of aws-cn.
region                     = "cn-north-1"
source_account_id          = "111122223333"
create_service_linked_role = true
