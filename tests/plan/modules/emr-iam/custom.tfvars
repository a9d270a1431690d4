# A whole team: names, path, permissions boundary, tags and source account on every piece; the
# service-linked role; EMRFS roles with User, Group and Prefix mappings; PassRole attached to a group.
path                     = "/emr/analytics/"
permissions_boundary_arn = "arn:aws:iam::111122223333:policy/emr-boundary"
source_account_id        = "111122223333"
tags = {
  Team = "analytics"
}
service_role_name                  = "analytics-emr-service"
service_role_managed_policy        = "v1"
ec2_role_name                      = "analytics-emr-ec2"
ec2_role_attach_aws_managed_policy = false
ec2_role_scoped_policy_json        = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"ReadData\",\"Effect\":\"Allow\",\"Action\":[\"s3:GetObject\"],\"Resource\":[\"arn:aws:s3:::analytics-lake/*\"]}]}"
autoscaling_role_name              = "analytics-emr-autoscaling"
create_service_linked_role         = true
service_linked_role_description    = "EMR cleanup for the analytics account."
emrfs_roles = {
  analytics-raw     = {}
  analytics-curated = {}
}
emrfs_role_mappings = [
  { role = "analytics-raw", identifier_type = "Group", identifiers = ["data-engineers"] },
  { role = "analytics-curated", identifier_type = "User", identifiers = ["alice", "bob"] },
  { role = "analytics-curated", identifier_type = "Prefix", identifiers = ["s3://analytics-lake/curated/"] },
]
emrfs_security_configuration_name = "analytics-emrfs"
passrole_policy_name              = "analytics-EMR_PassRole"
passrole_policy_attach_to_groups  = ["analytics-emr-operators"]

# The team tag the policies for people require (the team modules set it from the spec).
team_tag_value = "analytics"
