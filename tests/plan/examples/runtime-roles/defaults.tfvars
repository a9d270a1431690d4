# The example as written: runtime roles of every option and the cluster that uses them, in us-east-1.
