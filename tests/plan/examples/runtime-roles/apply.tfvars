# What tests/test_apply.py applies: the example without its cluster, and without S3 Access Grants.
# moto creates the cluster, but provider 3.39 reads it back with ListInstanceFleets, which moto does
# not implement; and moto refuses the region in an access-grants/default ARN, which AWS requires.
# The defaults case plans both, with the cluster's security_configuration and configurations_json.
create_cluster = false
runtime_roles = {
  analytics-etl   = { lake_formation = true, propagate_source_identity = true }
  analytics-adhoc = { propagate_source_identity = true }
}
