output "serverless_role_arns" {
  description = "The job runtime roles, by name: `--execution-role-arn` of `aws emr-serverless start-job-run`."
  value       = module.emr_iam.serverless_role_arns
}

output "serverless_submitter_policy_arn" {
  description = "The policy for the people who start job runs with these roles on the team's applications."
  value       = module.emr_iam.serverless_submitter_policy_arn
}

output "switched_off_role_arns" {
  description = "The job runtime roles of the switched-off call: none."
  value       = module.switched_off.serverless_role_arns
}
