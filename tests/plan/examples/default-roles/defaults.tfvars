# The example as a user runs it: the create-default-roles trio in us-east-1.
