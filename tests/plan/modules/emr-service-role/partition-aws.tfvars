# Partition aws: every ARN (managed policy, aws:SourceArn condition) in aws and the service
# principal of that partition in the trust policy.
region            = "us-east-1"
source_account_id = "111122223333"
