"""`make tools` installs everything once; after that it is offline (`make test` runs it every time)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from scripts.install_tools import OFFLINE
from tests.engine import ROOT, TOOLS


def install_tools_offline(tools: Path) -> subprocess.CompletedProcess[str]:
    """scripts/install_tools.py with every download forbidden (and pip and npm told to stay offline)."""
    return subprocess.run(
        [sys.executable, "-m", "scripts.install_tools", str(tools)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, OFFLINE: "1", "PIP_NO_INDEX": "1", "npm_config_offline": "true"},
    )


def test_a_second_run_downloads_nothing() -> None:
    result = install_tools_offline(TOOLS)
    assert result.returncode == 0, f"make tools needs a download although .tools/ is complete:\n{result.stdout}{result.stderr}"
    assert result.stdout.startswith("tools ready:"), result.stdout


def test_offline_mode_refuses_a_missing_download(tmp_path: Path) -> None:
    result = install_tools_offline(tmp_path / "tools")
    assert result.returncode != 0
    assert f"{OFFLINE}=1 forbids downloading it" in result.stderr, result.stderr
