terraform {
  # import blocks (imports.tf) arrived in Terraform 1.5 and OpenTofu 1.6; see README.md for older engines.
  required_version = ">= 1.5"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 3.39"
    }
  }
}
