variable "region" {
  description = "Region of the provider; its partition (aws, aws-cn, aws-us-gov) decides ARNs and service principals."
  type        = string
  default     = "us-east-1"
}

variable "create_service_linked_role" {
  description = "Whether to create the account's EMR service-linked role here (one workspace per account)."
  type        = bool
  default     = false
}

variable "tags" {
  description = "Tags for the roles and the instance profile."
  type        = map(string)
  default     = {}
}
