"""`fmt -check` and `validate` with every engine of tests/engine.py on every generated module and every example."""

from __future__ import annotations

from pathlib import Path

import pytest

from scripts.toolchain import PROVIDER_VERSION
from tests.engine import (
    EXAMPLES,
    MODULES,
    ROOT,
    copy_tree,
    engine_by_name,
    engine_names,
    needs_newer_provider,
    provider_block,
    provider_version,
)

# A module that needs a newer provider than the installed one cannot be validated here (tests/engine.py).
MODULE_DIRS = sorted(path.parent.relative_to(MODULES) for path in MODULES.rglob("main.tf") if not needs_newer_provider(path.parent))
EXAMPLE_DIRS = sorted(path.parent.relative_to(EXAMPLES) for path in EXAMPLES.rglob("main.tf") if ".terraform" not in path.parts)
TARGETS = [("modules", p) for p in MODULE_DIRS] + [("examples", p) for p in EXAMPLE_DIRS]

pytestmark = pytest.mark.engine


@pytest.mark.parametrize("engine_name", engine_names())
def test_every_module_and_example_is_formatted(engine_name: str) -> None:
    engine = engine_by_name(engine_name)
    for folder in (MODULES, EXAMPLES):
        result = engine.run("fmt", "-check", "-recursive", "-diff", "-no-color", str(folder), cwd=ROOT, check=False)
        assert result.returncode == 0, f"{folder} is not formatted as `{engine_name} fmt` writes:\n{result.stdout}{result.stderr}"


@pytest.mark.parametrize("engine_name", engine_names())
@pytest.mark.parametrize(("kind", "folder"), TARGETS, ids=[f"{k}/{p}" for k, p in TARGETS])
def test_validate(engine_name: str, kind: str, folder: Path, tmp_path: Path) -> None:
    engine = engine_by_name(engine_name)
    workdir = copy_tree(tmp_path) / kind / folder
    engine.init(workdir)
    result = engine.run("validate", "-no-color", cwd=workdir)
    assert "Success! The configuration is valid." in result.stdout, result.stdout + result.stderr


def test_the_provider_block_follows_the_provider_version(tmp_path: Path) -> None:
    """A newer provider binary dropped into the mirror gets a block without the 3.x/4.x-only arguments."""
    assert provider_version() == PROVIDER_VERSION
    (tmp_path / "registry.opentofu.org" / "hashicorp" / "aws" / "3.39.0" / "linux_amd64").mkdir(parents=True)
    (tmp_path / "registry.opentofu.org" / "hashicorp" / "aws" / "6.2.0" / "linux_amd64").mkdir(parents=True)
    assert provider_version(tmp_path) == "6.2.0"
    assert "skip_get_ec2_platforms      = true\n" in provider_block(version="4.67.0")
    newer = provider_block(version=provider_version(tmp_path))
    assert "skip_get_ec2_platforms" not in newer and "skip_requesting_account_id  = true\n" in newer
    assert provider_block() == provider_block(version=PROVIDER_VERSION)
