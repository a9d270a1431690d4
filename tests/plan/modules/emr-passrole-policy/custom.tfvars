# The policy's own name, path, description and tags; PassRole on the three EMR roles, each to its
# services; attached to a user, a group and a role.
name        = "analytics-EMR_PassRole"
description = "Pass the analytics EMR roles."
path        = "/emr/analytics/"
tags = {
  Team = "analytics"
}
roles = {
  service_role     = { arn = "arn:aws:iam::111122223333:role/emr/analytics/analytics-emr-service", passed_to_services = ["elasticmapreduce"] }
  ec2_role         = { arn = "arn:aws:iam::111122223333:role/emr/analytics/analytics-emr-ec2", passed_to_services = ["ec2"] }
  autoscaling_role = { arn = "arn:aws:iam::111122223333:role/emr/analytics/analytics-emr-autoscaling", passed_to_services = ["elasticmapreduce", "application-autoscaling"] }
}
attach_to_users  = ["alice"]
attach_to_groups = ["analytics-emr-operators"]
attach_to_roles  = ["analytics-ci"]
