# EMR Serverless in the composite: job runtime roles for two applications of the source account,
# the job submitter policy attached to a group, and the EMR Serverless service-linked role; the EMR
# on EC2 roles beside them as by default.
path                                  = "/emr/"
source_account_id                     = "111122223333"
create_serverless_service_linked_role = true
serverless_application_region         = "us-east-1"
serverless_application_ids            = ["00fabcdefghij012", "00fklmnopqrst345"]
serverless_submitter_attach_to_groups = ["analytics-job-submitters"]
serverless_roles = {
  analytics-spark-etl = {
    policy_arns = {
      read-only = "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"
    }
  }
  analytics-spark-adhoc = {}
}

# The team tag the policies for people require (the team modules set it from the spec).
team_tag_value = "analytics"
