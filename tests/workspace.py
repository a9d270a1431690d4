"""Run an example workspace the way a team would: init, plan (and apply) with the real engine.

Examples keep their own `provider "aws"` block; tests add an `*_override.tf` file that merges
the offline settings from engine.provider_block() into it, so the example files stay as users
see them. For a local fake AWS, pass the endpoint of the `moto` fixture (tests/moto_server.py).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.engine import PLUGIN_DIR, Engine, provider_block

OVERRIDE = "zz_offline_override.tf"


def write_offline_provider(folder: Path, region: str = "us-east-1", endpoint: str | None = None) -> None:
    (folder / OVERRIDE).write_text(provider_block(region, endpoint=endpoint), encoding="utf-8")


def init(engine: Engine, folder: Path) -> None:
    """`init` with the offline provider mirror; the backend is initialised too (a CDKTF stack declares one)."""
    engine.run("init", "-input=false", "-no-color", f"-plugin-dir={PLUGIN_DIR}", cwd=folder)


def plan(engine: Engine, folder: Path, *args: str) -> dict[str, Any]:
    """Plan `folder` (already initialised) and return `show -json` of the saved plan."""
    engine.run("plan", "-input=false", "-no-color", "-out=plan.bin", *args, cwd=folder)
    shown = engine.run("show", "-json", "-no-color", "plan.bin", cwd=folder)
    plan_json: dict[str, Any] = json.loads(shown.stdout)
    return plan_json


def managed_changes(plan_json: dict[str, Any]) -> list[dict[str, Any]]:
    """Resource changes of managed resources (data sources are read, not changed)."""
    return [change for change in plan_json.get("resource_changes", []) if change["mode"] == "managed"]


def actions(plan_json: dict[str, Any]) -> dict[str, list[str]]:
    """Each planned resource's address and actions, e.g. {"module.x.aws_iam_role.this[0]": ["create"]}."""
    return {change["address"]: change["change"]["actions"] for change in managed_changes(plan_json)}


def after(plan_json: dict[str, Any], address: str) -> dict[str, Any]:
    change = next((c for c in managed_changes(plan_json) if c["address"] == address), None)
    assert change is not None, f"{address} is not in the plan; planned: {sorted(actions(plan_json))}"
    values: dict[str, Any] = change["change"]["after"]
    return values
