variable "region" {
  description = "Region of the provider and of the Studio; its partition (aws, aws-cn, aws-us-gov) decides ARNs and service principals."
  type        = string
  default     = "us-east-1"
}

variable "account_id" {
  description = "The account of the Studio: the service role's aws:SourceAccount, and the account in every ARN of its policies."
  type        = string
  default     = "111122223333"
}

variable "workspace_bucket" {
  description = "The S3 bucket where the Studio keeps Workspaces and notebooks (its default_s3_location)."
  type        = string
  default     = "analytics-studio"
}
