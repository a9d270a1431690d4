# create = false plans nothing, even with roles, applications and a submitter policy asked for.
create          = false
account_id      = "111122223333"
application_ids = ["00fabcdefghij012"]
roles = {
  analytics-spark = {}
}
submitter_attach_to_groups = ["analytics-job-submitters"]
