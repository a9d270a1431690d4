"""Who may assume and pass which of a team's roles, as a Mermaid flowchart for the team's README.

Drawn from the team module's arguments (the roles the module creates, by name) and the spec (the
people its policies are attached to), so it shows what the HCL does: services and roles that assume
each role (the trust policies of generator/policies.py), and people and roles that may pass it
(PassRole, the step and job submitter policies, the service role's PassRole statement).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import Any

from generator import facts, policies
from generator.spec import Team
from generator.statements import Statement

# Services by the key of facts.SERVICE_PRINCIPALS (or another word), as the diagram names them.
SERVICES = {
    "elasticmapreduce": "Amazon EMR",
    "ec2": "Amazon EC2",
    "application-autoscaling": "Application Auto Scaling",
    "emr-serverless": "EMR Serverless",
    "eks": "EKS pods (job service accounts)",
}


_PRINCIPAL = re.compile(r'^local\.service_principals(?:\.([\w-]+)|\["([\w-]+)"\])$')


def _services(statements: Iterable[Statement]) -> list[str]:
    """The services a trust policy's statements let assume the role, by their key in facts.SERVICE_PRINCIPALS."""
    found = []
    for statement in statements:
        for identifier in statement.principals.identifiers if statement.principals is not None else ():
            match = _PRINCIPAL.match(getattr(identifier, "code", ""))
            if match:
                found.append(match[1] or match[2])
    return found


def _quoted(text: str) -> str:
    return '"' + text.replace('"', "#quot;") + '"'


def _people(kind: str, name: str, users: Sequence[str], groups: Sequence[str], roles: Sequence[str]) -> str:
    holders = [f"{what}: {', '.join(names)}" for what, names in (("users", users), ("groups", groups), ("roles", roles)) if names]
    return f"{kind} {name}<br/>" + ("<br/>".join(holders) if holders else "attached by the workspace")


class _Graph:
    """Nodes in three groups (people, services, roles), each declared once, and labelled edges."""

    def __init__(self) -> None:
        self.ids: dict[tuple[str, str], str] = {}  # (group, key): node id
        self.declared: dict[str, list[str]] = {"people": [], "services": [], "roles": []}
        self.edges: list[str] = []

    def node(self, group: str, key: str, label: str, shape: tuple[str, str] = ("[", "]")) -> str:
        if (group, key) not in self.ids:
            node_id = f"{group[0]}{len(self.declared[group]) + 1}"
            self.ids[group, key] = node_id
            self.declared[group].append(f"{node_id}{shape[0]}{_quoted(label)}{shape[1]}")
        return self.ids[group, key]

    def edge(self, source: str, label: str, target: str) -> None:
        self.edges.append(f"  {source} -->|{_quoted(label)}| {target}")

    def text(self, team: str) -> str:
        titles = {"people": "People and CI", "services": "AWS services", "roles": f"Roles of team {team}"}
        lines = ["flowchart LR"]
        for group, title in titles.items():
            if self.declared[group]:
                lines += [f"  subgraph {group}[{_quoted(title)}]", *(f"    {node}" for node in self.declared[group]), "  end"]
        return "\n".join([*lines, *self.edges]) + "\n"


def team_diagram(team: Team, arguments: Mapping[str, Any], used: Collection[str]) -> str:
    """The team's roles with the services and people that may assume or pass them; `used` names the pieces the team's
    module turns on (model.used_pieces)."""
    graph = _Graph()

    def service(key: str) -> str:
        return graph.node("services", key, SERVICES[key])

    def role(name: str) -> str:
        return graph.node("roles", name, name, ("([", "])"))

    cluster: dict[str, str] = {}
    for key in ("service_role", "ec2_role", "autoscaling_role"):
        if key in used:
            cluster[key] = role(arguments[f"{key}_name"])
    trusted_by = {
        "service_role": _services(policies.SERVICE_ROLE_TRUST),
        "ec2_role": _services(policies.EC2_ROLE_TRUST),
        "autoscaling_role": _services(policies.AUTOSCALING_ROLE_TRUST),
    }
    for key, node in cluster.items():
        for principal in trusted_by[key]:
            graph.edge(service(principal), "assumes", node)
    if "service_role" in cluster:
        for key in ("ec2_role", "autoscaling_role"):
            if key in cluster:
                graph.edge(cluster["service_role"], f"passes to {SERVICES[facts.PASSED_TO[key]]}", cluster[key])
    if "passrole_policy" in used and cluster:
        passrole = team.passrole_policy
        people = graph.node("people", "passrole", _people(
            "PassRole policy", arguments["passrole_policy_name"],
            passrole.attach_to_users, passrole.attach_to_groups, passrole.attach_to_roles,
        ))
        for key, node in cluster.items():
            graph.edge(people, f"passes to {SERVICES[facts.PASSED_TO[key]]}", node)
    ec2 = cluster.get("ec2_role")
    if ec2 is not None and "emrfs" in used:  # EMRFS requires the EC2 role (its piece says so)
        for name in arguments.get("emrfs_roles") or {}:
            graph.edge(ec2, "assumes (EMRFS)", role(name))
    runtime = list(arguments.get("runtime_roles") or {}) if "runtime_roles" in used else []
    _submitted(graph, runtime, ec2, "assumes (step)", team.step_submitter_policy.create and runtime, lambda: _people(
        "step submitter policy", arguments["runtime_submitter_policy_name"], team.step_submitter_policy.attach_to_users,
        team.step_submitter_policy.attach_to_groups, team.step_submitter_policy.attach_to_roles,
    ), "passes as ExecutionRoleArn", role)
    serverless = list(arguments.get("serverless_roles") or {}) if "serverless_roles" in used else []
    _submitted(graph, serverless, service("emr-serverless") if serverless else None, "assumes", team.serverless.submitter_policy,
               lambda: _people("job submitter policy", arguments["serverless_submitter_policy_name"], (), (), ()),
               "passes as executionRoleArn", role)
    eks = list(arguments.get("eks_roles") or {}) if "eks_roles" in used else []
    _submitted(graph, eks, service("eks") if eks else None, "assumes", team.eks.submitter_policy,
               lambda: _people("job submitter policy", arguments["eks_submitter_policy_name"], (), (), ()),
               "passes as executionRoleArn", role)
    if "studio_roles" in used:
        studio = team.studio
        graph.edge(service("elasticmapreduce"), "assumes (Studio)", role(arguments["studio_service_role_name"]))
        users = graph.node("people", "studio", "EMR Studio users<br/>" + ", ".join(policy.name for policy in studio.session_policies))
        if studio.auth_mode == "SSO":
            user_role = role(arguments["studio_user_role_name"])
            graph.edge(service("elasticmapreduce"), "assumes for signed-in users", user_role)
            graph.edge(users, "work as", user_role)
        if any(policy.tier == "advanced" for policy in studio.session_policies):
            for key in ("service_role", "ec2_role"):
                if key in cluster:
                    graph.edge(users, "advanced tier passes", cluster[key])
    return graph.text(team.name)


def _submitted(
    graph: _Graph, roles: Iterable[str], assumer: str | None, assumes: str, submits: Any, people: Any, passes: str, role: Any
) -> None:
    names = list(roles)
    if not names or assumer is None:
        return
    label = people() if submits else None
    submitter = graph.node("people", label, label) if label is not None else None
    for name in names:
        node = role(name)
        graph.edge(assumer, assumes, node)
        if submitter is not None:
            graph.edge(submitter, passes, node)
