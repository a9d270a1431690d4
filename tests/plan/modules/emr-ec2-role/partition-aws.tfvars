# Partition aws: the managed policy ARN in aws and the partition's ec2 service principal.
region = "us-east-1"
