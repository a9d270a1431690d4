# create = false plans nothing, even with roles, mappings and encryption asked for.
create        = false
ec2_role_arn  = "arn:aws:iam::111122223333:role/EMR_EC2_DefaultRole"
ec2_role_name = "EMR_EC2_DefaultRole"
roles = {
  analytics-raw = {}
}
role_mappings = [
  { role = "analytics-raw", identifier_type = "Group", identifiers = ["data-engineers"] },
]
encryption_configuration = {
  EncryptionConfiguration = { EnableInTransitEncryption = false, EnableAtRestEncryption = false }
}
