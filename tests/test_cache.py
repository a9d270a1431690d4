"""The CLI's render cache: a run with unchanged inputs and untouched outputs stops early, anything else renders."""

from __future__ import annotations

import ast
import importlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import generator
from generator import cache
from tests.helpers import TWO_TEAMS_SPEC, run_cli, snapshot, write_spec

ROOT = Path(__file__).resolve().parent.parent

rendering = importlib.import_module("generator.rendering")

def refuse_full_render(monkeypatch: pytest.MonkeyPatch) -> None:
    def refused(*args: object, **kwargs: object) -> None:
        raise AssertionError("a full render ran although nothing changed")

    monkeypatch.setattr(rendering, "render", refused)


def record_of(out: Path) -> Path:
    key = cache.Fingerprint(Path(os.path.realpath(out)), "")
    return key.record


def test_unchanged_inputs_and_outputs_skip_the_render(
    rendered: tuple[Path, Path], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, render_cache: Path
) -> None:
    spec, out = rendered
    before = snapshot(out)
    generated = len(before)  # every file under out is generated here
    assert record_of(out).parent == render_cache and record_of(out).is_file()
    refuse_full_render(monkeypatch)
    code, text, err = run_cli(capsys, "render", "--spec", str(spec), "--out", str(out))
    assert (code, err) == (0, "")
    assert text == f"{out}: 0 written, 0 removed, {generated} unchanged\n"
    code, text, err = run_cli(capsys, "check", "--spec", str(spec), "--out", str(out))
    assert (code, text, err) == (0, f"{out}: up to date with {spec}\n", "")
    assert snapshot(out) == before


def test_a_hand_edit_that_keeps_size_and_mtime_is_still_seen(
    rendered: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    spec, out = rendered
    target = out / "teams" / "one" / "main.tf"
    original = target.read_bytes()
    status = target.stat()
    edited = original.replace(b"one-", b"0ne-", 1)
    assert edited != original and len(edited) == len(original)
    target.write_bytes(edited)
    os.utime(target, ns=(status.st_atime_ns, status.st_mtime_ns))  # the change time still moves
    code, _, err = run_cli(capsys, "check", "--spec", str(spec), "--out", str(out))
    assert code == 1 and "teams/one/main.tf" in err
    code, text, _ = run_cli(capsys, "render", "--spec", str(spec), "--out", str(out))
    assert code == 0 and " 1 written," in text
    assert target.read_bytes() == original


def test_a_deleted_or_replaced_file_is_rendered_again(rendered: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    spec, out = rendered
    (out / "emr-ec2-role" / "outputs.tf").unlink()
    replaced = out / "teams" / "two" / "versions.tf"
    content = replaced.read_bytes()
    replaced.unlink()
    replaced.write_bytes(content)  # same content, a new inode
    code, text, _ = run_cli(capsys, "render", "--spec", str(spec), "--out", str(out))
    assert (code, text) == (0, f"{out}: 1 written, 0 removed, {len(snapshot(out)) - 1} unchanged\n")
    assert (out / "emr-ec2-role" / "outputs.tf").is_file()


def test_a_changed_spec_renders(rendered: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    spec, out = rendered
    spec.write_text(TWO_TEAMS_SPEC + "  - name: three\n", encoding="utf-8")
    code, _, err = run_cli(capsys, "check", "--spec", str(spec), "--out", str(out))
    assert code == 1 and "teams/three/main.tf" in err
    code, text, _ = run_cli(capsys, "render", "--spec", str(spec), "--out", str(out))
    assert code == 0 and (out / "teams" / "three" / "main.tf").is_file()


def test_a_changed_user_template_renders(rendered: tuple[Path, Path], capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    spec, out = rendered
    templates = tmp_path / "templates"
    shipped = generator.template_folders()[0]
    (templates / "common").mkdir(parents=True)
    shutil.copy(shipped / "common" / "versions.tf.j2", templates / "common" / "versions.tf.j2")
    args = ("render", "--spec", str(spec), "--out", str(out), "--templates", str(templates))
    code, text, _ = run_cli(capsys, *args)
    assert code == 0 and " 0 written," in text
    with (templates / "common" / "versions.tf.j2").open("a", encoding="utf-8") as handle:
        handle.write("# pinned by the platform team\n")
    code, text, _ = run_cli(capsys, *args)
    assert code == 0 and f" {len(list(out.rglob('versions.tf')))} written," in text
    assert (out / "teams" / "one" / "versions.tf").read_text(encoding="utf-8").endswith("# pinned by the platform team\n")


def test_every_library_that_shapes_the_text_is_found_without_importing_it() -> None:
    # A no-op render imports none of them, nor importlib.metadata (the email package with it).
    code = ("import sys; from generator import cache; found = cache._libraries(); "
            "print(repr((found, sorted(n for n in (*cache.LIBRARIES, 'importlib.metadata', 'email') if n in sys.modules))))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True, cwd=ROOT)
    found, imported = ast.literal_eval(result.stdout)
    assert len(found) == len(cache.LIBRARIES) and not [entry for entry in found if entry.endswith(" missing")], found
    assert imported == []


def test_the_fingerprint_covers_code_templates_libraries_and_paths(
    rendered: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    spec, out = rendered
    base = cache.fingerprint(spec, out)
    assert base is not None and base == cache.fingerprint(spec, out)
    assert cache.fingerprint(spec, tmp_path / "elsewhere") != base
    # Another version of a library: installing it rewrites the package's files.
    site = tmp_path / "site"
    (site / "renderlib").mkdir(parents=True)
    (site / "renderlib" / "__init__.py").write_text("VERSION = 1\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(site))
    monkeypatch.setattr(cache, "LIBRARIES", (*cache.LIBRARIES, "renderlib"))
    installed = cache.fingerprint(spec, out)
    assert installed not in (None, base)
    (site / "renderlib" / "__init__.py").unlink()
    (site / "renderlib" / "__init__.py").write_text("VERSION = 22\n", encoding="utf-8")
    assert cache.fingerprint(spec, out) not in (None, base, installed)
    monkeypatch.undo()
    package = tmp_path / "package"
    shutil.copytree(cache.PACKAGE, package, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(cache, "PACKAGE", package)
    assert cache.fingerprint(spec, out) == base
    with (package / "hcl.py").open("a", encoding="utf-8") as handle:
        handle.write("# a new generator version\n")
    assert cache.fingerprint(spec, out) != base
    monkeypatch.undo()
    templates = tmp_path / "shipped"
    shutil.copytree(generator.template_folders()[0], templates)
    monkeypatch.setattr(generator, "TEMPLATE_DIRS", (templates,))
    assert cache.fingerprint(spec, out) == base
    (templates / "common" / "outputs.tf.j2").write_text("{# changed #}\n", encoding="utf-8")
    assert cache.fingerprint(spec, out) != base


def test_a_file_as_new_as_the_record_is_not_trusted(rendered: tuple[Path, Path]) -> None:
    spec, out = rendered
    key = cache.fingerprint(spec, out)
    assert key is not None and cache.fresh(key) == len(snapshot(out))
    # Within one clock tick of the record a change can keep the recorded times: such a file is re-read.
    newest = max(path.stat().st_ctime_ns for path in out.rglob("*") if path.is_file())
    os.utime(key.record, ns=(newest, newest))
    assert cache.fresh(key) is None


@pytest.mark.parametrize("damage", ["not json", "[]", '{"format": 1}', '{"format": 1, "inputs": "x", "files": []}', ""])
def test_a_damaged_record_means_a_full_render(
    rendered: tuple[Path, Path], capsys: pytest.CaptureFixture[str], damage: str
) -> None:
    spec, out = rendered
    record_of(out).write_text(damage, encoding="utf-8")
    code, text, err = run_cli(capsys, "render", "--spec", str(spec), "--out", str(out))
    assert (code, err) == (0, "") and " 0 written," in text
    assert json.loads(record_of(out).read_text(encoding="utf-8"))["format"] == cache.FORMAT


def test_an_unwritable_cache_folder_is_not_an_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setenv("EMR_IAM_CACHE_DIR", str(blocker / "cache"))
    spec = write_spec(tmp_path, TWO_TEAMS_SPEC)
    for _ in range(2):
        code, text, err = run_cli(capsys, "render", "--spec", str(spec), "--out", str(tmp_path / "modules"))
        assert (code, err) == (0, "")
    assert " 0 written," in text


def test_stale_check_forgets_the_record_and_no_cache_ignores_it(
    rendered: tuple[Path, Path], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    spec, out = rendered
    (out / "teams" / "one" / "README.md").write_text("edited\n", encoding="utf-8")
    assert run_cli(capsys, "check", "--spec", str(spec), "--out", str(out))[0] == 1
    assert not record_of(out).exists()
    code, _, _ = run_cli(capsys, "render", "--no-cache", "--spec", str(spec), "--out", str(out))
    assert code == 0 and not record_of(out).exists()
    run_cli(capsys, "render", "--spec", str(spec), "--out", str(out))
    refuse_full_render(monkeypatch)
    with pytest.raises(AssertionError, match="a full render ran"):
        run_cli(capsys, "render", "--no-cache", "--spec", str(spec), "--out", str(out))


def test_the_default_cache_folder_follows_xdg(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("EMR_IAM_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache.cache_dir() == tmp_path / "xdg" / "emr-iam"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert cache.cache_dir() == tmp_path / "home" / ".cache" / "emr-iam"


def test_a_cache_hit_loads_neither_pydantic_nor_jinja(rendered: tuple[Path, Path]) -> None:
    spec, out = rendered
    probe = (
        "import sys\n"
        "from generator.cli import main\n"
        f"code = main(['render', '--quiet', '--spec', {str(spec)!r}, '--out', {str(out)!r}])\n"
        "print(code, sorted({'jinja2', 'pydantic', 'yaml'} & set(sys.modules)))\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True)
    assert result.stdout == "0 []\n", result.stdout + result.stderr


def test_compiled_templates_are_kept_unless_no_cache(tmp_path: Path, capsys: pytest.CaptureFixture[str], render_cache: Path) -> None:
    spec = write_spec(tmp_path, TWO_TEAMS_SPEC)
    run_cli(capsys, "render", "--no-cache", "--spec", str(spec), "--out", str(tmp_path / "a"))
    assert not (render_cache / "templates").exists()
    run_cli(capsys, "render", "--spec", str(spec), "--out", str(tmp_path / "b" / "modules"))
    compiled = sorted((render_cache / "templates").iterdir())
    assert len(compiled) >= 10  # one per template used
    # A damaged compiled template is compiled again, with the same output.
    for path in compiled:
        path.write_bytes(b"not bytecode")
    code, _, err = run_cli(capsys, "render", "--spec", str(spec), "--out", str(tmp_path / "c" / "modules"))
    assert (code, err) == (0, "")
    b, c = tmp_path / "b" / "modules", tmp_path / "c" / "modules"
    assert snapshot(c).keys() == snapshot(b).keys()
    assert all((c / name).read_bytes() == (b / name).read_bytes() for name in snapshot(b))
