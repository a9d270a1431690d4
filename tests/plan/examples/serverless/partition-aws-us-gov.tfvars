# Partition aws-us-gov: the trust principal, the application ARNs and iam:PassedToService of aws-us-gov.
region = "us-gov-west-1"
