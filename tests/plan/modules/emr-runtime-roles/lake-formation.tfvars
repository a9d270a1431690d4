# A Lake Formation governed runtime role beside a plain one (prior_apply): the security
# configuration's LakeFormationConfiguration, the session-tag condition on sts:TagSession and the
# Lake Formation and Glue Data Catalog policy on the governed role only.
ec2_role_arn   = "arn:aws:iam::123456789012:role/emr/EMR_EC2_DefaultRole"
ec2_role_name  = "EMR_EC2_DefaultRole"
path           = "/emr/"
cluster_region = "us-east-1"
roles = {
  analytics-governed = { lake_formation = true }
  analytics-steps    = {}
}

# The team tag the policies for people require (the team modules set it from the spec).
team_tag_value = "analytics"
