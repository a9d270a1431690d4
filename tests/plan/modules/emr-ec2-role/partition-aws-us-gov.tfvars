# Partition aws-us-gov: the managed policy ARN in aws-us-gov and the partition's ec2 service principal.
region = "us-gov-west-1"
