# Every variable at its default: EMR_AutoScaling_DefaultRole trusting elasticmapreduce and
# application-autoscaling, AmazonElasticMapReduceforAutoScalingRole, no conditions.
