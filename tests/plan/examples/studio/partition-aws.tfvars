# Partition aws: the elasticmapreduce principals, the ARNs and iam:PassedToService of aws.
region = "us-east-1"
