# Two runtime roles that take the submitter's source identity (prior_apply): sts:SetSourceIdentity in
# each trust and on exactly those roles for the EC2 role, and PropagateSourceIdentity in the
# security configuration.
ec2_role_arn  = "arn:aws:iam::123456789012:role/emr/EMR_EC2_DefaultRole"
ec2_role_name = "EMR_EC2_DefaultRole"
path          = "/emr/"
roles = {
  analytics-alice = { propagate_source_identity = true }
  analytics-bob   = { propagate_source_identity = true }
}

# The team tag the policies for people require (the team modules set it from the spec).
team_tag_value = "analytics"
