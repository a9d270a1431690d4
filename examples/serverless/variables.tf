variable "region" {
  description = "Region of the provider and of the EMR Serverless applications; its partition (aws, aws-cn, aws-us-gov) decides ARNs and service principals."
  type        = string
  default     = "us-east-1"
}

variable "account_id" {
  description = "The account of the applications: the roles' aws:SourceAccount, and the account in their aws:SourceArn."
  type        = string
  default     = "111122223333"
}

variable "application_ids" {
  description = "IDs of the team's EMR Serverless applications; empty allows every application of the account."
  type        = list(string)
  default     = ["00fabcdefghij012"]
}

variable "data_bucket" {
  description = "Bucket of the jobs' input, output and logs."
  type        = string
  default     = "analytics-serverless-data"
}

variable "job_submitter_groups" {
  description = "IAM groups whose members start job runs with the roles (they get the job submitter policy)."
  type        = list(string)
  default     = []
}
