"""The generation-time size checks measure what the modules really plan.

generator/policies.py states the modules' policies once; the templates render them and the quota
checks evaluate them (generator/statements.py). These tests plan the rendered modules in the longest
partition and compare each planned document with the evaluated one, character for character.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from generator import facts, policies
from generator.rendering import render
from generator.spec import load_spec
from tests.engine import copy_tree, opentofu, plan_json, planned_resources, provider_block

SPEC = Path(__file__).parent / "specs" / "full.yaml"

pytestmark = pytest.mark.engine


def minified(document: str) -> int:
    return len(json.dumps(json.loads(document), separators=(",", ":")))


# What the modules' locals hold in GovCloud, where these plans run (the size checks take the longest of every partition).
IN_GOVCLOUD = {policies.service_principal(service): by_partition["aws-us-gov"] for service, by_partition in facts.SERVICE_PRINCIPALS.items()}


def in_govcloud(policy: tuple, bindings: dict) -> dict:
    return policies.sample_document(policy, {**IN_GOVCLOUD, **bindings})


def unordered(value: object) -> object:
    """The document with every list sorted: the data source keeps actions, resources and values as sets."""
    if isinstance(value, dict):
        return {key: unordered(item) for key, item in value.items()}
    if isinstance(value, list):
        return sorted((unordered(item) for item in value), key=json.dumps)
    return value


def same_document(planned: str, evaluated: dict) -> bool:
    """The planned policy is the evaluated one: the same JSON but for the order of sets, and the same size."""
    evaluated = policies.concrete(evaluated)
    return unordered(json.loads(planned)) == unordered(evaluated) and minified(planned) == policies.policy_size(evaluated)


def planned_in_govcloud(folder: Path, module_block: str, spec: Path | None = None) -> dict[str, dict]:
    """The planned resources of a workspace holding `module_block`, beside the project's modules (or `spec`'s)."""
    root = copy_tree(folder)
    if spec is not None:
        shutil.rmtree(root / "modules")
        render(spec, root / "modules")
    workspace = root / "workspace"
    workspace.mkdir()
    (workspace / "main.tf").write_text(provider_block("us-gov-west-1") + module_block)
    return planned_resources(plan_json(opentofu(), workspace))


@pytest.fixture(scope="module")
def gov_plan(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict]:
    return planned_in_govcloud(tmp_path_factory.mktemp("limits"), 'module "etl" {\n  source = "../modules/teams/etl"\n}\n', SPEC)


def test_scoped_policy_size_matches_the_plan(gov_plan: dict[str, dict]) -> None:
    team = load_spec(SPEC).teams[0]
    planned = gov_plan["module.etl.module.emr_iam.module.ec2_role[0].aws_iam_policy.scoped[0]"]["policy"]
    assert facts.LONGEST_PARTITION == "aws-us-gov"
    assert minified(planned) == policies.policy_size(policies.ec2_scoped_policy(team.ec2_role.s3_access, team.source_account_id))


def test_service_role_trust_size_matches_the_plan(gov_plan: dict[str, dict]) -> None:
    planned = gov_plan["module.etl.module.emr_iam.module.service_role[0].aws_iam_role.this[0]"]["assume_role_policy"]
    bindings = {policies.SERVICE_ROLE_SOURCE: policies.source_account("111122223333")}
    assert same_document(planned, in_govcloud(policies.SERVICE_ROLE_TRUST, bindings))


def test_emrfs_inline_policy_size_matches_the_plan(gov_plan: dict[str, dict]) -> None:
    team = load_spec(SPEC).teams[0]
    raw = team.emrfs.roles[0]
    planned = gov_plan['module.etl.module.emr_iam.module.emrfs[0].aws_iam_role_policy.this["etl-raw/s3-access"]']["policy"]
    assert minified(planned) == policies.policy_size(policies.s3_access_policy(raw.s3_access))


# Runtime roles: the piece module planned in GovCloud with every option and known inputs.
RUNTIME_EC2_ROLE = "arn:aws-us-gov:iam::111122223333:role/platform/emr/etl-EMR_EC2_DefaultRole"


@pytest.fixture(scope="module")
def runtime_plan(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict]:
    return planned_in_govcloud(
        tmp_path_factory.mktemp("runtime-limits"),
        'module "runtime" {\n  source        = "../modules/emr-runtime-roles"\n'
        + f'  ec2_role_arn  = "{RUNTIME_EC2_ROLE}"\n  ec2_role_name = "etl-EMR_EC2_DefaultRole"\n  path          = "/platform/emr/"\n'
        + '  external_id   = "etl-security-configuration"\n  team_tag_value = "analytics"\n'
        + "  roles = {\n    etl-governed = { lake_formation = true, propagate_source_identity = true }\n"
        + "    etl-grants   = { s3_access_grants = true, propagate_source_identity = true }\n  }\n}\n",
    )


@pytest.mark.parametrize(("role", "lake_formation"), [("etl-governed", True), ("etl-grants", False)])
def test_runtime_role_trust_size_matches_the_plan(runtime_plan: dict[str, dict], role: str, lake_formation: bool) -> None:
    planned = runtime_plan[f'module.runtime.aws_iam_role.this["{role}"]']["assume_role_policy"]
    def bindings(external_id: list[str]) -> dict:
        return {
            policies.EC2_ROLE_ARN: RUNTIME_EC2_ROLE,
            policies.RUNTIME_EXTERNAL_ID: [{policies.CONDITION_VALUE: value} for value in external_id],
            policies.RUNTIME_LAKE_FORMATION_TAG: [{policies.CONDITION_VALUE: facts.LAKE_FORMATION_SESSION_TAG_VALUE}] if lake_formation else [],
            policies.RUNTIME_SOURCE_IDENTITY: [{policies.STATEMENT_VALUE: RUNTIME_EC2_ROLE}],
        }

    assert same_document(planned, in_govcloud(policies.RUNTIME_ROLE_TRUST, bindings(["etl-security-configuration"])))
    # The size check measures without the caller's external ID: it adds exactly its condition.
    without = policies.size_of(policies.RUNTIME_ROLE_TRUST, bindings([]))
    assert minified(planned) - without == len(',"Condition":{"StringEquals":{"sts:ExternalId":["etl-security-configuration"]}}')


def test_lake_formation_and_access_grants_sizes_match_the_plan(runtime_plan: dict[str, dict]) -> None:
    # No region given: the module writes "*", as the size check assumes; the account comes from the EC2 role.
    governed = runtime_plan['module.runtime.aws_iam_role_policy.lake_formation["etl-governed"]']["policy"]
    anywhere = {policies.MODULE_REGION: "*", policies.MODULE_ACCOUNT: "111122223333"}
    assert same_document(governed, in_govcloud(policies.RUNTIME_LAKE_FORMATION, anywhere))
    grants = runtime_plan['module.runtime.aws_iam_role_policy.s3_access_grants["etl-grants"]']["policy"]
    assert same_document(grants, in_govcloud(policies.RUNTIME_S3_ACCESS_GRANTS, anywhere))


# EMR Serverless: the job runtime roles' trust, planned in GovCloud (the longest partition name) with
# the longest region name, which the size check measures with.
SERVERLESS_APPLICATIONS = ["00fabcdefghij012", "00fklmnopqrst345", "00fuvwxyzabcd678"]


@pytest.fixture(scope="module")
def serverless_plan(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict]:
    return planned_in_govcloud(
        tmp_path_factory.mktemp("serverless-limits"),
        'module "serverless" {\n  source             = "../modules/emr-serverless-roles"\n  account_id         = "111122223333"\n'
        + f'  application_region = "{policies.LONGEST_REGION}"\n  application_ids    = {json.dumps(SERVERLESS_APPLICATIONS)}\n'
        + '  team_tag_value = "analytics"\n  roles = {\n    etl-spark = {}\n  }\n}\n',
    )


def test_serverless_trust_size_matches_the_plan(serverless_plan: dict[str, dict]) -> None:
    assert facts.LONGEST_PARTITION == "aws-us-gov"
    planned = serverless_plan['module.serverless.aws_iam_role.this["etl-spark"]']["assume_role_policy"]
    arns = policies.serverless_application_arns("111122223333", SERVERLESS_APPLICATIONS, facts.SERVERLESS_APPLICATION_RESOURCE)
    evaluated = in_govcloud(policies.SERVERLESS_TRUST, {
        policies.ACCOUNT_ID_EACH: policies.source_account("111122223333"),
        policies.SERVERLESS_SOURCE_ARNS: [{policies.CONDITION_VALUE: arns}],
    })
    assert same_document(planned, evaluated)


# EMR on EKS: the job roles module planned in GovCloud, IRSA and Pod Identity on two clusters.
EKS_ISSUERS = {
    "analytics-prod": "https://oidc.eks.us-gov-west-1.amazonaws.com/id/A1B2C3D4E5F6A7B8C9D0E1F2A3B4C5D6",
    "analytics-dev": "https://oidc.eks.us-gov-west-1.amazonaws.com/id/0F1E2D3C4B5A69788796A5B4C3D2E1F0",
}
EKS_NAMESPACES = {"analytics-prod": ["spark-jobs", "spark-adhoc"], "analytics-dev": ["spark-dev"]}


def test_eks_role_trust_size_matches_the_plan(tmp_path: Path) -> None:
    from generator.emr_containers import base36
    from generator.spec import EksCluster

    clusters = "".join(
        f'        {name} = {{ oidc_issuer = "{issuer}", namespaces = {json.dumps(EKS_NAMESPACES[name])} }}\n'
        for name, issuer in EKS_ISSUERS.items()
    )
    resources = planned_in_govcloud(
        tmp_path,
        'module "eks" {\n  source     = "../modules/emr-eks-job-roles"\n  account_id = "111122223333"\n'
        + '  team_tag_value = "analytics"\n  roles = {\n'
        + f'    analytics-spark = {{\n      base36_name  = "{base36("analytics-spark")}"\n      pod_identity = true\n'
        + f"      clusters = {{\n{clusters}      }}\n    }}\n  }}\n}}\n",
    )
    planned = resources['module.eks.aws_iam_role.this["analytics-spark"]']["assume_role_policy"]
    spec_clusters = [EksCluster(name=name, oidc_issuer=issuer, namespaces=EKS_NAMESPACES[name]) for name, issuer in EKS_ISSUERS.items()]
    expected = in_govcloud(policies.EKS_TRUST, policies.eks_trust_bindings("111122223333", "analytics-spark", spec_clusters))
    assert same_document(planned, expected)
    assert json.loads(planned)["Statement"][0]["Sid"] == "IrsaCluster0" and len(json.loads(planned)["Statement"]) == 4


# EMR Studio: the service role's trust and inline policy (no value of either is known only after apply),
# planned in GovCloud with the longest region name and every optional statement.
STUDIO_KEY = "arn:aws-us-gov:kms:us-gov-west-1:111122223333:key/8c1d2e3f-4a5b-4c6d-9e7f-0a1b2c3d4e5f"


def test_studio_service_role_documents_match_the_plan(tmp_path: Path) -> None:
    planned = planned_in_govcloud(
        tmp_path,
        'module "studio" {\n  source           = "../modules/emr-studio-roles"\n  account_id       = "111122223333"\n'
        + f'  region           = "{policies.LONGEST_REGION}"\n  workspace_bucket = "analytics-studio"\n'
        + '  workspace_prefix = "workspaces/"\n  team_tag_value = "analytics"\n'
        + f'  kms_key_arns     = ["{STUDIO_KEY}"]\n'
        + '  session_policies = {\n    analytics-basic = { tier = "basic", collaboration = true }\n  }\n}\n',
    )
    service = planned["module.studio.aws_iam_role_policy.service[0]"]["policy"]
    evaluated = policies.studio_service_policy(
        "111122223333", "analytics-studio", "workspaces/", [STUDIO_KEY], True, (facts.TEAM_TAG_KEY, "analytics"), True
    )
    assert same_document(service, evaluated)
    trust = planned["module.studio.aws_iam_role.service[0]"]["assume_role_policy"]
    bindings = {
        policies.STUDIO_PASSED_TO_EMR: facts.PASSED_TO_SERVICE_FORMS["aws-us-gov"]["elasticmapreduce"],
        policies.MODULE_REGION: policies.LONGEST_REGION,
        policies.ACCOUNT_ID_EACH: policies.source_account("111122223333"),
    }
    assert same_document(trust, in_govcloud(policies.STUDIO_SERVICE_TRUST, bindings))
