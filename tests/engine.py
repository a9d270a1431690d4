"""The Terraform engines the tests run, from one list (ENGINES), and the provider block they plan with.

`make tools` installs OpenTofu and the Terraform builds of scripts/toolchain.py into .tools/bin/;
a missing one is a test failure, never a skip (`make test` installs them first). The image's
own `terraform` on PATH joins the list when present and is never required.

Which engine runs what (README, "Compatibility"):
- every engine (`engine_names()`): `fmt -check`, `validate` of every module and example, the plan
  of every example, the plan cases of tests/plan/harness.py MATRIX_CASES, and the check that all
  engines plan the same values for each of those cases (tests/test_plans.py);
- INVENTORY_ENGINE (OpenTofu): every plan case, and the tests that need one engine only;
- `engine_names("apply")` (APPLY_ENGINES): apply and destroy against the local fake AWS.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from scripts.toolchain import OPENTOFU_VERSION, PROVIDER_VERSION, TERRAFORM_LIBRARIES

ROOT = Path(__file__).resolve().parent.parent
TOOLS = Path(os.environ.get("EMR_IAM_TOOLS", ROOT / ".tools"))
PLUGIN_DIR = TOOLS / "plugins"
CLI_CONFIG = TOOLS / "tofurc"
MODULES = ROOT / "modules"
EXAMPLES = ROOT / "examples"


# Go's garbage collector target for the engines and providers the tests run (Engine.env); a GOGC already in the
# environment wins.
GOGC = "400"


@dataclass(frozen=True)
class Engine:
    name: str
    binary: Path
    # The version `make tools` installed, or None for the image's `terraform` (whatever it is).
    version: str | None = None

    def env(self) -> dict[str, str]:
        # GOGC: the engine and the provider processes it starts (Go programs, which read it from the environment)
        # collect garbage less often. The provider builds its whole schema at every start, so with Go's default
        # (100) a good part of each command's CPU went to the collector; memory stays well within the machine.
        return {"GOGC": GOGC, **os.environ, "TF_CLI_CONFIG_FILE": str(CLI_CONFIG), "TF_IN_AUTOMATION": "1", "CHECKPOINT_DISABLE": "1"}

    def run(self, *args: str, cwd: Path, check: bool = True) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(
            [str(self.binary), *args], cwd=cwd, env=self.env(), capture_output=True, text=True, timeout=600
        )
        if check and result.returncode != 0:
            pytest.fail(f"{self.name} {' '.join(args)} failed in {cwd}:\n{result.stdout}\n{result.stderr}")
        return result

    def plans_no_change(self, cwd: Path, *args: str) -> None:
        """Fail unless a plan of `cwd` changes nothing: no resource, no data source read at apply, no output.

        `-detailed-exitcode` gives 0 only then on every engine the tests run (2 for any change, an
        output's alone included), so no `show -json` of the plan is needed to tell.
        """
        again = self.run("plan", "-input=false", "-no-color", "-detailed-exitcode", *args, cwd=cwd, check=False)
        if again.returncode != 0:
            pytest.fail(f"{self.name}: a plan after apply still changes something (exit {again.returncode}) in {cwd}:\n"
                        f"{again.stdout[-3000:]}\n{again.stderr[-2000:]}", pytrace=False)

    def init(self, cwd: Path) -> None:
        self.run("init", "-backend=false", "-input=false", "-no-color", f"-plugin-dir={PLUGIN_DIR}", cwd=cwd)


# `destroy` as the tests run it: right after an apply, or a plan that read every resource back and found
# nothing to change, so without refreshing them all once more first (a third of a destroy's CPU).
DESTROY = ("destroy", "-auto-approve", "-input=false", "-no-color", "-refresh=false")

INVENTORY_ENGINE = "tofu"
IMAGE_TERRAFORM = "terraform"
# Every engine the tests know: OpenTofu and the Terraform builds from `make tools` (required), then
# the image's `terraform` (only when on PATH).
ENGINES: tuple[Engine, ...] = (
    Engine(INVENTORY_ENGINE, TOOLS / "bin" / "tofu", OPENTOFU_VERSION),
    *(Engine(f"terraform-{version}", TOOLS / "bin" / f"terraform-{version}", version) for version in TERRAFORM_LIBRARIES),
)
# Apply and destroy tests: OpenTofu and the newest Terraform (each apply test resets the fake AWS
# and applies twice; every engine of the list already plans the same configurations).
APPLY_ENGINES = (INVENTORY_ENGINE, f"terraform-{max(TERRAFORM_LIBRARIES, key=lambda v: tuple(map(int, v.split('.'))))}")


def _known() -> dict[str, Engine]:
    known = {engine.name: engine for engine in ENGINES}
    on_path = shutil.which(IMAGE_TERRAFORM)
    if on_path:
        known[IMAGE_TERRAFORM] = Engine(IMAGE_TERRAFORM, Path(on_path))
    return known


def engine_names(purpose: str = "matrix") -> list[str]:
    """The engines a kind of test runs on: "matrix" (every engine) or "apply" (APPLY_ENGINES)."""
    if purpose == "matrix":
        return list(_known())
    if purpose == "apply":
        return list(APPLY_ENGINES)
    raise ValueError(f"unknown purpose {purpose!r}")


def engine_by_name(name: str) -> Engine:
    engine = _known()[name]
    if not engine.binary.is_file():
        pytest.fail(f"{name} is not installed at {engine.binary}: run `make tools` (make test does)", pytrace=False)
    return engine


def opentofu() -> Engine:
    return engine_by_name(INVENTORY_ENGINE)


def engine_version(engine: Engine) -> str:
    """The version the engine reports ("1.6.2"), for engines whose version the list does not fix."""
    if engine.version:
        return engine.version
    found = re.search(r"v(\d+\.\d+\.\d+)", engine.run("version", cwd=ROOT).stdout)
    if not found:
        pytest.fail(f"{engine.name} ({engine.binary}) does not report a version")
    return found.group(1)


def copy_tree(destination: Path) -> Path:
    """Copy modules/ and examples/ into `destination` so relative module sources resolve."""
    ignore = shutil.ignore_patterns(".terraform", ".terraform.lock.hcl", "*.tfstate*")
    shutil.copytree(MODULES, destination / "modules", ignore=ignore)
    if EXAMPLES.is_dir():
        shutil.copytree(EXAMPLES, destination / "examples", ignore=ignore)
    return destination


def provider_version(plugin_dir: Path = PLUGIN_DIR) -> str:
    """The hashicorp/aws version in the plugin mirror (the newest, if a newer one was dropped in beside it)."""
    found = {path.name for path in plugin_dir.glob("*/hashicorp/aws/*") if re.fullmatch(r"\d+\.\d+\.\d+", path.name)}
    if not found:
        pytest.fail(f"no hashicorp/aws provider under {plugin_dir}: run `make tools` (make test does)", pytrace=False)
    return max(found, key=lambda version: tuple(map(int, version.split("."))))


def provider_floor(folder: Path) -> str:
    """The oldest hashicorp/aws a module's versions.tf allows (its `version = ">= X"`)."""
    text = (folder / "versions.tf").read_text(encoding="utf-8")
    match = re.search(r'source\s*=\s*"hashicorp/aws"\s+version\s*=\s*">=\s*([0-9.]+)"', text)
    assert match, f"{folder}/versions.tf: no hashicorp/aws >= constraint"
    return match.group(1)


def needs_newer_provider(folder: Path) -> bool:
    """Whether a module asks for a newer provider than the one `make tools` installs (3.39, the only one to be had
    offline): such a module (modules/emr-eks-pod-identity) cannot be initialised, validated or planned here, and
    tests/test_provider_schema.py checks it against provider 6.x's schema instead."""
    def numbers(version: str) -> tuple[int, ...]:
        return tuple(int(part) for part in version.split("."))
    return numbers(provider_floor(folder)) > numbers(PROVIDER_VERSION)


# Offline settings that exist only up to a provider major version: the argument -> the last major that has it.
# Without skip_get_ec2_platforms, a 3.x plan waits ~25 s on EC2 retries; 5.x and later reject the argument.
PROVIDER_SETTINGS_UNTIL_MAJOR = {"skip_get_ec2_platforms": 4}


def provider_block(region: str = "us-east-1", endpoint: str | None = None, version: str | None = None) -> str:
    """A provider block that plans offline (and applies against a local fake AWS at `endpoint`), with only
    the arguments provider `version` has (default: the one in the plugin mirror)."""
    major = int((version or provider_version()).split(".")[0])
    settings = [
        ("region", f'"{region}"'),
        ("access_key", '"testing"'),
        ("secret_key", '"testing"'),
        ("skip_credentials_validation", "true"),
        ("skip_get_ec2_platforms", "true"),
        ("skip_metadata_api_check", "true"),
        ("skip_region_validation", "true"),
        ("skip_requesting_account_id", "false" if endpoint else "true"),
    ]
    kept = [(name, value) for name, value in settings if major <= PROVIDER_SETTINGS_UNTIL_MAJOR.get(name, major)]
    width = max(len(name) for name, _ in kept)
    lines = ['provider "aws" {', *(f"  {name.ljust(width)} = {value}" for name, value in kept)]
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
