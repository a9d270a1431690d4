# Partition aws, planned after the roles exist in the local fake AWS (prior_apply): OIDC provider,
# role and virtual cluster ARNs all in aws; IRSA and EKS Pod Identity.
region     = "us-east-1"
account_id = "123456789012"
path       = "/emr/"
roles = {
  analytics-spark = {
    base36_name  = "t78wmmy33j1rx5677jflzl7"
    pod_identity = true
    clusters = {
      analytics = { oidc_issuer = "https://oidc.eks.us-east-1.amazonaws.com/id/5C1A9E7B3D2F4A6B8C0D1E2F3A4B5C6D", namespaces = ["spark-jobs"] }
    }
  }
}
submitter_attach_to_groups = ["analytics-job-submitters"]

# The team tag the policies for people require (the team modules set it from the spec).
team_tag_value = "analytics"
