# Partition aws-cn: the trust principal, the application ARNs and iam:PassedToService of aws-cn.
region = "cn-north-1"
