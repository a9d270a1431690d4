"""Lint every identity policy the modules create with parliament and policy_sentry (offline).

Runs in the linters' own environment (`make iamlint-env`), over the documents
`python -m tests.effective --dump` read back from a fake AWS after applying the specs:

    .venv-iamlint/bin/python scripts/lint_policies.py .scan/policies.json

Fails on any parliament finding not explained below, on any action either linter's database does
not know, and on any statement whose Resource matches none of the ARN formats policy_sentry
lists for its action (or is "*" where the action has resource types and "*" is not its only form).
"""

from __future__ import annotations

import fnmatch
import json
import sys
from pathlib import Path
from typing import Any

from parliament import analyze_policy_string
from policy_sentry.querying.actions import get_action_data

# Parliament findings that are expected, each with the reason; anything else fails the scan.
EXPLAINED: dict[str, str] = {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _arn_matches(pattern: str, resource: str) -> bool:
    """Does `resource` (a policy Resource, maybe with wildcards) fit policy_sentry's ARN format?"""
    # Formats look like arn:${Partition}:iam::${Account}:role/${RoleNameWithPath}.
    format_parts, resource_parts = pattern.split(":", 5), resource.split(":", 5)
    if len(format_parts) != 6 or len(resource_parts) != 6:
        return False
    for expected, actual in zip(format_parts, resource_parts):
        shape = "".join("*" if piece.startswith("{") else piece for piece in expected.replace("${", "\x00{").split("\x00"))
        shape = _collapse(shape)
        if not (fnmatch.fnmatchcase(actual, shape) or "*" in actual or fnmatch.fnmatchcase(shape, actual)):
            return False
    return True


def _collapse(shape: str) -> str:
    out, depth = [], 0
    for char in shape:
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
        elif depth == 0:
            out.append(char)
    return "".join(out)


def action_formats(action: str) -> list[str] | None:
    """ARN formats of the action's resource types ([] for "*" only), or None for an unknown action."""
    service, _, name = action.partition(":")
    data = get_action_data(service, name)
    if not data or not data.get(service):
        return None
    return [entry["resource_arn_format"] for entry in data[service] if entry.get("resource_arn_format") and entry["resource_arn_format"] != "*"]


def lint(document: dict[str, Any], where: str) -> list[str]:
    problems = []
    policy = analyze_policy_string(json.dumps(document), include_community_auditors=False)
    for finding in policy.findings:
        if finding.issue not in EXPLAINED:
            problems.append(f"{where}: parliament {finding.issue} {finding.detail} {finding.location}")
    for statement in _list(document.get("Statement", [])):
        resources = _list(statement.get("Resource", []))
        for action in _list(statement.get("Action", [])):
            formats = action_formats(action)
            if formats is None:
                problems.append(f"{where}: policy_sentry does not know {action}")
                continue
            for resource in resources:
                if resource == "*":
                    if formats:
                        problems.append(f"{where}: {action} has resource types {formats} but is granted on *")
                elif formats and not any(_arn_matches(fmt, resource) for fmt in formats):
                    problems.append(f"{where}: {resource} fits none of {action}'s ARN formats {formats}")
    return problems


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: lint_policies.py POLICIES.json", file=sys.stderr)
        return 2
    entries = json.loads(Path(argv[0]).read_text(encoding="utf-8"))
    identity = [entry for entry in entries if entry["kind"] == "identity"]
    problems = [problem for entry in identity for problem in lint(entry["document"], entry["where"])]
    for problem in problems:
        print(problem)
    statements = sum(len(_list(entry["document"].get("Statement", []))) for entry in identity)
    print(f"parliament, policy_sentry: {len(identity)} identity policies, {statements} statements, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
