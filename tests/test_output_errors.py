"""The output folder refuses to be written: one line on stderr, exit 2, nothing changed on disk.

A read-only file system is tried for real (a read-only bind mount in a private mount namespace,
made with `unshare` as root), and EROFS, ENOSPC, EACCES and EISDIR are injected where the
render writes, with clean-up steps failing the same way, as they do on such a file system.
"""

from __future__ import annotations

import errno
import importlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import TWO_TEAMS_SPEC, run_cli, staging_leftovers, write_spec

output_tree = importlib.import_module("generator.output_tree")
CLI = Path(sys.executable).parent / "emr-iam"
ERRNOS = {"EROFS": errno.EROFS, "ENOSPC": errno.ENOSPC, "EACCES": errno.EACCES, "EISDIR": errno.EISDIR}


def state(folder: Path) -> dict[str, tuple[bytes, int] | str]:
    if not folder.exists():
        return {}
    return {
        str(path.relative_to(folder)): (path.read_bytes(), path.stat().st_mtime_ns) if path.is_file() else "dir"
        for path in folder.rglob("*")
    }


@pytest.fixture
def changed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[Path, Path]:
    """A rendered folder, and a spec whose next render changes files in it."""
    spec = write_spec(tmp_path, TWO_TEAMS_SPEC)
    out = tmp_path / "modules"
    assert run_cli(capsys, "render", "--spec", str(spec), "--out", str(out))[0] == 0
    spec.write_text(TWO_TEAMS_SPEC + "  - name: three\n", encoding="utf-8")
    return spec, out


def _expect_one_line(err: str, strerror: str) -> None:
    assert len(err.splitlines()) == 1, err
    assert err.startswith("emr-iam: error: ") and strerror in err and "nothing was changed" in err, err


@pytest.mark.parametrize("name", list(ERRNOS))
@pytest.mark.parametrize("folder", ["existing", "new"])
def test_injected_write_errors(
    name: str, folder: str, changed: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    spec, out = changed
    if folder == "new":
        out = tmp_path / "new" / "modules"
    before = state(tmp_path)
    number = ERRNOS[name]

    def refuse(*args: object, **kwargs: object) -> None:
        raise OSError(number, os.strerror(number))

    monkeypatch.setattr(output_tree, "_write_file", refuse)
    monkeypatch.setattr(output_tree.os, "unlink", refuse)  # clean-up fails too, as on a read-only file system
    code, _, err = run_cli(capsys, "render", "--no-cache", "--spec", str(spec), "--out", str(out))
    monkeypatch.undo()
    assert code == 2
    _expect_one_line(err, os.strerror(number))
    after = state(tmp_path)
    assert after == before, sorted(set(after) ^ set(before))


def _read_only(folder: Path, command: list[str]) -> subprocess.CompletedProcess[str]:
    """Run `command` with `folder` bind-mounted read-only over itself, in a mount namespace of its own."""
    script = 'mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" "$1" && shift && exec "$@"'
    return subprocess.run(
        ["unshare", "--mount", "--propagation", "private", "sh", "-c", script, "sh", str(folder), *command],
        capture_output=True, text=True, timeout=120,
    )


@pytest.fixture
def can_mount() -> None:
    if os.geteuid() != 0 or shutil.which("unshare") is None:
        pytest.fail("this test needs root and unshare(1) (util-linux) to make a read-only bind mount", pytrace=False)


@pytest.mark.usefixtures("can_mount")
def test_read_only_output_folder(changed: tuple[Path, Path], tmp_path: Path) -> None:
    spec, out = changed
    before = state(tmp_path)
    result = _read_only(out, [str(CLI), "render", "--no-cache", "--spec", str(spec), "--out", str(out)])
    assert result.returncode == 2, result.stdout + result.stderr
    _expect_one_line(result.stderr, "Read-only file system")
    assert state(tmp_path) == before and not staging_leftovers(out)


@pytest.mark.usefixtures("can_mount")
def test_read_only_parent_of_a_new_output_folder(tmp_path: Path) -> None:
    spec = write_spec(tmp_path, TWO_TEAMS_SPEC)
    parent = tmp_path / "ro"
    parent.mkdir()
    result = _read_only(parent, [str(CLI), "render", "--no-cache", "--spec", str(spec), "--out", str(parent / "out" / "modules")])
    assert result.returncode == 2, result.stdout + result.stderr
    _expect_one_line(result.stderr, "Read-only file system")
    assert list(parent.iterdir()) == []


@pytest.mark.usefixtures("can_mount")
def test_read_only_but_nothing_to_change_is_fine(changed: tuple[Path, Path]) -> None:
    spec, out = changed
    spec.write_text(TWO_TEAMS_SPEC, encoding="utf-8")  # back to what is rendered
    result = _read_only(out, [str(CLI), "check", "--no-cache", "--spec", str(spec), "--out", str(out)])
    assert (result.returncode, result.stderr) == (0, ""), result.stderr
    result = _read_only(out, [str(CLI), "render", "--no-cache", "--spec", str(spec), "--out", str(out)])
    assert (result.returncode, result.stderr) == (0, ""), result.stderr


def test_output_path_that_is_a_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = write_spec(tmp_path, TWO_TEAMS_SPEC)
    (tmp_path / "file").write_text("mine\n")
    code, _, err = run_cli(capsys, "render", "--spec", str(spec), "--out", str(tmp_path / "file" / "modules"))
    assert code == 2 and len(err.splitlines()) == 1 and "nothing was changed" in err, err
    assert (tmp_path / "file").read_text() == "mine\n"


@pytest.mark.parametrize("command", ["render", "check", "diff"])
def test_templates_folder_must_exist(tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str) -> None:
    spec = write_spec(tmp_path, TWO_TEAMS_SPEC)
    with pytest.raises(SystemExit) as exited:
        run_cli(capsys, command, "--spec", str(spec), "--out", str(tmp_path / "out"), "--templates", str(tmp_path / "nope"))
    err = capsys.readouterr().err
    assert exited.value.code == 2
    assert err == (f"emr-iam {command}: error: argument --templates: {str(tmp_path / 'nope')!r} is not a folder (it does not exist)"
                   f" (see emr-iam {command} --help)\n")
    assert not (tmp_path / "out").exists()
