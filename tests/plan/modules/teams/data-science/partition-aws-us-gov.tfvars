# Partition aws-us-gov: every ARN the team's roles and policies name, every service principal.
region = "us-gov-west-1"
# The spec writes two ARNs of this team with a literal arn:aws: (its permissions boundary and the
# notebooks-write inline policy); the inventory lists them under foreign_arns, so every other ARN
# is still checked. In this partition those two name nothing: the spec would need arn:{partition}:.
