# Path, permissions boundary and tags on every role; managed and inline policies per role; account,
# region and two applications given, so the trust's aws:SourceArn and the submitter policy name exactly
# those applications; the submitter policy's own name, attached to a user, a group and a role.
account_id                 = "111122223333"
application_region         = "eu-west-1"
application_ids            = ["00fabcdefghij012", "00fklmnopqrst345"]
path                       = "/emr/analytics/"
permissions_boundary_arn   = "arn:aws:iam::111122223333:policy/emr-boundary"
submitter_policy_name      = "analytics-EMR_ServerlessJobSubmitter"
submitter_attach_to_users  = ["alice"]
submitter_attach_to_groups = ["analytics-job-submitters"]
submitter_attach_to_roles  = ["analytics-airflow"]
tags = {
  Team = "analytics"
}
roles = {
  analytics-spark-etl = {
    policy_arns = {
      read-only = "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"
    }
  }
  analytics-spark-adhoc = {
    inline_policies = {
      write-scratch = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"WriteScratch\",\"Effect\":\"Allow\",\"Action\":[\"s3:PutObject\"],\"Resource\":[\"arn:aws:s3:::analytics-scratch/*\"]}]}"
    }
  }
}

# The team tag the policies for people require (the team modules set it from the spec).
team_tag_value = "analytics"
