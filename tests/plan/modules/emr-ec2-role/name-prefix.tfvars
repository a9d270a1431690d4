# A name prefix: the role's name is chosen at apply time, and the instance profile follows it.
name               = "analytics-emr-ec2"
use_name_prefix    = true
scoped_policy_json = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"ReadData\",\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::analytics-lake/*\"}]}"
