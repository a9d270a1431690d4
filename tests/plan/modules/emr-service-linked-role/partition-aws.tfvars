# Partition aws: the service name is the partition's elasticmapreduce principal.
region = "us-east-1"
