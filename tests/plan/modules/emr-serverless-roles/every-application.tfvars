# The account without application IDs: aws:SourceArn and the submitter policy cover every application
# of the account (/applications/*); no submitter policy asked for.
account_id              = "111122223333"
create_submitter_policy = false
roles = {
  analytics-spark = {}
}
