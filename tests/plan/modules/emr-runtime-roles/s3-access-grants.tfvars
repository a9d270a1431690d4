# A runtime role that asks S3 Access Grants (prior_apply): the default Access Grants instance of the
# account and region, and the emrfs-site classification for configurations_json, with fallback to IAM.
ec2_role_arn                     = "arn:aws:iam::123456789012:role/emr/EMR_EC2_DefaultRole"
ec2_role_name                    = "EMR_EC2_DefaultRole"
path                             = "/emr/"
cluster_region                   = "us-east-1"
s3_access_grants_fallback_to_iam = true
roles = {
  analytics-grants = { s3_access_grants = true }
}

# The team tag the policies for people require (the team modules set it from the spec).
team_tag_value = "analytics"
