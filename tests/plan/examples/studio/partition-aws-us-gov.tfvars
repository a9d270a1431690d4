# Partition aws-us-gov: the elasticmapreduce principals, the ARNs and iam:PassedToService of aws-us-gov.
region = "us-gov-west-1"
