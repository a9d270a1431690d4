# No account: the trust carries no confused-deputy conditions (they need the account), and the
# submitter policy names every application of any account and region; no submitter policy attachments.
roles = {
  analytics-spark = {}
}

# The team tag the policies for people require (the team modules set it from the spec).
team_tag_value = "analytics"
