output "runtime_role_arns" {
  description = "The runtime roles, by name: `ExecutionRoleArn` of `aws emr add-steps` (or `--execution-role-arn`)."
  value       = module.emr_iam.runtime_role_arns
}

output "security_configuration_name" {
  description = "The team's one security configuration, with runtime roles on: `security_configuration` of `aws_emr_cluster`."
  value       = module.emr_iam.security_configuration_name
}

output "configurations_json" {
  description = "The emrfs-site classification S3 Access Grants needs: `configurations_json` of `aws_emr_cluster`."
  value       = module.emr_iam.configurations_json
}

output "step_submitter_policy_arn" {
  description = "The policy for the people who submit steps with the runtime roles."
  value       = module.emr_iam.step_submitter_policy_arn
}

output "cluster_id" {
  description = "ID of the cluster, if created."
  value       = try(aws_emr_cluster.this[0].id, null)
}
