# The team as the spec has it: v1 service policy, AWS managed EC2 policy, no trust conditions on
# the autoscaling role, one EMRFS role with a managed and an inline policy.
