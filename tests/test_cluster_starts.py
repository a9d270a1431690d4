"""Would the cluster start? Each team of each spec, judged by AWS's own documents, not ours.

Every team module of specs/platform.yaml and of the test specs is applied to a local fake AWS
(tests/specs/full.yaml in GovCloud, to a fake account of its own ID);
each role's effective identity policies are read back: our inline and customer-managed documents
as IAM holds them, and the AWS managed documents attached, as AWS publishes them (moto ships
copies of AWS's managed policies). tests/iam_eval.py then decides the requests EMR and the people
who launch clusters make:

- EMR's service role passes the team's EC2 role to ec2 and its scaling role to
  application-autoscaling (RunJobFlow fails otherwise), and creates the Spot service-linked role;
- the EC2 role assumes its own EMRFS roles and no other team's, and each EMRFS role trusts it;
- a member of the team's operator groups passes exactly the team's roles, each to its service.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from generator import facts
from generator.spec import Team, load_spec
from tests import effective, shared
from tests.iam_eval import allows
from tests.moto_server import ACCOUNT_ID, MotoServer

pytestmark = pytest.mark.engine

def spot_role(role_arn: str) -> str:
    """The Spot service-linked role in the partition and account of `role_arn`."""
    partition, account = role_arn.split(":")[1], role_arn.split(":")[4]
    return f"arn:{partition}:iam::{account}:role/aws-service-role/spot.amazonaws.com/AWSServiceRoleForEC2Spot"


def documents(role: effective.Role) -> list[dict[str, Any]]:
    return list(role.policies.values())


def passes(docs: list[dict[str, Any]], role_arn: str, service: str) -> bool:
    """Every form the service presents in the role's partition must be allowed (both in aws-cn)."""
    forms = facts.PASSED_TO_SERVICE_FORMS[role_arn.split(":")[1]][service]
    return all(allows(docs, "iam:PassRole", role_arn, {"iam:PassedToService": form}) for form in forms)


def passes_any(docs: list[dict[str, Any]], role_arn: str, service: str) -> bool:
    forms = facts.PASSED_TO_SERVICE_FORMS[role_arn.split(":")[1]][service]
    return any(allows(docs, "iam:PassRole", role_arn, {"iam:PassedToService": form}) for form in forms)


Applied = tuple[dict[str, Team], dict[str, dict[str, Any]], effective.Account]


def apply_and_read(deployment: effective.Deployment, moto_server: MotoServer, workdir: Path) -> tuple[dict[str, dict[str, Any]], effective.Account]:
    """The deployment's teams applied to a fake account, and what the account then holds: (outputs by team, account)."""
    if deployment.account_id == ACCOUNT_ID:
        moto_server.reset()
        outputs = effective.apply_spec(deployment, workdir, moto_server)
        return outputs, effective.account(moto_server, deployment.region)
    with effective.applied_alone(workdir, deployment) as (own, _, outputs):  # a fake account of the spec's own ID, for this spec only
        return outputs, effective.account(own, deployment.region)


@pytest.fixture(scope="session")
def applied_deployments(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Callable[[effective.Deployment], Any]:
    """Each deployment applied and read back once per session (tests/shared.py): under xdist a deployment's tests may
    run on any worker; a worker that finds its deployment being applied by another applies one nobody has claimed yet
    while it waits."""
    folder = shared.folder(tmp_path_factory)
    made: dict[str, Any] = {}

    def attempt(deployment: effective.Deployment, *, wait: bool) -> None:
        def make() -> Any:
            server: MotoServer = request.getfixturevalue("moto_server")
            return apply_and_read(deployment, server, tmp_path_factory.mktemp(f"cluster-starts-{deployment.name}"))

        try:
            found = shared.once(folder, f"cluster-starts-{deployment.name}", make, wait=wait)
        except shared.SharedFailure as failure:  # every test of the deployment fails with it, on any worker
            found = failure
        if found is not None:
            made[deployment.name] = found

    def applied(deployment: effective.Deployment) -> Any:
        if deployment.name not in made:
            attempt(deployment, wait=False)
            for other in effective.DEPLOYMENTS:
                if other.name not in made:
                    attempt(other, wait=False)
            if deployment.name not in made:
                attempt(deployment, wait=True)
        found = made[deployment.name]
        if isinstance(found, shared.SharedFailure):
            pytest.fail(str(found), pytrace=False)
        return found

    return applied


@pytest.fixture(params=effective.DEPLOYMENTS, ids=[deployment.name for deployment in effective.DEPLOYMENTS])
def applied(request: pytest.FixtureRequest, applied_deployments: Callable[[effective.Deployment], Any]) -> Applied:
    """One spec's teams applied to a fake account: (teams, outputs by team, what the account holds)."""
    deployment: effective.Deployment = request.param
    outputs, found = applied_deployments(deployment)
    return {team.name: team for team in load_spec(deployment.spec).teams}, outputs, found


def test_the_service_role_can_pass_the_teams_roles_and_create_the_spot_role(applied: Any) -> None:
    teams, outputs, found = applied
    problems = []
    for name, out in outputs.items():
        if not out["service_role_arn"]:
            continue
        service_docs = documents(found.roles[out["service_role_arn"]])
        for key, service in (("ec2_role", "ec2"), ("autoscaling_role", "application-autoscaling")):
            if out[f"{key}_arn"] and not passes(service_docs, out[f"{key}_arn"], service):
                problems.append(f"{name}: EMR's service role cannot pass {out[f'{key}_arn']} to {service}: RunJobFlow fails")
        spot_arn = spot_role(out["service_role_arn"])
        spot = allows(service_docs, "iam:CreateServiceLinkedRole", spot_arn, {"iam:AWSServiceName": facts.SPOT_SERVICE_NAME})
        if teams[name].service_role.allow_spot_service_linked_role and not spot:
            problems.append(f"{name}: EMR's service role cannot create the Spot service-linked role: Spot instances fail")
        # Where no managed policy passes any role (v1 does), nothing else passes: no other team's
        # roles, and no role to a service that does not use it.
        if not facts.MANAGED_POLICY_PASSES_ANY_ROLE[teams[name].service_role.managed_policy]:
            if out["ec2_role_arn"] and passes_any(service_docs, out["ec2_role_arn"], "application-autoscaling"):
                problems.append(f"{name}: the service role may pass the EC2 role to application-autoscaling")
            for other, other_out in outputs.items():
                if other != name and other_out["ec2_role_arn"] and passes_any(service_docs, other_out["ec2_role_arn"], "ec2"):
                    problems.append(f"{name}: the service role may pass team {other}'s EC2 role")
    assert problems == []
    assert any(out["service_role_arn"] for out in outputs.values())


def test_the_ec2_role_assumes_its_own_emrfs_roles_only(applied: Any) -> None:
    _, outputs, found = applied
    for name, out in outputs.items():
        if not out["ec2_role_arn"]:
            continue
        ec2_docs = documents(found.roles[out["ec2_role_arn"]])
        for emrfs_arn in out["emrfs_role_arns"].values():
            assert allows(ec2_docs, "sts:AssumeRole", emrfs_arn), f"{name}: the EC2 role cannot assume {emrfs_arn}"
            trust = found.roles[emrfs_arn].trust["Statement"]
            assert [s["Principal"] for s in trust if s["Effect"] == "Allow"] == [{"AWS": out["ec2_role_arn"]}], emrfs_arn
        for other, other_out in outputs.items():
            for emrfs_arn in other_out["emrfs_role_arns"].values() if other != name else ():
                assert not allows(ec2_docs, "sts:AssumeRole", emrfs_arn), f"{name}: the EC2 role may assume team {other}'s {emrfs_arn}"


def test_an_operator_passes_exactly_the_teams_roles(applied: Any) -> None:
    teams, outputs, found = applied
    checked = 0
    for name, out in outputs.items():
        for group in teams[name].passrole_policy.attach_to_groups:
            operator_docs = list(found.group_policies[group].values())
            wanted = {"service_role": "elasticmapreduce", "ec2_role": "ec2", "autoscaling_role": "application-autoscaling"}
            for key, service in wanted.items():
                if out[f"{key}_arn"]:
                    assert passes(operator_docs, out[f"{key}_arn"], service), f"{group} cannot pass {out[f'{key}_arn']} to {service}"
                    wrong = [other for other in facts.SERVICES if other != service]
                    assert not any(passes_any(operator_docs, out[f"{key}_arn"], other) for other in wrong), f"{group}: {key} to {wrong}"
                    checked += 1
            for other, other_out in outputs.items():
                for key, service in wanted.items() if other != name else ():
                    if other_out[f"{key}_arn"]:
                        assert not passes_any(operator_docs, other_out[f"{key}_arn"], service), f"{group} may pass team {other}'s {key}"
    assert checked or not any(team.passrole_policy.attach_to_groups for team in teams.values())


def test_the_managed_policy_facts_agree_with_awss_documents(moto: MotoServer) -> None:
    """generator/facts.py's claims about the service role's managed policies, checked on AWS's copies."""
    iam = moto.client("iam")

    def managed(key: str) -> dict[str, Any]:
        arn = f"arn:aws:iam::aws:policy/{facts.MANAGED_POLICIES[key]}"
        version = iam.get_policy(PolicyArn=arn)["Policy"]["DefaultVersionId"]
        document = iam.get_policy_version(PolicyArn=arn, VersionId=version)["PolicyVersion"]["Document"]
        return json.loads(document) if isinstance(document, str) else document

    for choice, key in (("v2", "service_role_v2"), ("v1", "service_role_v1")):
        document = [managed(key)]
        custom = f"arn:aws:iam::{ACCOUNT_ID}:role/emr/analytics-EMR_EC2_DefaultRole"
        assert passes(document, custom, "ec2") is facts.MANAGED_POLICY_PASSES_ANY_ROLE[choice], choice
        spot = allows(document, "iam:CreateServiceLinkedRole", spot_role(custom), {"iam:AWSServiceName": facts.SPOT_SERVICE_NAME})
        assert spot is facts.MANAGED_POLICY_CREATES_SPOT_ROLE[choice], choice
    v2 = [managed("service_role_v2")]
    for key, name in facts.V2_PASSABLE_ROLE_NAMES.items():
        assert passes(v2, f"arn:aws:iam::{ACCOUNT_ID}:role/{name}", facts.PASSED_TO[key]), name
