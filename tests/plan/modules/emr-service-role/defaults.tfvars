# Every variable at its default: EMR_DefaultRole trusting elasticmapreduce, AmazonEMRServicePolicy_v2,
# no confused-deputy conditions (no source account).
