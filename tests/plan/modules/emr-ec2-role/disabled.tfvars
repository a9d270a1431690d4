# create = false plans nothing: no role, no instance profile, no scoped policy.
create             = false
scoped_policy_json = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::emr-data/*\"}]}"
policy_arns = {
  extra = "arn:aws:iam::111122223333:policy/emr-extra"
}
