# Path, permissions boundary and tags on every role; managed and inline policies per role; the
# security configuration's external ID in the trust; account and region given, so the step
# submitter policy is scoped to two clusters and the Glue ARNs to one region; the policies' own names.
ec2_role_arn               = "arn:aws:iam::111122223333:role/emr/analytics/analytics-emr-ec2"
ec2_role_name              = "analytics-emr-ec2"
account_id                 = "111122223333"
cluster_region             = "eu-west-1"
external_id                = "analytics-security-configuration-external-id"
path                       = "/emr/analytics/"
permissions_boundary_arn   = "arn:aws:iam::111122223333:policy/emr-boundary"
assume_policy_name         = "analytics-runtime-roles-assume"
submitter_policy_name      = "analytics-EMR_RuntimeRoleSteps"
submitter_cluster_arns     = ["arn:aws:elasticmapreduce:eu-west-1:111122223333:cluster/j-2AXXXXXXGAPLF", "arn:aws:elasticmapreduce:eu-west-1:111122223333:cluster/j-3BXXXXXXHBQMG"]
submitter_attach_to_users  = ["alice"]
submitter_attach_to_groups = ["analytics-step-submitters"]
submitter_attach_to_roles  = ["analytics-airflow"]
tags = {
  Team = "analytics"
}
roles = {
  analytics-etl = {
    lake_formation = true
    policy_arns = {
      read-only = "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"
    }
  }
  analytics-adhoc = {
    s3_access_grants = true
    inline_policies = {
      write-scratch = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"WriteScratch\",\"Effect\":\"Allow\",\"Action\":[\"s3:PutObject\"],\"Resource\":[\"arn:aws:s3:::analytics-scratch/*\"]}]}"
    }
  }
}

# The team tag the policies for people require (the team modules set it from the spec).
team_tag_value = "analytics"
