"""Write generator/data/aws_managed_policies.json: AWS managed policy names and paths, from moto's copy.

moto ships the AWS managed policy documents as IAM lists them (`moto/iam/aws_managed_policies.py`,
refreshed by moto's maintainers from a real account). The snapshot keeps each policy's name and
path, and the moto version it came from; `make managed-policies` rewrites it with the moto the
test extra pins, and tests/test_managed_policies.py fails when the two differ.

    .venv/bin/python -m scripts.aws_managed_policies           # rewrite the snapshot
    .venv/bin/python -m scripts.aws_managed_policies --check   # exit 1 when it is stale
"""

from __future__ import annotations

import json
import sys
from importlib.metadata import version
from pathlib import Path
from typing import Any

SNAPSHOT = Path(__file__).resolve().parent.parent / "generator" / "data" / "aws_managed_policies.json"
SOURCE_MODULE = "moto.iam.aws_managed_policies"


def snapshot() -> dict[str, Any]:
    """The snapshot as the installed moto gives it."""
    from moto.iam.aws_managed_policies import aws_managed_policies_data

    policies = json.loads(aws_managed_policies_data)
    return {
        "source": {"package": "moto", "version": version("moto"), "module": SOURCE_MODULE},
        # moto's copies carry no deprecation mark: no policy is listed as deprecated.
        "deprecated": {},
        "policies": {name: policies[name]["Path"] for name in sorted(policies)},
    }


def text() -> str:
    return json.dumps(snapshot(), indent=1, sort_keys=False) + "\n"


def main(argv: list[str]) -> int:
    expected = text()
    if "--check" in argv:
        current = SNAPSHOT.read_text(encoding="utf-8") if SNAPSHOT.exists() else ""
        if current != expected:
            print(f"{SNAPSHOT}: stale against moto {version('moto')}; run `make managed-policies`", file=sys.stderr)
            return 1
        return 0
    SNAPSHOT.parent.mkdir(parents=True, exist_ok=True)
    SNAPSHOT.write_text(expected, encoding="utf-8")
    print(f"{SNAPSHOT}: {len(snapshot()['policies'])} AWS managed policies from moto {version('moto')}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
