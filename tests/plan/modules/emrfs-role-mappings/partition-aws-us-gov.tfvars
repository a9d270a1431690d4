# Partition aws-us-gov: planned after the EMRFS roles exist in the local fake AWS (prior_apply), so the
# role ARNs in the EC2 role's assume policy and in the security configuration are known and in
# aws-us-gov; the trust policy names the EC2 role of the same partition.
region        = "us-gov-west-1"
ec2_role_arn  = "arn:aws-us-gov:iam::123456789012:role/emr/EMR_EC2_DefaultRole"
ec2_role_name = "EMR_EC2_DefaultRole"
path          = "/emr/"
roles = {
  analytics-raw = {
    policy_arns = {
      read-only = "arn:aws-us-gov:iam::aws:policy/AmazonS3ReadOnlyAccess"
    }
  }
}
role_mappings = [
  { role = "analytics-raw", identifier_type = "Group", identifiers = ["data-engineers"] },
  { role = "analytics-raw", identifier_type = "Prefix", identifiers = ["s3://analytics-lake/raw/"] },
]
