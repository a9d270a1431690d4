"""Resources of two workspaces compared by what they are, not by where they are declared.

bench/run.py plans and applies the generated team module beside bench/handwritten/main.tf; the
comparison is fair only if both make the same resources with the same values. tests/test_bench.py
checks the plans on every test run; bench/run.py checks the applied states on every bench run
(values a plan does not know yet, such as policies that name a role's ARN, are known there).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any

# IAM policies (JSON strings), compared as IAM reads them: key order, spacing and the order of listed values do not matter.
POLICIES = ("assume_role_policy", "policy")
# Other JSON strings, compared as the data they hold (an EMR security configuration's role mappings are applied in order).
DOCUMENTS = ("configuration",)
# Values AWS assigns at creation: they differ between any two applies.
ASSIGNED = ("id", "unique_id", "create_date", "creation_date", "policy_id")


def as_iam_reads(value: Any) -> Any:
    """A policy document's data as IAM reads it: a string is a list of one, and lists (of actions,
    resources, condition values, statements) are sets, here sorted lists of their items' JSON."""
    if isinstance(value, Mapping):
        return {key: as_iam_reads(item) for key, item in value.items()}
    if isinstance(value, (str, list)):
        items = [value] if isinstance(value, str) else value
        return sorted({json.dumps(item if isinstance(item, str) else as_iam_reads(item), sort_keys=True) for item in items})
    return value


def comparable(kind: str, values: Mapping[str, Any], **extra: Any) -> str:
    """One resource as its type and values (documents parsed, AWS-assigned values left out), as a string to count."""
    kept = {key: value for key, value in values.items() if key not in ASSIGNED}
    for key in POLICIES:
        if isinstance(kept.get(key), str):
            kept[key] = as_iam_reads(json.loads(kept[key]))
    for key in DOCUMENTS:
        if isinstance(kept.get(key), str):
            kept[key] = json.loads(kept[key])
    return json.dumps({"type": kind, "values": kept, **extra}, sort_keys=True)


def planned(plan: Mapping[str, Any]) -> Counter[str]:
    """The managed resource changes of `show -json` of a plan: action, values and which are unknown."""
    return Counter(
        comparable(kind, change["after"], actions=change["actions"], unknown=change["after_unknown"])
        for kind, change in ((entry["type"], entry["change"]) for entry in plan["resource_changes"] if entry["mode"] == "managed")
    )


def applied(state: Mapping[str, Any]) -> Counter[str]:
    """The managed resources of `show -json` of a state, with their values."""

    def modules(module: Mapping[str, Any]) -> Iterable[Mapping[str, Any]]:
        yield module
        for child in module.get("child_modules", []):
            yield from modules(child)

    root = state.get("values", {}).get("root_module", {})
    return Counter(
        comparable(resource["type"], resource["values"])
        for module in modules(root)
        for resource in module.get("resources", [])
        if resource["mode"] == "managed"
    )


def differences(ours: Counter[str], theirs: Counter[str]) -> str:
    """What one side has and the other lacks, one resource a line; empty when they are the same."""
    lines = [f"only generated: {item}" for item in ours - theirs] + [f"only hand-written: {item}" for item in theirs - ours]
    return "\n".join(lines)
