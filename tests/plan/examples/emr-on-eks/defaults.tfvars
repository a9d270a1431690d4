# The example as written: IRSA and (outside aws-cn) EKS Pod Identity on one cluster, the submitter policy on one virtual cluster.
