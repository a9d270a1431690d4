# The inputs of the mappings case, planned after the EMRFS roles exist (prior_apply in the
# inventory applies them to the local fake AWS first): the role ARNs, and so the whole security
# configuration, are known and checked mapping by mapping, in order.
ec2_role_arn  = "arn:aws:iam::111122223333:role/emr/EMR_EC2_DefaultRole"
ec2_role_name = "EMR_EC2_DefaultRole"
path          = "/emr/"
roles = {
  analytics-raw     = {}
  analytics-curated = {}
}
role_mappings = [
  { role = "analytics-curated", identifier_type = "User", identifiers = ["alice", "bob"] },
  { role = "analytics-raw", identifier_type = "Group", identifiers = ["data-engineers", "etl"] },
  { role = "analytics-curated", identifier_type = "Prefix", identifiers = ["s3://analytics-lake/curated/"] },
]
