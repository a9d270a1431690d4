"""Lint every policy the modules create with parliament and policy_sentry (offline).

Runs in the linters' own environment (`make iamlint-env`), over the documents
`python -m tests.effective --dump` read back from a fake AWS after applying the specs:

    .venv-iamlint/bin/python scripts/lint_policies.py .scan/policies.json

Fails on any parliament finding not explained below, on any action either linter's database does
not know, and on any statement whose Resource matches none of the ARN formats policy_sentry
lists for its action (or is "*" where the action has resource types and "*" is not its only form).
"""

from __future__ import annotations

import itertools
import json
import re
import sys
from pathlib import Path
from typing import Any

from parliament import analyze_policy_string
from policy_sentry.querying.actions import get_action_data

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


# "*" for an action with resource types, allowed only where the type is optional (policy_sentry lists a
# "*" row for the action too) and for the reason given.
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


_PLACEHOLDER = re.compile(r"\$\{([^}]*)\}")
# Placeholders whose values may hold "/" (paths, object keys); every other one is one path segment.
_SLASHED = ("Path", "ObjectName", "Key")


def _segment_regex(expected: str) -> re.Pattern[str]:
    pieces, position = [], 0
    for placeholder in _PLACEHOLDER.finditer(expected):
        pieces.append(re.escape(expected[position:placeholder.start()]))
        pieces.append(".*" if any(word in placeholder.group(1) for word in _SLASHED) else "[^/]*")
        position = placeholder.end()
    pieces.append(re.escape(expected[position:]))
    return re.compile("".join(pieces))


def _arn_matches(arn_format: str, resource: str) -> bool:
    """Does a policy's Resource (which may hold * and ?) fit one of policy_sentry's ARN formats?

    Formats read like arn:${Partition}:iam::${Account}:role/${RoleNameWithPath}; they are compared
    segment by segment. A Resource segment with a wildcard fits when its fixed part before the
    first wildcard can begin a value of the format's segment.
    """
    formats, resources = arn_format.split(":", 5), resource.split(":", 5)
    if len(formats) != 6 or len(resources) != 6:
        return False
    for expected, actual in zip(formats, resources, strict=True):
        pattern = _segment_regex(expected)
        fixed = re.split(r"[*?]", actual, maxsplit=1)[0]
        if fixed == actual:
            if not pattern.fullmatch(actual):
                return False
        elif not any(pattern.fullmatch(fixed + tail) for tail in ("", "x", "x/x")) and not _some_filling_fits(pattern, actual):
            return False
    return True


def _some_filling_fits(pattern: re.Pattern[str], actual: str) -> bool:
    """Whether filling each wildcard of `actual` with a sample value gives a value of the format's segment.

    A wildcard before a fixed part (`/applications/*/jobruns/*`) is filled in place; one concrete
    value that fits both proves the Resource can name a resource of that type.
    """
    parts = re.split(r"[*?]", actual)
    if len(parts) > 5:
        return False
    return any(
        pattern.fullmatch("".join(part + filling for part, filling in zip(parts, (*fillings, ""), strict=True)))
        for fillings in itertools.product(("x", "", "x/x"), repeat=len(parts) - 1)
    )


def action_formats(action: str) -> list[str] | None:
    """ARN formats of the action's resource types ([] for "*" only), or None for an unknown action."""
    service, _, name = action.partition(":")
    data = get_action_data(service, name)
    if not data or not data.get(service):
        return None
    return [entry["resource_arn_format"] for entry in data[service]
            if entry.get("resource_arn_format") and entry["resource_arn_format"] != "*"]


def _has_wildcard_form(action: str) -> bool:
    service, _, name = action.partition(":")
    return any(entry.get("resource_arn_format") == "*" for entry in (get_action_data(service, name) or {}).get(service, []))


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
        if kind == "trust":
            # A trust statement's actions (sts:AssumeRole) act on the role itself: no Resource to check.
            unknown = [action for action in _list(statement.get("Action", [])) if action_formats(action) is None]
            problems += [f"{where}: policy_sentry does not know {action}" for action in unknown]
            continue
        resources = _list(statement.get("Resource", []))
        for action in _list(statement.get("Action", [])):
            formats = action_formats(action)
            if formats is None:
                problems.append(f"{where}: policy_sentry does not know {action}")
                continue
            for resource in resources:
                if resource == "*":
                    if formats and not (action in OPTIONAL_RESOURCE and _has_wildcard_form(action)):
                        problems.append(f"{where}: {action} has resource types {formats} but is granted on *")
                elif formats and not any(_arn_matches(fmt, resource) for fmt in formats):
                    problems.append(f"{where}: {resource} fits none of {action}'s ARN formats {formats}")
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
