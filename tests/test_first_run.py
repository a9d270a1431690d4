"""What a new user types, run as they type it: the real CLI in a subprocess, from a fresh folder.

Every command here runs with relative paths in a new working directory and a time limit, so a
render that hangs fails its test instead of stalling the suite. The README's quick start is
extracted from README.md and run literally, with `/path/to/emr-iam` pointing at this checkout.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.engine import MODULES, ROOT

CLI = Path(sys.executable).parent / "emr-iam"  # the console script `pip install` made
SPEC = ROOT / "specs" / "platform.yaml"
TIME_LIMIT = 120  # seconds for one render; a healthy one takes about a second
README = ROOT / "README.md"


def committed_modules() -> dict[str, bytes]:
    return {str(path.relative_to(MODULES)): path.read_bytes() for path in MODULES.rglob("*") if path.is_file()}


def tree(folder: Path) -> dict[str, bytes]:
    return {str(path.relative_to(folder)): path.read_bytes() for path in folder.rglob("*") if path.is_file()}


def run(argv: list[str], cwd: Path, timeout: int = TIME_LIMIT, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(argv, cwd=cwd, capture_output=True, text=True, timeout=timeout, env=env)
    except subprocess.TimeoutExpired:
        pytest.fail(f"`{' '.join(argv)}` in {cwd} did not finish within {timeout} s", pytrace=False)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A new folder holding only specs/platform.yaml, as a platform team's repository starts."""
    folder = tmp_path / "project"
    (folder / "specs").mkdir(parents=True)
    shutil.copy(SPEC, folder / "specs" / "platform.yaml")
    return folder


# Each spelling of --out, and where the modules should land, relative to the working directory.
SPELLINGS = {
    "bare": ("modules", "modules"),
    "dot-slash": ("./modules", "modules"),
    "nested": ("out/nested/modules", "out/nested/modules"),
    "parent": ("../x/modules", "../x/modules"),
}


@pytest.mark.parametrize("spelling", list(SPELLINGS), ids=list(SPELLINGS))
def test_render_into_a_missing_folder_as_typed(project: Path, spelling: str) -> None:
    out, lands = SPELLINGS[spelling]
    result = run([str(CLI), "render", "--spec", "specs/platform.yaml", "--out", out], cwd=project)
    assert (result.returncode, result.stderr) == (0, ""), result.stderr
    assert result.stdout.startswith(f"{out}: {len(committed_modules())} written, 0 removed, 0 unchanged")
    rendered = tree(project / lands)
    assert rendered.keys() == committed_modules().keys()
    if lands == "modules":  # the same layout as this repository: byte for byte the committed modules
        assert rendered == committed_modules()


def test_render_into_an_absolute_path(project: Path) -> None:
    out = project / "abs" / "modules"
    result = run([str(CLI), "render", "--spec", "specs/platform.yaml", "--out", str(out)], cwd=project)
    assert (result.returncode, result.stderr) == (0, ""), result.stderr
    assert tree(out).keys() == committed_modules().keys()


def test_render_through_a_symlink(project: Path, tmp_path: Path) -> None:
    (tmp_path / "real").mkdir()
    (project / "link").symlink_to(tmp_path / "real", target_is_directory=True)
    result = run([str(CLI), "render", "--spec", "specs/platform.yaml", "--out", "link/modules"], cwd=project)
    assert (result.returncode, result.stderr) == (0, ""), result.stderr
    assert tree(tmp_path / "real" / "modules").keys() == committed_modules().keys()


def _checkout_files() -> list[str]:
    """The files a clean clone has: tracked ones and new ones not ignored (so uncommitted work is tested too)."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT, capture_output=True, check=True, timeout=60
    ).stdout.decode().split("\0")
    return [name for name in listed if name and (ROOT / name).is_file()]


def test_make_modules_after_removing_modules_in_a_clean_clone(tmp_path: Path) -> None:
    clone = tmp_path / "clone"
    for name in _checkout_files():
        (clone / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, clone / name)
    shutil.rmtree(clone / "modules")
    env = {key: value for key, value in os.environ.items() if not key.startswith(("MAKE", "MFLAGS", "VIRTUAL_ENV"))}
    result = run(["make", "modules"], cwd=clone, timeout=900, env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert tree(clone / "modules") == committed_modules()


# --- the README's quick start, literally ------------------------------------------------------

SH_OR_FILE = re.compile(
    r"(?:<!-- (?:file: (?P<path>[^ ]+)|quick-start: (?P<step>[a-z-]+)) -->\n)?```(?P<lang>\w+)\n(?P<body>.*?)^```",
    re.DOTALL | re.MULTILINE,
)


def quick_start_script(checkout: Path) -> str:
    """The quick start as one bash script: its commands and files in README order, the offline step before the plans."""
    text = README.read_text(encoding="utf-8")
    section = text[text.index("## Quick start") :]
    section = section[: section.index("\n## ", 1)]
    steps: list[str] = []
    offline = plans = fake_aws = None
    for match in SH_OR_FILE.finditer(section):
        body = match["body"].replace("/path/to/emr-iam", str(checkout))
        if match["path"]:
            steps.append(f"cat > {match['path']} <<'README_FILE'\n{body}README_FILE")
        elif match["lang"] == "sh":
            if match["step"] == "offline":
                offline = body
            elif match["step"] == "plans":
                plans = body
            elif match["step"] == "fake-aws":
                fake_aws = body
            else:
                steps.append(body)
    assert offline and plans and fake_aws, "README quick start: the `offline`, `plans` and `fake-aws` steps are marked with <!-- quick-start: ... -->"
    return "set -euo pipefail\n" + "\n".join([*steps, offline, plans, fake_aws])


@pytest.mark.engine
def test_readme_quick_start_as_typed(tmp_path: Path) -> None:
    script = quick_start_script(ROOT)
    assert "cd emr-platform" in script and "--out modules" in script and "tofu plan" in script
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("MAKE", "MFLAGS", "VIRTUAL_ENV", "TF_", "EMR_IAM_"))}
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    result = run(["bash", "-c", script], cwd=tmp_path, timeout=1200, env=env)
    assert result.returncode == 0, f"the quick start failed:\n{result.stdout[-4000:]}\n{result.stderr[-4000:]}"
    output = re.sub(r"\x1b\[[0-9;]*m", "", result.stdout)  # the plans' colours, as a terminal shows them
    project = tmp_path / "emr-platform"
    assert (project / "modules" / "teams" / "analytics" / "main.tf").is_file()
    # The two plans, as a person reads them.
    assert re.search(r'name\s+= "analytics-EMR_DefaultRole"', output), output[-4000:]
    assert re.search(r'name\s+= "ds-EMR_EC2_DefaultRole"', output), output[-4000:]
    assert "aws_iam_service_linked_role.this" in output
    assert len(re.findall(r"^Plan: \d+ to add, 0 to change, 0 to destroy\.$", output, re.MULTILINE)) == 3, output[-4000:]
    # The apply against the local fake AWS, as the README shows it.
    assert re.search(r"^Apply complete! Resources: \d+ added, 0 changed, 0 destroyed\.$", output, re.MULTILINE), output[-4000:]
    assert 'instance_profile_name = "analytics-EMR_EC2_DefaultRole"' in output
