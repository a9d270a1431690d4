# Every variable at its default: the EMR service-linked role for elasticmapreduce.
