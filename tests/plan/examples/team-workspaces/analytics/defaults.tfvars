# The analytics team's workspace as the team runs it: everything from the spec, in us-east-1.
