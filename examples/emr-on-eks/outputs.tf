output "eks_role_arns" {
  description = "The job execution roles, by name: `--execution-role-arn` of `aws emr-containers start-job-run`."
  value       = module.emr_iam.eks_role_arns
}

output "eks_pod_identity_associations" {
  description = "The EKS Pod Identity associations the role needs, for modules/emr-eks-pod-identity (provider 5.29 or later) or any other tool."
  value       = module.emr_iam.eks_pod_identity_associations
}

output "eks_submitter_policy_arn" {
  description = "ARN of the policy that lets its holders start job runs with exactly these roles."
  value       = module.emr_iam.eks_submitter_policy_arn
}
