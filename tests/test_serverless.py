"""EMR Serverless job runtime roles, judged on what an apply really creates and by IAM's documented evaluation.

tests/specs/serverless.yaml holds two teams in one account: `analytics` with two job runtime roles
for two named applications, `finance` with one role for every application of the account. It is rendered, applied to a local fake AWS
(moto_server), planned again (no changes), read back with boto3 and destroyed. The documents read
back are evaluated with tests/iam_eval.py against AWS's own descriptions ("Job runtime roles for
Amazon EMR Serverless", EMR Serverless User Guide; the Service Authorization Reference for the
application and job run ARNs): each role trusts EMR Serverless only, only for its own team's
applications of the account, and a team's job submitters may pass exactly their own team's roles,
to EMR Serverless only, and start and follow job runs on their own team's applications only.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests import iam_eval
from tests.effective import Deployment, account, applied_alone, apply_spec
from tests.engine import DESTROY, ROOT, opentofu, provider_block
from tests.helpers import aws_managed_policy_names, run_cli, write_spec
from tests.moto_server import ACCOUNT_ID, MotoServer

SPEC = ROOT / "tests" / "specs" / "serverless.yaml"
REGION = "us-east-1"
# Literal values of AWS's guides, not the generator's constants.
SERVERLESS = "emr-serverless.amazonaws.com"
SLR_SERVICE = "ops.emr-serverless.amazonaws.com"
ANALYTICS_APPLICATIONS = ("00fabcdefghij012", "00fklmnopqrst345")
OTHER_APPLICATION = "00fzzzzzzzzzz999"
OTHER_ACCOUNT = "210987654321"


def application(application_id: str, account_id: str = ACCOUNT_ID, region: str = REGION) -> str:
    return f"arn:aws:emr-serverless:{region}:{account_id}:/applications/{application_id}"


def job_run(application_id: str, account_id: str = ACCOUNT_ID) -> str:
    return f"{application(application_id, account_id)}/jobruns/00fjobrun0000001"


def _list(value: Any) -> list[Any]:
    if value is None:
        return []
    return [value] if isinstance(value, (str, dict)) else list(value)


def service_may_assume(trust: dict[str, Any], service: str, source_account: str, source_arn: str) -> bool:
    """Whether the trust lets `service` assume the role on behalf of `source_arn` (statements naming the service)."""
    statements = []
    for statement in _list(trust.get("Statement")):
        principals = statement.get("Principal") or {}
        assert set(principals) <= {"AWS", "Service"} and "NotPrincipal" not in statement, statement
        if service in _list(principals.get("Service")):
            statements.append({key: value for key, value in statement.items() if key != "Principal"})
    context = {"aws:SourceAccount": source_account, "aws:SourceArn": source_arn}
    return iam_eval.allows([{"Statement": statements}], "sts:AssumeRole", "*", context)


@pytest.fixture
def applied(moto: MotoServer, tmp_path: Path) -> tuple[MotoServer, Path, dict[str, dict[str, Any]]]:
    workdir = tmp_path / "root"
    workdir.mkdir()
    return moto, workdir, apply_spec(Deployment(SPEC, REGION), workdir, moto)


@pytest.fixture(scope="module")
def deployed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[MotoServer, Path, dict[str, dict[str, Any]]]]:
    """One apply for the tests that only read what it made (the first test applies again: it destroys)."""
    with applied_alone(tmp_path_factory.mktemp("serverless"), Deployment(SPEC, REGION)) as found:
        yield found


@pytest.mark.engine
def test_apply_plans_no_change_again_reads_back_and_destroys(applied: tuple[MotoServer, Path, dict[str, dict[str, Any]]]) -> None:
    moto, workdir, teams = applied
    engine = opentofu()
    engine.plans_no_change(workdir)

    assert teams["analytics"]["serverless_role_arns"] == {
        "analytics-spark-etl": f"arn:aws:iam::{ACCOUNT_ID}:role/emr/analytics-spark-etl",
        "analytics-spark-adhoc": f"arn:aws:iam::{ACCOUNT_ID}:role/emr/analytics-spark-adhoc",
    }
    assert teams["finance"]["serverless_role_arns"] == {"finance-spark-reports": f"arn:aws:iam::{ACCOUNT_ID}:role/emr/finance-spark-reports"}
    assert teams["analytics"]["serverless_submitter_policy_name"] == "analytics-EMR_ServerlessJobSubmitter"
    assert teams["analytics"]["serverless_service_linked_role_arn"] is None and teams["finance"]["serverless_service_linked_role_arn"] is None

    iam = moto.client("iam", REGION)
    inline = {name: set(iam.list_role_policies(RoleName=name)["PolicyNames"])
              for name in ("analytics-spark-etl", "analytics-spark-adhoc", "finance-spark-reports")}
    assert inline == {"analytics-spark-etl": {"s3-access"}, "analytics-spark-adhoc": set(), "finance-spark-reports": {"s3-access"}}
    attached = [policy["PolicyArn"] for policy in iam.list_attached_role_policies(RoleName="analytics-spark-adhoc")["AttachedPolicies"]]
    assert attached == ["arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"]
    engine.run(*DESTROY, cwd=workdir)
    assert [role["RoleName"] for role in iam.list_roles()["Roles"]] == []
    assert iam.list_policies(Scope="Local")["Policies"] == []


@pytest.mark.engine
def test_each_role_trusts_emr_serverless_for_its_own_teams_applications_only(
    deployed: tuple[MotoServer, Path, dict[str, dict[str, Any]]],
) -> None:
    moto, _, teams = deployed
    found = account(moto, REGION)
    analytics = set(teams["analytics"]["serverless_role_arns"].values())
    finance = set(teams["finance"]["serverless_role_arns"].values())
    for role in analytics | finance:
        trust = found.roles[role].trust
        for own in ANALYTICS_APPLICATIONS:
            assert service_may_assume(trust, SERVERLESS, ACCOUNT_ID, application(own)), role
            # Another service, another account's application of the same ID: refused.
            assert not service_may_assume(trust, "elasticmapreduce.amazonaws.com", ACCOUNT_ID, application(own)), role
            assert not service_may_assume(trust, SERVERLESS, OTHER_ACCOUNT, application(own, OTHER_ACCOUNT)), role
        # An application the spec does not name: only finance trusts every application of the account.
        assert service_may_assume(trust, SERVERLESS, ACCOUNT_ID, application(OTHER_APPLICATION)) is (role in finance), role
        # Nothing but EMR Serverless is trusted: no AWS principal (no cross-team or cross-account trust).
        principals = {key for statement in trust["Statement"] for key in statement["Principal"]}
        assert principals == {"Service"} and [s["Principal"]["Service"] for s in trust["Statement"]] == [SERVERLESS], role
    assert len(analytics) == 2 and len(finance) == 1


def tagged(team: str) -> dict[str, str]:
    """The request context of a resource, and of a request, that carry the team tag (the spec's default key,
    the team's name): IAM gives an EMR resource's tags under the global and EMR's own keys."""
    return {f"{prefix}:{kind}/emr-iam:team": team for prefix in ("aws", "elasticmapreduce") for kind in ("ResourceTag", "RequestTag")}


@pytest.mark.engine
def test_job_submitters_pass_and_use_exactly_their_teams_roles_and_applications(
    deployed: tuple[MotoServer, Path, dict[str, dict[str, Any]]],
) -> None:
    moto, _, teams = deployed
    found = account(moto, REGION)
    everything = set(found.roles)
    for team, other in (("analytics", "finance"), ("finance", "analytics")):
        document = [found.customer_managed[teams[team]["serverless_submitter_policy_arn"]]]
        own = set(teams[team]["serverless_role_arns"].values())
        passable = {role for role in everything if iam_eval.allows(document, "iam:PassRole", role, {"iam:PassedToService": SERVERLESS})}
        assert passable == own, team
        # To EMR Serverless only: not to EMR on EC2, not to EC2.
        for role in own:
            for service in ("elasticmapreduce.amazonaws.com", "ec2.amazonaws.com"):
                assert not iam_eval.allows(document, "iam:PassRole", role, {"iam:PassedToService": service}), (team, service)
        applications = ANALYTICS_APPLICATIONS if team == "analytics" else (*ANALYTICS_APPLICATIONS, OTHER_APPLICATION)
        for application_id in applications:
            for action in ("emr-serverless:StartJobRun", "emr-serverless:ListJobRuns", "emr-serverless:GetApplication"):
                assert iam_eval.allows(document, action, application(application_id), tagged(team)), (team, action)
                assert not iam_eval.allows(document, action, application(application_id, OTHER_ACCOUNT), tagged(team)), (team, action)
            for action in ("emr-serverless:GetJobRun", "emr-serverless:CancelJobRun", "emr-serverless:GetDashboardForJobRun"):
                assert iam_eval.allows(document, action, job_run(application_id), tagged(team)), (team, action)
                assert not iam_eval.allows(document, action, job_run(application_id, OTHER_ACCOUNT), tagged(team)), (team, action)
            # Every job run is started with the team tag, whether or not the applications are listed.
            assert not iam_eval.allows(document, "emr-serverless:StartJobRun", application(application_id), {}), team
        if team == "analytics":
            # Applications listed: the ARNs decide.
            assert not iam_eval.allows(document, "emr-serverless:StartJobRun", application(OTHER_APPLICATION), tagged(team))
            assert not iam_eval.allows(document, "emr-serverless:CancelJobRun", job_run(OTHER_APPLICATION), tagged(team))
        else:
            # None listed: the team tag decides, on the application and on the job run.
            for action in ("emr-serverless:StartJobRun", "emr-serverless:GetApplication"):
                assert not iam_eval.allows(document, action, application(OTHER_APPLICATION), tagged(other)), (team, action)
            assert not iam_eval.allows(document, "emr-serverless:CancelJobRun", job_run(OTHER_APPLICATION), tagged(other))
        # Nothing that manages applications, and no other team's roles.
        assert not iam_eval.allows(document, "emr-serverless:DeleteApplication", application(ANALYTICS_APPLICATIONS[0])), team
        assert not iam_eval.allows(document, "emr-serverless:UpdateApplication", application(ANALYTICS_APPLICATIONS[0])), team
        for role in teams[other]["serverless_role_arns"].values():
            assert not iam_eval.allows(document, "iam:PassRole", role, {"iam:PassedToService": SERVERLESS}), (team, role)


@pytest.mark.engine
def test_service_linked_role_applies_for_emr_serverless_and_destroys(moto: MotoServer, tmp_path: Path) -> None:
    """modules/emr-serverless-service-linked-role alone, applied, read back and destroyed.

    moto gap: moto names the role "AWSServiceRoleForemr-serverless_Ops" (AWS names it
    AWSServiceRoleForAmazonEMRServerless) and reports "Ops" as its custom suffix, so a second plan
    against moto would replace it; the plan inventories hold the real module's arguments.
    """
    import shutil

    engine = opentofu()
    shutil.copytree(ROOT / "modules" / "emr-serverless-service-linked-role", tmp_path / "module")
    (tmp_path / "main.tf").write_text(
        'module "slr" {\n  source = "./module"\n}\n\noutput "arn" {\n  value = module.slr.role_arn\n}\n', encoding="utf-8"
    )
    (tmp_path / "provider.tf").write_text(provider_block(REGION, endpoint=moto.endpoint), encoding="utf-8")
    engine.init(tmp_path)
    engine.run("apply", "-auto-approve", "-input=false", "-no-color", cwd=tmp_path)
    iam = moto.client("iam", REGION)
    (linked,) = iam.list_roles(PathPrefix="/aws-service-role/")["Roles"]
    assert linked["Path"] == f"/aws-service-role/{SLR_SERVICE}/"
    assert _list(linked["AssumeRolePolicyDocument"]["Statement"][0]["Principal"]["Service"]) == [SLR_SERVICE]
    assert json.loads(engine.run("output", "-json", "-no-color", cwd=tmp_path).stdout)["arn"]["value"] == linked["Arn"]
    engine.run(*DESTROY, cwd=tmp_path)
    assert iam.list_roles()["Roles"] == []


# --- generation-time checks -----------------------------------------------------------------------

BASE = {"version": 1, "defaults": {"name_prefix": "{team}-", "source_account_id": "123456789012"}}


def _team(**serverless: Any) -> dict[str, Any]:
    return {**BASE, "teams": [{"name": "analytics", "serverless": {"create": True, **serverless}}]}


@pytest.mark.parametrize(
    ("document", "field", "message"),
    [
        (_team(runtime_roles=[{"name": "etl"}, {"name": "etl"}]), "teams[0].serverless.runtime_roles[1].name", "'etl' is listed twice"),
        (_team(application_ids=["00fabc", "00fabc"]), "teams[0].serverless.application_ids[1]", "'00fabc' is listed twice"),
        (_team(application_ids=["Not-An-Id"]), "teams[0].serverless.application_ids[0]", "must be an EMR Serverless application ID"),
        (_team(runtime_roles=[{"name": "x" * 60}]), "teams[0].serverless.runtime_roles[0].name", "over the IAM limit of 64"),
        (
            _team(runtime_roles=[{"name": "etl", "aws_managed_policies": aws_managed_policy_names(11)}]),
            "teams[0].serverless.runtime_roles[0]",
            "number of managed policies attached to the role is 11, over the IAM limit of 10",
        ),
        # The trust names every application (aws:SourceArn).
        (
            _team(runtime_roles=[{"name": "etl"}], application_ids=[f"00f{i:013d}" for i in range(30)]),
            "teams[0].serverless.application_ids",
            "size of the EMR Serverless job runtime roles' trust policy is",
        ),
        # The submitter policy names every role, and every application twice.
        (
            _team(runtime_roles=[{"name": f"serverless-role-with-a-rather-long-name-{i:03d}"} for i in range(70)]),
            "teams[0].serverless.runtime_roles",
            "size of the EMR Serverless job submitter policy in characters is",
        ),
        (
            {**BASE, "teams": [{"name": "a", "serverless": {"service_linked_role": True}}, {"name": "b", "serverless": {"service_linked_role": True}}]},
            "teams[1].serverless.service_linked_role",
            "both create the EMR Serverless service-linked role AWSServiceRoleForAmazonEMRServerless in account 123456789012",
        ),
        (
            {**BASE, "teams": [{"name": "a", "emrfs": {"roles": [{"name": "spark"}]}, "serverless": {"create": True, "runtime_roles": [{"name": "spark"}]}}]},
            "teams[0].serverless.runtime_roles[0].name",
            "'a-spark' is already used",
        ),
    ],
    ids=["duplicate-role", "duplicate-application", "bad-application-id", "name-length", "managed-policies", "trust-size",
         "submitter-policy-size", "two-service-linked-roles", "clashes-with-emrfs-role"],
)
def test_serverless_errors_are_one_line_naming_the_field(
    document: dict[str, Any], field: str, message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = write_spec(tmp_path, json.dumps(document))
    code, _, stderr = run_cli(capsys, "validate", "--spec", str(spec))
    assert code == 2 and len(stderr.splitlines()) == 1, stderr
    assert f": {field}: " in stderr and message in stderr, stderr


def test_service_linked_roles_of_two_accounts_and_of_emr_and_serverless_do_not_clash(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    document = {
        "version": 1,
        "defaults": {"name_prefix": "{team}-"},
        "teams": [
            {"name": "a", "source_account_id": "111122223333", "serverless": {"service_linked_role": True}},
            {"name": "b", "source_account_id": "444455556666", "serverless": {"service_linked_role": True}},
            {"name": "c", "source_account_id": "111122223333", "service_linked_role": {"create": True}},
        ],
    }
    code, _, stderr = run_cli(capsys, "validate", "--spec", str(write_spec(tmp_path, json.dumps(document))))
    assert code == 0, stderr


def test_serverless_merges_from_defaults_and_its_lists_are_replaced(tmp_path: Path) -> None:
    from generator.spec import load_spec

    document = {
        "version": 1,
        "defaults": {"serverless": {"create": True, "application_ids": ["00fabc"], "runtime_roles": [{"name": "jobs"}]}},
        "teams": [
            {"name": "a", "name_prefix": "a-"},
            {"name": "b", "name_prefix": "b-", "serverless": {"runtime_roles": [{"name": "etl"}], "submitter_policy": False}},
        ],
    }
    a, b = load_spec(write_spec(tmp_path, json.dumps(document))).teams
    assert [role.name for role in a.serverless.runtime_roles] == ["jobs"] and [role.name for role in b.serverless.runtime_roles] == ["etl"]
    # Mappings merge key by key: b keeps create and the applications from defaults.
    assert b.serverless.create and b.serverless.application_ids == ["00fabc"] and not b.serverless.submitter_policy
    assert a.serverless.submitter_policy and not a.serverless.service_linked_role


def test_listing_job_runtime_roles_is_enough_and_create_false_switches_them_off(tmp_path: Path) -> None:
    """Like `eks` and `emrfs`, the section is on by default: the roles a team lists are created unless `create: false`."""
    from generator.model import resolve
    from generator.spec import read_spec

    document = {
        "version": 1,
        "defaults": {"serverless": {"runtime_roles": [{"name": "jobs"}]}},
        "teams": [
            {"name": "a", "name_prefix": "a-"},
            {"name": "b", "name_prefix": "b-", "serverless": {"create": False}},
            {"name": "c", "name_prefix": "c-", "serverless": {"runtime_roles": []}},
        ],
    }
    a, b, c = (module.arguments for module in resolve(read_spec(str(write_spec(tmp_path, json.dumps(document))))))
    assert a["create_serverless"] and list(a["serverless_roles"]) == ["a-jobs"]
    assert b["create_serverless"] is False and "serverless_roles" not in b  # off: only the toggle (on by default) is written
    assert c["create_serverless"] is False and "serverless_roles" not in c
