# Partition aws-us-gov: iam:PassedToService values are the partition's service principals.
region = "us-gov-west-1"
roles = {
  service_role     = { arn = "arn:aws-us-gov:iam::111122223333:role/EMR_DefaultRole", passed_to_services = ["elasticmapreduce"] }
  ec2_role         = { arn = "arn:aws-us-gov:iam::111122223333:role/EMR_EC2_DefaultRole", passed_to_services = ["ec2"] }
  autoscaling_role = { arn = "arn:aws-us-gov:iam::111122223333:role/EMR_AutoScaling_DefaultRole", passed_to_services = ["elasticmapreduce", "application-autoscaling"] }
}
