# create = false plans nothing, even with policies and conditions asked for.
create            = false
source_account_id = "111122223333"
managed_policy    = "none"
policy_arns = {
  extra = "arn:aws:iam::111122223333:policy/emr-extra"
}
inline_policies = {
  logs = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:PutObject\",\"Resource\":\"arn:aws:s3:::emr-logs/*\"}]}"
}
