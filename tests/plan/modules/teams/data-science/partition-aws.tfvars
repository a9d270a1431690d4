# Partition aws: every ARN the team's roles and policies name, every service principal.
region = "us-east-1"
