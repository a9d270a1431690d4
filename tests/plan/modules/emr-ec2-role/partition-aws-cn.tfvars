# Partition aws-cn: the managed policy ARN in aws-cn and the partition's ec2 service principal.
region = "cn-north-1"
