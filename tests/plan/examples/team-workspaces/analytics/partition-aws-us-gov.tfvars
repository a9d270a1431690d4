# The same workspace pointed at GovCloud, with a cost centre tag merged over the spec's tags.
region = "us-gov-west-1"
tags = {
  CostCenter = "cc-1234"
}
