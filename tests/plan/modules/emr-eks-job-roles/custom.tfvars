# Path, permissions boundary and tags on every role; managed and inline policies; one role on two
# clusters (statements in cluster-name order), one on one; the submitter policy scoped to two virtual
# clusters of one region and attached three ways. IRSA only: tests/test_partitions.py plans this case
# in every partition, aws-cn too, where AWS offers no Pod Identity (the pod-identity and the aws and
# aws-us-gov partition cases hold that option).
account_id                 = "123456789012"
region                     = "eu-west-1"
path                       = "/emr/analytics/"
permissions_boundary_arn   = "arn:aws:iam::123456789012:policy/emr-boundary"
virtual_cluster_ids        = ["c0a1b2c3d4e5f6a7b8c9d0e1f", "d1e2f3a4b5c6d7e8f9a0b1c2d"]
submitter_policy_name      = "analytics-EMR_EKS_StartJobRun"
submitter_attach_to_users  = ["alice"]
submitter_attach_to_groups = ["analytics-job-submitters"]
submitter_attach_to_roles  = ["analytics-airflow"]
tags = {
  Team = "analytics"
}
roles = {
  analytics-spark = {
    base36_name = "t78wmmy33j1rx5677jflzl7"
    policy_arns = {
      read-only = "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"
    }
    clusters = {
      prod = { oidc_issuer = "https://oidc.eks.eu-west-1.amazonaws.com/id/A1B2C3D4E5F6A7B8C9D0E1F2A3B4C5D6", namespaces = ["spark-jobs", "spark-adhoc"] }
      dev  = { oidc_issuer = "https://oidc.eks.eu-west-1.amazonaws.com/id/0F1E2D3C4B5A69788796A5B4C3D2E1F0", namespaces = ["spark-dev"] }
    }
  }
  analytics-adhoc = {
    base36_name = "t78wmmy33j1rx5667xjzotf"
    inline_policies = {
      write-scratch = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"WriteScratch\",\"Effect\":\"Allow\",\"Action\":[\"s3:PutObject\"],\"Resource\":[\"arn:aws:s3:::analytics-scratch/*\"]}]}"
    }
    clusters = {
      prod = { oidc_issuer = "https://oidc.eks.eu-west-1.amazonaws.com/id/A1B2C3D4E5F6A7B8C9D0E1F2A3B4C5D6", namespaces = ["spark-adhoc"] }
    }
  }
}

# The team tag the policies for people require (the team modules set it from the spec).
team_tag_value = "analytics"
