# Partition aws-cn: the managed policy ARN in aws-cn and both service principals of the partition.
region            = "cn-north-1"
source_account_id = "111122223333"
