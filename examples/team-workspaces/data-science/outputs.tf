output "service_role_name" {
  description = "EMR service role: `service_role` of `aws_emr_cluster`."
  value       = module.emr_iam.service_role_name
}

output "instance_profile_name" {
  description = "Instance profile (named like the EMR role for EC2): `ec2_attributes.instance_profile` of `aws_emr_cluster`."
  value       = module.emr_iam.instance_profile_name
}

output "autoscaling_role_name" {
  description = "Automatic scaling role: `autoscaling_role` of `aws_emr_cluster`."
  value       = module.emr_iam.autoscaling_role_name
}

output "security_configuration_name" {
  description = "Security configuration with the team's EMRFS role mappings: `security_configuration` of `aws_emr_cluster`."
  value       = module.emr_iam.security_configuration_name
}

output "passrole_policy_arn" {
  description = "The PassRole policy for the people who launch the team's clusters."
  value       = module.emr_iam.passrole_policy_arn
}

output "service_linked_role_arn" {
  description = "ARN of the EMR service-linked role if this workspace created it, else null."
  value       = module.emr_iam.service_linked_role_arn
}
