# Partition aws-us-gov: the service name is the partition's elasticmapreduce principal.
region = "us-gov-west-1"
