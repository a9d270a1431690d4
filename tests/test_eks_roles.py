"""EMR on EKS job execution roles, judged on what an apply really creates and by the AWS CLI's own names.

tests/specs/eks.yaml holds two teams in one account: `analytics` with an IRSA role on two clusters
and a Pod Identity role, `finance` with an IRSA role and a job submitter policy limited to one
virtual cluster. It is rendered, applied to a local fake AWS (moto_server), planned again (no
changes), read back with boto3 and destroyed. The trust policies read back are evaluated with
tests/iam_eval.py against requests built from awscli's own base36 encoder
(awscli/customizations/emrcontainers/base36.py) and service-account naming: a job run as a role
may assume it from exactly its own clusters and namespaces, a job of another role or team may not,
and a team's job submitters may start job runs with exactly their own team's roles.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from awscli.customizations.emrcontainers.base36 import Base36

from tests import iam_eval
from tests.effective import Account, Deployment, account, applied_alone, apply_spec
from tests.engine import DESTROY, MODULES, ROOT, copy_tree, opentofu, provider_block
from tests.helpers import run_cli, write_spec
from tests.moto_server import ACCOUNT_ID, MotoServer

SPEC = ROOT / "tests" / "specs" / "eks.yaml"
REGION = "us-east-1"
# The literal values of AWS's documents, not the generator's constants: the IRSA statement of
# `aws emr-containers update-role-trust-policy` and the trust of "Create IAM role with trust policy
# required by EKS Pod Identity" (EKS User Guide).
WEB_IDENTITY = "sts:AssumeRoleWithWebIdentity"
POD_IDENTITY_PRINCIPAL = "pods.eks.amazonaws.com"
POD_IDENTITY_ACTIONS = ("sts:AssumeRole", "sts:TagSession")


def _list(value: Any) -> list[Any]:
    if value is None:
        return []
    return [value] if isinstance(value, (str, dict)) else list(value)


def service_account(component: str, role_name: str, framework: str = "spark") -> str:
    """What EMR names a job's service account (create-role-associations' format), with awscli's own encoder."""
    return f"emr-containers-sa-{framework}-{component}-{ACCOUNT_ID}-{Base36().encode(role_name)}"


def trust_allows(trust: dict[str, Any], principal: tuple[str, str], action: str, context: dict[str, Any]) -> bool:
    """Whether the trust policy lets `principal` ("Federated" or "Service", its value) call `action` with `context`."""
    kind, value = principal
    statements = [
        {key: item for key, item in statement.items() if key != "Principal"}
        for statement in _list(trust.get("Statement"))
        if value in _list((statement.get("Principal") or {}).get(kind))
    ]
    return iam_eval.allows([{"Statement": statements}], action, "*", context)


def oidc_provider(issuer: str) -> str:
    return f"arn:aws:iam::{ACCOUNT_ID}:oidc-provider/{issuer.removeprefix('https://')}"


def web_identity(trust: dict[str, Any], issuer: str, namespace: str, account_name: str) -> bool:
    host = issuer.removeprefix("https://")
    subject = f"system:serviceaccount:{namespace}:{account_name}"
    return trust_allows(trust, ("Federated", oidc_provider(issuer)), WEB_IDENTITY, {f"{host}:sub": subject})


def pod_identity(trust: dict[str, Any], cluster: str, namespace: str, account_name: str) -> bool:
    tags = {
        "aws:RequestTag/eks-cluster-name": cluster,
        "aws:RequestTag/kubernetes-namespace": namespace,
        "aws:RequestTag/kubernetes-service-account": account_name,
    }
    return all(trust_allows(trust, ("Service", POD_IDENTITY_PRINCIPAL), action, tags) for action in POD_IDENTITY_ACTIONS)


def spec_roles() -> dict[str, dict[str, Any]]:
    data = yaml.safe_load(SPEC.read_text(encoding="utf-8"))
    return {f"{team['name']}-{role['name']}": {**role, "team": team["name"]} for team in data["teams"] for role in team["eks"]["roles"]}


@pytest.fixture
def applied(moto: MotoServer, tmp_path: Path) -> tuple[MotoServer, Path, dict[str, dict[str, Any]]]:
    workdir = tmp_path / "root"
    workdir.mkdir()
    return moto, workdir, apply_spec(Deployment(SPEC, REGION), workdir, moto)


@pytest.fixture(scope="module")
def deployed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[MotoServer, Path, dict[str, dict[str, Any]]]]:
    """One apply for the tests that only read what it made (the first test applies again: it destroys)."""
    with applied_alone(tmp_path_factory.mktemp("eks"), Deployment(SPEC, REGION)) as found:
        yield found


@pytest.mark.engine
def test_apply_plans_no_change_again_reads_back_and_destroys(applied: tuple[MotoServer, Path, dict[str, dict[str, Any]]]) -> None:
    moto, workdir, teams = applied
    engine = opentofu()
    engine.plans_no_change(workdir)

    assert teams["analytics"]["eks_role_arns"] == {
        "analytics-nightly": f"arn:aws:iam::{ACCOUNT_ID}:role/emr/analytics-nightly",
        "analytics-spark": f"arn:aws:iam::{ACCOUNT_ID}:role/emr/analytics-spark",
    }
    assert teams["finance"]["eks_submitter_policy_name"] == "finance-EMR_EKS_StartJobRun"
    iam = moto.client("iam", REGION)
    inline = {name: set(iam.list_role_policies(RoleName=name)["PolicyNames"]) for name in spec_roles()}
    assert inline == {"analytics-spark": {"s3-access"}, "analytics-nightly": set(), "finance-reports": {"s3-access"}}
    attached = [policy["PolicyArn"] for policy in iam.list_attached_role_policies(RoleName="analytics-nightly")["AttachedPolicies"]]
    assert attached == ["arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"]
    for name, role_spec in spec_roles().items():
        role = iam.get_role(RoleName=name)["Role"]
        # The team's own tag (the team tag) and no other tag of the generator's.
        tags = {tag["Key"]: tag["Value"] for tag in role.get("Tags", []) if tag["Key"].startswith("emr-iam")}
        assert role["Path"] == "/emr/" and tags == {"emr-iam:team": role_spec["team"]}, tags

    # The Pod Identity association inputs: one per Spark service account, cluster and namespace, named as the AWS CLI does.
    associations = teams["analytics"]["eks_pod_identity_associations"]
    nightly = teams["analytics"]["eks_role_arns"]["analytics-nightly"]
    assert associations == {
        f"analytics-nightly/analytics-prod/spark-nightly/{component}": {
            "cluster_name": "analytics-prod", "namespace": "spark-nightly",
            "service_account": service_account(component, "analytics-nightly"), "role_arn": nightly,
        }
        for component in ("client", "driver", "executor")
    }
    assert teams["finance"]["eks_pod_identity_associations"] == {}

    engine.run(*DESTROY, cwd=workdir)
    assert [role["RoleName"] for role in iam.list_roles()["Roles"]] == []
    assert iam.list_policies(Scope="Local")["Policies"] == []


@pytest.mark.engine
def test_each_role_trusts_exactly_its_own_clusters_namespaces_and_service_accounts(
    deployed: tuple[MotoServer, Path, dict[str, dict[str, Any]]],
) -> None:
    moto, _, teams = deployed
    found = account(moto, REGION)
    roles = spec_roles()
    arns = {name: arn for outputs in teams.values() for name, arn in outputs["eks_role_arns"].items()}
    assert set(arns) == set(roles)
    places = [(cluster, namespace) for role in roles.values() for cluster in role["clusters"] for namespace in cluster["namespaces"]]
    checked = 0
    for name, settings in roles.items():
        trust = found.roles[arns[name]].trust
        for other in roles:  # the service accounts of every role of both teams, in every cluster and namespace
            for cluster, namespace in places:
                own_place = any(cluster is mine for mine in settings["clusters"]) and namespace in cluster["namespaces"]
                for component in ("client", "driver", "executor"):
                    account_name = service_account(component, other)
                    if cluster.get("oidc_issuer"):
                        expected = settings.get("irsa", True) and own_place and other == name
                        assert web_identity(trust, cluster["oidc_issuer"], namespace, account_name) is expected, (name, other, cluster, namespace)
                    expected = bool(settings.get("pod_identity")) and own_place and other == name
                    assert pod_identity(trust, cluster["name"], namespace, account_name) is expected, (name, other, cluster, namespace)
                    checked += 1
        # Any other service account of the namespace, and a namespace's pods with the right name in another cluster, are refused.
        for cluster in settings["clusters"]:
            if settings.get("irsa", True):
                # EMR's other frameworks match the IRSA wildcard (emr-containers-sa-*-*-...), as the AWS CLI means them to.
                assert web_identity(trust, cluster["oidc_issuer"], cluster["namespaces"][0], service_account("jobmanager", name, "flink"))
                assert not web_identity(trust, cluster["oidc_issuer"], cluster["namespaces"][0], "default")
                assert not web_identity(trust, cluster["oidc_issuer"].replace("us-east-1", "eu-west-1"), cluster["namespaces"][0],
                                        service_account("driver", name))
            assert not pod_identity(trust, cluster["name"] + "-other", cluster["namespaces"][0], service_account("driver", name))
        # The role trusts nothing else: its OIDC providers for web identities, the pods.eks service where asked.
        principals = {(kind, value) for statement in trust["Statement"] for kind, values in statement["Principal"].items() for value in _list(values)}
        expected_principals = {("Federated", oidc_provider(c["oidc_issuer"])) for c in settings["clusters"] if settings.get("irsa", True)}
        expected_principals |= {("Service", POD_IDENTITY_PRINCIPAL)} if settings.get("pod_identity") else set()
        assert principals == expected_principals, name
    assert checked == len(roles) ** 2 * len(places) * 3


def tagged(team: str) -> dict[str, str]:
    """The request context of a resource, and of a request, that carry the team tag (the spec's default key,
    the team's name): IAM gives an EMR resource's tags under the global and EMR's own keys."""
    return {f"{prefix}:{kind}/emr-iam:team": team for prefix in ("aws", "elasticmapreduce") for kind in ("ResourceTag", "RequestTag")}


@pytest.mark.engine
def test_job_submitters_start_and_follow_job_runs_with_exactly_their_teams_roles(deployed: tuple[MotoServer, Path, dict[str, dict[str, Any]]]) -> None:
    moto, _, teams = deployed
    found: Account = account(moto, REGION)
    virtual_clusters = {
        "analytics": f"arn:aws:emr-containers:{REGION}:{ACCOUNT_ID}:/virtualclusters/a0b1c2d3e4f5a6b7c8d9e0f1a",
        "finance": f"arn:aws:emr-containers:{REGION}:{ACCOUNT_ID}:/virtualclusters/f0e1d2c3b4a5968778695a4b3",
    }
    for team, other in (("analytics", "finance"), ("finance", "analytics")):
        document = [found.customer_managed[teams[team]["eks_submitter_policy_arn"]]]
        own, foreign = teams[team]["eks_role_arns"].values(), teams[other]["eks_role_arns"].values()
        cluster = virtual_clusters[team]
        own_tag = tagged(team)
        for role in own:
            assert iam_eval.allows(document, "emr-containers:StartJobRun", cluster, {**own_tag, "emr-containers:ExecutionRoleArn": role}), team
            assert not iam_eval.allows(document, "emr-containers:StartJobRun", cluster.replace(ACCOUNT_ID, "210987654321"),
                                       {**own_tag, "emr-containers:ExecutionRoleArn": role})
            # Every job run is started with the team tag.
            assert not iam_eval.allows(document, "emr-containers:StartJobRun", cluster, {"emr-containers:ExecutionRoleArn": role}), team
        for role in [*foreign, teams[team]["ec2_role_arn"], teams[team]["service_role_arn"]]:
            assert not iam_eval.allows(document, "emr-containers:StartJobRun", cluster, {**own_tag, "emr-containers:ExecutionRoleArn": role})
        # Following and stopping the runs: the virtual cluster and its job runs, in this account only.
        for action in ("emr-containers:DescribeVirtualCluster", "emr-containers:ListJobRuns"):
            assert iam_eval.allows(document, action, cluster, own_tag), (team, action)
            assert not iam_eval.allows(document, action, cluster.replace(ACCOUNT_ID, "210987654321"), own_tag), (team, action)
        for action in ("emr-containers:DescribeJobRun", "emr-containers:CancelJobRun"):
            assert iam_eval.allows(document, action, f"{cluster}/jobruns/0000000abcdef12345", own_tag), (team, action)
            assert not iam_eval.allows(document, action, cluster, own_tag), (team, action)
            assert not iam_eval.allows(document, action, f"{cluster.replace(ACCOUNT_ID, '210987654321')}/jobruns/0000000abcdef12345", own_tag)
        # No execution role in the request (a job template's), no other action, no PassRole (StartJobRun has no dependent action).
        assert not iam_eval.allows(document, "emr-containers:StartJobRun", cluster)
        assert not iam_eval.allows(document, "emr-containers:CreateVirtualCluster", "*")
        assert not iam_eval.allows(document, "emr-containers:DeleteVirtualCluster", cluster)
        assert not iam_eval.allows(document, "emr-containers:CreateManagedEndpoint", cluster)
        assert not any(iam_eval.allows(document, "iam:PassRole", role) for role in own)
    # finance named its virtual cluster: the other one is refused; analytics named none: the team tag decides,
    # so finance's virtual clusters (tagged finance) are refused, and any of the account's tagged analytics allowed.
    finance = [found.customer_managed[teams["finance"]["eks_submitter_policy_arn"]]]
    reports = teams["finance"]["eks_role_arns"]["finance-reports"]
    assert not iam_eval.allows(finance, "emr-containers:StartJobRun", virtual_clusters["analytics"],
                               {**tagged("finance"), "emr-containers:ExecutionRoleArn": reports})
    assert not iam_eval.allows(finance, "emr-containers:CancelJobRun", f"{virtual_clusters['analytics']}/jobruns/0000000abcdef12345",
                               tagged("finance"))
    assert not iam_eval.allows(finance, "emr-containers:ListJobRuns", virtual_clusters["analytics"], tagged("finance"))
    analytics = [found.customer_managed[teams["analytics"]["eks_submitter_policy_arn"]]]
    spark = {"emr-containers:ExecutionRoleArn": teams["analytics"]["eks_role_arns"]["analytics-spark"]}
    assert not iam_eval.allows(analytics, "emr-containers:StartJobRun", virtual_clusters["finance"], {**tagged("finance"), **spark})
    assert not iam_eval.allows(analytics, "emr-containers:CancelJobRun", f"{virtual_clusters['finance']}/jobruns/0000000abcdef12345",
                               tagged("finance"))
    assert iam_eval.allows(analytics, "emr-containers:StartJobRun", virtual_clusters["finance"].replace("f0e1", "a9e1"), {**tagged("analytics"), **spark})


@pytest.mark.engine
def test_pod_identity_in_china_stops_the_plan_with_awss_reason(tmp_path: Path) -> None:
    root = copy_tree(tmp_path) / "workspace"
    root.mkdir()
    (root / "main.tf").write_text(
        provider_block("cn-north-1")
        + 'module "eks" {\n  source     = "../modules/emr-eks-job-roles"\n  account_id = "123456789012"\n'
        + '  roles = {\n    pods = {\n      base36_name  = "' + Base36().encode("pods") + '"\n      irsa         = false\n'
        + '      pod_identity = true\n      clusters     = { analytics = { namespaces = ["spark-jobs"] } }\n    }\n  }\n}\n',
        encoding="utf-8",
    )
    engine = opentofu()
    engine.init(root)
    result = engine.run("plan", "-input=false", "-no-color", cwd=root, check=False)
    text = " ".join((result.stdout + result.stderr).split())
    assert result.returncode != 0 and "EKS Pod Identity is not available in partition aws-cn" in text, text
    assert "Pod Identity is not available in China Regions" in text


def test_the_pod_identity_module_takes_the_job_roles_output_as_it_is() -> None:
    """The associations variable of emr-eks-pod-identity has exactly the attributes the job roles module outputs."""
    variables = (MODULES / "emr-eks-pod-identity" / "variables.tf").read_text(encoding="utf-8")
    block = variables.split('variable "associations" {', 1)[1].split("\n}\n", 1)[0]
    assert all(f"{name} " in block for name in ("cluster_name", "namespace", "service_account", "role_arn")), block
    main = (MODULES / "emr-eks-job-roles" / "main.tf").read_text(encoding="utf-8")
    block = main.split("pod_identity_associations = ", 1)[1].split("virtual_clusters", 1)[0]
    assert all(f"{name} " in block for name in ("cluster_name", "namespace", "service_account", "role_arn"))


# --- generation-time checks -----------------------------------------------------------------------

BASE = {"version": 1, "defaults": {"name_prefix": "{team}-", "source_account_id": "123456789012"}}
ISSUER = "https://oidc.eks.us-east-1.amazonaws.com/id/5C1A9E7B3D2F4A6B8C0D1E2F3A4B5C6D"
CLUSTER = {"name": "analytics", "oidc_issuer": ISSUER, "namespaces": ["spark-jobs"]}


def _team(**eks: Any) -> dict[str, Any]:
    return {**BASE, "teams": [{"name": "analytics", "eks": eks}]}


@pytest.mark.parametrize(
    ("document", "field", "message"),
    [
        (_team(roles=[{"name": "spark", "clusters": [CLUSTER]}, {"name": "spark", "clusters": [CLUSTER]}]), "teams[0].eks.roles[1].name",
         "'spark' is listed twice"),
        (_team(roles=[{"name": "spark", "clusters": [CLUSTER, CLUSTER]}]), "teams[0].eks.roles[0].clusters[1].name", "'analytics' is listed twice"),
        (_team(roles=[{"name": "spark", "clusters": [{"name": "analytics", "namespaces": ["a"]}]}]),
         "teams[0].eks.roles[0].clusters[0].oidc_issuer", "is required with irsa: true"),
        (_team(roles=[{"name": "spark", "irsa": False, "clusters": [CLUSTER]}]), "teams[0].eks.roles[0].irsa", "the role would trust nobody"),
        (_team(roles=[{"name": "spark", "irsa": False, "pod_identity": True, "clusters": [CLUSTER]}]),
         "teams[0].eks.roles[0].clusters[0].oidc_issuer", "has no effect: irsa is false"),
        (_team(roles=[{"name": "spark", "clusters": [{**CLUSTER, "namespaces": ["Spark_Jobs"]}]}]),
         "teams[0].eks.roles[0].clusters[0].namespaces[0]", "must be a Kubernetes namespace"),
        (_team(roles=[{"name": "spark", "clusters": [{**CLUSTER, "oidc_issuer": "oidc.eks.us-east-1.amazonaws.com/id/X"}]}]),
         "teams[0].eks.roles[0].clusters[0].oidc_issuer", "must be the cluster's OIDC issuer URL"),
        (_team(roles=[{"name": "spark", "clusters": []}]), "teams[0].eks.roles[0].clusters", "must not be empty"),
        (
            {"version": 1, "defaults": {"name_prefix": "{team}-"}, "teams": [{"name": "analytics", "eks": {"roles": [{"name": "spark", "clusters": [CLUSTER]}]}}]},
            "teams[0].eks.roles", "need source_account_id",
        ),
        (_team(roles=[{"name": "x" * 60, "clusters": [CLUSTER]}]), "teams[0].eks.roles[0].name", "over the IAM limit of 64"),
        # The trust policy grows with every cluster and namespace: IAM's 2,048-character quota stops it at generation time.
        (
            _team(roles=[{"name": "spark", "pod_identity": True,
                          "clusters": [{**CLUSTER, "namespaces": [f"spark-namespace-{i:02d}" for i in range(12)]}]}]),
            "teams[0].eks.roles[0].clusters", "size of the job execution role's trust policy (it grows with each cluster and namespace) is",
        ),
    ],
    ids=["duplicate-role", "duplicate-cluster", "irsa-without-issuer", "trusts-nobody", "issuer-without-irsa", "namespace", "issuer-url", "no-cluster",
         "no-account", "name-length", "trust-size"],
)
def test_eks_errors_are_one_line_naming_the_field(
    document: dict[str, Any], field: str, message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = write_spec(tmp_path, json.dumps(document))
    code, _, stderr = run_cli(capsys, "validate", "--spec", str(spec))
    assert code == 2 and len(stderr.splitlines()) == 1, stderr
    assert f": {field}: " in stderr and message in stderr, stderr


def test_a_raised_trust_quota_lets_the_same_role_through(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    role = {"name": "spark", "pod_identity": True, "clusters": [{**CLUSTER, "namespaces": [f"spark-namespace-{i:02d}" for i in range(12)]}]}
    spec = write_spec(tmp_path, json.dumps({**_team(roles=[role]), "quotas": {"trust_policy": 4096}}))
    code, _, stderr = run_cli(capsys, "validate", "--spec", str(spec))
    assert code == 0, stderr


def test_eks_roles_clash_with_other_roles_of_the_account(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    document = {**BASE, "teams": [
        {"name": "analytics", "runtime_roles": [{"name": "spark"}], "eks": {"roles": [{"name": "spark", "clusters": [CLUSTER]}]}},
    ]}
    spec = write_spec(tmp_path, json.dumps(document))
    code, _, stderr = run_cli(capsys, "validate", "--spec", str(spec))
    assert code == 2 and len(stderr.splitlines()) == 1 and "'analytics-spark' is already used" in stderr, stderr


def test_eks_merges_from_defaults(tmp_path: Path) -> None:
    from generator.spec import load_spec

    document = {
        "version": 1,
        "defaults": {"source_account_id": "123456789012", "eks": {"virtual_cluster_ids": ["abc123"], "roles": [{"name": "spark", "clusters": [CLUSTER]}]}},
        "teams": [{"name": "a", "name_prefix": "a-"}, {"name": "b", "name_prefix": "b-", "eks": {"submitter_policy": False}}],
    }
    a, b = load_spec(write_spec(tmp_path, json.dumps(document))).teams
    assert [role.name for role in a.eks.roles] == ["spark"] and a.eks.submitter_policy
    assert b.eks.virtual_cluster_ids == ["abc123"] and not b.eks.submitter_policy and b.eks.roles == a.eks.roles


def test_the_examples_base36_is_the_aws_clis() -> None:
    """examples/emr-on-eks writes the base36 of its role name by hand (HCL cannot compute it): it must be awscli's."""
    import re

    main = (ROOT / "examples" / "emr-on-eks" / "main.tf").read_text(encoding="utf-8")
    found = re.findall(r'^    ([\w.@+=,-]+) = \{\n(?:.*\n)*?      base36_name  = "([0-9a-z]+)"', main, re.MULTILINE)
    assert found == [("analytics-eks-spark", Base36().encode("analytics-eks-spark"))], found
