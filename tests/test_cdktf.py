"""The CDK example, synthesised with CDK Terrain (.venv-cdktn, make cdktn-env) and with CDKTF
(.venv-cdktf, make cdktf-env), each in its own environment, then planned with every engine.

Both need Node.js and jsii, so they live in their own environments and run in a subprocess; the
main environment imports neither. Each environment holds one flavour only, so generator.cdktf
runs on exactly that one there.
"""

from __future__ import annotations

import json
import os
import subprocess
import textwrap
from pathlib import Path
from typing import Any

import pytest

from tests import workspace
from tests.engine import ROOT, copy_tree, engine_by_name, engine_names

pytestmark = pytest.mark.engine

# Flavour -> (its environment, the make target that creates it).
FLAVOURS = {
    "cdktn": (ROOT / ".venv-cdktn", "cdktn-env"),
    "cdktf": (ROOT / ".venv-cdktf", "cdktf-env"),
}
STACK = "emr-iam"


def run_cdk_python(flavour: str, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    venv, target = FLAVOURS[flavour]
    python = venv / "bin" / "python"
    if not python.is_file():
        pytest.fail(f"{python} is missing: run `make {target}` (make test does)", pytrace=False)
    return subprocess.run([str(python), *args], cwd=cwd, capture_output=True, text=True, timeout=600, env={**os.environ})


def synth(flavour: str, tree: Path) -> Path:
    app = tree / "examples" / "cdktf"
    result = run_cdk_python(flavour, "main.py", cwd=app)
    assert result.returncode == 0, f"{flavour} synth failed:\n{result.stdout}\n{result.stderr}"
    stack = app / "cdktf.out" / "stacks" / STACK
    assert (stack / "cdk.tf.json").is_file(), f"no cdk.tf.json after synth: {sorted(p.name for p in app.rglob('*'))}"
    return stack


@pytest.fixture(params=sorted(FLAVOURS))
def flavour(request: pytest.FixtureRequest) -> str:
    name: str = request.param
    return name


@pytest.fixture
def synthesised(flavour: str, tmp_path: Path) -> Path:
    return synth(flavour, copy_tree(tmp_path / "tree"))


def test_each_environment_runs_its_own_flavour_only(flavour: str, tmp_path: Path) -> None:
    script = (
        "import importlib.util, generator.cdktf as c; "
        "print(c.FLAVOUR, c.App.__module__, [m for m in ('cdktn', 'cdktf') if importlib.util.find_spec(m)])"
    )
    result = run_cdk_python(flavour, "-c", script, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split(maxsplit=2) == [flavour, flavour, f"['{flavour}']\n"], result.stdout


def test_synthesised_by_the_flavour_in_use(synthesised: Path, flavour: str) -> None:
    """cdk.tf.json records the library that wrote it: the stack really came from this flavour."""
    config = json.loads((synthesised / "cdk.tf.json").read_text(encoding="utf-8"))
    pinned = next(line for line in (ROOT / "pyproject.toml").read_text(encoding="utf-8").splitlines() if line.startswith(f"{flavour} = "))
    assert f'"{flavour}=={config["//"]["metadata"]["version"]}"' in pinned, (config["//"]["metadata"], pinned)


def test_both_flavours_synthesise_the_same_configuration(tmp_path: Path) -> None:
    """Moving an app from CDKTF to CDK Terrain changes nothing the engine sees."""
    configs = {}
    for name in sorted(FLAVOURS):
        config = json.loads((synth(name, copy_tree(tmp_path / name)) / "cdk.tf.json").read_text(encoding="utf-8"))
        config.pop("//")
        configs[name] = config
    assert configs["cdktn"] == configs["cdktf"]
    assert configs["cdktn"]["module"], "nothing synthesised"


def test_the_main_environment_does_not_need_cdktf() -> None:
    import importlib.util

    for flavour in FLAVOURS:
        assert importlib.util.find_spec(flavour) is None, f"{flavour} belongs in its own environment only"
    for module in (ROOT / "generator").glob("*.py"):
        if module.name != "cdktf.py":
            assert "cdktf" not in module.read_text(encoding="utf-8").replace("CDKTF", ""), f"{module} mentions cdktf"


def test_synthesised_modules_point_into_the_generated_tree(synthesised: Path) -> None:
    config = json.loads((synthesised / "cdk.tf.json").read_text(encoding="utf-8"))
    modules = config["module"]
    assert set(modules) == {"analytics", "default_roles"}
    for name, target in (("analytics", "modules/teams/analytics"), ("default_roles", "modules/emr-iam")):
        source = modules[name]["source"]
        assert source.startswith("../") and not os.path.isabs(source), source
        assert (synthesised / source).resolve() == (synthesised.parents[4] / target).resolve()
    assert modules["analytics"]["tags"] == {"Stack": STACK}
    assert modules["default_roles"]["service_role_managed_policy"] == "v1"
    assert config["terraform"]["required_providers"]["aws"]["source"] == "hashicorp/aws"


@pytest.mark.parametrize("engine_name", engine_names())
def test_synthesised_stack_plans(engine_name: str, synthesised: Path) -> None:
    engine = engine_by_name(engine_name)
    stack = synthesised  # planned where synth wrote it: the relative module sources must resolve from there
    workspace.write_offline_provider(stack)
    workspace.init(engine, stack)
    plan_json: dict[str, Any] = workspace.plan(engine, stack)
    planned = workspace.actions(plan_json)
    assert {tuple(actions) for actions in planned.values()} == {("create",)}
    roles = sorted(c["change"]["after"]["name"] for c in workspace.managed_changes(plan_json) if c["type"] == "aws_iam_role")
    assert roles == [
        "EMR_AutoScaling_DefaultRole",
        "EMR_DefaultRole",
        "EMR_EC2_DefaultRole",
        "analytics-EMR_AutoScaling_DefaultRole",
        "analytics-EMR_DefaultRole",
        "analytics-EMR_EC2_DefaultRole",
        "analytics-eks-nightly",
        "analytics-eks-spark",
        "analytics-emrfs-curated",
        "analytics-emrfs-raw",
        "analytics-serverless-etl",
    ]
    # The team module's resources sit under the construct's id, like a hand-written module block.
    assert "module.analytics.module.emr_iam.module.ec2_role[0].aws_iam_instance_profile.this[0]" in planned
    assert not [address for address in planned if address.startswith("module.default_roles.module.emrfs.")]
    outputs = plan_json["planned_values"]["outputs"]
    assert outputs["analytics_instance_profile"]["value"] == "analytics-EMR_EC2_DefaultRole"
    assert outputs["default_service_role"]["value"] == "EMR_DefaultRole"


def test_constructs_reject_unknown_variables_and_outputs(flavour: str, tmp_path: Path) -> None:
    copy_tree(tmp_path)
    script = textwrap.dedent(
        f"""
        import json

        from generator.cdktf import App, CdktfError, EmrIam, EmrIamTeam, OUTPUTS, TerraformStack, _Output

        app = App(outdir={str(tmp_path / "out")!r})
        stack = TerraformStack(app, "s")
        modules = {str(tmp_path / "modules")!r}
        try:
            EmrIam(stack, "typo", modules_dir=modules, servce_role_name="x")
        except CdktfError as error:
            print("variable:", error)
        team = EmrIamTeam(stack, "team", modules_dir=modules, team="data-science")
        try:
            team.output("no_such_output")
        except CdktfError as error:
            print("output:", error)
        try:
            EmrIamTeam(stack, "missing", modules_dir=modules, team="nobody")
        except CdktfError as error:
            print("team:", error)
        print("typed:", json.dumps(sorted(name for name in OUTPUTS if isinstance(getattr(type(team), name, None), _Output))))
        """
    )
    result = run_cdk_python(flavour, "-c", script, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    lines = dict(line.split(": ", 1) for line in result.stdout.splitlines() if ": " in line)
    assert lines["variable"] == "modules/emr-iam has no variable servce_role_name"
    assert lines["output"].startswith("the module has no output 'no_such_output'")
    assert "teams/nobody: no generated module here" in lines["team"]
    typed = json.loads(lines["typed"])
    assert {"service_role_name", "instance_profile_name", "autoscaling_role_name", "security_configuration_name"} <= set(typed)
