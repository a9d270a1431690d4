# Partition aws: the managed policy ARN in aws and both service principals of the partition.
region            = "us-east-1"
source_account_id = "111122223333"
