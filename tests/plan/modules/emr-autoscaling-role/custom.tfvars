# A team's own name, path, permissions boundary and tags; the aws:SourceAccount condition.
name                     = "analytics-emr-autoscaling"
description              = "EMR automatic scaling role of the analytics team."
path                     = "/emr/analytics/"
permissions_boundary_arn = "arn:aws:iam::111122223333:policy/emr-boundary"
source_account_id        = "111122223333"
tags = {
  Team = "analytics"
}
inline_policies = {
  metrics = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"ReadAlarms\",\"Effect\":\"Allow\",\"Action\":[\"cloudwatch:DescribeAlarms\"],\"Resource\":[\"*\"]}]}"
}
