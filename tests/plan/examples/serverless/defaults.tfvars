# The example as written: one job runtime role for one application, the job submitter policy, in us-east-1.
