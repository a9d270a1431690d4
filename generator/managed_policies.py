"""AWS managed policy names and paths, from the snapshot in generator/data (scripts/aws_managed_policies.py writes it).

A spec names an AWS managed policy as `<path><name>` without the leading slash
(`service-role/AmazonElasticMapReduceRole`, `AmazonS3ReadOnlyAccess`), or by its ARN in
`policy_arns`; a name AWS does not define is an error with the closest name AWS does define.

The snapshot is of the aws partition (moto's copy comes from an account there). aws-cn and
aws-us-gov have policies of their own and lack some of aws's, and no maintained offline source
lists them per partition; for an account whose region is in another partition, a name the
snapshot lacks is a warning (`model.warnings`), not an error.
"""

from __future__ import annotations

import difflib
import functools
import json
from pathlib import Path
from typing import Any

SNAPSHOT = Path(__file__).resolve().parent / "data" / "aws_managed_policies.json"
# The partition the snapshot's policies are of.
PARTITION = "aws"


@functools.cache
def _data() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(SNAPSHOT.read_text(encoding="utf-8"))
    return data


def paths() -> dict[str, str]:
    """Every AWS managed policy's path (`/`, `/service-role/`, ...), by name."""
    result: dict[str, str] = _data()["policies"]
    return result


def source() -> str:
    """Where the snapshot came from, for messages: `moto 5.2.6`."""
    origin = _data()["source"]
    return f"{origin['package']} {origin['version']}"


@functools.cache
def _by_lower_case() -> dict[str, str]:
    return {name.lower(): name for name in paths()}


def spelled(name: str) -> str:
    """How the spec writes the policy: its path (without the leading /) and name."""
    return paths()[name].lstrip("/") + name


def problem(written: str) -> str | None:
    """What is wrong with an AWS managed policy written as `<path><name>`, or None when AWS defines it so."""
    path, _, name = written.rpartition("/")
    known = paths()
    if name in known:
        if "/" + path + ("/" if path else "") == known[name]:
            return None
        where = f"under the path {known[name]}" if known[name] != "/" else "at the path / (no path before its name)"
        return f"the AWS managed policy {name} is {where}: write {spelled(name)}"
    exact = _by_lower_case().get(name.lower())
    if exact is not None:
        suggestion = spelled(exact)
    else:
        close = difflib.get_close_matches(name, list(known), n=1, cutoff=0.75)
        suggestion = spelled(close[0]) if close else ""
    hint = f"; did you mean {suggestion}?" if suggestion else " (names are case-sensitive)"
    return f"{written!r} is not an AWS managed policy that IAM knows (snapshot from {source()}){hint}"


def any_deprecated() -> bool:
    return bool(_data()["deprecated"])


def deprecation(written: str) -> str | None:
    """A warning when AWS has deprecated the policy (the snapshot's `deprecated`: name to note)."""
    name = written.rpartition("/")[2]
    note = _data()["deprecated"].get(name)
    return f"the AWS managed policy {name} is deprecated by AWS: {note}" if note is not None else None


def other_partition(written: str, partition: str) -> str:
    """Why a name the snapshot lacks is only a warning in another partition than the snapshot's."""
    return (f"{written!r} is not in the snapshot of AWS managed policies ({source()}), which lists the {PARTITION} partition's"
            f" only; the policy is looked up in {partition}, where AWS has policies of its own: check that it exists there")
