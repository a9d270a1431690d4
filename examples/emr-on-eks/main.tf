# A team's EMR IAM for EMR on EKS: a job execution role that Spark jobs on one EKS cluster and
# namespace run as, through IRSA and (outside China) EKS Pod Identity, and the policy of the people
# who start job runs on the team's virtual clusters with it. Nothing of EMR on EC2 is created.

provider "aws" {
  region = var.region
}

data "aws_partition" "current" {}

locals {
  # AWS offers EKS Pod Identity in no China Region: the role trusts IRSA alone there.
  pod_identity = data.aws_partition.current.partition != "aws-cn"
}

module "emr_iam" {
  source = "../../modules/emr-iam"

  path              = "/emr/"
  source_account_id = var.account_id
  # The people's policies act only on clusters, Workspaces, applications, virtual clusters and job
  # runs tagged emr-iam:team = analytics (the team_tag output), and create only such resources.
  team_tag_value = "analytics"
  tags           = { Team = "analytics" }

  create_service_role     = false
  create_ec2_role         = false
  create_autoscaling_role = false
  create_emrfs            = false
  create_passrole_policy  = false

  eks_roles = {
    analytics-eks-spark = {
      # The role name in base36, as `aws emr-containers update-role-trust-policy` encodes it. HCL
      # cannot compute it: the team modules emr-iam renders carry it, from generator/emr_containers.py.
      base36_name  = "1lm72081qy3s74n6mpnfc2fg90z0q3"
      pod_identity = local.pod_identity
      clusters = {
        (var.cluster_name) = { oidc_issuer = var.oidc_issuer, namespaces = var.namespaces }
      }
    }
  }
  eks_region                     = var.region
  eks_virtual_cluster_ids        = var.virtual_cluster_ids
  eks_submitter_policy_name      = "analytics-EMR_EKS_StartJobRun"
  eks_submitter_attach_to_groups = var.job_submitter_groups
}
