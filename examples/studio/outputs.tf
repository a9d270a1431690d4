output "studio_service_role_arn" {
  description = "The Studio service role: `service_role` of `aws_emr_studio`."
  value       = module.emr_iam.studio_service_role_arn
}

output "studio_user_role_arn" {
  description = "The user role of IAM Identity Center mode: `user_role` of `aws_emr_studio`."
  value       = module.emr_iam.studio_user_role_arn
}

output "studio_session_policy_arns" {
  description = "The session policies by name: `session_policy_arn` of `aws_emr_studio_session_mapping`."
  value       = module.emr_iam.studio_session_policy_arns
}

output "switched_off_studio_service_role_arn" {
  description = "The Studio service role of the switched-off call: none."
  value       = module.switched_off.studio_service_role_arn
}
