# Partition aws-cn, planned after the roles exist in the local fake AWS (prior_apply): the
# emr-serverless principal of the trust and of iam:PassedToService, and every application, job run and
# role ARN in aws-cn.
region             = "cn-north-1"
account_id         = "123456789012"
application_region = "cn-north-1"
application_ids    = ["00fabcdefghij012"]
path               = "/emr/"
roles = {
  analytics-spark = {}
}
submitter_attach_to_groups = ["analytics-job-submitters"]

# The team tag the policies for people require (the team modules set it from the spec).
team_tag_value = "analytics"
