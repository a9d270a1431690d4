# The team as the spec has it: scoped EC2 policy, EMRFS roles and mappings, the account's
# service-linked role, confused-deputy conditions for the spec's account.
