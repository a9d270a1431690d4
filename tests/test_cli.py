"""The command line as documented: every command, its --help, its exit codes, and the README table."""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from pathlib import Path

import pytest

from generator.cli import _parser, main
from tests.engine import ROOT
from tests.helpers import MINIMAL_SPEC, run_cli, write_spec

README = ROOT / "README.md"


def commands() -> list[str]:
    action = next(a for a in _parser()._actions if isinstance(a, argparse._SubParsersAction))
    return list(action.choices)


def help_text(*argv: str) -> str:
    result = subprocess.run([sys.executable, "-m", "generator", *argv, "--help"], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_the_documented_commands_exist() -> None:
    assert commands() == ["render", "check", "validate", "diff", "schema", "imports", "scaffold"]


def test_main_help_lists_commands_and_exit_codes() -> None:
    text = help_text()
    for command in commands():
        assert command in text
    assert "exit codes: 0 ok, 1 differences (check, diff), 2 bad input" in text


@pytest.mark.parametrize("command", ["render", "check", "validate", "diff", "schema", "imports", "scaffold"])
def test_every_command_help_shows_an_example_and_only_its_own_exit_codes(command: str) -> None:
    text = help_text(command)
    assert re.search(rf"^  python -m generator {command}\b|^example: python -m generator {command}\b", text, re.MULTILINE), text
    codes = re.findall(r"^exit codes: .*$", text, re.MULTILINE)
    if command == "check":
        assert codes == ["exit codes: 0 up to date, 1 stale modules or files the spec does not produce, 2 bad input"]
    elif command == "diff":
        assert codes == ["exit codes: 0 no difference, 1 differences (printed), 2 bad input"]
    else:
        assert codes == ["exit codes: 0 ok, 2 bad input"], text


def test_version_comes_from_the_installed_package() -> None:
    from importlib.metadata import version

    result = subprocess.run([sys.executable, "-m", "generator", "--version"], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert (result.returncode, result.stdout, result.stderr) == (0, f"emr-iam {version('emr-iam')}\n", "")


def test_readme_documents_every_command_with_its_exit_codes() -> None:
    text = README.read_text(encoding="utf-8")
    table = text[text.index("| Command | What it does | Exit codes |") :].split("\n\n", 1)[0]
    rows = {match[0]: match[1] for match in re.findall(r"^\| `(\w+)` \| .* \| ([0-9, ]+) \|$", table, re.MULTILINE)}
    assert list(rows) == commands()
    assert rows["check"] == rows["diff"] == "0, 1, 2"
    assert all("1" not in codes for command, codes in rows.items() if command not in ("check", "diff"))
    assert "**0** success; **1** modules that differ from the spec (`check` and `diff`); **2** bad\ninput" in text


def test_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = write_spec(tmp_path, MINIMAL_SPEC)
    out = tmp_path / "modules"
    assert run_cli(capsys, "validate", "--spec", str(spec))[0] == 0
    assert run_cli(capsys, "check", "--spec", str(spec), "--out", str(out))[0] == 1  # nothing rendered yet
    assert run_cli(capsys, "render", "--spec", str(spec), "--out", str(out))[0] == 0
    assert run_cli(capsys, "check", "--spec", str(spec), "--out", str(out))[0] == 0
    assert run_cli(capsys, "diff", "--spec", str(spec), "--out", str(out)) == (0, "", "")
    assert run_cli(capsys, "schema")[0] == 0
    assert run_cli(capsys, "imports", "--default-roles")[0] == 0

    bad = write_spec(tmp_path, "version: 1\nteams:\n  - name: Solo\n", "bad.yaml")
    code, _, err = run_cli(capsys, "validate", "--spec", str(bad))
    assert code == 2 and err.startswith(f"emr-iam: error: {bad}:3: teams[0].name: ")
    assert run_cli(capsys, "render", "--spec", str(tmp_path / "missing.yaml"), "--out", str(out))[0] == 2
    assert run_cli(capsys, "imports", "--team", "nobody", "--spec", str(spec))[0] == 2


def test_bad_options_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    for argv in (["render", "--no-such-option"], ["no-such-command"], ["imports"], ["schema", "--format", "toml"]):
        with pytest.raises(SystemExit) as exited:
            main(argv)
        assert exited.value.code == 2, argv
        err = capsys.readouterr().err
        assert len(err.splitlines()) == 1 and err.startswith("emr-iam") and ": error: " in err and "--help)" in err, err


def test_schema_markdown_updates_only_between_the_markers(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from generator import docs

    readme = tmp_path / "README.md"
    readme.write_text(f"# Mine\n\nbefore\n\n{docs.README_BEGIN}\nold\n{docs.README_END}\n\nafter\n", encoding="utf-8")
    code, out, _ = run_cli(capsys, "schema", "--format", "markdown", "--readme", str(readme))
    assert code == 0 and "updated" in out
    text = readme.read_text(encoding="utf-8")
    assert text.startswith("# Mine\n\nbefore\n\n") and text.endswith(f"{docs.README_END}\n\nafter\n")
    assert "\nold\n" not in text and "| `managed_policies_per_role` |" in text
    assert "up to date" in run_cli(capsys, "schema", "--format", "markdown", "--readme", str(readme))[1]
    readme.write_text("# no markers\n", encoding="utf-8")
    code, _, err = run_cli(capsys, "schema", "--format", "markdown", "--readme", str(readme))
    assert code == 2 and "no spec reference section" in err


def test_schema_readme_implies_markdown_and_refuses_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from generator import docs

    readme = tmp_path / "README.md"
    readme.write_text(f"# Mine\n\n{docs.README_BEGIN}\n{docs.README_END}\n", encoding="utf-8")
    code, out, err = run_cli(capsys, "schema", "--readme", str(readme))
    assert (code, out, err) == (0, f"{readme}: spec reference updated\n", "")
    assert "| `managed_policies_per_role` |" in readme.read_text(encoding="utf-8")
    before = readme.read_text(encoding="utf-8")
    code, out, err = run_cli(capsys, "schema", "--format", "json", "--readme", str(readme))
    assert (code, out) == (2, "")
    assert err == "emr-iam: error: --readme writes the Markdown spec reference; it cannot be used with --format json\n"
    assert readme.read_text(encoding="utf-8") == before


def test_readme_without_markers_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from generator import docs

    readme = tmp_path / "README.md"
    readme.write_text("# no markers\n", encoding="utf-8")
    code, _, err = run_cli(capsys, "schema", "--readme", str(readme))
    assert code == 2
    assert err == (f"emr-iam: error: {readme}: no spec reference section: add a line {docs.README_BEGIN!r}"
                   f" and, after it, a line {docs.README_END!r}\n")
    assert readme.read_text(encoding="utf-8") == "# no markers\n"


def test_validate_warns_for_a_team_without_source_account_id(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = write_spec(tmp_path, 'version: 1\nteams:\n  - name: bare\n  - name: safe\n    name_prefix: safe-\n    source_account_id: "111122223333"\n')
    code, out, err = run_cli(capsys, "validate", "--spec", str(spec))
    assert code == 0 and out == f"{spec}: valid (2 teams)\n"
    assert err.splitlines() == [
        f"emr-iam: warning: {spec}:3: teams[0]: team bare has no source_account_id, so the EMR trust policies carry no confused-deputy "
        "conditions (aws:SourceAccount, aws:SourceArn) unless each workspace sets the team module's source_account_id"
    ]


@pytest.mark.parametrize(
    ("field", "value", "accepted"),
    [
        ("local_disk_kms_key_arn", "arn:{partition}:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab", True),
        ("local_disk_kms_key_arn", "arn:{partition}:kms:us-east-1:111122223333:key/mrk-0123456789abcdef0123456789abcdef", True),
        ("local_disk_kms_key_arn", "arn:{partition}:kms:us-east-1:111122223333:alias/emr-disks", False),
        ("local_disk_kms_key_arn", "arn:{partition}:kms:us-east-1:111122223333:key/emr-disks", False),
        ("at_rest_s3", "arn:{partition}:kms:us-east-1:111122223333:alias/emr-s3", True),
        ("at_rest_s3", "arn:{partition}:kms:us-east-1:111122223333:key/not-a-key-id", False),
    ],
)
def test_kms_keys_are_what_each_field_accepts(tmp_path: Path, capsys: pytest.CaptureFixture[str], field: str, value: str, accepted: bool) -> None:
    setting = f"at_rest_s3: {{mode: SSE-KMS, kms_key_arn: \"{value}\"}}" if field == "at_rest_s3" else f'{field}: "{value}"'
    spec = write_spec(tmp_path, f'version: 1\nteams:\n  - name: t\n    source_account_id: "111122223333"\n    emrfs:\n      encryption:\n        {setting}\n')
    code, _, err = run_cli(capsys, "validate", "--spec", str(spec))
    assert (code == 0) is accepted, err
    if not accepted:
        assert code == 2 and len(err.splitlines()) == 1 and "KMS key" in err, err


def test_check_and_diff_see_files_the_spec_does_not_produce(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = write_spec(tmp_path, MINIMAL_SPEC)
    out = tmp_path / "modules"
    args = ("--spec", str(spec), "--out", str(out))
    assert run_cli(capsys, "render", *args)[0] == 0
    assert run_cli(capsys, "check", *args)[0] == 0  # leaves a record: the next check may stop early
    team = next((out / "teams").iterdir())
    (team / "notes.md").write_text("mine\n")
    (out / "teams" / "old-team").mkdir()
    (out / "teams" / "old-team" / "main.tf").write_text("# by hand\n")
    (team / ".terraform").mkdir()  # the engine's, never reported
    (team / ".terraform.lock.hcl").write_text("")
    (out / "mine.md").write_text("beside the generated folders\n")

    code, stdout, stderr = run_cli(capsys, "check", *args)
    assert code == 1 and stdout == ""
    assert stderr.splitlines() == [
        f"emr-iam: error: {out}: 1 file and 1 folder are not produced by {spec}, in folders the generator owns: remove them,"
        " or keep your own files outside those folders (render never deletes them):",
        *sorted([f"  {out}/teams/{team.name}/notes.md", f"  {out}/teams/old-team/"]),
    ]
    code, stdout, stderr = run_cli(capsys, "diff", *args)
    assert (code, stderr) == (1, "")
    assert sorted(stdout.splitlines()) == sorted([
        f"Only in {out.as_posix()}/teams/{team.name}: notes.md (not produced by the spec)",
        f"Only in {out.as_posix()}/teams: old-team (not produced by the spec)",
    ])
    # render keeps them and says so; the record it would leave must not hide them from the next check
    code, _, stderr = run_cli(capsys, "render", *args)
    assert code == 0 and stderr.startswith(f"emr-iam: warning: {out}: 1 file and 1 folder are not produced by {spec}")
    assert (team / "notes.md").read_text() == "mine\n" and (out / "teams" / "old-team" / "main.tf").is_file()
    assert run_cli(capsys, "check", *args)[0] == 1

    (team / "notes.md").unlink()
    (out / "teams" / "old-team" / "main.tf").unlink()
    (out / "teams" / "old-team").rmdir()
    assert run_cli(capsys, "check", *args)[0] == 0
    assert run_cli(capsys, "check", *args)[0] == 0  # from the record
    (team / "late.md").write_text("added after the record\n")
    assert run_cli(capsys, "check", *args)[0] == 1


def test_diff_exits_1_when_render_would_change_a_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = write_spec(tmp_path, MINIMAL_SPEC)
    out = tmp_path / "modules"
    args = ("--spec", str(spec), "--out", str(out))
    code, stdout, _ = run_cli(capsys, "diff", *args)  # nothing rendered yet: every file is new
    assert code == 1 and "+++ b/emr-iam/main.tf" in stdout
    assert run_cli(capsys, "render", *args)[0] == 0
    assert run_cli(capsys, "diff", *args) == (0, "", "")
    main_tf = out / "emr-iam" / "main.tf"
    main_tf.write_text(main_tf.read_text() + "# edited\n")
    code, stdout, _ = run_cli(capsys, "diff", *args)
    assert code == 1 and "-# edited" in stdout


def test_a_removed_teams_folder_is_stale_not_stray(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = write_spec(tmp_path, MINIMAL_SPEC.replace("teams:\n", "teams:\n  - name: gone\n    name_prefix: gone-\n", 1))
    out = tmp_path / "modules"
    assert run_cli(capsys, "render", "--spec", str(spec), "--out", str(out))[0] == 0
    assert (out / "teams" / "gone" / "main.tf").is_file()
    write_spec(tmp_path, MINIMAL_SPEC)
    code, _, stderr = run_cli(capsys, "check", "--spec", str(spec), "--out", str(out))
    assert code == 1 and "not produced by" not in stderr and f"  {out}/teams/gone/main.tf" in stderr.splitlines()
    code, _, stderr = run_cli(capsys, "render", "--spec", str(spec), "--out", str(out))
    assert (code, stderr) == (0, "") and not (out / "teams" / "gone").exists()
