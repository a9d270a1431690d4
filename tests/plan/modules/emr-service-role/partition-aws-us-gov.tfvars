# Partition aws-us-gov: every ARN (managed policy, aws:SourceArn condition) in aws-us-gov and the service
# principal of that partition in the trust policy.
region            = "us-gov-west-1"
source_account_id = "111122223333"
