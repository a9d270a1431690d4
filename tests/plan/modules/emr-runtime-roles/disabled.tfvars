# create = false plans nothing, even with roles of every variant and a submitter policy asked for.
create        = false
ec2_role_arn  = "arn:aws:iam::111122223333:role/EMR_EC2_DefaultRole"
ec2_role_name = "EMR_EC2_DefaultRole"
roles = {
  analytics-etl   = { lake_formation = true, propagate_source_identity = true }
  analytics-adhoc = { s3_access_grants = true, propagate_source_identity = true }
}
submitter_attach_to_groups = ["analytics-step-submitters"]
