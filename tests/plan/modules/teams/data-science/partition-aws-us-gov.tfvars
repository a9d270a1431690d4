# Partition aws-us-gov: every ARN the team's roles and policies name, every service principal.
region = "us-gov-west-1"
