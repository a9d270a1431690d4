# The example as written: the Studio service role, the user role and two session policies beside the EMR on EC2 roles, in us-east-1.
