# The account without application IDs: aws:SourceArn and the submitter policy cover every application
# of the account (/applications/*); no submitter policy asked for.
account_id              = "111122223333"
create_submitter_policy = false
roles = {
  analytics-spark = {}
}

# The team tag the policies for people require (the team modules set it from the spec).
team_tag_value = "analytics"
