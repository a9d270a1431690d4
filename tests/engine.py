"""The Terraform engines the tests run: OpenTofu from `make tools`, and Terraform when on PATH.

A missing OpenTofu is a test failure, never a skip: `make test` installs it first.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TOOLS = Path(os.environ.get("EMR_IAM_TOOLS", ROOT / ".tools"))
PLUGIN_DIR = TOOLS / "plugins"
CLI_CONFIG = TOOLS / "tofurc"
MODULES = ROOT / "modules"
EXAMPLES = ROOT / "examples"


@dataclass(frozen=True)
class Engine:
    name: str
    binary: Path

    def env(self) -> dict[str, str]:
        return {**os.environ, "TF_CLI_CONFIG_FILE": str(CLI_CONFIG), "TF_IN_AUTOMATION": "1", "CHECKPOINT_DISABLE": "1"}

    def run(self, *args: str, cwd: Path, check: bool = True) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(
            [str(self.binary), *args], cwd=cwd, env=self.env(), capture_output=True, text=True, timeout=600
        )
        if check and result.returncode != 0:
            pytest.fail(f"{self.name} {' '.join(args)} failed in {cwd}:\n{result.stdout}\n{result.stderr}")
        return result

    def init(self, cwd: Path) -> None:
        self.run("init", "-backend=false", "-input=false", "-no-color", f"-plugin-dir={PLUGIN_DIR}", cwd=cwd)


def opentofu() -> Engine:
    binary = TOOLS / "bin" / "tofu"
    if not binary.is_file():
        pytest.fail(f"OpenTofu is not installed at {binary}: run `make tools` (make test does)", pytrace=False)
    return Engine("tofu", binary)


def engines() -> list[Engine]:
    """OpenTofu always; Terraform too when a `terraform` binary is on PATH."""
    found = [opentofu()]
    terraform = shutil.which("terraform")
    if terraform:
        found.append(Engine("terraform", Path(terraform)))
    return found


def engine_names() -> list[str]:
    return ["tofu", *(["terraform"] if shutil.which("terraform") else [])]


def engine_by_name(name: str) -> Engine:
    return next(engine for engine in engines() if engine.name == name)


def copy_tree(destination: Path) -> Path:
    """Copy modules/ and examples/ into `destination` so relative module sources resolve."""
    ignore = shutil.ignore_patterns(".terraform", ".terraform.lock.hcl", "*.tfstate*")
    shutil.copytree(MODULES, destination / "modules", ignore=ignore)
    if EXAMPLES.is_dir():
        shutil.copytree(EXAMPLES, destination / "examples", ignore=ignore)
    return destination


def provider_block(region: str = "us-east-1", endpoint: str | None = None) -> str:
    """A provider block that plans offline (and applies against a local fake AWS at `endpoint`)."""
    lines = [
        'provider "aws" {',
        f'  region                      = "{region}"',
        '  access_key                  = "testing"',
        '  secret_key                  = "testing"',
        "  skip_credentials_validation = true",
        "  skip_get_ec2_platforms      = true",
        "  skip_metadata_api_check     = true",
        "  skip_region_validation      = true",
        f"  skip_requesting_account_id  = {'false' if endpoint else 'true'}",
    ]
    if endpoint:
        lines += ["", "  endpoints {", f'    iam = "{endpoint}"', f'    sts = "{endpoint}"', f'    emr = "{endpoint}"', "  }"]
    lines.append("}")
    return "\n".join(lines) + "\n"


def plan_json(engine: Engine, workdir: Path, *args: str) -> dict:
    """Init, plan and return `show -json` of the plan."""
    import json

    engine.init(workdir)
    engine.run("plan", "-input=false", "-no-color", "-out=plan.bin", *args, cwd=workdir)
    return json.loads(engine.run("show", "-json", "plan.bin", cwd=workdir).stdout)


def planned_resources(plan: dict) -> dict[str, dict]:
    """Planned values of every resource, by address."""
    found: dict[str, dict] = {}

    def walk(module: dict) -> None:
        for resource in module.get("resources", []):
            found[resource["address"]] = resource.get("values", {})
        for child in module.get("child_modules", []):
            walk(child)

    walk(plan["planned_values"]["root_module"])
    return found
