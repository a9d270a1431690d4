# create = false plans nothing, whatever else is switched on.
create                     = false
create_service_linked_role = true
source_account_id          = "111122223333"
emrfs_roles = {
  analytics-raw = {}
}
emrfs_role_mappings = [
  { role = "analytics-raw", identifier_type = "Group", identifiers = ["data-engineers"] },
]
passrole_policy_attach_to_groups = ["emr-operators"]
