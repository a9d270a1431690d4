# Every variable at its default: the three default roles (v2 service policy, AWS managed EC2
# policy), the instance profile and the PassRole policy; no service-linked role, no EMRFS roles.
