# Partition aws-us-gov, every variant at once, planned after the runtime roles exist in the local fake AWS
# (prior_apply): role ARNs, Glue, S3 Access Grants and cluster ARNs, and the elasticmapreduce
# principals of iam:PassedToService, all in aws-us-gov.
region         = "us-gov-west-1"
ec2_role_arn   = "arn:aws-us-gov:iam::123456789012:role/emr/EMR_EC2_DefaultRole"
ec2_role_name  = "EMR_EC2_DefaultRole"
path           = "/emr/"
cluster_region = "us-gov-west-1"
roles = {
  analytics-governed = { lake_formation = true, propagate_source_identity = true }
  analytics-grants   = { s3_access_grants = true, propagate_source_identity = true }
}
submitter_attach_to_groups = ["analytics-step-submitters"]

# The team tag the policies for people require (the team modules set it from the spec).
team_tag_value = "analytics"
