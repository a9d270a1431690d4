# Partition aws-us-gov: the service name is ops.emr-serverless.amazonaws.com there too (generator/facts.py).
region = "us-gov-west-1"
