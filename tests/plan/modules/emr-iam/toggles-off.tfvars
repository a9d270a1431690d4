# create = true but every piece switched off: nothing to plan either.
create_service_role        = false
create_ec2_role            = false
create_autoscaling_role    = false
create_service_linked_role = false
create_emrfs               = false
create_passrole_policy     = false
emrfs_roles = {
  analytics-raw = {}
}
create_serverless                     = false
create_serverless_service_linked_role = false
serverless_roles = {
  analytics-spark = {}
}
