variable "region" {
  description = "Region of the provider; its partition decides ARNs and service principals."
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

variable "source_account_id" {
  description = "Account ID for confused-deputy conditions on the service and scaling roles' trust; create-default-roles writes none, so null matches it."
  type        = string
  default     = null
}
