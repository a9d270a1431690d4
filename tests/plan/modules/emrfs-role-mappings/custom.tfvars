# Path, permissions boundary and tags on every role; managed and inline policies per role; the
# security configuration's and the EC2 role's assume policy's own names.
ec2_role_arn                = "arn:aws:iam::111122223333:role/emr/analytics/analytics-emr-ec2"
ec2_role_name               = "analytics-emr-ec2"
path                        = "/emr/analytics/"
permissions_boundary_arn    = "arn:aws:iam::111122223333:policy/emr-boundary"
security_configuration_name = "analytics-emrfs"
assume_policy_name          = "analytics-emrfs-assume"
tags = {
  Team = "analytics"
}
roles = {
  analytics-raw = {
    policy_arns = {
      read-only = "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"
    }
  }
  analytics-curated = {
    inline_policies = {
      write-curated = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"WriteCurated\",\"Effect\":\"Allow\",\"Action\":[\"s3:PutObject\"],\"Resource\":[\"arn:aws:s3:::analytics-lake/curated/*\"]}]}"
    }
  }
}
role_mappings = [
  { role = "analytics-curated", identifier_type = "Group", identifiers = ["data-engineers"] },
]
