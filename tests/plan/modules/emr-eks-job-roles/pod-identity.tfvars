# EKS Pod Identity only (no OIDC issuer needed): the pods.eks trust limited by session tags, and the
# association inputs of the three Spark service accounts per namespace in the output.
account_id              = "111122223333"
create_submitter_policy = false
roles = {
  analytics-pods = {
    base36_name  = "43txu6lo26m6qljfm5wynn"
    irsa         = false
    pod_identity = true
    clusters = {
      analytics = { namespaces = ["spark-jobs", "spark-nightly"] }
    }
  }
}

# The team tag the policies for people require (the team modules set it from the spec).
team_tag_value = "analytics"
