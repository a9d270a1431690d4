# Partition aws-cn: every ARN (managed policy, aws:SourceArn condition) in aws-cn and the service
# principal of that partition in the trust policy.
region            = "cn-north-1"
source_account_id = "111122223333"
