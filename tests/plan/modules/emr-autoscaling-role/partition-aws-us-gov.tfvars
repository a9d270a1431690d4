# Partition aws-us-gov: the managed policy ARN in aws-us-gov and both service principals of the partition.
region            = "us-gov-west-1"
source_account_id = "111122223333"
