# Partition aws: the trust principal, the application ARNs and iam:PassedToService of aws.
region = "us-east-1"
