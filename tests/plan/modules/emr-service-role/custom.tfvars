# A team's own name, path, permissions boundary and tags; the v1 policy, the confused-deputy
# conditions, one more managed policy and an inline policy.
name                     = "analytics-emr-service"
description              = "EMR service role of the analytics team."
path                     = "/emr/analytics/"
permissions_boundary_arn = "arn:aws:iam::111122223333:policy/emr-boundary"
source_account_id        = "111122223333"
managed_policy           = "v1"
tags = {
  Team       = "analytics"
  CostCenter = "cc-1234"
}
policy_arns = {
  extra = "arn:aws:iam::111122223333:policy/emr-extra"
}
inline_policies = {
  logs = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"WriteLogs\",\"Effect\":\"Allow\",\"Action\":[\"s3:PutObject\"],\"Resource\":[\"arn:aws:s3:::analytics-emr-logs/*\"]}]}"
}
