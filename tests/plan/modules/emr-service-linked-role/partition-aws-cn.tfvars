# Partition aws-cn: the service name is the partition's elasticmapreduce principal.
region = "cn-north-1"
