"""What an account holds after a spec's team modules are applied: every role's effective policies.

`apply_spec` renders a spec, applies all of its team modules to a local fake AWS (moto_server) in
one root, and returns the teams' outputs; `account` then reads back, with boto3, each role's
trust policy and every identity policy it has (inline, customer-managed, and the AWS managed
documents attached, as moto ships AWS's published copies), and the customer-managed policies
attached to groups. tests/test_cluster_starts.py evaluates them; `make scan` dumps the documents
the modules create for the IAM linters:

    python -m tests.effective --dump .scan/policies.json
"""

from __future__ import annotations

import argparse
import contextlib
import json
import re
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator import hcl
from generator.rendering import render
from generator.spec import load_spec
from tests import partitions
from tests.engine import ROOT, Engine, opentofu, provider_block
from tests.moto_server import ACCOUNT_ID, MotoServer


@dataclass(frozen=True)
class Deployment:
    """A spec applied in one region of one fake account: the default spec and every test spec."""

    spec: Path
    region: str = "us-east-1"
    account_id: str = ACCOUNT_ID

    @property
    def name(self) -> str:
        return self.spec.stem


# tests/specs/full.yaml writes GovCloud ARNs of account 111122223333 (its boundary and an attached
# policy): it is applied in us-gov-west-1 to a fake account with that ID, its policies made first.
DEPLOYMENTS = (
    Deployment(ROOT / "specs" / "platform.yaml"),
    Deployment(ROOT / "tests" / "specs" / "minimal.yaml"),
    Deployment(ROOT / "tests" / "specs" / "full.yaml", "us-gov-west-1", "111122223333"),
    Deployment(ROOT / "tests" / "specs" / "eks.yaml"),
    Deployment(ROOT / "tests" / "specs" / "studio.yaml"),
)


def label(team: str) -> str:
    return "team_" + team.replace("-", "_")


def _own_policy_arns(team: Any, partition: str, account_id: str) -> list[str]:
    """Customer-managed policies of `account_id` that the team attaches or uses as boundary."""
    settings = [team.service_role, team.ec2_role, team.autoscaling_role, *team.emrfs.roles, *team.runtime_roles, *team.eks.roles,
                team.studio.service_role, team.studio.user_role]
    arns = [arn for role in settings for arn in role.policy_arns] + ([team.permissions_boundary] if team.permissions_boundary else [])
    arns = [arn.replace("arn:{partition}:", f"arn:{partition}:") for arn in arns]
    return [arn for arn in arns if arn.startswith(f"arn:{partition}:iam::{account_id}:policy/")]


def prerequisites(spec_teams: list[Any], partition: str = "aws", account_id: str = ACCOUNT_ID) -> str:
    """What the spec expects an account to hold: the users, groups and roles the PassRole and step
    submitter policies are attached to, and the customer-managed policies it attaches or sets as boundary."""
    blocks = []
    own = list(dict.fromkeys(arn for team in spec_teams for arn in _own_policy_arns(team, partition, account_id)))
    for arn in own:
        path_and_name = arn.split(":policy", 1)[1]
        path, name = path_and_name.rsplit("/", 1)
        document = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"cloudwatch:PutMetricData","Resource":"*"}]}'
        blocks.append(f'resource "aws_iam_policy" "policy_{len(blocks)}" {{\n  name   = "{name}"\n  path   = "{path}/"\n'
                      f"  policy = {hcl.quote(document)}\n}}\n")
    # The users, groups and roles of the PassRole, step submitter and EMR Studio user policies, each made once.
    attached = {kind: list(dict.fromkeys(
        name for team in spec_teams
        for policy in (team.passrole_policy, team.step_submitter_policy, *(team.studio.session_policies if team.studio.create else ()))
        for name in getattr(policy, f"attach_to_{kind}s")
    )) for kind in ("group", "user", "role")}
    for kind in ("group", "user"):
        blocks += [f'resource "aws_iam_{kind}" "{kind}_{len(blocks)}" {{\n  name = "{name}"\n}}\n' for name in attached[kind]]
    for name in attached["role"]:
        trust = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"Service":"ec2.amazonaws.com"}}]}'
        blocks.append(f'resource "aws_iam_role" "role_{len(blocks)}" {{\n  name               = "{name}"\n  assume_role_policy = {hcl.quote(trust)}\n}}\n')
    return "\n".join(blocks)


def apply_spec(deployment: Deployment, workdir: Path, moto: MotoServer, engine: Engine | None = None) -> dict[str, dict[str, Any]]:
    """Render the spec into `workdir/modules`, apply every team module to `moto`; outputs by team."""
    engine = engine or opentofu()
    spec = load_spec(deployment.spec)
    render(str(deployment.spec), str(workdir / "modules"))
    setup = prerequisites(list(spec.teams), partitions.partition_of_region(deployment.region), deployment.account_id)
    addresses = [f"{kind}.{name}" for kind, name in re.findall(r'^resource "(\w+)" "(\w+)"', setup, re.M)]
    depends = f"\n  depends_on = [{', '.join(addresses)}]\n" if addresses else "\n"
    teams = "".join(
        f'\nmodule "{label(team.name)}" {{\n  source = "./modules/teams/{team.name}"{depends}}}\n\n'
        f'output "{label(team.name)}" {{\n  value = module.{label(team.name)}\n}}\n'
        for team in spec.teams
    )
    (workdir / "main.tf").write_text(setup + teams, encoding="utf-8")
    (workdir / "provider.tf").write_text(provider_block(deployment.region, endpoint=moto.endpoint), encoding="utf-8")
    engine.init(workdir)
    engine.run("apply", "-auto-approve", "-input=false", "-no-color", cwd=workdir)
    outputs = json.loads(engine.run("output", "-json", "-no-color", cwd=workdir).stdout)
    return {team.name: outputs[label(team.name)]["value"] for team in spec.teams}


@contextlib.contextmanager
def applied_alone(folder: Path, deployment: Deployment) -> Iterator[tuple[MotoServer, Path, dict[str, dict[str, Any]]]]:
    """The deployment applied once to a moto_server of its own: (the server, the root in `folder`, the teams' outputs).

    For a module's tests that only read what the apply made: no other test resets that server (the
    `moto` fixture resets the worker's), so they can share one apply. A test that changes or destroys
    what was applied takes its own apply instead.
    """
    workdir = folder / "root"
    workdir.mkdir()
    with MotoServer(deployment.account_id) as moto:
        yield moto, workdir, apply_spec(deployment, workdir, moto)


@dataclass
class Role:
    arn: str
    trust: dict[str, Any]
    # Identity policies by a readable name: "inline <name>" or the attached policy's ARN.
    policies: dict[str, dict[str, Any]] = field(default_factory=dict)


@dataclass
class Account:
    roles: dict[str, Role]  # by ARN
    group_policies: dict[str, dict[str, dict[str, Any]]]  # group name -> attached policy ARN -> document
    customer_managed: dict[str, dict[str, Any]]  # every customer-managed policy by ARN


def _document(value: Any) -> dict[str, Any]:
    decoded: dict[str, Any] = json.loads(value) if isinstance(value, str) else value
    return decoded


def account(moto: MotoServer, region: str = "us-east-1") -> Account:
    iam = moto.client("iam", region)
    managed_cache: dict[str, dict[str, Any]] = {}

    def managed(arn: str) -> dict[str, Any]:
        if arn not in managed_cache:
            version = iam.get_policy(PolicyArn=arn)["Policy"]["DefaultVersionId"]
            managed_cache[arn] = _document(iam.get_policy_version(PolicyArn=arn, VersionId=version)["PolicyVersion"]["Document"])
        return managed_cache[arn]

    roles: dict[str, Role] = {}
    for listed in iam.get_paginator("list_roles").paginate().build_full_result()["Roles"]:
        name = listed["RoleName"]
        role = Role(listed["Arn"], _document(listed["AssumeRolePolicyDocument"]))
        for policy_name in iam.list_role_policies(RoleName=name)["PolicyNames"]:
            role.policies[f"inline {policy_name}"] = _document(iam.get_role_policy(RoleName=name, PolicyName=policy_name)["PolicyDocument"])
        for attached in iam.list_attached_role_policies(RoleName=name)["AttachedPolicies"]:
            role.policies[attached["PolicyArn"]] = managed(attached["PolicyArn"])
        roles[role.arn] = role
    groups: dict[str, dict[str, dict[str, Any]]] = {}
    for group in iam.get_paginator("list_groups").paginate().build_full_result()["Groups"]:
        attached = iam.list_attached_group_policies(GroupName=group["GroupName"])["AttachedPolicies"]
        groups[group["GroupName"]] = {policy["PolicyArn"]: managed(policy["PolicyArn"]) for policy in attached}
    local = iam.get_paginator("list_policies").paginate(Scope="Local").build_full_result()["Policies"]
    return Account(roles, groups, {policy["Arn"]: managed(policy["Arn"]) for policy in local})


def created_documents(found: Account, spec_name: str) -> list[dict[str, Any]]:
    """Every document the modules created (trust, inline, customer-managed), not AWS's own."""
    documents = []
    for role in found.roles.values():
        documents.append({"where": f"{spec_name}: {role.arn} trust", "kind": "trust", "document": role.trust})
        for name, document in role.policies.items():
            if name.startswith("inline "):
                documents.append({"where": f"{spec_name}: {role.arn} {name}", "kind": "identity", "document": document})
    for arn, document in found.customer_managed.items():
        documents.append({"where": f"{spec_name}: {arn}", "kind": "identity", "document": document})
    return documents


def dump(target: Path) -> int:
    """Apply every deployment to a fresh moto_server and write the documents the modules created."""
    documents: list[dict[str, Any]] = []
    for deployment in DEPLOYMENTS:
        with tempfile.TemporaryDirectory(prefix="emr-iam-scan-") as folder, applied_alone(Path(folder), deployment) as (moto, _, _):
            documents += created_documents(account(moto, deployment.region), deployment.spec.relative_to(ROOT).as_posix())
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(documents, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"{target}: {len(documents)} policy documents from {len(DEPLOYMENTS)} specs")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.effective", description=__doc__.splitlines()[0])
    parser.add_argument("--dump", type=Path, required=True, help="JSON file to write the created policy documents to")
    return dump(parser.parse_args(argv).dump)


if __name__ == "__main__":
    sys.exit(main())
