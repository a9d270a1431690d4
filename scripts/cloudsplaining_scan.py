"""cloudsplaining over the accounts where teams share an account: every finding explained, or the scan fails.

For each spec of SHARED_ACCOUNT_SPECS, the team modules are rendered and applied with OpenTofu to a
local fake AWS (tests/moto_server.py, tests/effective.py), the account's authorization details are read
back with boto3 (GetAccountAuthorizationDetails), completed where moto leaves out what AWS returns, and
scanned by cloudsplaining, pinned in its own environment (`make cloudsplaining-env`), with its strictest
settings: every risky action flagged whatever its resource ARNs and conditions (`--flag-all-risky-actions`),
risky trust policies flagged (`--flag-trust-policies`), and nothing excluded (an empty exclusions file
instead of its default, which skips AWS's service-role policies). Every finding must match an entry of
scripts/cloudsplaining_reasons.yaml, and every entry must match a finding:

    .venv/bin/python -m scripts.cloudsplaining_scan --cloudsplaining .venv-cloudsplaining/bin/cloudsplaining --out .scan/cloudsplaining
"""

from __future__ import annotations

import argparse
import copy
import fnmatch
import hashlib
import json
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
REASONS = ROOT / "scripts" / "cloudsplaining_reasons.yaml"
# The specs whose teams share one account, applied to moto's default account in us-east-1.
SHARED_ACCOUNT_SPECS = (ROOT / "tests" / "specs" / "isolation.yaml", ROOT / "specs" / "platform.yaml")
# Nothing excluded: cloudsplaining's own default file skips AWS's service-role policies and roles.
NO_EXCLUSIONS: dict[str, list[str]] = {
    "policies": [""], "roles": [""], "users": [""], "groups": [""],
    "include-actions": [""], "exclude-actions": [""], "known-accounts": [""],
}
# The strictest scan cloudsplaining 0.9.1 offers.
STRICT_FLAGS = ("--flag-all-risky-actions", "--flag-trust-policies", "--skip-open-report")
# The risks cloudsplaining reports on a policy, and on a role's trust policy.
POLICY_RISKS = ("PrivilegeEscalation", "DataExfiltration", "ResourceExposure", "ServiceWildcard", "CredentialsExposure",
                "InfrastructureModification")
TRUST_RISKS = ("AssumableByComputeServices", "AssumableByCrossAccountPrincipal", "AssumableByAnyPrincipal",
               "AssumableByAnyPrincipalWithConditions")
AUTHORIZATION_DETAIL_LISTS = ("UserDetailList", "GroupDetailList", "RoleDetailList", "Policies")


class ScanError(Exception):
    """A scan that cannot be run, or a reasons file that cannot be read."""


# --- the account's authorization details, as AWS returns them -------------------------------------


def _policy_id(arn: str) -> str:
    """A stable stand-in for the ID IAM gives a policy: ANPA and 17 characters of the ARN's digest."""
    return "ANPA" + hashlib.sha256(arn.encode()).hexdigest()[:17].upper()


def complete(details: dict[str, Any]) -> dict[str, Any]:
    """The authorization details with what moto leaves out filled in, and only the managed policies in use.

    moto returns the managed policies without PolicyName and PolicyId (both in AWS's PolicyDetail); the
    name is the ARN's last segment and the ID a stable stand-in, as no principal refers to a managed policy
    by ID in this call. moto lists every AWS managed policy it ships; AWS lists those the account uses,
    so the AWS managed policies attached to no principal are left out (all of the account's own are kept).
    """
    completed = copy.deepcopy(details)
    for name in AUTHORIZATION_DETAIL_LISTS:
        completed.setdefault(name, [])
    attached = {
        policy["PolicyArn"]
        for kind in ("UserDetailList", "GroupDetailList", "RoleDetailList")
        for principal in completed[kind]
        for policy in principal.get("AttachedManagedPolicies", [])
    }
    kept = []
    for policy in completed["Policies"]:
        arn = policy["Arn"]
        if ":iam::aws:policy/" in arn and arn not in attached:
            continue
        policy.setdefault("PolicyName", arn.rsplit("/", 1)[1])
        policy.setdefault("PolicyId", _policy_id(arn))
        kept.append(policy)
    completed["Policies"] = kept
    return completed


def authorization_details(iam: Any) -> dict[str, Any]:
    """GetAccountAuthorizationDetails, every page, completed."""
    pages = iam.get_paginator("get_account_authorization_details").paginate().build_full_result()
    return complete({name: pages.get(name, []) for name in AUTHORIZATION_DETAIL_LISTS})


# --- findings -------------------------------------------------------------------------------------


@dataclass(frozen=True, order=True)
class Finding:
    """One finding: where (a spec, a role's trust policy or a policy), the risk, and the action or principal."""

    spec: str
    where: str
    risk: str
    subject: str

    def line(self) -> str:
        return f"{self.spec}: {self.where}: {self.risk}: {self.subject}"


def _subjects(findings: list[Any]) -> Iterator[str]:
    for finding in findings:
        if isinstance(finding, dict) and "actions" in finding:
            # Privilege escalation: a method (its type) that a set of the policy's actions allows.
            yield f"{finding['type']} ({', '.join(sorted(finding['actions']))})"
        else:
            yield str(finding)


def findings_of(results: dict[str, Any], spec: str) -> list[Finding]:
    """Every finding of cloudsplaining's results (its iam-results-<name>.json)."""
    found: list[Finding] = []
    for kind, label in (("customer_managed_policies", "policy"), ("aws_managed_policies", "aws-policy")):
        for policy in results.get(kind, {}).values():
            where = f"{label} {policy['Path']}{policy['PolicyName']}"
            for risk in POLICY_RISKS:
                found += [Finding(spec, where, risk, subject) for subject in _subjects(policy.get(risk, {}).get("findings", []))]
    roles = results.get("roles", {}).values()
    role_paths = {role["name"]: role["path"] for role in roles}
    for policy in results.get("inline_policies", {}).values():
        # An inline document is listed once for every principal that holds the very same document.
        holders = policy.get("AttachedTo", {})
        owners = [f"role {role_paths.get(name, '')}{name}" for name in holders.get("roles", [])]
        owners += [f"{kind[:-1]} {name}" for kind in ("groups", "users") for name in holders.get(kind, [])]
        for owner in owners or ["unattached"]:
            where = f"{owner} inline {policy['PolicyName']}"
            for risk in POLICY_RISKS:
                found += [Finding(spec, where, risk, subject) for subject in _subjects(policy.get(risk, {}).get("findings", []))]
    for role in roles:
        where = f"role {role['path']}{role['name']} trust"
        for risk in TRUST_RISKS:
            found += [Finding(spec, where, risk, subject) for subject in _subjects((role.get(risk) or {}).get("findings", []))]
    return sorted(set(found))


# --- reasons --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Reason:
    """An entry of the reasons file: which findings (shell patterns on where, spec and subject) and why they are expected."""

    where: str
    risks: tuple[str, ...]
    subjects: tuple[str, ...]
    reason: str
    specs: tuple[str, ...]

    def cells(self) -> list[tuple[str, str]]:
        """Every risk with every subject: each must match a finding, or the entry has rotted."""
        return [(risk, subject) for risk in self.risks for subject in self.subjects]

    def matching(self, finding: Finding) -> tuple[str, str] | None:
        if not (any(fnmatch.fnmatchcase(finding.spec, spec) for spec in self.specs)
                and fnmatch.fnmatchcase(finding.where, self.where)):
            return None
        return next(((risk, subject) for risk, subject in self.cells()
                     if finding.risk == risk and fnmatch.fnmatchcase(finding.subject, subject)), None)


_FIELDS = {"where", "risk", "subjects", "reason"}


def _strings(value: Any) -> tuple[str, ...]:
    return tuple(map(str, value if isinstance(value, list) else [value]))


def load_reasons(path: Path = REASONS) -> list[Reason]:
    try:
        entries = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise ScanError(f"{path}: cannot read the reasons: {error}") from None
    if not isinstance(entries, list):
        raise ScanError(f"{path}: must be a list of entries with where, risk, subjects and reason")
    reasons = []
    for number, entry in enumerate(entries, 1):
        if not isinstance(entry, dict) or not set(entry) >= _FIELDS or set(entry) - _FIELDS - {"specs"}:
            raise ScanError(f"{path}: entry {number} must have where, risk, subjects and reason (and may have specs), nothing else")
        risks = _strings(entry["risk"])
        unknown = [risk for risk in risks if risk not in (*POLICY_RISKS, *TRUST_RISKS)]
        if unknown:
            known = ", ".join((*POLICY_RISKS, *TRUST_RISKS))
            raise ScanError(f"{path}: entry {number}: risk {unknown[0]!r} is none of cloudsplaining's: {known}")
        if not str(entry["reason"]).strip():
            raise ScanError(f"{path}: entry {number}: the reason is empty")
        reasons.append(Reason(str(entry["where"]), risks, _strings(entry["subjects"]), " ".join(str(entry["reason"]).split()),
                              _strings(entry.get("specs", "*"))))
    return reasons


def judge(findings: list[Finding], reasons: list[Reason]) -> tuple[list[Finding], list[str], dict[Reason, int]]:
    """The findings no reason explains, the parts of reasons that explain no finding, and how many each reason explains."""
    used: dict[tuple[Reason, str, str], int] = {(reason, *cell): 0 for reason in reasons for cell in reason.cells()}
    unexplained = []
    for finding in findings:
        cells = [(reason, cell) for reason in reasons if (cell := reason.matching(finding)) is not None]
        for reason, cell in cells:
            used[(reason, *cell)] += 1
        if not cells:
            unexplained.append(finding)
    stale = [f"{reason.where}: {risk}: {subject}" for (reason, risk, subject), count in used.items() if count == 0]
    explained = {reason: sum(count for (owner, _, _), count in used.items() if owner == reason) for reason in reasons}
    return unexplained, stale, explained


# --- the scan -------------------------------------------------------------------------------------


def scan_spec(spec: Path, cloudsplaining: Path, out: Path) -> tuple[dict[str, Any], list[Finding]]:
    """Apply the spec to a fresh fake AWS, scan its account; the details scanned and the findings."""
    from tests.effective import Deployment, apply_spec
    from tests.moto_server import MotoServer

    deployment = Deployment(spec)
    name = spec.relative_to(ROOT).as_posix()
    stem = name.replace("/", "-").removesuffix(".yaml")
    with MotoServer(deployment.account_id) as moto, tempfile.TemporaryDirectory(prefix="emr-iam-cloudsplaining-") as folder:
        apply_spec(deployment, Path(folder), moto)
        details = authorization_details(moto.client("iam", deployment.region))
    return details, findings_of(run_cloudsplaining(cloudsplaining, details, out, stem), name)


def run_cloudsplaining(cloudsplaining: Path, details: dict[str, Any], out: Path, stem: str) -> dict[str, Any]:
    """Write the details to `out/<stem>.json`, scan them with the strict settings; cloudsplaining's results."""
    details_file = out / f"{stem}.json"
    details_file.write_text(json.dumps(details, indent=1, sort_keys=True, default=str) + "\n", encoding="utf-8")
    exclusions = out / "no-exclusions.yaml"
    exclusions.write_text(yaml.safe_dump(NO_EXCLUSIONS, sort_keys=False), encoding="utf-8")
    command = [str(cloudsplaining), "scan", "--input-file", str(details_file), "--exclusions-file", str(exclusions),
               "--output", str(out), *STRICT_FLAGS]
    results_file = out / f"iam-results-{stem}.json"
    results_file.unlink(missing_ok=True)
    run = subprocess.run(command, capture_output=True, text=True, check=False, timeout=600)
    if run.returncode != 0 or not results_file.is_file():
        last = (run.stderr.strip() or run.stdout.strip()).splitlines()[-1:] or ["no output"]
        raise ScanError(f"cloudsplaining failed on {details_file} (exit {run.returncode}): {last[0]}")
    results: dict[str, Any] = json.loads(results_file.read_text(encoding="utf-8"))
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scripts.cloudsplaining_scan", description=__doc__.splitlines()[0])
    parser.add_argument("--cloudsplaining", type=Path, required=True, help="the cloudsplaining command of its own environment")
    parser.add_argument("--out", type=Path, required=True, help="folder for the authorization details and cloudsplaining's reports")
    parser.add_argument("--reasons", type=Path, default=REASONS, help="the reviewed list of expected findings")
    args = parser.parse_args(argv)
    try:
        if not args.cloudsplaining.is_file():
            raise ScanError(f"{args.cloudsplaining} is not installed: run `make cloudsplaining-env`")
        reasons = load_reasons(args.reasons)
        args.out.mkdir(parents=True, exist_ok=True)
        findings: list[Finding] = []
        principals = policies = 0
        for spec in SHARED_ACCOUNT_SPECS:
            details, found = scan_spec(spec, args.cloudsplaining.resolve(), args.out.resolve())
            findings += found
            principals += sum(len(details[kind]) for kind in ("UserDetailList", "GroupDetailList", "RoleDetailList"))
            policies += len(details["Policies"]) + sum(
                len(principal.get(key, [])) for kind, key in (("UserDetailList", "UserPolicyList"), ("GroupDetailList", "GroupPolicyList"),
                                                             ("RoleDetailList", "RolePolicyList"))
                for principal in details[kind])
    except ScanError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    unexplained, stale, explained = judge(findings, reasons)
    for finding in unexplained:
        print(f"unexplained finding: {finding.line()}")
    for cell in stale:
        print(f"reason matches no finding (remove it from {args.reasons.name}): {cell}")
    for reason, count in explained.items():
        print(f"{count:5} explained: {reason.where}: {', '.join(reason.risks)}")
    print(f"cloudsplaining {len(SHARED_ACCOUNT_SPECS)} specs: {principals} principals, {policies} policies"
          f" (managed and inline), {len(findings)} findings, {len(findings) - len(unexplained)} explained by"
          f" {sum(1 for count in explained.values() if count)} reasons, {len(unexplained)} unexplained, {len(stale)} stale reasons")
    return 1 if unexplained or stale else 0


if __name__ == "__main__":
    sys.exit(main())
