# create = false plans nothing, even with roles and attachments.
create = false
roles = {
  service_role = { arn = "arn:aws:iam::111122223333:role/EMR_DefaultRole", passed_to_services = ["elasticmapreduce"] }
}
attach_to_groups = ["emr-operators"]
