"""Small helpers shared by the tests: write a spec, run the CLI in-process, snapshot a folder."""

from __future__ import annotations

import hashlib
import textwrap
from pathlib import Path

import pytest

from generator.cli import main

MINIMAL_SPEC = """\
version: 1
teams:
  - name: solo
"""


def write_spec(folder: Path, text: str, name: str = "spec.yaml") -> Path:
    path = folder / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def run_cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def snapshot(folder: Path) -> dict[str, tuple[str, int]]:
    """Content hash and modification time of every file under `folder`."""
    if not folder.exists():
        return {}
    return {
        str(path.relative_to(folder)): (hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime_ns)
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }
