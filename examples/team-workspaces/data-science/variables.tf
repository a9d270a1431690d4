variable "region" {
  description = "Region of the provider; its partition (aws, aws-cn, aws-us-gov) decides ARNs and service principals."
  type        = string
  default     = "us-east-1"
}

variable "tags" {
  description = "Tags added to the team's tags from the spec, for example a cost centre."
  type        = map(string)
  default     = {}
}
