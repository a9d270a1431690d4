"""A render that fails part-way leaves the previous tree exactly as it was.

generator/output_tree.py stages every changed file next to its target, swaps them in with renames and
removes what the spec no longer produces; any failure rolls the swaps back. These tests make the
N-th filesystem step fail (a full disk half-way through a staged file, a rename or a hard link
refused, an interrupt from the keyboard), for every N a render takes, and compare the tree with
what it was: same folders, same files, same bytes, no staging files left behind. A render that
is then allowed to finish writes the new tree. The last tests do the same for a render whose
teams are staged by two processes (the parent and a forked worker).
"""

from __future__ import annotations

import errno
import importlib
import os
import signal
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import many_teams_spec, run_cli, staging_leftovers

# The module, not the `render` function that generator/__init__.py exports under the same name.
render_module = importlib.import_module("generator.output_tree")
team_renderer = importlib.import_module("generator.templating")

BEFORE = """\
version: 1
defaults:
  name_prefix: "{team}-"
  ec2_role: {policy: scoped}
teams:
  - name: keep
    ec2_role: {s3_access: [{bucket: keep-bucket}]}
  - name: drop
"""
# Changes files of `keep`, adds team `new` (new folders), and drops team `drop` (files removed).
AFTER = """\
version: 1
defaults:
  name_prefix: "{team}-"
  ec2_role: {policy: scoped}
teams:
  - name: keep
    path: /changed/
    ec2_role: {s3_access: [{bucket: keep-bucket, access: read_write}]}
  - name: new
"""


def tree(folder: Path) -> dict[str, bytes | None]:
    """Every folder (None) and file (its bytes) under `folder`."""
    return {str(path.relative_to(folder)): (path.read_bytes() if path.is_file() else None) for path in sorted(folder.rglob("*"))}


def fail_on_call(
    patch: pytest.MonkeyPatch, target: Any, name: str, on_call: int, make_error: Callable[[], BaseException], partial: bool = False
) -> list[int]:
    """Wrap `target.name` (until `patch` is undone) so that its `on_call`-th call fails; returns the call counter."""
    original = getattr(target, name)
    calls = [0]

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        calls[0] += 1
        if calls[0] == on_call:
            if partial:  # a full disk: half of the file is written, then the write fails
                path, text = args[0], args[1]
                original(path, text[: len(text) // 2], **kwargs)
            raise make_error()
        return original(*args, **kwargs)

    patch.setattr(target, name, wrapper)
    return calls


def _prepare(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[Path, Path, dict[str, bytes | None]]:
    tmp_path.mkdir(parents=True, exist_ok=True)
    spec, out = tmp_path / "spec.yaml", tmp_path / "out"
    spec.write_text(BEFORE, encoding="utf-8")
    code, _, err = run_cli(capsys, "render", "--spec", str(spec), "--out", str(out))
    assert code == 0, err
    (out / "notes.txt").write_text("a file the generator never wrote\n", encoding="utf-8")
    spec.write_text(AFTER, encoding="utf-8")
    return spec, out, tree(out)


def _count_calls(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str], target: Any, name: str) -> int:
    """How often a full render from BEFORE to AFTER calls `target.name`.

    Renders here pass --no-cache: the render cache's own record writes (tests/test_cache.py) would
    otherwise be counted and failed as if they were steps of the render.
    """
    spec, out, _ = _prepare(tmp_path / "count", capsys)
    with monkeypatch.context() as patch:
        original = getattr(target, name)
        calls = [0]

        def counting(*args: Any, **kwargs: Any) -> Any:
            calls[0] += 1
            return original(*args, **kwargs)

        patch.setattr(target, name, counting)
        code, _, err = run_cli(capsys, "render", "--no-cache", "--spec", str(spec), "--out", str(out))
    assert code == 0, err
    return calls[0]


STEPS: dict[str, tuple[Any, str, Callable[[], BaseException], bool]] = {
    # Staging: the disk fills up half-way through a staged file.
    "disk-full-while-staging": (render_module, "_write_file", lambda: OSError(errno.ENOSPC, "No space left on device"), True),
    # Swapping in, and moving removed files aside: a rename is refused.
    "rename-refused": (render_module.os, "replace", lambda: PermissionError(errno.EACCES, "Permission denied"), False),
    # Keeping the old content of a file before it is replaced.
    "hard-link-refused": (render_module.os, "link", lambda: OSError(errno.EMLINK, "Too many links"), False),
}


@pytest.mark.parametrize("step", sorted(STEPS))
def test_failure_at_every_step_leaves_the_previous_tree(
    step: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    target, name, make_error, partial = STEPS[step]
    total = _count_calls(monkeypatch, tmp_path, capsys, target, name)
    assert total >= 2, f"{name} is called {total} times in a render"
    for on_call in range(1, total + 1):
        spec, out, before = _prepare(tmp_path / f"{step}-{on_call}", capsys)
        with monkeypatch.context() as patch:
            calls = fail_on_call(patch, target, name, on_call, make_error, partial)
            code, stdout, err = run_cli(capsys, "render", "--no-cache", "--spec", str(spec), "--out", str(out))
        assert calls[0] >= on_call
        assert code == 2, f"call {on_call} of {total}: exit {code}\n{err}"
        assert stdout == "" and len(err.splitlines()) == 1 and "nothing was changed" in err, err
        assert tree(out) == before, f"{step}: failing call {on_call} of {total} changed the tree"
        # The same render, allowed to finish, writes the new tree.
        code, _, err = run_cli(capsys, "render", "--spec", str(spec), "--out", str(out))
        assert code == 0, err
        assert not (out / "teams" / "drop").exists() and (out / "teams" / "new" / "main.tf").is_file()
        assert "/changed/" in (out / "teams" / "keep" / "main.tf").read_text(encoding="utf-8")
        assert (out / "notes.txt").is_file()
        assert not staging_leftovers(out)


def test_keyboard_interrupt_mid_swap_leaves_the_previous_tree(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    total = _count_calls(monkeypatch, tmp_path, capsys, render_module.os, "replace")
    for on_call in (1, total // 2, total):
        spec, out, before = _prepare(tmp_path / f"interrupt-{on_call}", capsys)
        with monkeypatch.context() as patch:
            fail_on_call(patch, render_module.os, "replace", on_call, KeyboardInterrupt)
            code, _, err = run_cli(capsys, "render", "--spec", str(spec), "--out", str(out))
        assert code == 130 and "interrupted" in err
        assert tree(out) == before, f"interrupt at rename {on_call} of {total} changed the tree"


def test_injected_failures_restore_the_real_functions() -> None:
    """The wrappers above are undone: nothing leaks into other tests."""
    assert render_module.os.replace is os.replace and render_module.os.link is os.link
    assert "fail_on_call" not in repr(Path.write_text) and "fail_on_call" not in repr(os.replace)


# --- the same guarantees for a spec of many teams -----------------------------------------------

MANY = 100  # teams


@pytest.fixture
def many_teams_tree(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[Path, Path, dict[str, bytes | None]]:
    """A rendered tree of MANY teams, and a spec that changes every team file."""
    spec, out = tmp_path / "spec.yaml", tmp_path / "out"
    spec.write_text(many_teams_spec(MANY, defaults="path: /"), encoding="utf-8")
    assert run_cli(capsys, "render", "--no-cache", "--spec", str(spec), "--out", str(out))[0] == 0
    spec.write_text(many_teams_spec(MANY, defaults="path: /changed/"), encoding="utf-8")
    return spec, out, tree(out)


@pytest.mark.parametrize("failing_team", ["t007", "t093"])
def test_a_write_failure_in_any_team_discards_every_team(
    many_teams_tree: tuple[Path, Path, dict[str, bytes | None]], capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch, failing_team: str,
) -> None:
    spec, out, before = many_teams_tree
    original = render_module._write_file

    def full_disk_for_one_team(path: str, text: str) -> None:
        if f"/{failing_team}/" in path:
            raise OSError(errno.ENOSPC, "No space left on device")
        original(path, text)

    monkeypatch.setattr(render_module, "_write_file", full_disk_for_one_team)
    code, _, err = run_cli(capsys, "render", "--no-cache", "--spec", str(spec), "--out", str(out))
    assert code == 2 and "No space left on device" in err and "nothing was changed" in err and len(err.splitlines()) == 1
    assert tree(out) == before and not staging_leftovers(out)


def test_a_failure_from_an_empty_folder_leaves_no_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    spec, out = tmp_path / "spec.yaml", tmp_path / "out"
    spec.write_text(many_teams_spec(MANY, defaults="path: /"), encoding="utf-8")
    original = render_module._write_file

    def refuse_the_last_team(path: str, text: str) -> None:
        if f"/t{MANY - 1:03d}/" in path:
            raise PermissionError(errno.EACCES, "Permission denied")
        original(path, text)

    monkeypatch.setattr(render_module, "_write_file", refuse_the_last_team)
    code, _, err = run_cli(capsys, "render", "--no-cache", "--spec", str(spec), "--out", str(out))
    assert code == 2 and "Permission denied" in err
    assert not out.exists(), sorted(str(path) for path in out.rglob("*"))


def test_ctrl_c_while_teams_render_changes_nothing(
    many_teams_tree: tuple[Path, Path, dict[str, bytes | None]], capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    spec, out, before = many_teams_tree
    original = team_renderer.resolve_team

    def interrupted(source: Any, index: int) -> Any:
        if index == 3:
            os.kill(os.getpid(), signal.SIGINT)  # a real SIGINT, as a terminal's Ctrl-C sends it
        return original(source, index)

    monkeypatch.setattr(team_renderer, "resolve_team", interrupted)
    code, _, err = run_cli(capsys, "render", "--no-cache", "--spec", str(spec), "--out", str(out))
    assert (code, err) == (130, "emr-iam: interrupted\n")
    assert tree(out) == before and not staging_leftovers(out)
