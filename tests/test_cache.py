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
from generator.cli import main
from tests.helpers import TWO_TEAMS_SPEC, run_cli, snapshot, write_spec

ROOT = Path(__file__).resolve().parent.parent

rendering = importlib.import_module("generator.rendering")
templating = importlib.import_module("generator.templating")

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
    assert key is not None and cache.LastRender(key).fresh() == len(snapshot(out))
    # Within one clock tick of the record a change can keep the recorded times: such a file is re-read.
    newest = max(path.stat().st_ctime_ns for path in out.rglob("*") if path.is_file())
    os.utime(key.record, ns=(newest, newest))
    assert cache.LastRender(key).fresh() is None


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


def test_a_stale_check_keeps_the_last_record_and_no_cache_ignores_it(
    rendered: tuple[Path, Path], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    spec, out = rendered
    recorded = record_of(out).read_bytes()
    (out / "teams" / "one" / "README.md").write_text("edited\n", encoding="utf-8")
    assert run_cli(capsys, "check", "--spec", str(spec), "--out", str(out))[0] == 1
    # The check changed nothing: the record of the last render stays, and no longer matches the edited file.
    assert record_of(out).read_bytes() == recorded
    code, _, _ = run_cli(capsys, "render", "--no-cache", "--spec", str(spec), "--out", str(out))
    assert code == 0 and record_of(out).read_bytes() == recorded
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


# --- A changed spec: the teams whose settings did not change are kept, not rendered again ---------------------------


# TWO_TEAMS_SPEC with team two's tags changed: team one is unchanged.
TEAM_TWO_EDITED = TWO_TEAMS_SPEC + "    tags:\n      CostCentre: cc-2\n"


def resolved_teams(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The teams the next render resolves (and renders), by name, as it resolves them."""
    names: list[str] = []
    resolve = templating.resolve_team

    def spy(source: object, index: int) -> object:
        module = resolve(source, index)
        names.append(module.team)
        return module

    monkeypatch.setattr(templating, "resolve_team", spy)
    return names


def full_render(tmp_path: Path, spec: Path, out: Path) -> dict[str, bytes]:
    """What a render without any record writes for `spec`, from a folder laid out like `spec`'s and `out`'s."""
    fresh = tmp_path / "full-render"
    shutil.rmtree(fresh, ignore_errors=True)
    (fresh / out.name).parent.mkdir(parents=True)
    shutil.copy(spec, fresh / spec.name)
    assert spec.parent == out.parent  # the headers name the spec relative to the output folder's parent
    assert main(["render", "--quiet", "--no-cache", "--spec", str(fresh / spec.name), "--out", str(fresh / out.name)]) == 0
    return {str(path.relative_to(fresh / out.name)): path.read_bytes() for path in sorted((fresh / out.name).rglob("*")) if path.is_file()}


def contents(out: Path) -> dict[str, bytes]:
    return {str(path.relative_to(out)): path.read_bytes() for path in sorted(out.rglob("*")) if path.is_file()}


def test_a_spec_edit_renders_only_the_teams_it_changes(
    rendered: tuple[Path, Path], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    spec, out = rendered
    before = snapshot(out)
    spec.write_text(TEAM_TWO_EDITED, encoding="utf-8")
    resolved = resolved_teams(monkeypatch)
    code, text, err = run_cli(capsys, "render", "--spec", str(spec), "--out", str(out))
    assert (code, err) == (0, "")
    assert resolved == ["two"]
    after = snapshot(out)
    changed = sorted(name for name in after if after[name] != before[name])
    assert changed and all(name.startswith("teams/two/") for name in changed), changed
    assert text == f"{out}: {len(changed)} written, 0 removed, {len(after) - len(changed)} unchanged\n"
    assert contents(out) == full_render(tmp_path, spec, out)
    # The record now holds the edited spec: the same render again stops before rendering anything.
    refuse_full_render(monkeypatch)
    assert run_cli(capsys, "render", "--spec", str(spec), "--out", str(out))[1] == f"{out}: 0 written, 0 removed, {len(after)} unchanged\n"


def test_a_check_that_finds_the_edit_leaves_the_render_its_kept_teams(
    rendered: tuple[Path, Path], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # The pre-commit flow: the spec is edited, `check` fails on the team it changes, then `render`.
    spec, out = rendered
    spec.write_text(TEAM_TWO_EDITED, encoding="utf-8")
    resolved = resolved_teams(monkeypatch)
    code, _, err = run_cli(capsys, "check", "--spec", str(spec), "--out", str(out))
    stale = [line.strip() for line in err.splitlines()[1:]]
    assert code == 1 and stale and all(line.startswith(f"{out}/teams/two/") for line in stale), err
    assert resolved == ["two"]
    assert run_cli(capsys, "render", "--spec", str(spec), "--out", str(out))[0] == 0
    assert resolved == ["two", "two"]


def test_diff_leaves_out_the_kept_teams_and_shows_what_render_writes(
    rendered: tuple[Path, Path], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    spec, out = rendered
    recorded = record_of(out).read_bytes()
    spec.write_text(TEAM_TWO_EDITED, encoding="utf-8")
    resolved = resolved_teams(monkeypatch)
    code, text, _ = run_cli(capsys, "diff", "--spec", str(spec), "--out", str(out))
    assert code == 1 and resolved == ["two"] and record_of(out).read_bytes() == recorded
    changed = {line[6:] for line in text.splitlines() if line.startswith("+++ b/")}
    assert changed and all(name.startswith("teams/two/") for name in changed) and "CostCentre" in text, text
    # The same diff as one that renders every team.
    assert run_cli(capsys, "diff", "--no-cache", "--spec", str(spec), "--out", str(out)) == (1, text, "")
    assert resolved == ["two", "one", "two"]


def test_a_change_of_defaults_renders_every_team(
    rendered: tuple[Path, Path], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    spec, out = rendered
    spec.write_text(TWO_TEAMS_SPEC.replace("defaults:\n", "defaults:\n  tags:\n    Owner: platform\n"), encoding="utf-8")
    resolved = resolved_teams(monkeypatch)
    code, _, err = run_cli(capsys, "render", "--spec", str(spec), "--out", str(out))
    assert (code, err) == (0, "") and resolved == ["one", "two"]
    assert contents(out) == full_render(tmp_path, spec, out)


def test_a_kept_teams_file_edited_by_hand_is_rendered_again(
    rendered: tuple[Path, Path], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    spec, out = rendered
    target = out / "teams" / "one" / "main.tf"
    status = target.stat()
    original = target.read_bytes()
    target.write_bytes(original.replace(b"one-", b"0ne-", 1))
    os.utime(target, ns=(status.st_atime_ns, status.st_mtime_ns))  # size and mtime as recorded; the change time moves
    spec.write_text(TEAM_TWO_EDITED, encoding="utf-8")
    resolved = resolved_teams(monkeypatch)
    assert run_cli(capsys, "render", "--spec", str(spec), "--out", str(out))[0] == 0
    assert resolved == ["one", "two"] and target.read_bytes() == original
    assert contents(out) == full_render(tmp_path, spec, out)


def test_a_renamed_team_goes_and_a_kept_team_stays(
    rendered: tuple[Path, Path], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    spec, out = rendered
    kept = {name: value for name, value in snapshot(out).items() if name.startswith("teams/one/")}
    spec.write_text(TWO_TEAMS_SPEC.replace("name: two", "name: three"), encoding="utf-8")
    resolved = resolved_teams(monkeypatch)
    code, text, _ = run_cli(capsys, "render", "--spec", str(spec), "--out", str(out))
    assert code == 0 and resolved == ["three"] and " 5 removed," in text
    assert not (out / "teams" / "two").exists()
    assert {name: value for name, value in snapshot(out).items() if name.startswith("teams/one/")} == kept
    assert contents(out) == full_render(tmp_path, spec, out)


def test_a_kept_teams_names_still_count_against_a_changed_team(
    rendered: tuple[Path, Path], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    spec, out = rendered
    before = snapshot(out)
    # Team two now names its roles as team one does: one is kept, and its names still clash.
    spec.write_text(TWO_TEAMS_SPEC + '    name_prefix: "one-"\n', encoding="utf-8")
    resolved = resolved_teams(monkeypatch)
    code, _, err = run_cli(capsys, "render", "--spec", str(spec), "--out", str(out))
    assert resolved == ["two"]
    assert code == 2 and "teams[1].service_role.name" in err and "already used by team 'one'" in err, err
    assert snapshot(out) == before


def test_a_change_of_quotas_checks_every_team_again(
    rendered: tuple[Path, Path], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    spec, out = rendered
    before = snapshot(out)
    # A quota below the size of the service role's trust policy: team one, unchanged itself, is over it first.
    spec.write_text(TWO_TEAMS_SPEC.replace("defaults:\n", "quotas:\n  trust_policy: 100\ndefaults:\n"), encoding="utf-8")
    code, _, err = run_cli(capsys, "render", "--spec", str(spec), "--out", str(out))
    assert code == 2 and "teams[0]" in err and "trust policy" in err, err
    assert snapshot(out) == before


ACCOUNTS_SPEC = """\
version: 1
defaults:
  name_prefix: "{team}-"
accounts:
  a:
    id: "111122223333"
  b:
    id: "444455556666"
    region: eu-west-1
    tags:
      Account: b
teams:
"""
ONE = "  - name: one\n    account: a\n"
TWO = "  - name: two\n    account: b\n"
THREE = "  - name: three\n    account: b\n"
THREE_WITH_EMRFS = "  - name: three\n    account: b\n    emrfs:\n      roles:\n        - name: lake\n"


def test_every_render_from_a_record_equals_a_render_without_one(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    versions = [
        ACCOUNTS_SPEC + ONE + TWO,
        ACCOUNTS_SPEC + ONE + TWO + THREE,  # a team added
        ACCOUNTS_SPEC + ONE + TWO + THREE_WITH_EMRFS,  # one team changed
        ACCOUNTS_SPEC + THREE_WITH_EMRFS + TWO + ONE,  # the teams in another order
        (ACCOUNTS_SPEC + THREE_WITH_EMRFS + TWO + ONE).replace("Account: b", "Account: bee"),  # an account's settings
        (ACCOUNTS_SPEC + THREE_WITH_EMRFS + TWO + ONE).replace("account: b\n    emrfs", "account: a\n    emrfs"),  # moved
        (ACCOUNTS_SPEC + TWO + ONE).replace("eu-west-1", "cn-north-1"),  # a team removed; an account in another partition
        ACCOUNTS_SPEC + ONE + TWO,
    ]
    spec = write_spec(tmp_path, versions[0])
    out = tmp_path / "modules"
    assert run_cli(capsys, "render", "--spec", str(spec), "--out", str(out))[0] == 0
    for number, text in enumerate(versions[1:], 1):
        spec.write_text(text, encoding="utf-8")
        code, _, err = run_cli(capsys, "render", "--spec", str(spec), "--out", str(out))
        assert (code, err) == (0, ""), (number, err)
        assert contents(out) == full_render(tmp_path, spec, out), number
