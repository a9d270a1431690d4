# Role mappings, encryption and the runtime roles' AuthorizationConfiguration (what emr-runtime-roles
# outputs with Lake Formation and source identity) in the one security configuration, planned after
# the EMRFS role exists (prior_apply): every section decoded and checked field by field.
ec2_role_arn  = "arn:aws:iam::123456789012:role/emr/EMR_EC2_DefaultRole"
ec2_role_name = "EMR_EC2_DefaultRole"
path          = "/emr/"
roles = {
  analytics-raw = {}
}
role_mappings = [
  { role = "analytics-raw", identifier_type = "Group", identifiers = ["data-engineers"] },
]
encryption_configuration = {
  EncryptionConfiguration = { EnableInTransitEncryption = false, EnableAtRestEncryption = false }
}
authorization_configuration = {
  IAMConfiguration = {
    EnableApplicationScopedIAMRole        = true
    ApplicationScopedIAMRoleConfiguration = { PropagateSourceIdentity = true }
  }
}
