output "service_role_name" {
  description = "Name of the EMR service role."
  value       = module.default_roles.service_role_name
}

output "ec2_role_name" {
  description = "Name of the EMR role for EC2."
  value       = module.default_roles.ec2_role_name
}

output "instance_profile_name" {
  description = "Name of the instance profile, the same as the EMR role for EC2."
  value       = module.default_roles.instance_profile_name
}

output "autoscaling_role_name" {
  description = "Name of the automatic scaling role."
  value       = module.default_roles.autoscaling_role_name
}
