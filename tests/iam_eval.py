"""A small IAM identity-policy evaluator for the tests that judge the modules by AWS's documents.

It decides one request (action, resource, request context) against a set of identity-based
policy documents the way IAM's documented evaluation logic does for a single account with no
boundaries, SCPs or session policies: an explicit Deny wins, else any Allow allows, else the
request is implicitly denied. Statements may use Action/NotAction and Resource/NotResource with
`*` and `?` wildcards (actions case-insensitive, resources case-sensitive), and the condition
operators the generated and the AWS managed EMR policies use: String(Not)Equals, String(Not)Like,
Arn(Not)Equals, Arn(Not)Like and Bool, each also with IfExists. Condition keys are matched
case-insensitively; the values of one key are ORed, keys and operators are ANDed. An operator it
does not know raises, so an unsupported document cannot pass by accident. Policy variables in
condition values (`${aws:userId}`, and the literals `${*}`, `${?}` and `${$}`) take their value from
the request context; a variable whose key the context lacks matches nothing ("IAM policy elements:
Variables and tags", https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html).
tests/test_iam_eval.py holds the hand-checked cases.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

ALLOW, DENY, IMPLICIT_DENY = "Allow", "Deny", "ImplicitDeny"


class UnsupportedPolicy(ValueError):
    pass


def _list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def _wildcard(pattern: str, value: str, *, case_sensitive: bool) -> bool:
    # IAM wildcards are * and ? only: fnmatch's [..] classes must not apply.
    regex = "".join(".*" if char == "*" else "." if char == "?" else re.escape(char) for char in pattern)
    return re.fullmatch(regex, value, 0 if case_sensitive else re.IGNORECASE) is not None


def _arn_like(pattern: str, value: str) -> bool:
    # ARNs compare segment by segment (six parts, the resource part may hold colons).
    pattern_parts, value_parts = pattern.split(":", 5), value.split(":", 5)
    if len(pattern_parts) != 6 or len(value_parts) != 6:
        return False
    return all(_wildcard(p, v, case_sensitive=True) for p, v in zip(pattern_parts, value_parts, strict=True))


_OPERATORS = {
    "StringEquals": lambda expected, actual: expected == actual,
    "StringLike": lambda expected, actual: _wildcard(expected, actual, case_sensitive=True),
    "ArnEquals": lambda expected, actual: expected == actual,
    "ArnLike": _arn_like,
    "Bool": lambda expected, actual: str(expected).lower() == str(actual).lower(),
}
_NEGATED = {"StringNotEquals": "StringEquals", "StringNotLike": "StringLike", "ArnNotEquals": "ArnEquals", "ArnNotLike": "ArnLike"}


_VARIABLE = re.compile(r"\$\{([^}]*)\}")
_LITERAL_VARIABLES = {"*": "*", "?": "?", "$": "$"}


def _substitute(value: str, lowered: Mapping[str, Any]) -> str | None:
    """A condition value with its policy variables replaced from the context; None when one is missing."""
    missing = False

    def replace(match: re.Match[str]) -> str:
        nonlocal missing
        name = match.group(1)
        if name in _LITERAL_VARIABLES:
            return _LITERAL_VARIABLES[name]
        if "," in name:
            raise UnsupportedPolicy(f"policy variable default values (${{{name}}}) are not supported by this evaluator")
        if name.lower() not in lowered:
            missing = True
            return ""
        return str(lowered[name.lower()])

    result = _VARIABLE.sub(replace, value)
    return None if missing else result


def _condition_holds(operator: str, key: str, expected: list[Any], context: Mapping[str, Any]) -> bool:
    if_exists = operator.endswith("IfExists")
    base = operator.removesuffix("IfExists")
    lowered = {name.lower(): value for name, value in context.items()}
    expected = [value for value in (_substitute(str(e), lowered) for e in expected) if value is not None]
    if key.lower() not in lowered:
        # A missing key fails a positive operator and satisfies a negated one; IfExists makes it pass.
        return if_exists or base in _NEGATED
    actual_values = [str(value) for value in _list(lowered[key.lower()])]
    if base in _NEGATED:
        test = _OPERATORS[_NEGATED[base]]
        return not any(test(str(e), a) for e in expected for a in actual_values)
    if base not in _OPERATORS:
        raise UnsupportedPolicy(f"condition operator {operator} is not supported by this evaluator")
    test = _OPERATORS[base]
    return any(test(str(e), a) for e in expected for a in actual_values)


def _matches(statement: Mapping[str, Any], action: str, resource: str, context: Mapping[str, Any]) -> bool:
    unknown = set(statement) - {"Sid", "Effect", "Action", "NotAction", "Resource", "NotResource", "Condition"}
    if unknown:
        raise UnsupportedPolicy(f"statement keys {sorted(unknown)} are not supported (identity policies only)")
    if "Action" in statement:
        if not any(_wildcard(pattern, action, case_sensitive=False) for pattern in _list(statement["Action"])):
            return False
    elif any(_wildcard(pattern, action, case_sensitive=False) for pattern in _list(statement.get("NotAction"))):
        return False
    if "Resource" in statement:
        if not any(_wildcard(pattern, resource, case_sensitive=True) for pattern in _list(statement["Resource"])):
            return False
    elif any(_wildcard(pattern, resource, case_sensitive=True) for pattern in _list(statement.get("NotResource"))):
        return False
    for operator, pairs in (statement.get("Condition") or {}).items():
        if operator.startswith(("ForAnyValue:", "ForAllValues:")):
            raise UnsupportedPolicy(f"set operator {operator} is not supported by this evaluator")
        for key, expected in pairs.items():
            if not _condition_holds(operator, key, [str(value) for value in _list(expected)], context):
                return False
    return True


def evaluate(documents: Iterable[Mapping[str, Any]], action: str, resource: str, context: Mapping[str, Any] | None = None) -> str:
    """ALLOW, DENY (an explicit Deny matched) or IMPLICIT_DENY for one request."""
    context = context or {}
    allowed = False
    for document in documents:
        for statement in _list(document.get("Statement")):
            if not _matches(statement, action, resource, context):
                continue
            if statement["Effect"] == "Deny":
                return DENY
            allowed = True
    return ALLOW if allowed else IMPLICIT_DENY


def allows(documents: Iterable[Mapping[str, Any]], action: str, resource: str, context: Mapping[str, Any] | None = None) -> bool:
    return evaluate(list(documents), action, resource, context) == ALLOW

