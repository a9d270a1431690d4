# Partition aws-cn: the service name is ops.emr-serverless.amazonaws.com there too (generator/facts.py).
region = "cn-north-1"
