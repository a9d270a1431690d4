# IRSA only, the AWS CLI's trust: one statement per cluster, one subject per namespace.
account_id = "111122223333"
roles = {
  analytics-irsa = {
    base36_name = "43txu6lo26m6qljfk843mp"
    clusters = {
      analytics = { oidc_issuer = "https://oidc.eks.us-east-1.amazonaws.com/id/5C1A9E7B3D2F4A6B8C0D1E2F3A4B5C6D", namespaces = ["spark-jobs", "spark-adhoc"] }
    }
  }
}

# The team tag the policies for people require (the team modules set it from the spec).
team_tag_value = "analytics"
