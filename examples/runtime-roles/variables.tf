variable "region" {
  description = "Region of the provider and the cluster; its partition (aws, aws-cn, aws-us-gov) decides ARNs and service principals."
  type        = string
  default     = "us-east-1"
}

variable "account_id" {
  description = "The account of the roles and the cluster; scopes the step submitter, Glue and S3 Access Grants ARNs."
  type        = string
  default     = "111122223333"
}

variable "runtime_roles" {
  description = "The runtime roles, by name, with the options of modules/emr-runtime-roles."
  type = map(object({
    lake_formation            = optional(bool, false)
    s3_access_grants          = optional(bool, false)
    propagate_source_identity = optional(bool, false)
  }))
  default = {
    analytics-etl   = { lake_formation = true, propagate_source_identity = true }
    analytics-adhoc = { s3_access_grants = true, propagate_source_identity = true }
  }
}

variable "subnet_id" {
  description = "Subnet of the cluster's instances."
  type        = string
  default     = "subnet-0123456789abcdef0"
}

variable "vpc_id" {
  description = "VPC of the cluster's subnet."
  type        = string
  default     = "vpc-0123456789abcdef0"
}

variable "step_submitter_groups" {
  description = "IAM groups whose members may submit steps with the runtime roles (they must exist)."
  type        = list(string)
  default     = []
}

variable "create_cluster" {
  description = "Whether to create the EMR cluster as well as its IAM."
  type        = bool
  default     = true
}
