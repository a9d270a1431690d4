# User, Group and Prefix mappings, in that order. The role ARNs come from the roles this module
# creates, so offline the security configuration is unknown as a whole (jsonencode of a value with
# unknown parts); mappings-known-arns plans the same inputs with the roles already created.
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
