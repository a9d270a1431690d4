# One runtime role with no option, planned after it exists in the local fake AWS (prior_apply in the
# inventory): its ARN, and so the EC2 role's assume policy and the step submitter policy, are known.
ec2_role_arn  = "arn:aws:iam::123456789012:role/emr/EMR_EC2_DefaultRole"
ec2_role_name = "EMR_EC2_DefaultRole"
path          = "/emr/"
roles = {
  analytics-steps = {}
}

# The team tag the policies for people require (the team modules set it from the spec).
team_tag_value = "analytics"
