# Partition aws-cn, planned after the roles exist in the local fake AWS (prior_apply): OIDC provider,
# role and virtual cluster ARNs all in aws-cn; IRSA only: AWS offers no EKS Pod Identity in China (tests/test_eks_roles.py plans the refusal).
region     = "cn-north-1"
account_id = "123456789012"
path       = "/emr/"
roles = {
  analytics-spark = {
    base36_name  = "t78wmmy33j1rx5677jflzl7"
    pod_identity = false
    clusters = {
      analytics = { oidc_issuer = "https://oidc.eks.cn-north-1.amazonaws.com.cn/id/5C1A9E7B3D2F4A6B8C0D1E2F3A4B5C6D", namespaces = ["spark-jobs"] }
    }
  }
}
submitter_attach_to_groups = ["analytics-job-submitters"]

# The team tag the policies for people require (the team modules set it from the spec).
team_tag_value = "analytics"
