# Partition aws-cn: the elasticmapreduce principals, the ARNs and iam:PassedToService of aws-cn.
region = "cn-north-1"
