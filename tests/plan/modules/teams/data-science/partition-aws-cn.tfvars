# Partition aws-cn: every ARN the team's roles and policies name, every service principal.
region = "cn-north-1"
