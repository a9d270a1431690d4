variable "region" {
  description = "Region of the provider, the EKS cluster and the virtual clusters; its partition (aws, aws-cn, aws-us-gov) decides ARNs."
  type        = string
  default     = "us-east-1"
}

variable "account_id" {
  description = "The account of the roles and the EKS cluster: EMR's service account names and the OIDC provider ARN contain it."
  type        = string
  default     = "111122223333"
}

variable "cluster_name" {
  description = "Name of the EKS cluster the jobs run on."
  type        = string
  default     = "analytics"
}

variable "oidc_issuer" {
  description = "OIDC issuer URL of the cluster (`aws eks describe-cluster --query cluster.identity.oidc.issuer`); its IAM OIDC provider must exist."
  type        = string
  default     = "https://oidc.eks.us-east-1.amazonaws.com/id/5C1A9E7B3D2F4A6B8C0D1E2F3A4B5C6D"
}

variable "namespaces" {
  description = "Kubernetes namespaces of the team's virtual clusters, where the job runs."
  type        = list(string)
  default     = ["spark-jobs"]
}

variable "virtual_cluster_ids" {
  description = "EMR on EKS virtual clusters the job submitters may start job runs on; empty allows every one of the account and region."
  type        = list(string)
  default     = ["c0a1b2c3d4e5f6a7b8c9d0e1f"]
}

variable "job_submitter_groups" {
  description = "IAM groups whose members may start job runs with the job execution role (they must exist)."
  type        = list(string)
  default     = []
}
