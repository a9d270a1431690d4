# A team's own name, path, permissions boundary and tags; a scoped customer-managed policy instead
# of the broad AWS managed one, one more managed policy and an inline policy.
name                      = "analytics-emr-ec2"
description               = "EMR role for EC2 of the analytics team."
path                      = "/emr/analytics/"
permissions_boundary_arn  = "arn:aws:iam::111122223333:policy/emr-boundary"
attach_aws_managed_policy = false
scoped_policy_json        = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"ReadData\",\"Effect\":\"Allow\",\"Action\":[\"s3:GetObject\",\"s3:GetObjectVersion\"],\"Resource\":[\"arn:aws:s3:::analytics-lake/curated/*\"]}]}"
tags = {
  Team       = "analytics"
  CostCenter = "cc-1234"
}
policy_arns = {
  ssm = "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"
}
inline_policies = {
  logs = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"WriteLogs\",\"Effect\":\"Allow\",\"Action\":[\"s3:PutObject\"],\"Resource\":[\"arn:aws:s3:::analytics-emr-logs/*\"]}]}"
}
