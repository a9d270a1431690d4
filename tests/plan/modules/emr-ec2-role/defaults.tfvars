# Every variable at its default: EMR_EC2_DefaultRole trusting ec2, its instance profile of the
# same name, AmazonElasticMapReduceforEC2Role.
