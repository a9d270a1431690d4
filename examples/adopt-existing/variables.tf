variable "region" {
  description = "Region of the provider. imports.tf names policy ARNs in the aws partition: regenerate it with --partition for aws-cn or aws-us-gov."
  type        = string
  default     = "us-east-1"
}

variable "tags" {
  description = "Tags for the adopted roles and instance profile; the roles made by the CLI have none, so any tag here is an in-place update."
  type        = map(string)
  default     = {}
}
