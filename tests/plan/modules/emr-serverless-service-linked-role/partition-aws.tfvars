# Partition aws: the service name is ops.emr-serverless.amazonaws.com there too (generator/facts.py).
region = "us-east-1"
