"""Small helpers shared by the tests: specs, running the CLI in-process, looking at an output folder."""

from __future__ import annotations

import hashlib
import re
import textwrap
from collections.abc import Mapping
from pathlib import Path

import pytest

from generator import iam_actions, managed_policies
from generator.cli import main

MINIMAL_SPEC = """\
version: 1
teams:
  - name: solo
"""

TWO_TEAMS_SPEC = """\
version: 1
defaults:
  name_prefix: "{team}-"
teams:
  - name: one
  - name: two
"""


def sample_arn(action: str) -> str:
    """An ARN of the first resource type the action acts on, its variable parts filled in; "*" for an action that takes only
    "*"."""
    formats = iam_actions.action_formats(action)
    if not formats:
        return "*"
    values = {"${Partition}": "{partition}", "${Region}": "us-east-1", "${Account}": "123456789012"}
    return re.sub(r"\$\{[^}]*\}", lambda match: values.get(match.group(0), "sample1"), formats[0][1])


def aws_managed_policy_names(count: int) -> list[str]:
    """`count` AWS managed policies that IAM knows, as a spec names them (path and name), for quota tests."""
    names = [managed_policies.spelled(name) for name in managed_policies.paths()]
    return names[:count]


def many_teams_spec(count: int, *, defaults: str = "", overrides: Mapping[int, str] | None = None) -> str:
    """A spec of `count` teams named t000, t001, ...; `defaults` and `overrides[index]` are YAML lines
    added under `defaults` and under that team."""
    lines = ["version: 1", "defaults:", '  name_prefix: "{team}-"', *(f"  {line}" for line in defaults.splitlines()), "teams:"]
    for index in range(count):
        lines.append(f"  - name: t{index:03d}")
        lines += [f"    {line}" for line in (overrides or {}).get(index, "").splitlines()]
    return "\n".join(lines) + "\n"


def write_spec(folder: Path, text: str, name: str = "spec.yaml") -> Path:
    path = folder / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def run_cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def snapshot(folder: Path) -> dict[str, tuple[str, int]]:
    """Content hash and modification time of every file under `folder`."""
    if not folder.exists():
        return {}
    return {
        str(path.relative_to(folder)): (hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime_ns)
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def staging_leftovers(folder: Path) -> list[Path]:
    """Files a render stages or backs up (`*.emr-iam-<pid>.new` / `.old`) that are still there."""
    return [path for path in folder.rglob("*") if ".emr-iam-" in path.name and path.name != ".emr-iam-manifest"]
