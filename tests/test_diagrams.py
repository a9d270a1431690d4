"""Each team's README shows that team: its usage, the outputs of what it creates, and a Mermaid diagram.

Every generated diagram (the committed team modules and every test spec's teams) is parsed by mermaid's
own parser, run by Node.js from `make mermaid`, not compared as a string; a broken diagram is the control
that shows the parser refuses what GitHub and GitLab would not draw.
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest

from generator.model import resolve
from generator.spec import read_spec
from generator.templating import render_texts
from tests.engine import MODULES, ROOT

TOOLS = Path(__import__("os").environ.get("EMR_IAM_TOOLS", ROOT / ".tools"))
MERMAID = TOOLS / "mermaid"
SCRIPT = ROOT / "tests" / "mermaid_parse.mjs"
SPECS = [ROOT / "specs" / "platform.yaml", *sorted((ROOT / "tests" / "specs").glob("*.yaml"))]
BLOCK = re.compile(r"```mermaid\n(.*?)```", re.S)

ONE_OF_EACH = """\
version: 1
defaults:
  source_account_id: "111122223333"
  name_prefix: "{team}-"
teams:
  - name: streaming
    service_role: {create: false}
    ec2_role: {create: false}
    autoscaling_role: {create: false}
    passrole_policy: {create: false}
    emrfs: {create: false}
    eks:
      roles:
        - name: spark
          clusters: [{name: prod, oidc_issuer: "https://oidc.eks.us-east-1.amazonaws.com/id/ABC", namespaces: [jobs]}]
  - name: jobs
    service_role: {create: false}
    ec2_role: {create: false}
    autoscaling_role: {create: false}
    passrole_policy: {create: false}
    emrfs: {create: false}
    serverless: {runtime_roles: [{name: etl}]}
  - name: platform
    passrole_policy: {attach_to_groups: [platform-operators]}
    emrfs: {roles: [{name: raw}]}
    runtime_roles: [{name: steps}]
    step_submitter_policy: {attach_to_groups: [platform-submitters]}
    serverless: {runtime_roles: [{name: etl}]}
    eks:
      roles:
        - name: spark
          clusters: [{name: prod, oidc_issuer: "https://oidc.eks.us-east-1.amazonaws.com/id/ABC", namespaces: [jobs]}]
    studio:
      create: true
      workspace_bucket: platform-studio
      session_policies: [{name: studio-advanced, tier: advanced}]
"""


def parse(diagrams: list[str], tmp_path: Path) -> list[dict[str, str]]:
    """mermaid.parse on each diagram, in one Node.js process."""
    assert (MERMAID / "node_modules" / "mermaid").is_dir(), "the Mermaid parser is not installed: run `make mermaid`"
    data = tmp_path / "diagrams.json"
    data.write_text(json.dumps(diagrams), encoding="utf-8")
    result = subprocess.run(
        ["node", "--input-type=module", "-e", SCRIPT.read_text(encoding="utf-8"), str(data)],
        cwd=MERMAID, capture_output=True, text=True, timeout=300, check=False,
    )
    assert result.returncode == 0, result.stderr
    parsed: list[dict[str, str]] = json.loads(result.stdout)
    assert len(parsed) == len(diagrams)
    return parsed


def _team_readmes(spec: Path, out: Path) -> dict[str, str]:
    return {path.split("/")[1]: text for path, text in render_texts(read_spec(spec), out).files.items()
            if path.startswith("teams/") and path.endswith("/README.md")}


@pytest.fixture(scope="module")
def one_of_each(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    folder = tmp_path_factory.mktemp("one-of-each")
    (folder / "platform.yaml").write_text(ONE_OF_EACH, encoding="utf-8")
    return _team_readmes(folder / "platform.yaml", folder / "modules")


def test_every_diagram_parses(tmp_path: Path, one_of_each: dict[str, str]) -> None:
    readmes = [path.read_text(encoding="utf-8") for path in sorted((MODULES / "teams").glob("*/README.md"))]
    for spec in SPECS:
        readmes += list(_team_readmes(spec, tmp_path / spec.stem).values())
    readmes += list(one_of_each.values())
    diagrams = [block for text in readmes for block in BLOCK.findall(text)]
    assert len(diagrams) == len(readmes), "every team README has exactly one diagram"
    broken = diagrams[0].replace("-->|", "-->|(", 1)  # the control: an unbalanced label
    results = parse([*diagrams, broken], tmp_path)
    assert [result.get("type") for result in results[:-1]] == ["flowchart-v2"] * len(diagrams), results
    assert "Parse error" in results[-1].get("error", ""), results[-1]


def test_each_role_the_team_creates_is_in_its_diagram(one_of_each: dict[str, str], tmp_path: Path) -> None:
    (tmp_path / "platform.yaml").write_text(ONE_OF_EACH, encoding="utf-8")
    for module in resolve(read_spec(tmp_path / "platform.yaml")):
        diagram = BLOCK.findall(one_of_each[module.team])[0]
        roles = [name for field, (kind, name) in module.unique_names.items() if kind == "role"]
        assert roles and all(f'(["{name}"])' in diagram for name in roles), (module.team, roles)


def test_a_readme_shows_only_what_its_team_has(one_of_each: dict[str, str]) -> None:
    def outputs(text: str) -> set[str]:
        return set(re.findall(r"^\| `(\w+)` \| [^|]*\|$", text.split("## Outputs")[1], re.M))

    streaming, jobs, platform = one_of_each["streaming"], one_of_each["jobs"], one_of_each["platform"]
    for text in (streaming, jobs):
        assert "aws_emr_cluster" not in text and "service_role_name" not in outputs(text)
    assert 'module.emr_iam.eks_role_arns["streaming-spark"]' in streaming and "serverless_role_arns" not in streaming
    assert 'module.emr_iam.serverless_role_arns["jobs-etl"]' in jobs and "eks_role_arns" not in jobs
    assert outputs(streaming) == {"eks_role_names", "eks_role_arns", "eks_pod_identity_associations", "eks_submitter_policy_name",
                                  "eks_submitter_policy_arn"}
    assert "aws_emr_cluster" in platform and 'runtime_role_arns["platform-steps"]' in platform
    assert "studio_service_role_arn" in platform and {"service_role_name", "eks_role_arns", "serverless_role_arns"} <= outputs(platform)
    assert "groups: platform-operators" in platform and "groups: platform-submitters" in platform
