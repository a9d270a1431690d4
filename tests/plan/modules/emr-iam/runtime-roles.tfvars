# Runtime roles of every variant in the composite: the EC2 role's assume policy, the step submitter
# policy, and the security configuration that carries only their AuthorizationConfiguration (no
# EMRFS roles), known at plan time and decoded field by field.
path              = "/emr/"
source_account_id = "111122223333"
runtime_roles = {
  analytics-governed = { lake_formation = true, propagate_source_identity = true }
  analytics-grants   = { s3_access_grants = true, propagate_source_identity = true }
}
runtime_cluster_region             = "us-east-1"
runtime_submitter_attach_to_groups = ["analytics-step-submitters"]

# The team tag the policies for people require (the team modules set it from the spec).
team_tag_value = "analytics"
