output "service_role_arn" {
  description = "ARN of the adopted EMR service role."
  value       = module.default_roles.service_role_arn
}

output "ec2_role_arn" {
  description = "ARN of the adopted EMR role for EC2."
  value       = module.default_roles.ec2_role_arn
}

output "instance_profile_name" {
  description = "Name of the adopted instance profile, the same as the EMR role for EC2."
  value       = module.default_roles.instance_profile_name
}

output "autoscaling_role_arn" {
  description = "ARN of the adopted automatic scaling role."
  value       = module.default_roles.autoscaling_role_arn
}
