# create = false plans nothing.
create            = false
source_account_id = "111122223333"
policy_arns = {
  extra = "arn:aws:iam::111122223333:policy/emr-extra"
}
