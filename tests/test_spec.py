"""The spec: what it accepts, and the one-line error (file, line, field, problem) for what it rejects."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from generator import spec as spec_module
from generator.merge import deep_merge
from generator.spec import load_spec
from tests.helpers import MINIMAL_SPEC, aws_managed_policy_names, run_cli, snapshot, write_spec

ERROR_LINE = re.compile(r"^emr-iam: error: (?P<file>[^:]+)(?::(?P<line>\d+))?: (?:(?P<field>[A-Za-z_][^ ]*?): )?(?P<message>.+)$")


def expect_error(capsys: pytest.CaptureFixture[str], tmp_path: Path, text: str) -> re.Match[str]:
    """Validate and render the spec: both exit 2 with one error line and write nothing."""
    spec = write_spec(tmp_path, text)
    out = tmp_path / "out"
    code, stdout, stderr = run_cli(capsys, "render", "--spec", str(spec), "--out", str(out))
    assert code == 2, stderr
    assert stdout == ""
    assert not out.exists(), "a failed render wrote files"
    assert len(stderr.splitlines()) == 1, stderr
    assert "Traceback" not in stderr
    match = ERROR_LINE.match(stderr.strip())
    assert match, stderr
    assert match["file"] == str(spec)
    code, _, stderr_validate = run_cli(capsys, "validate", "--spec", str(spec))
    assert code == 2 and stderr_validate == stderr
    return match


# --- accepted ------------------------------------------------------------------------------


def test_minimal_spec_takes_every_default(tmp_path: Path) -> None:
    spec = load_spec(write_spec(tmp_path, MINIMAL_SPEC))
    team = spec.teams[0]
    assert team.service_role.name == "EMR_DefaultRole"
    assert team.service_role.managed_policy == "v2"
    assert team.ec2_role.name == "EMR_EC2_DefaultRole"
    assert team.ec2_role.policy == "managed"
    assert team.autoscaling_role.name == "EMR_AutoScaling_DefaultRole"
    assert team.service_linked_role.create is False
    assert team.path == "/"
    assert team.emrfs.roles == [] and team.emrfs.mappings == []
    assert spec.quotas.managed_policies_per_role == 10


def test_team_settings_merge_over_defaults(tmp_path: Path) -> None:
    spec = load_spec(
        write_spec(
            tmp_path,
            """\
            version: 1
            defaults:
              path: /emr/
              tags: {ManagedBy: emr-iam, CostCenter: "42"}
              ec2_role: {policy: scoped, s3_access: [{bucket: shared-logs}]}
            teams:
              - name: one
                tags: {Team: one}
                ec2_role:
                  s3_access: [{bucket: one-data, prefix: raw/, access: read_write}]
              - name: two
                path: /two/
            """,
        )
    )
    one, two = spec.teams
    assert one.tags == {"ManagedBy": "emr-iam", "CostCenter": "42", "Team": "one"}
    assert one.path == "/emr/" and two.path == "/two/"
    assert one.ec2_role.policy == "scoped"
    # Lists replace: team one's s3_access is its own, team two inherits the default.
    assert [s.bucket for s in one.ec2_role.s3_access] == ["one-data"]
    assert [s.bucket for s in two.ec2_role.s3_access] == ["shared-logs"]


def test_deep_merge_mappings_merge_and_lists_replace() -> None:
    base = {"a": {"b": 1, "c": [1, 2]}, "d": 1}
    assert deep_merge(base, {"a": {"c": [3]}, "e": 2}) == {"a": {"b": 1, "c": [3]}, "d": 1, "e": 2}
    assert base == {"a": {"b": 1, "c": [1, 2]}, "d": 1}


def test_default_spec_is_valid(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_cli(capsys, "validate", "--spec", "specs/platform.yaml")
    assert code == 0
    assert "valid" in out
    # Its data-science team shows the v1 service role, the managed EC2 policy and AmazonS3ReadOnlyAccess in an
    # account it shares with analytics: the only warnings, each naming what the policy reaches.
    warned = err.splitlines()
    assert len(warned) == 5 and all("shares account 111122223333 with" in line for line in warned), err
    assert sum("team data-science shares" in line for line in warned) == 4
    # Each names the file and line where the value was written, as errors do.
    assert all(re.match(r"emr-iam: warning: specs/platform\.yaml:\d+: teams\[\d\]\.", line) for line in warned), err


def test_emrfs_mappings_keep_spec_order(tmp_path: Path) -> None:
    spec = load_spec(
        write_spec(
            tmp_path,
            """\
            version: 1
            teams:
              - name: t
                emrfs:
                  roles: [{name: r1}, {name: r2}]
                  mappings:
                    - {role: r2, identifier_type: Prefix, identifiers: ["s3://bucket-one/x/"]}
                    - {role: r1, identifier_type: User, identifiers: [alice, bob]}
                    - {role: r2, identifier_type: Group, identifiers: [analysts]}
            """,
        )
    )
    mappings = spec.teams[0].emrfs.mappings
    assert [(m.role, m.identifier_type) for m in mappings] == [("r2", "Prefix"), ("r1", "User"), ("r2", "Group")]


# --- rejected: each rule, with the field and line it names -----------------------------------

REJECTED = {
    "unknown top-level key": (
        "version: 1\nteamz: []\nteams: [{name: a}]\n",
        2, "teamz", "unknown field (allowed: version, quotas, defaults, accounts, teams)",
    ),
    "unknown key in a team": (
        "version: 1\nteams:\n  - name: a\n    ec2_role:\n      nmae: x\n",
        5, "teams[0].ec2_role.nmae", "unknown field",
    ),
    "unknown key in defaults": (
        "version: 1\ndefaults:\n  service_role: {flavour: v2}\nteams: [{name: a}]\n",
        3, "defaults.service_role.flavour", "unknown field",
    ),
    "missing version": ("teams: [{name: a}]\n", None, "version", "is required"),
    "wrong version": ("version: 2\nteams: [{name: a}]\n", 1, "version", "must be 1, not the number 2"),
    "no teams": ("version: 1\nteams: []\n", 2, "teams", "non-empty list"),
    "team not a mapping": ("version: 1\nteams: [a]\n", 2, "teams[0]", "must be a mapping"),
    "bad team name": ("version: 1\nteams: [{name: Analytics}]\n", 2, "teams[0].name", "'Analytics' must be lower-case"),
    "duplicate team": ("version: 1\nteams:\n  - {name: a, name_prefix: x-}\n  - {name: a}\n", 4, "teams[1].name", "listed twice"),
    "wrong type": ("version: 1\nteams:\n  - name: a\n    tags: [x]\n", 4, "teams[0].tags", "must be a mapping, not a list"),
    "bool as string": ("version: 1\nteams:\n  - name: a\n    service_role: {create: maybe}\n", 4, "teams[0].service_role.create", "must be true or false without quotes, not the string 'maybe'"),
    "bad path": ("version: 1\ndefaults: {path: emr}\nteams: [{name: a}]\n", 2, "defaults.path", "must be an IAM path"),
    "path with empty segment": ("version: 1\nteams: [{name: a, path: //}]\n", 2, "teams[0].path", "must be an IAM path"),
    "bad policy flavour": ("version: 1\nteams:\n  - name: a\n    service_role: {managed_policy: v3}\n", 4, "teams[0].service_role.managed_policy", "'v2', 'v1' or 'none'"),
    "instance profile name differs": (
        "version: 1\nteams:\n  - name: a\n    ec2_role:\n      name: Emr\n      instance_profile_name: Other\n",
        6, "teams[0].ec2_role.instance_profile_name", "invalid instance profile",
    ),
    "s3 access without scoped policy": (
        "version: 1\nteams:\n  - name: a\n    ec2_role:\n      s3_access: [{bucket: my-bucket}]\n",
        5, "teams[0].ec2_role.s3_access", "only used with policy: scoped",
    ),
    "bad bucket": (
        "version: 1\nteams:\n  - name: a\n    ec2_role:\n      policy: scoped\n      s3_access: [{bucket: My_Bucket}]\n",
        6, "teams[0].ec2_role.s3_access[0].bucket", "must be an S3 bucket name",
    ),
    "illegal role name characters": (
        "version: 1\nteams:\n  - name: a\n    service_role: {name: 'emr role'}\n", 4, "teams[0].service_role.name", "must be 1 to 128",
    ),
    "bad policy arn": (
        "version: 1\nteams:\n  - name: a\n    service_role: {policy_arns: ['arn:aws:s3:::x']}\n",
        4, "teams[0].service_role.policy_arns[0]", "must be an IAM policy ARN",
    ),
    "bad permissions boundary": ("version: 1\nteams: [{name: a, permissions_boundary: boundary}]\n", 2, "teams[0].permissions_boundary", "IAM policy ARN"),
    "account id as number": ("version: 1\nteams: [{name: a, source_account_id: 111122223333}]\n", 2, "teams[0].source_account_id",
                             'must be a string, and YAML read 111122223333 as a number: quote it ("...")'),
    "mapping to unknown role": (
        "version: 1\nteams:\n  - name: a\n    emrfs:\n      roles: [{name: r1}]\n      mappings:\n        - {role: r2, identifier_type: User, identifiers: [x]}\n",
        7, "teams[0].emrfs.mappings[0].role", "not one of this team's emrfs roles",
    ),
    "prefix identifier not s3": (
        "version: 1\nteams:\n  - name: a\n    emrfs:\n      roles: [{name: r1}]\n      mappings:\n        - role: r1\n          identifier_type: Prefix\n          identifiers: [alice]\n",
        9, "teams[0].emrfs.mappings[0].identifiers[0]", "not an s3:// location",
    ),
    "user identifier is a location (mixed types)": (
        "version: 1\nteams:\n  - name: a\n    emrfs:\n      roles: [{name: r1}]\n      mappings:\n        - role: r1\n          identifier_type: User\n          identifiers: [alice, 's3://bucket/x']\n",
        9, "teams[0].emrfs.mappings[0].identifiers[1]", "is not a user name",
    ),
    "bad identifier type": (
        "version: 1\nteams:\n  - name: a\n    emrfs:\n      roles: [{name: r1}]\n      mappings: [{role: r1, identifier_type: Role, identifiers: [x]}]\n",
        6, "teams[0].emrfs.mappings[0].identifier_type", "'User', 'Group' or 'Prefix'",
    ),
    "empty identifiers": (
        "version: 1\nteams:\n  - name: a\n    emrfs:\n      roles: [{name: r1}]\n      mappings: [{role: r1, identifier_type: User, identifiers: []}]\n",
        6, "teams[0].emrfs.mappings[0].identifiers", "must not be empty",
    ),
    "duplicate emrfs role": (
        "version: 1\nteams:\n  - name: a\n    emrfs:\n      roles: [{name: r1}, {name: r1}]\n", 5, "teams[0].emrfs.roles[1].name", "listed twice",
    ),
    "inline policy without action": (
        "version: 1\nteams:\n  - name: a\n    service_role:\n      inline_policies:\n        p: {Statement: [{Effect: Allow, Resource: '*'}]}\n",
        6, "teams[0].service_role.inline_policies.p.Statement[0]", "exactly one of Action or NotAction",
    ),
    "sse-kms without key": (
        "version: 1\nteams:\n  - name: a\n    emrfs:\n      encryption: {at_rest_s3: {mode: SSE-KMS}}\n",
        5, "teams[0].emrfs.encryption.at_rest_s3.kms_key_arn", "required with mode SSE-KMS",
    ),
    "spec is a list": ("- version: 1\n", 1, None, "must be a mapping"),
    "anchors and aliases": ("version: 1\nteams:\n  - &t {name: a}\n  - *t\n", 4, None, "anchors and aliases are not supported"),
    "invalid yaml": ("version: 1\nteams: [\n", 3, None, "not valid YAML"),
    "key given twice": ("version: 1\nteams:\n  - name: a\n    tags: {x: '1'}\n    name: b\n", 5, None, "key 'name' is given twice"),
    # The loader checks a mapping's keys before it builds the mappings inside it.
    "key given twice, outer first": (
        "version: 1\nteams:\n  - {name: a, tags: {x: '1', x: '2'}}\n  - {name: b, name: c}\n", 4, None, "key 'name' is given twice",
    ),
    # Generation-time IAM limits.
    "role name over 64": (
        "version: 1\nteams:\n  - name: a\n    service_role: {name: " + "r" * 65 + "}\n",
        4, "teams[0].service_role.name", "length is 65, over the IAM limit of 64",
    ),
    "prefix makes a name too long": (
        "version: 1\ndefaults:\n  name_prefix: '{team}-" + "p" * 40 + "-'\nteams:\n  - name: analytics\n",
        5, "teams[0].service_role.name", "over the IAM limit of 64",
    ),
    "name prefix over 38": (
        "version: 1\nteams:\n  - name: a\n    ec2_role: {name: " + "e" * 38 + ", use_name_prefix: true}\n",
        4, "teams[0].ec2_role.name", "over the IAM limit of 38",
    ),
    "path over 512": (
        "version: 1\nteams: [{name: a, path: '/" + "p/" * 256 + "'}]\n", 2, "teams[0].path", "at most 512",
    ),
    "tags over 50": (
        "version: 1\nteams:\n  - name: a\n    tags: {" + ", ".join(f"k{i}: v" for i in range(51)) + "}\n", 4, "teams[0].tags", "over the IAM limit of 50",
    ),
    "managed policies over 10": (
        "version: 1\nteams:\n  - name: a\n    ec2_role:\n      aws_managed_policies: [" + ", ".join(aws_managed_policy_names(10)) + "]\n",
        4, "teams[0].ec2_role", "number of managed policies attached to the role is 11, over the IAM limit of 10",
    ),
    "inline policies over 10240": (
        "version: 1\nteams:\n  - name: a\n    emrfs:\n      roles:\n        - name: big\n          s3_access: ["
        + ", ".join(f"{{bucket: bucket-{i:03d}, prefix: {'x' * 60}/, access: read_write}}" for i in range(60))
        + "]\n",
        6, "teams[0].emrfs.roles[0]", "over the IAM limit of 10240",
    ),
    "scoped managed policy over 6144": (
        "version: 1\nteams:\n  - name: a\n    ec2_role:\n      policy: scoped\n      s3_access: ["
        + ", ".join(f"{{bucket: bucket-{i:03d}, prefix: {'x' * 40}/}}" for i in range(60))
        + "]\n",
        6, "teams[0].ec2_role.s3_access", "over the IAM limit of 6144",
    ),
    # With the default quota of 2,048 no spec reaches it (one principal, path <= 512); a lower quota shows the check.
    "trust policy over the quota": (
        "version: 1\nquotas: {trust_policy: 600}\nteams:\n  - name: a\n    path: '/" + "p" * 510 + "/'\n"
        + "    emrfs:\n      roles: [{name: r1}]\n",
        7, "teams[0].emrfs.roles[0].name", "trust policy is",
    ),
    "same role name in two teams": (
        "version: 1\nteams:\n  - name: a\n  - name: b\n", 4, "teams[1].service_role.name", "already used by team 'a'",
    ),
    "emrfs role named like the ec2 role": (
        "version: 1\nteams:\n  - name: a\n    emrfs:\n      roles: [{name: EMR_EC2_DefaultRole}]\n",
        5, "teams[0].emrfs.roles[0].name", "already used by team 'a' (ec2_role.name)",
    ),
    "same PassRole policy name in two teams": (
        "version: 1\nteams:\n  - name: a\n  - name: b\n    service_role: {name: B1}\n    ec2_role: {name: B2}\n    autoscaling_role: {name: B3}\n",
        4, "teams[1].passrole_policy.name", "PassRole policy name 'EMR_PassRole' is already used by team 'a'",
    ),
    "two teams create the service-linked role (no account given)": (
        "version: 1\ndefaults:\n  name_prefix: '{team}-'\nteams:\n  - name: a\n    service_linked_role: {create: true}\n"
        "  - name: b\n    service_linked_role: {create: true}\n",
        8, "teams[1].service_linked_role.create",
        "team 'b' and team 'a' (service_linked_role.create) both create the EMR service-linked role AWSServiceRoleForEMRCleanup"
        " in the same account (neither sets source_account_id)",
    ),
    "two teams create the service-linked role in one account": (
        "version: 1\ndefaults:\n  name_prefix: '{team}-'\n  source_account_id: '111122223333'\n  service_linked_role: {create: true}\n"
        "teams:\n  - name: a\n  - name: b\n",
        5, "defaults.service_linked_role.create", "team 'b' and team 'a' (service_linked_role.create) both create"
        " the EMR service-linked role AWSServiceRoleForEMRCleanup in account 111122223333",
    ),
    "same security configuration in two teams": (
        "version: 1\ndefaults:\n  name_prefix: '{team}-'\n  emrfs: {security_configuration_name: shared}\nteams:\n  - name: a\n  - name: b\n",
        4, "defaults.emrfs.security_configuration_name", "security configuration name 'shared' is already used by team 'a'",
    ),
}


# The spec loader's data, and the fast load's: equal (types included), or the fast load leaves the text to the loader.
YAML_TEXTS = [
    "version: 1\nteams: [{name: a}]\n",
    "a: 1\nb: 0x1f\nc: 1.5\nd: .inf\ne: yes\nf: ~\ng: 2024-01-02\nh: 2024-01-02 03:04:05\ni: '1'\nj: \"x\"\nk: 1_000\nl: 0o17\n",
    "1: a\n0x1: b\n",  # two keys of one value: the loader keeps the last, no error
    "? [a]\n: b\n",  # a key that is a sequence: the loader reports it
    "a: !!str 1\nb: !!int '2'\nc: !!binary aGVsbG8=\nd: !!float 3\n",
    "a: !!set {x, y}\n",
    "a: !!omap [{x: 1}]\n",
    "a: !custom 1\n",
    "base: &b {x: 1}\nother: {<<: *b, y: 2}\n",
    "a: {<<: {x: 1}}\n",
    "=: a\n",
    "a: [1, [2, [3, {b: null}]]]\n",
    "a: 1\na: 2\n",
    "a: \"\\u00e9\"\n",
    "a: \"\\ud800\"\n",
    "",
    "# nothing\n",
    "- a\n- b\n",
    "just text\n",
    "a: 1\n---\nb: 2\n",
    "a: [\n",
    "a: 2024-13-45\n",
    "a:\tb\n",
    "R&D: x\n",
]


@pytest.mark.parametrize("text", YAML_TEXTS)
def test_fast_load_matches_the_loader(text: str) -> None:
    try:
        expected = ("data", yaml.load(text, Loader=spec_module._SpecLoader))  # noqa: S506 (a safe loader)
    except Exception as error:  # noqa: BLE001 (the loader's own problem, reported by the render as before)
        expected = ("error", type(error))
    fast = spec_module._load_plain(text)
    if fast is not None:
        assert expected == ("data", fast)
        assert repr(expected[1]) == repr(fast)  # the same types: 1 and True, 1 and 1.0 compare equal


def test_fast_load_reads_plain_specs() -> None:
    assert spec_module._load_plain(MINIMAL_SPEC) == yaml.safe_load(MINIMAL_SPEC)
    assert spec_module._load_plain(Path("specs/platform.yaml").read_text(encoding="utf-8")) is not None


@pytest.mark.parametrize("case", list(REJECTED), ids=list(REJECTED))
def test_rejected(case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text, line, field, message = REJECTED[case]
    match = expect_error(capsys, tmp_path, text)
    if line is not None:
        assert match["line"] == str(line), match.string
    assert match["field"] == field, match.string
    assert message in match["message"], match.string


def test_inherited_error_points_at_defaults(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    match = expect_error(
        capsys, tmp_path, "version: 1\ndefaults:\n  ec2_role:\n    name: Emr\n    instance_profile_name: Other\nteams: [{name: a}]\n"
    )
    assert (match["line"], match["field"]) == ("5", "defaults.ec2_role.instance_profile_name")


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"version: 1\nteams: [{name: \xff}]\n", ":2: is not UTF-8 text: byte 0xff at column 16"), (None, ": no such file"),
     ("dir", ": is a directory")],
    ids=["not-utf8", "missing", "directory"],
)
def test_unreadable_spec(tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes | str | None, message: str) -> None:
    spec = tmp_path / "spec.yaml"
    if isinstance(content, bytes):
        spec.write_bytes(content)
    elif content == "dir":
        spec.mkdir()
    out = tmp_path / "out"
    code, _, err = run_cli(capsys, "render", "--spec", str(spec), "--out", str(out))
    assert code == 2
    assert err.startswith(f"emr-iam: error: {spec}{message}")
    assert len(err.splitlines()) == 1
    assert not out.exists()


def test_failed_render_leaves_existing_output_untouched(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = write_spec(tmp_path, MINIMAL_SPEC, "good.yaml")
    out = tmp_path / "modules"
    assert run_cli(capsys, "render", "--spec", str(good), "--out", str(out))[0] == 0
    before = snapshot(out)
    bad = write_spec(tmp_path, "version: 1\nteams:\n  - name: solo\n  - name: other\n", "bad.yaml")
    code, _, err = run_cli(capsys, "render", "--spec", str(bad), "--out", str(out))
    assert code == 2 and "already used" in err
    assert snapshot(out) == before


def test_partition_placeholder_follows_the_provider(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = write_spec(
        tmp_path,
        """\
        version: 1
        teams:
          - name: t
            permissions_boundary: "arn:{partition}:iam::111122223333:policy/boundary"
            service_role:
              policy_arns: ["arn:{partition}:iam::111122223333:policy/extra"]
              inline_policies:
                read:
                  Statement:
                    - Effect: Allow
                      Action: s3:GetObject
                      Resource: ["arn:{partition}:s3:::bucket/*", "arn:aws:s3:::bucket/literal{partition}"]
        """,
    )
    out = tmp_path / "modules"
    assert run_cli(capsys, "render", "--spec", str(spec), "--out", str(out))[0] == 0
    main = (out / "teams" / "t" / "main.tf").read_text()
    assert 'permissions_boundary_arn                    = "arn:${local.partition}:iam::111122223333:policy/boundary"' in main
    assert '"arn:{partition}:iam::111122223333:policy/extra" = "arn:${local.partition}:iam::111122223333:policy/extra"' in main
    # Only the partition of an ARN is the placeholder; elsewhere {partition} is text.
    assert 'Resource = ["arn:${local.partition}:s3:::bucket/*", "arn:aws:s3:::bucket/literal{partition}"]' in main
