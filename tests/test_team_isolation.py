"""No person of one team acts on another team's resources: every statement of every team's people policies.

tests/specs/isolation.yaml holds three teams in one account. It is applied to a local fake AWS
(moto_server) and the policies for each team's people are read back: the step submitter, the EMR
Serverless and EMR on EKS job submitters, the PassRole policy and the EMR Studio users' policies. For
every Allow statement, every action and every resource of it, the test builds a request the statement
is written for (its resource with each `*` filled in, its conditions met, the resource and the request
carrying the team's tag) and checks, with tests/iam_eval.py, that the team's policies allow it; then
the same request on another team's resource (the ARN with the other team's name, the tags the other
team's) and checks that no policy of the team allows it. Only the statements of
facts.ACCOUNT_WIDE_STATEMENTS may reach the other team's resources, each for the reason given there, and
each of them must. A new statement is covered without a new test. Every role, instance profile and policy a
team created carries the team's own tag, read back from IAM.
"""

from __future__ import annotations

import itertools
import re
from typing import Any

import pytest

from generator import facts
from generator.spec import load_spec
from tests import iam_eval
from tests.effective import Deployment, account, applied_alone
from tests.engine import ROOT
from tests.moto_server import ACCOUNT_ID

SPEC = ROOT / "tests" / "specs" / "isolation.yaml"
REGION = "us-east-1"
CALLER = "AROAEXAMPLECALLERID:alice"
OTHER_USER = "AROAEXAMPLEOTHERID:bob"
# The policies for a team's people, by the team module's output.
PEOPLE_POLICIES = ("passrole_policy_arn", "step_submitter_policy_arn", "serverless_submitter_policy_arn", "eks_submitter_policy_arn")
# IAM gives a resource's tags under the global keys and, for Amazon EMR, under its own as well.
TAG_PREFIXES = ("aws", "elasticmapreduce")


def _list(value: Any) -> list[Any]:
    return [] if value is None else [value] if isinstance(value, (str, dict)) else list(value)


def tags(key: str, value: str, creator: str) -> dict[str, str]:
    """The request context of a resource (and a request) that carries the team tag and was created by `creator`."""
    return {
        **{f"{prefix}:{kind}/{key}": value for prefix in TAG_PREFIXES for kind in ("ResourceTag", "RequestTag")},
        **{f"{prefix}:ResourceTag/{facts.WORKSPACE_CREATOR_TAG}": creator for prefix in TAG_PREFIXES},
    }


def satisfying(statement: dict[str, Any]) -> dict[str, str]:
    """A context that meets every condition of the statement (the first value of each, wildcards filled in)."""
    context = {"aws:userId": CALLER}
    for operator, pairs in (statement.get("Condition") or {}).items():
        assert not operator.startswith(("ForAnyValue:", "ForAllValues:")) and "Not" not in operator, (statement["Sid"], operator)
        for key, values in pairs.items():
            context[key] = str(_list(values)[0]).replace("${aws:userId}", CALLER).replace("*", "x1")
    return context


def fill(resource: str) -> str:
    return resource if resource == "*" else resource.replace("*", "x1")


@pytest.fixture(scope="module")
def deployed(tmp_path_factory: pytest.TempPathFactory) -> Any:
    with applied_alone(tmp_path_factory.mktemp("isolation"), Deployment(SPEC, REGION)) as (moto, _, teams):
        yield teams, account(moto, REGION), moto


@pytest.fixture(scope="module")
def applied(deployed: Any) -> Any:
    teams, found, _ = deployed
    return teams, found


def _people_documents(outputs: dict[str, Any], found: Any) -> list[dict[str, Any]]:
    arns = [outputs[name] for name in PEOPLE_POLICIES if outputs.get(name)]
    arns += list((outputs.get("studio_session_policy_arns") or {}).values())
    return [found.customer_managed[arn] for arn in arns]


def test_the_spec_shares_one_account_between_teams_with_distinct_tags() -> None:
    spec = load_spec(SPEC)
    assert {team.source_account_id for team in spec.teams} == {ACCOUNT_ID} and len(spec.teams) == 3
    assert len({team.team_tag.value or team.name for team in spec.teams}) == 3


@pytest.mark.engine
@pytest.mark.parametrize(("team", "other"), list(itertools.permutations(["alpha", "bravo", "charlie"], 2)))
def test_every_action_of_a_teams_people_is_allowed_on_its_own_resources_and_refused_on_anothers(
    applied: Any, team: str, other: str
) -> None:
    teams, found = applied
    spec = {item.name: item for item in load_spec(SPEC).teams}
    key = spec[team].team_tag.key
    assert spec[other].team_tag.key == key
    own_tags = tags(key, spec[team].team_tag.value or team, CALLER)
    other_tags = tags(key, spec[other].team_tag.value or other, OTHER_USER)
    documents = _people_documents(teams[team], found)
    assert len(documents) >= 4, team
    checked, reached = 0, set()
    for document in documents:
        for statement in _list(document["Statement"]):
            assert statement["Effect"] == "Allow" and "NotAction" not in statement and "NotResource" not in statement, statement
            for action, resource in itertools.product(_list(statement["Action"]), _list(statement["Resource"])):
                own = {**own_tags, **satisfying(statement)}
                assert iam_eval.allows(documents, action, fill(resource), own), (team, statement["Sid"], action, resource)
                # The same request on the other team's resource: its name in the ARN, its tags, made by someone else.
                foreign = {**own, **other_tags}
                foreign_resource = re.sub(rf"\b{team}-", f"{other}-", fill(resource))
                if iam_eval.allows(documents, action, foreign_resource, foreign):
                    assert statement["Sid"] in facts.ACCOUNT_WIDE_STATEMENTS, (team, statement["Sid"], action, foreign_resource)
                    reached.add(statement["Sid"])
                checked += 1
    assert checked > 10
    if teams[team].get("studio_session_policy_arns"):
        assert reached == set(facts.ACCOUNT_WIDE_STATEMENTS), "each account-wide statement is needed"
    else:
        assert reached == set(), team


@pytest.mark.engine
def test_submitters_without_ids_start_job_runs_only_tagged_for_their_team(applied: Any) -> None:
    """No application or virtual cluster IDs: the team tag decides, on the resource and on the new job run."""
    teams, found = applied
    documents = _people_documents(teams["alpha"], found)
    role = teams["alpha"]["serverless_role_arns"]["alpha-spark"]
    application = f"arn:aws:emr-serverless:{REGION}:{ACCOUNT_ID}:/applications/00fabc"
    passing = {"emr-serverless:StartJobRun": role}
    alpha = tags(facts.TEAM_TAG_KEY, "alpha", CALLER)
    assert iam_eval.allows(documents, "emr-serverless:StartJobRun", application, alpha)
    for missing in (f"aws:RequestTag/{facts.TEAM_TAG_KEY}", f"aws:ResourceTag/{facts.TEAM_TAG_KEY}"):
        untagged = {name: value for name, value in alpha.items() if name != missing}
        assert not iam_eval.allows(documents, "emr-serverless:StartJobRun", application, untagged), (missing, passing)
    virtual_cluster = f"arn:aws:emr-containers:{REGION}:{ACCOUNT_ID}:/virtualclusters/vc1"
    eks_role = {"emr-containers:ExecutionRoleArn": teams["alpha"]["eks_role_arns"]["alpha-eks-spark"]}
    assert iam_eval.allows(documents, "emr-containers:StartJobRun", virtual_cluster, {**alpha, **eks_role})
    assert not iam_eval.allows(documents, "emr-containers:StartJobRun", virtual_cluster, {**tags(facts.TEAM_TAG_KEY, "bravo", CALLER),
                                                                                          **eks_role})


@pytest.mark.engine
def test_every_role_instance_profile_and_policy_of_a_team_carries_its_team_tag(deployed: Any) -> None:
    """Read back from IAM: what each team created carries its own tag (charlie's value is its own), nothing else's."""
    _, _, moto = deployed
    iam = moto.client("iam", REGION)
    spec = {team.name: team for team in load_spec(SPEC).teams}

    def team_of(name: str) -> str:
        return name.split("-", 1)[0]

    def tag(tags: list[dict[str, str]]) -> str | None:
        return {item["Key"]: item["Value"] for item in tags}.get(facts.TEAM_TAG_KEY)

    counted = {"roles": 0, "instance profiles": 0, "policies": 0}
    for role in iam.get_paginator("list_roles").paginate(PathPrefix="/emr/").build_full_result()["Roles"]:
        team = spec[team_of(role["RoleName"])]
        assert tag(iam.list_role_tags(RoleName=role["RoleName"])["Tags"]) == (team.team_tag.value or team.name), role["RoleName"]
        counted["roles"] += 1
    for profile in iam.get_paginator("list_instance_profiles").paginate(PathPrefix="/emr/").build_full_result()["InstanceProfiles"]:
        team = spec[team_of(profile["InstanceProfileName"])]
        tags = iam.get_instance_profile(InstanceProfileName=profile["InstanceProfileName"])["InstanceProfile"].get("Tags", [])
        assert tag(tags) == (team.team_tag.value or team.name), profile["InstanceProfileName"]
        counted["instance profiles"] += 1
    for policy in iam.get_paginator("list_policies").paginate(Scope="Local", PathPrefix="/emr/").build_full_result()["Policies"]:
        team = spec[team_of(policy["PolicyName"])]
        assert tag(iam.list_policy_tags(PolicyArn=policy["Arn"])["Tags"]) == (team.team_tag.value or team.name), policy["PolicyName"]
        counted["policies"] += 1
    assert counted["roles"] >= 3 * 6 and counted["instance profiles"] == 3 and counted["policies"] >= 3 * 4, counted


def test_validate_warns_of_account_wide_aws_managed_policies_only_in_a_shared_account(tmp_path: Any) -> None:
    from generator.model import warnings
    from generator.spec import read_spec

    def found(second_account: str) -> list[str]:
        path = tmp_path / f"{second_account}.yaml"
        path.write_text(
            "version: 1\ndefaults:\n  name_prefix: '{team}-'\n  source_account_id: '123456789012'\nteams:\n"
            "  - name: alpha\n    service_role: {managed_policy: v1}\n    ec2_role: {policy: scoped}\n"
            "    emrfs: {roles: [{name: reader, aws_managed_policies: [AmazonS3FullAccess]}]}\n"
            f"  - name: bravo\n    source_account_id: '{second_account}'\n    ec2_role: {{policy: scoped}}\n",
            encoding="utf-8",
        )
        return warnings(read_spec(str(path)))

    shared = found("123456789012")
    # Where each value is written: file:line and field, as errors say it.
    assert [": ".join(line.split(": ")[:2]) for line in shared] == [
        f"{tmp_path / '123456789012.yaml'}:7: teams[0].service_role.managed_policy",
        f"{tmp_path / '123456789012.yaml'}:9: teams[0].emrfs.roles[0].aws_managed_policies[0]",
    ]
    assert all("team alpha shares account 123456789012 with bravo" in line for line in shared)
    assert facts.ACCOUNT_WIDE_MANAGED_POLICIES["AmazonS3FullAccess"] in shared[1]
    assert found("210987654321") == []
