# No account: the trust carries no confused-deputy conditions (they need the account), and the
# submitter policy names every application of any account and region; no submitter policy attachments.
roles = {
  analytics-spark = {}
}
