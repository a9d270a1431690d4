# EMR on EKS job execution roles in the composite: the account from source_account_id, the roles on
# the module's path and boundary, the job submitter policy for one virtual cluster; Pod Identity's
# association inputs pass through as an output.
path                     = "/emr/"
permissions_boundary_arn = "arn:aws:iam::111122223333:policy/emr-boundary"
source_account_id        = "111122223333"
eks_roles = {
  analytics-eks-spark = {
    base36_name  = "1lm72081qy3s74n6mpnfc2fg90z0q3"
    pod_identity = true
    clusters = {
      analytics = { oidc_issuer = "https://oidc.eks.us-east-1.amazonaws.com/id/5C1A9E7B3D2F4A6B8C0D1E2F3A4B5C6D", namespaces = ["spark-jobs"] }
    }
  }
}
eks_region                     = "us-east-1"
eks_virtual_cluster_ids        = ["c0a1b2c3d4e5f6a7b8c9d0e1f"]
eks_submitter_attach_to_groups = ["analytics-job-submitters"]

# The team tag the policies for people require (the team modules set it from the spec).
team_tag_value = "analytics"
