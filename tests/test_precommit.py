"""The pre-commit hooks, run by pre-commit itself in a temporary git repository that uses them.

The hook repository is a temporary git repository holding this project's working tree (what a
consumer's `rev` would point at once committed), so uncommitted hook changes are tested too.
`emr-iam-check` is `language: python`: pre-commit clones the hook repository and pip-installs it
into its own environment (from the package index configured for pip); `emr-iam-check-system`
runs the emr-iam of this test environment.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from generator.cli import main
from tests.engine import ROOT

# What pip needs to build and install the package (pyproject.toml names README.md as its readme).
PACKAGE_FILES = ("pyproject.toml", "README.md", ".pre-commit-hooks.yaml", "generator", "templates")
SPEC = """\
# yaml-language-server: $schema=emr-iam-spec.schema.json
version: 1
defaults:
  name_prefix: "{team}-"
teams:
  - name: analytics
  - name: data-science
    service_linked_role:
      create: true
"""


def git(*args: str, cwd: Path) -> str:
    result = subprocess.run(
        ["git", "-c", "user.name=emr-iam tests", "-c", "user.email=tests@example.invalid", "-c", "commit.gpgsign=false",
         "-c", "init.defaultBranch=main", *args],
        cwd=cwd, capture_output=True, text=True, check=False,
    )
    assert result.returncode == 0, f"git {' '.join(args)}: {result.stderr}"
    return result.stdout.strip()


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    repo = tmp_path_factory.mktemp("hook-repo")
    for name in PACKAGE_FILES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, repo / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, repo / name)
    git("init", "-q", cwd=repo)
    git("add", "-A", cwd=repo)
    git("commit", "-q", "-m", "emr-iam", cwd=repo)
    return repo, git("rev-parse", "HEAD", cwd=repo)


def consumer(tmp_path: Path, hook_repo: tuple[Path, str], hook_id: str) -> Path:
    """A repository with a spec, its rendered modules and a .pre-commit-config.yaml using the hook."""
    repo = tmp_path / "platform"
    (repo / "specs").mkdir(parents=True)
    (repo / "specs" / "platform.yaml").write_text(SPEC, encoding="utf-8")
    assert main(["render", "--spec", str(repo / "specs" / "platform.yaml"), "--out", str(repo / "modules"), "-q"]) == 0
    path, rev = hook_repo
    config = {"repos": [{"repo": str(path), "rev": rev, "hooks": [{"id": hook_id}]}]}
    (repo / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    git("init", "-q", cwd=repo)
    git("add", "-A", cwd=repo)
    return repo


def pre_commit(repo: Path, home: Path) -> subprocess.CompletedProcess[str]:
    binary = Path(sys.executable).with_name("pre-commit")
    if not binary.is_file():
        pytest.fail(f"{binary} is missing: install the test extra (make test-deps)", pytrace=False)
    # PATH starts with this environment's bin/, where the system hook finds `emr-iam`.
    env = {**os.environ, "PRE_COMMIT_HOME": str(home), "PATH": f"{binary.parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    env.pop("VIRTUAL_ENV", None)
    return subprocess.run(
        [str(binary), "run", "--all-files", "--color", "never"], cwd=repo, env=env, capture_output=True, text=True, timeout=900
    )


def make_stale(repo: Path) -> None:
    spec = repo / "specs" / "platform.yaml"
    spec.write_text(spec.read_text(encoding="utf-8") + "    tags:\n      CostCentre: ds-42\n", encoding="utf-8")
    git("add", "-A", cwd=repo)


def test_hook_definitions_are_well_formed() -> None:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    by_id = {hook["id"]: hook for hook in hooks}
    assert set(by_id) == {"emr-iam-check", "emr-iam-validate", "emr-iam-check-system"}
    for hook in hooks:
        assert hook["entry"].split()[0] == "emr-iam" and hook["pass_filenames"] is False
        assert {"name", "description", "language", "files"} <= set(hook)
    assert by_id["emr-iam-check"]["language"] == "python"
    assert by_id["emr-iam-check-system"]["language"] == "system"


@pytest.mark.parametrize("hook_id", ["emr-iam-check", "emr-iam-check-system"])
def test_check_hook_passes_then_fails_on_a_stale_module(hook_id: str, hook_repo: tuple[Path, str], tmp_path: Path) -> None:
    repo = consumer(tmp_path, hook_repo, hook_id)
    home = tmp_path / "pre-commit-home"

    fresh = pre_commit(repo, home)
    assert fresh.returncode == 0, f"{fresh.stdout}\n{fresh.stderr}"
    assert "emr-iam modules match the spec" in fresh.stdout and "Passed" in fresh.stdout

    make_stale(repo)
    stale = pre_commit(repo, home)
    assert stale.returncode == 1, f"{stale.stdout}\n{stale.stderr}"
    assert "Failed" in stale.stdout
    assert "stale against" in stale.stdout and "modules/teams/data-science/main.tf" in stale.stdout
    assert "exit code: 1" in stale.stdout

    # What the message says to do fixes it.
    assert main(["render", "--spec", str(repo / "specs" / "platform.yaml"), "--out", str(repo / "modules"), "-q"]) == 0
    git("add", "-A", cwd=repo)
    fixed = pre_commit(repo, home)
    assert fixed.returncode == 0, f"{fixed.stdout}\n{fixed.stderr}"


def test_validate_hook_reports_a_bad_spec(hook_repo: tuple[Path, str], tmp_path: Path) -> None:
    repo = consumer(tmp_path, hook_repo, "emr-iam-validate")
    home = tmp_path / "pre-commit-home"
    assert pre_commit(repo, home).returncode == 0
    spec = repo / "specs" / "platform.yaml"
    spec.write_text(spec.read_text(encoding="utf-8").replace("  - name: analytics\n", "  - name: analytics\n    ec2_rol: {}\n"), encoding="utf-8")
    git("add", "-A", cwd=repo)
    bad = pre_commit(repo, home)
    assert bad.returncode == 1, bad.stdout  # pre-commit reports any failing hook as 1
    assert "exit code: 2" in bad.stdout
    assert "specs/platform.yaml:7: teams[0].ec2_rol: unknown field" in bad.stdout
