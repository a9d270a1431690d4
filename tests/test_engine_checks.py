"""`fmt -check` and `validate` with every engine of tests/engine.py on every generated module and every example."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from scripts.toolchain import PROVIDER_VERSION
from tests import shared
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


# Import blocks are allowed in a root module only: such an example (adopt-existing) is validated as its own root.
STANDALONE = [("examples", p) for p in EXAMPLE_DIRS if (EXAMPLES / p / "imports.tf").exists()]
GROUPED = [target for target in TARGETS if target not in STANDALONE]
_validated: dict[str, dict[str, Any]] = {}


def validated_together(engine_name: str, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """`validate -json` of one root that calls every module and example of GROUPED (with no arguments: every
    variable has a default), made once per engine and session (tests/shared.py: the other xdist workers read
    it): one init and one provider start for all of them. `validate` checks every module of the
    configuration, the called ones included. The report's `root` is where that root was."""
    def make() -> dict[str, Any]:
        engine = engine_by_name(engine_name)
        tree = copy_tree(tmp_path_factory.mktemp("validate"))
        root = tree / "_validate"
        root.mkdir()
        calls = [f'module "{kind}__{str(folder).replace("/", "__")}" {{\n  source = "../{kind}/{folder}"\n}}\n' for kind, folder in GROUPED]
        (root / "main.tf").write_text("\n".join(calls), encoding="utf-8")
        engine.init(root)
        result = engine.run("validate", "-json", "-no-color", cwd=root, check=False)
        return {"root": root, **json.loads(result.stdout)}

    if engine_name not in _validated:
        made = shared.once(shared.folder(tmp_path_factory), f"validate-{engine_name}", make)
        assert made is not None  # once() waits
        _validated[engine_name] = made
    return _validated[engine_name]


@pytest.mark.parametrize("engine_name", engine_names())
@pytest.mark.parametrize(("kind", "folder"), TARGETS, ids=[f"{k}/{p}" for k, p in TARGETS])
def test_validate(engine_name: str, kind: str, folder: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    engine = engine_by_name(engine_name)
    if (kind, folder) in STANDALONE:
        workdir = copy_tree(tmp_path_factory.mktemp("validate")) / kind / folder
        engine.init(workdir)
        result = engine.run("validate", "-no-color", cwd=workdir)
        assert "Success! The configuration is valid." in result.stdout, result.stdout + result.stderr
        return
    report = validated_together(engine_name, tmp_path_factory)
    root: Path = report["root"]
    here = (root.parent / kind / folder).resolve()
    mine = [d for d in report.get("diagnostics", []) if here in (root / d.get("range", {}).get("filename", "_")).resolve().parents]
    assert report["valid"], f"{kind}/{folder} ({engine_name}): the root that calls every module and example is invalid:\n" + json.dumps(
        mine or report.get("diagnostics"), indent=1
    )
    assert report["error_count"] == 0 and not [d for d in mine if d.get("severity") == "error"], json.dumps(mine, indent=1)


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


@pytest.mark.parametrize("engine_name", engine_names())
def test_plans_no_change_tells_an_output_change_from_none(engine_name: str, tmp_path: Path) -> None:
    """`Engine.plans_no_change` reads a plan's exit code alone: every engine must give 2 for an output that changes."""
    engine = engine_by_name(engine_name)
    (tmp_path / "main.tf").write_text('variable "v" {\n  default = "a"\n}\n\noutput "o" {\n  value = var.v\n}\n', encoding="utf-8")
    engine.run("init", "-input=false", "-no-color", cwd=tmp_path)
    engine.run("apply", "-auto-approve", "-input=false", "-no-color", cwd=tmp_path)
    engine.plans_no_change(tmp_path)
    with pytest.raises(pytest.fail.Exception, match="still changes something"):
        engine.plans_no_change(tmp_path, "-var=v=b")
