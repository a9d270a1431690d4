# Partition aws-cn: managed policy ARNs, aws:SourceArn conditions, service principals of the
# three roles and the service-linked role, and iam:PassedToService values, all of aws-cn.
# Also EMR Serverless: the job runtime role's trust and its service-linked role.
region                                = "cn-north-1"
source_account_id                     = "111122223333"
create_service_linked_role            = true
create_serverless_service_linked_role = true
serverless_roles = {
  analytics-spark = {}
}

# The team tag the policies for people require (the team modules set it from the spec).
team_tag_value = "analytics"
