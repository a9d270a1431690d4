# Partition aws-cn without the managed policy: the Spot service-linked role ARN is in aws-cn too.
region            = "cn-north-1"
managed_policy    = "none"
source_account_id = "111122223333"
