"""A typo fuzz built from real names: what AWS would refuse at apply, `validate` refuses first.

From the AWS managed policy names of the snapshot: one-letter deletions, insertions,
substitutions and swaps, and case changes (IAM's policy names are case-sensitive), each placed in
one of the spec's places for a managed policy (by name, by ARN, as permissions boundary, in
defaults or a team). Then tag keys with the reserved aws: prefix in any case, and booleans written
as strings in every boolean field the cases reach. Then statements of real actions whose Resource
or NotResource is an ARN of the action's own format with another service. Every case must be
refused with exit 2 and one line naming file, line and field: the bulk in-process, a sample through
the real CLI.

The cases are drawn with a fixed seed, so every run sees the same ones.
"""

from __future__ import annotations

import contextlib
import io
import random
import re
import string
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest

from generator import iam_actions, managed_policies
from generator.cli import main
from tests.engine import ROOT
from tests.helpers import sample_arn
from tests.test_spec import ERROR_LINE

MIN_CASES = 300
SEED = 28


@dataclass(frozen=True)
class Case:
    kind: str
    text: str
    line: int
    field: str


# Places that take an AWS managed policy: (YAML with {} for the quoted value, line of the value, field).
PLACES: list[tuple[str, int, str]] = [
    ("version: 1\nteams:\n  - name: a\n    service_role:\n      aws_managed_policies: [{}]\n", 5,
     "teams[0].service_role.aws_managed_policies[0]"),
    ("version: 1\ndefaults:\n  ec2_role:\n    aws_managed_policies: [AmazonS3ReadOnlyAccess, {}]\nteams:\n  - name: a\n", 4,
     "defaults.ec2_role.aws_managed_policies[1]"),
    ("version: 1\nteams:\n  - name: a\n    autoscaling_role:\n      aws_managed_policies:\n        - {}\n", 6,
     "teams[0].autoscaling_role.aws_managed_policies[0]"),
    ("version: 1\nteams:\n  - name: a\n    emrfs:\n      roles:\n        - name: r\n          aws_managed_policies: [{}]\n", 7,
     "teams[0].emrfs.roles[0].aws_managed_policies[0]"),
    ("version: 1\nteams:\n  - name: a\n    runtime_roles:\n      - name: r\n        aws_managed_policies: [{}]\n", 6,
     "teams[0].runtime_roles[0].aws_managed_policies[0]"),
    ("version: 1\nteams:\n  - name: a\n    serverless:\n      runtime_roles:\n        - {{name: r, aws_managed_policies: [{}]}}\n", 6,
     "teams[0].serverless.runtime_roles[0].aws_managed_policies[0]"),
    ("version: 1\nteams:\n  - name: a\n    studio:\n      service_role:\n        aws_managed_policies: [{}]\n", 6,
     "teams[0].studio.service_role.aws_managed_policies[0]"),
]
# The same as an ARN: (YAML with {} for the quoted ARN, line, field).
ARN_PLACES: list[tuple[str, int, str]] = [
    ("version: 1\nteams:\n  - name: a\n    service_role:\n      policy_arns: [{}]\n", 5, "teams[0].service_role.policy_arns[0]"),
    ("version: 1\ndefaults:\n  permissions_boundary: {}\nteams:\n  - name: a\n", 3, "defaults.permissions_boundary"),
    ("version: 1\nteams:\n  - name: a\n    permissions_boundary: {}\n", 4, "teams[0].permissions_boundary"),
]
# Boolean fields: (YAML with {} for the value, line, field).
BOOLEAN_PLACES: list[tuple[str, int, str]] = [
    ("version: 1\nteams:\n  - name: a\n    service_linked_role:\n      create: {}\n", 5, "teams[0].service_linked_role.create"),
    ("version: 1\nteams:\n  - name: a\n    service_role: {{create: {}}}\n", 4, "teams[0].service_role.create"),
    ("version: 1\ndefaults:\n  ec2_role:\n    use_name_prefix: {}\nteams:\n  - name: a\n", 4, "defaults.ec2_role.use_name_prefix"),
    ("version: 1\nteams:\n  - name: a\n    autoscaling_role: {{trust_conditions: {}}}\n", 4, "teams[0].autoscaling_role.trust_conditions"),
    ("version: 1\nteams:\n  - name: a\n    emrfs:\n      create: {}\n", 5, "teams[0].emrfs.create"),
    ("version: 1\nteams:\n  - name: a\n    passrole_policy: {{create: {}}}\n", 4, "teams[0].passrole_policy.create"),
    ("version: 1\nteams:\n  - name: a\n    runtime_roles:\n      - {{name: r, lake_formation: {}}}\n", 5,
     "teams[0].runtime_roles[0].lake_formation"),
    ("version: 1\nteams:\n  - name: a\n    serverless: {{service_linked_role: {}}}\n", 4, "teams[0].serverless.service_linked_role"),
    ("version: 1\nteams:\n  - name: a\n    studio: {{git_secrets: {}}}\n", 4, "teams[0].studio.git_secrets"),
    ("version: 1\nteams:\n  - name: a\n    service_role: {{allow_spot_service_linked_role: {}}}\n", 4,
     "teams[0].service_role.allow_spot_service_linked_role"),
]
STRING_BOOLEANS = ['"yes"', '"no"', '"true"', '"false"', "'True'", "'on'", "'off'", '"1"', '"0"', "'y'"]
TAG_KEYS = ["Team", "CostCenter", "Owner", "Environment", "Project", "ManagedBy", "team", "cost-center", "x", "Name"]
AWS_PREFIXES = ["aws:", "AWS:", "Aws:", "aWs:", "awS:", "AwS:"]


def _quoted(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _edits(name: str, rng: random.Random) -> dict[str, str]:
    """One edit of each kind at a random place: deletion, insertion, substitution, swap of neighbours."""
    position = rng.randrange(len(name))
    letters = string.ascii_letters + string.digits
    swap_at = rng.randrange(len(name) - 1)
    other = rng.choice([c for c in letters if c != name[position]])
    return {
        "delete": name[:position] + name[position + 1:],
        "insert": name[:position] + rng.choice(letters) + name[position:],
        "substitute": name[:position] + other + name[position + 1:],
        "swap": name[:swap_at] + name[swap_at + 1] + name[swap_at] + name[swap_at + 2:],
        "lower": name.lower(),
        "upper": name.upper(),
        "swapcase-first": name[0].swapcase() + name[1:],
    }


def build_cases() -> list[Case]:
    rng = random.Random(SEED)
    paths = managed_policies.paths()
    known = set(paths)
    names = sorted(rng.sample(sorted(known), 70) + ["AmazonS3ReadOnlyAccess", "AmazonEMRServicePolicy_v2", "ReadOnlyAccess"])
    cases: list[Case] = []
    for number, name in enumerate(names):
        path = paths[name].lstrip("/")
        for kind, typo in _edits(name, rng).items():
            # An edit that gives another real name (or changes nothing) is no typo; neither is an empty name.
            if not typo or typo in known or typo == name:
                continue
            written = path + typo
            if (number + len(kind)) % 4 == 0:
                text, line, field = ARN_PLACES[(number + len(kind)) % len(ARN_PLACES)]
                value = _quoted(f"arn:{rng.choice(['aws', '{partition}'])}:iam::aws:policy/{written}")
            else:
                text, line, field = PLACES[(number * 7 + len(kind)) % len(PLACES)]
                value = _quoted(written)
            cases.append(Case(f"managed-policy-{kind}", text.format(value), line, field))
    for index, key in enumerate(TAG_KEYS):
        for prefix in AWS_PREFIXES:
            tagged = _quoted(prefix + key)
            if index % 2:
                cases.append(Case("aws-tag-key", f"version: 1\ndefaults:\n  tags: {{{tagged}: x}}\nteams:\n  - name: a\n", 3,
                                  f"defaults.tags.{prefix + key}"))
            else:
                cases.append(Case("aws-tag-key", f"version: 1\nteams:\n  - name: a\n    tags:\n      Keep: me\n      {tagged}: x\n", 6,
                                  f"teams[0].tags.{prefix + key}"))
    for text, line, field in BOOLEAN_PLACES:
        for value in STRING_BOOLEANS:
            cases.append(Case("string-boolean", text.format(value), line, field))
    return cases


# Places that take a statement's action and condition key: (YAML with {action} and {key} quoted, line of
# the action, line of the key, field of the action, field of the statement's condition operator).
STATEMENT_PLACES: list[tuple[str, int, int, str, str]] = [
    ("version: 1\nteams:\n  - name: a\n    ec2_role:\n      inline_policies:\n        extra:\n          Statement:\n"
     "            - Effect: Deny\n              Action: [{action}]\n              Resource: {resource}\n"
     "              Condition:\n                StringEquals:\n                  {key}: x\n",
     9, 13, "teams[0].ec2_role.inline_policies.extra.Statement[0].Action[0]",
     "teams[0].ec2_role.inline_policies.extra.Statement[0].Condition.StringEquals"),
    ("version: 1\ndefaults:\n  service_role:\n    inline_policies:\n      extra:\n        Statement:\n"
     "          - {{Effect: Allow, Resource: {resource}, Action: {action},\n"
     "             Condition: {{StringLike: {{{key}: [x]}}}}}}\nteams:\n  - name: a\n",
     7, 8, "defaults.service_role.inline_policies.extra.Statement[0].Action",
     "defaults.service_role.inline_policies.extra.Statement[0].Condition.StringLike"),
    ("version: 1\nteams:\n  - name: a\n    runtime_roles:\n      - name: r\n        inline_policies:\n          p:\n"
     "            Statement:\n              - Effect: Deny\n                NotResource: {resource}\n"
     "                Condition: {{ForAnyValue:StringEquals: {{{key}: [x]}}}}\n                Action:\n"
     "                  - {action}\n",
     13, 11, "teams[0].runtime_roles[0].inline_policies.p.Statement[0].Action[0]",
     "teams[0].runtime_roles[0].inline_policies.p.Statement[0].Condition.ForAnyValue:StringEquals"),
]
CASE_CHANGES = ("lower", "upper", "swapcase-first")


def _known_actions() -> set[str]:
    return {f"{prefix}:{name}".lower() for prefix, entry in iam_actions.services().items() for name in entry["actions"]}


def _key_known(key: str, written: list[str]) -> bool:
    """Whether IAM knows the key among these (a * in one stands for any text): the fuzz's own oracle."""
    return any(re.fullmatch(".+".join(re.escape(part) for part in known.split("*")), key, re.IGNORECASE | re.DOTALL) for known in written)


def _statement_case(kind: str, action: str, key: str, rng: random.Random, real_action: str | None = None) -> Case:
    """A spec with the action and key; the line and field of the action (kinds action-, prefix-) or the key (key-).

    The Resource is an ARN of the real action's own (`real_action`, the action a typo came from); an action that takes only
    "*" goes to the place with a Deny and a Resource, where "*" is allowed.
    """
    resource = sample_arn(real_action or action)
    place = rng.randrange(len(STATEMENT_PLACES)) if resource != "*" else 0
    text, action_line, key_line, action_field, operator_field = STATEMENT_PLACES[place]
    yaml_text = text.format(action=_quoted(action), key=_quoted(key), resource=_quoted(resource))
    if kind.startswith("key-"):
        return Case(kind, yaml_text, key_line, f"{operator_field}.{key}")
    return Case(kind, yaml_text, action_line, action_field)


def statement_cases(rng: random.Random) -> tuple[list[Case], list[Case]]:
    """One-letter edits of real actions, service prefixes and condition keys (refused), and case changes (accepted)."""
    services = iam_actions.services()
    known_actions = _known_actions()
    every = sorted(f"{prefix}:{name}" for prefix, entry in services.items() for name in entry["actions"])
    actions = sorted(rng.sample([a for a in every if a.lower() != "iam:passrole"], 60) + ["s3:GetObject", "elasticmapreduce:DescribeCluster"])
    refused: list[Case] = []
    accepted: list[Case] = []
    for action in actions:
        prefix, _, name = action.partition(":")
        for kind, typo in _edits(action, rng).items():
            if kind in CASE_CHANGES:
                accepted.append(_statement_case(f"case-action-{kind}", typo, "aws:SourceAccount", rng, action))
            elif typo.lower() not in known_actions:
                refused.append(_statement_case(f"action-{kind}", typo, "aws:SourceAccount", rng, action))
        for kind, typo in _edits(prefix, rng).items():
            if kind not in CASE_CHANGES and typo and f"{typo}:{name}".lower() not in known_actions:
                refused.append(_statement_case(f"prefix-{kind}", f"{typo}:{name}", "aws:SourceAccount", rng, action))
    global_keys = iam_actions.global_condition_keys()
    chosen = [("s3:GetObject", key) for key in rng.sample([k for k in global_keys if "*" not in k], 25)]
    with_keys = sorted(prefix for prefix, entry in services.items() if any("*" not in key for key in entry["condition_keys"]))
    for prefix in rng.sample(with_keys, 45):
        entry = services[prefix]
        chosen.append((f"{prefix}:{next(iter(entry['actions']))}", rng.choice([key for key in entry["condition_keys"] if "*" not in key])))
    for action, key in chosen:
        scope = [*global_keys, *services[action.partition(":")[0]]["condition_keys"]]
        for kind, typo in _edits(key, rng).items():
            if kind in CASE_CHANGES:
                accepted.append(_statement_case(f"case-key-{kind}", action, typo, rng))
            elif typo and not _key_known(typo, scope):
                refused.append(_statement_case(f"key-{kind}", action, typo, rng))
    return refused, accepted


CASES = build_cases()
STATEMENT_CASES, ACCEPTED_CASES = statement_cases(random.Random(SEED))


def _check(case: Case, code: int, stdout: str, stderr: str, spec: Path) -> str | None:
    """What is wrong with the outcome of one case, or None."""
    if code != 2:
        return f"exit {code}"
    if stdout or len(stderr.splitlines()) != 1 or "Traceback" in stderr:
        return f"not one line: {stderr!r}"
    match = ERROR_LINE.match(stderr.strip())
    if not match or match["file"] != str(spec):
        return f"no file:line: {stderr!r}"
    if (match["line"], match["field"]) != (str(case.line), case.field):
        return f"line {match['line']} field {match['field']}, expected {case.line} {case.field}: {stderr!r}"
    return None


def test_enough_cases_of_every_kind() -> None:
    kinds = Counter(case.kind.split("-")[0] + ("-" + case.kind.split("-")[1] if case.kind.startswith("managed") else "") for case in CASES)
    assert len(CASES) >= MIN_CASES, kinds
    assert kinds["managed-policy"] >= 300 and kinds["aws"] == 60 and kinds["string"] == 100, kinds
    edits = Counter(case.kind for case in CASES if case.kind.startswith("managed"))
    assert all(count >= 50 for count in edits.values()) and len(edits) == 7, edits


def test_every_typo_refused_in_process(tmp_path: Path) -> None:
    failures, outcomes = [], Counter()
    for number, case in enumerate(CASES):
        spec = tmp_path / f"case-{number}.yaml"
        spec.write_text(case.text, encoding="utf-8")
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(["validate", "--spec", str(spec)])  # an exception here is a traceback: the test fails
        problem = _check(case, code, out.getvalue(), err.getvalue(), spec)
        outcomes["refused" if problem is None else "wrong"] += 1
        if problem:
            failures.append(f"{case.kind} {case.text!r}: {problem}")
    assert not failures, f"{len(failures)} of {len(CASES)}:\n" + "\n".join(failures[:20])
    assert outcomes["refused"] == len(CASES)


SAMPLE: list[Case] = random.Random(SEED).sample(CASES, 8)


@pytest.mark.parametrize("case", SAMPLE, ids=[f"{case.kind}-{n}" for n, case in enumerate(SAMPLE)])
def test_sample_refused_by_the_real_cli(case: Case, tmp_path: Path) -> None:
    spec = tmp_path / "spec.yaml"
    spec.write_text(case.text, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "generator", "validate", "--spec", str(spec)],
        cwd=ROOT, capture_output=True, text=True, timeout=120, check=False,
    )
    assert _check(case, result.returncode, result.stdout, result.stderr, spec) is None, result.stderr


def test_suggestions_name_the_real_policy(tmp_path: Path) -> None:
    """The typo of a managed policy's name suggests the name it came from (or, rarely, an equally close one)."""
    rng = random.Random(SEED)
    suggested = 0
    names = rng.sample(sorted(managed_policies.paths()), 100)
    for name in names:
        typo = _edits(name, rng)["substitute"]
        problem = managed_policies.problem(managed_policies.paths()[name].lstrip("/") + typo)
        assert problem is not None and "did you mean" in problem, (typo, problem)
        suggested += f"did you mean {managed_policies.spelled(name)}?" in problem
    assert suggested >= 90, suggested




def _outcome(case: Case, spec: Path) -> tuple[int, str, str]:
    spec.write_text(case.text, encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["validate", "--spec", str(spec)])  # an exception here is a traceback: the test fails
    return code, out.getvalue(), err.getvalue()


def test_enough_statement_cases_of_every_kind() -> None:
    kinds = Counter(case.kind.split("-")[0] for case in STATEMENT_CASES)
    assert kinds["action"] >= 200 and kinds["prefix"] >= 150 and kinds["key"] >= 200, kinds
    assert len({case.kind for case in STATEMENT_CASES}) == 12
    assert len(ACCEPTED_CASES) >= 300 and {case.kind for case in ACCEPTED_CASES} == {
        f"case-{what}-{kind}" for what in ("action", "key") for kind in CASE_CHANGES}


def test_every_statement_typo_refused_in_process(tmp_path: Path) -> None:
    failures = []
    for number, case in enumerate(STATEMENT_CASES):
        spec = tmp_path / f"case-{number}.yaml"
        problem = _check(case, *_outcome(case, spec), spec)
        if problem:
            failures.append(f"{case.kind} {case.text!r}: {problem}")
    assert not failures, f"{len(failures)} of {len(STATEMENT_CASES)}:\n" + "\n".join(failures[:20])


def test_case_changes_of_actions_and_keys_accepted(tmp_path: Path) -> None:
    """IAM compares actions and condition keys without regard to case."""
    failures = []
    for number, case in enumerate(ACCEPTED_CASES):
        spec = tmp_path / f"case-{number}.yaml"
        code, out, err = _outcome(case, spec)
        if code != 0 or "valid (1 team)" not in out or "error" in err:
            failures.append(f"{case.kind} {case.text!r}: exit {code} {err!r}")
    assert not failures, f"{len(failures)} of {len(ACCEPTED_CASES)}:\n" + "\n".join(failures[:20])


STATEMENT_SAMPLE: list[Case] = random.Random(SEED).sample(STATEMENT_CASES, 4)


@pytest.mark.parametrize("case", STATEMENT_SAMPLE, ids=[f"{case.kind}-{n}" for n, case in enumerate(STATEMENT_SAMPLE)])
def test_statement_sample_refused_by_the_real_cli(case: Case, tmp_path: Path) -> None:
    test_sample_refused_by_the_real_cli(case, tmp_path)


# A statement whose Resource is an ARN of a real format with its service swapped for one the action does not act on:
# (YAML with {action} and {resource} quoted, line of the Resource, field of the Resource).
RESOURCE_PLACES: list[tuple[str, int, str]] = [
    ("version: 1\nteams:\n  - name: a\n    ec2_role:\n      inline_policies:\n        extra:\n          Statement:\n"
     "            - Effect: Deny\n              Action: [{action}]\n              Resource: [{resource}]\n",
     10, "teams[0].ec2_role.inline_policies.extra.Statement[0].Resource[0]"),
    ("version: 1\ndefaults:\n  service_role:\n    inline_policies:\n      extra:\n        Statement:\n"
     "          - {{Effect: Deny, Action: {action},\n             Resource: {resource}}}\nteams:\n  - name: a\n",
     8, "defaults.service_role.inline_policies.extra.Statement[0].Resource"),
    ("version: 1\nteams:\n  - name: a\n    serverless:\n      runtime_roles:\n        - name: r\n          inline_policies:\n"
     "            p:\n              Statement:\n                - Effect: Deny\n                  NotResource:\n"
     "                    - {resource}\n                  Action: {action}\n",
     12, "teams[0].serverless.runtime_roles[0].inline_policies.p.Statement[0].NotResource[0]"),
]
_OTHER_SERVICES = ("s3", "iam", "dynamodb", "sqs", "kms", "lambda", "ec2", "glue")


def resource_cases(rng: random.Random, count: int) -> list[Case]:
    """Real actions with resource types, each given an ARN of its own first format in another service."""
    every = sorted(f"{prefix}:{name}" for prefix, entry in iam_actions.services().items() for name in entry["actions"])
    cases = []
    for action in rng.sample([action for action in every if iam_actions.action_formats(action)], count):
        own = {arn_format.split(":")[2] for _, arn_format in iam_actions.action_formats(action) or ()}
        parts = sample_arn(action).split(":", 5)
        resource = ":".join([*parts[:2], rng.choice([service for service in _OTHER_SERVICES if service not in own]), *parts[3:]])
        text, line, field = RESOURCE_PLACES[rng.randrange(len(RESOURCE_PLACES))]
        cases.append(Case("resource-service", text.format(action=_quoted(action), resource=_quoted(resource)), line, field))
    return cases


RESOURCE_CASES = resource_cases(random.Random(SEED), 150)


def test_every_resource_of_another_service_refused_in_process(tmp_path: Path) -> None:
    failures = []
    for number, case in enumerate(RESOURCE_CASES):
        spec = tmp_path / f"case-{number}.yaml"
        problem = _check(case, *_outcome(case, spec), spec)
        if problem:
            failures.append(f"{case.text!r}: {problem}")
    assert not failures, f"{len(failures)} of {len(RESOURCE_CASES)}:\n" + "\n".join(failures[:20])
    assert {case.field.rsplit(".", 1)[1] for case in RESOURCE_CASES} == {"Resource[0]", "Resource", "NotResource[0]"}


@pytest.mark.parametrize("case", RESOURCE_CASES[:2], ids=["resource-0", "resource-1"])
def test_resource_sample_refused_by_the_real_cli(case: Case, tmp_path: Path) -> None:
    test_sample_refused_by_the_real_cli(case, tmp_path)
