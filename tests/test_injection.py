"""Template injection: spec text reaches the HCL only as literal strings (or is refused).

Strings holding `${`, `%{`, quotes, backslashes, newlines, control characters or HCL comment
markers, and keys that HCL would read as keywords (`null`, `for`, `true`), must come out of the
engine exactly as the spec wrote them: never as an interpolation, a template directive, a
comment or a syntax error. The proof is the engine itself: the strings are planned and the plan's
values are compared with the input. Fields whose patterns exclude such characters must refuse
them with the tool's one-line error.
"""

from __future__ import annotations

import json
import random
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator import hcl, policies
from generator.spec import load_spec
from tests.engine import Engine, copy_tree, opentofu, provider_block
from tests.helpers import run_cli, write_spec

# Written by hand: each one tries a way out of a quoted HCL string.
PAYLOADS = [
    "${var.secret}",
    "${path.module}",
    "${local.partition}",
    '${file("/etc/passwd")}',
    "%{ if true }x%{ endif }",
    "%{for x in [1]}${x}%{endfor}",
    "$${escaped}",
    "$$${double}",
    "%%{escaped}",
    "$",
    "%",
    "${",
    "%{",
    "}",
    "a$",
    "{b}",
    '"',
    '\\"',
    '"; injected = "1',
    '" }\nresource "aws_iam_user" "x" {\n  name = "x',
    "\\",
    "\\\\",
    "\\n",
    "\\u0041",
    "two\nlines",
    "crlf\r\nline",
    "tab\there",
    "# hash comment",
    "// slash comment",
    "/* block */",
    "*/",
    "<<EOF\nheredoc\nEOF",
    "<<-EOT",
    "ünïcødé ✓ 日本語",
    "emoji 😀 outside the BMP",
    "line\u2028separator",
    "rtl \u202e override",
    "nul \x00 byte",
    "esc \x1b[31m red",
    "del \x7f",
    "",
    " ",
]
# Keys HCL must not read as keywords, expressions or comments.
KEY_PAYLOADS = ["null", "true", "false", "for", "in", "if", "${x}", "%{x}", 'a"b', "a = b", "# c", "// c", "x\ny", "null-x", "_"]


def _plan(engine: Engine, root: Path, config: str) -> dict[str, Any]:
    (root / "main.tf").write_text(config, encoding="utf-8")
    (root / "provider.tf").write_text(provider_block(), encoding="utf-8")
    engine.init(root)
    engine.run("plan", "-input=false", "-no-color", "-out=plan.bin", cwd=root)
    plan: dict[str, Any] = json.loads(engine.run("show", "-json", "-no-color", "plan.bin", cwd=root).stdout)
    return plan


def _random_texts(count: int, seed: int) -> list[str]:
    """Deterministic adversarial strings: HCL's special characters mixed with unicode."""
    pieces = ["$", "%", "{", "}", "${", "%{", "$${", "%%{", '"', "\\", "\n", "\r", "\t", "#", "//", "/*", "*/", "<<", "=",
              "a", "Z", "0", " ", "é", "日", "😀", "\u2028", "\x00", "\x1f", "\x7f", "var.x", "local.y", "endif", "for"]
    rng = random.Random(seed)
    return ["".join(rng.choice(pieces) for _ in range(rng.randint(1, 12))) for _ in range(count)]


@pytest.mark.engine
def test_strings_and_keys_round_trip_through_the_engine(tmp_path: Path, record_property: Any) -> None:
    """hcl.quote() and object keys, planned: every value the engine sees equals the input."""
    texts = PAYLOADS + _random_texts(400, seed=4)
    keys = KEY_PAYLOADS + _random_texts(100, seed=5)
    blocks = [f'output "s{index}" {{\n  value = {hcl.expression(text)}\n}}\n' for index, text in enumerate(texts)]
    blocks += [f'output "k{index}" {{\n  value = {hcl.expression({key: "v"}, 2)}\n}}\n' for index, key in enumerate(keys)]
    blocks.append(f'output "nested" {{\n  value = {hcl.expression({key: {k: [t] for k, t in zip(KEY_PAYLOADS, PAYLOADS[: len(KEY_PAYLOADS)], strict=True)} for key in KEY_PAYLOADS}, 2)}\n}}\n')
    plan = _plan(opentofu(), copy_tree(tmp_path), "\n".join(blocks))
    outputs = {name: output["value"] for name, output in plan["planned_values"]["outputs"].items()}
    assert [outputs[f"s{index}"] for index in range(len(texts))] == texts
    assert [outputs[f"k{index}"] for index in range(len(keys))] == [{key: "v"} for key in keys]
    assert outputs["nested"] == {key: {k: [t] for k, t in zip(KEY_PAYLOADS, PAYLOADS[: len(KEY_PAYLOADS)], strict=True)} for key in KEY_PAYLOADS}
    record_property("injection_strings_planned", len(texts) + len(keys))
    print(f"injection: {len(texts)} strings and {len(keys) + 1} key sets planned literally")


def _injection_spec() -> dict[str, Any]:
    """One team whose EMRFS roles carry every payload in every free-text place of a policy."""
    roles = []
    for index, payload in enumerate(PAYLOADS):
        key = KEY_PAYLOADS[index % len(KEY_PAYLOADS)]
        # Actions, condition keys and ARNs must be ones IAM knows: payloads go into the variable part of a key or an ARN.
        statement = {
            "Sid": f"Injection{index}",
            "Effect": "Allow",
            "Action": ["s3:GetObject"],
            "Resource": [f"arn:aws:s3:::bucket/{payload}", f"arn:aws:s3:::bucket/{payload}/*"],
            "Condition": {
                "StringEquals": {"aws:PrincipalTag/team": payload, f"aws:PrincipalTag/{payload or 'empty'}": [payload]},
                payload or "empty-operator": {f"aws:ResourceTag/{key}": payload},
            },
        }
        deny = {"Effect": "Deny", "NotAction": "s3:*", "NotResource": [f"arn:aws:s3:::bucket/{payload}"], "Condition": {key: {f"aws:RequestTag/{key}": True}}}
        roles.append({"name": f"inj-{index}", "inline_policies": {"literal": {"Statement": [statement, deny]}}})
    # Names HCL would read as keywords, where the spec's patterns allow them.
    roles.append({"name": "for", "inline_policies": {"null": {"Statement": [{"Effect": "Deny", "Action": "s3:*", "Resource": "arn:aws:s3:::true"}]}}})
    return {
        "version": 1,
        "teams": [
            {
                "name": "inject",
                "tags": {key: "literal" for key in ("null", "true", "false", "for", "in", "if")},
                "emrfs": {"roles": roles, "mappings": [{"role": "for", "identifier_type": "User", "identifiers": ["null"]}]},
            }
        ],
    }


@pytest.mark.engine
def test_injection_spec_plans_literally(tmp_path: Path, capsys: pytest.CaptureFixture[str], record_property: Any) -> None:
    document = _injection_spec()
    text = yaml.safe_dump(document, allow_unicode=True, sort_keys=False, width=10**6)
    spec_path = write_spec(tmp_path, text)
    spec = load_spec(spec_path)  # the spec holds exactly the payloads
    role_policies = {role.name: {n: policies.user_policy(d) for n, d in role.inline_policies.items()} for role in spec.teams[0].emrfs.roles}
    assert role_policies["inj-0"]["literal"]["Statement"][0]["Resource"][1] == f"arn:aws:s3:::bucket/{PAYLOADS[0]}/*"

    tree = tmp_path / "tree"
    code, _, stderr = run_cli(capsys, "render", "--spec", str(spec_path), "--out", str(tree / "modules"))
    assert code == 0, stderr
    engine = opentofu()
    assert engine.run("fmt", "-check", "-recursive", "-no-color", str(tree / "modules"), cwd=tree).returncode == 0
    team_tf = (tree / "modules" / "teams" / "inject" / "main.tf").read_text(encoding="utf-8")
    # No payload opened an interpolation or a directive the generator did not write itself.
    assert set(re.findall(r"(?<!\$)\$\{([^}]*)\}", team_tf)) <= {"local.partition"}
    assert not re.search(r"(?<!%)%\{", team_tf)

    # Plan the injected team's module from the tree just rendered.
    root = tmp_path / "plan"
    shutil.copytree(tree / "modules", root / "modules")
    plan = _plan(engine, root, 'module "inject" {\n  source = "./modules/teams/inject"\n}\n')
    changes = {change["address"]: change["change"]["after"] for change in plan["resource_changes"] if change["mode"] == "managed"}

    checked = 0
    for role_name, documents in role_policies.items():
        for policy_name, expected in documents.items():
            planned = changes[f'module.inject.module.emr_iam.module.emrfs[0].aws_iam_role_policy.this["{role_name}/{policy_name}"]']
            assert planned["name"] == policy_name and planned["role"] == role_name
            assert json.loads(planned["policy"]) == expected, role_name
            checked += 1
    assert checked == len(PAYLOADS) + 1
    planned_tags = changes['module.inject.module.emr_iam.module.emrfs[0].aws_iam_role.this["for"]']["tags"]
    assert planned_tags == {**document["teams"][0]["tags"], "emr-iam:team": document["teams"][0]["name"]}  # and the team tag
    cases = _placements(document)
    assert cases >= 10 * len(PAYLOADS)
    record_property("injection_spec_cases", cases)
    print(f"injection: {cases} payload placements in a spec planned literally")


def _placements(value: Any) -> int:
    """How many keys and strings of a document are payloads, or condition keys or ARNs whose variable part is one."""
    special = set(PAYLOADS) | set(KEY_PAYLOADS)
    tag_keys = {f"{prefix}{payload}" for prefix in ("aws:PrincipalTag/", "aws:ResourceTag/", "aws:RequestTag/") for payload in special}
    if isinstance(value, dict):
        return sum((key in special or key in tag_keys) + _placements(item) for key, item in value.items())
    if isinstance(value, list):
        return sum(_placements(item) for item in value)
    arns = {f"arn:aws:s3:::bucket/{payload}{suffix}" for payload in special for suffix in ("", "/*")}  # a payload in an ARN
    return int(isinstance(value, str) and (value in special or value in arns))


# Fields whose patterns exclude HCL's special characters: the spec refuses them, naming the field.
REFUSED = {
    "team name": ("teams[0].name", {"name": "${x}"}),
    "tag value": ("teams[0].tags.Team", {"name": "t", "tags": {"Team": "${var.x}"}}),
    "tag key": ("teams[0].tags", {"name": "t", "tags": {'a"b': "x"}}),
    "name prefix": ("teams[0].name_prefix", {"name": "t", "name_prefix": "%{if}"}),
    "path": ("teams[0].path", {"name": "t", "path": "/a\nb/"}),
    "role name": ("teams[0].service_role.name", {"name": "t", "service_role": {"name": "x${y}"}}),
    "emrfs role name": ("teams[0].emrfs.roles[0].name", {"name": "t", "emrfs": {"roles": [{"name": "a b"}]}}),
    "inline policy name": ("teams[0].emrfs.roles[0].inline_policies", {"name": "t", "emrfs": {"roles": [{"name": "r", "inline_policies": {"${x}": {"Statement": [{"Effect": "Deny", "Action": "s3:*", "Resource": "a"}]}}}]}}),
    "action": ("Action[1]", {"name": "t", "emrfs": {"roles": [{"name": "r", "inline_policies": {"p": {"Statement": [{"Effect": "Deny", "Action": ["s3:*", "${x}"], "Resource": "a"}]}}}]}}),
    "condition key": ("Condition.StringEquals", {"name": "t", "emrfs": {"roles": [{"name": "r", "inline_policies": {"p": {"Statement": [{"Effect": "Deny", "Action": "s3:*", "Resource": "a", "Condition": {"StringEquals": {"${x}": "v"}}}]}}}]}}),
    "statement id": ("Sid", {"name": "t", "emrfs": {"roles": [{"name": "r", "inline_policies": {"p": {"Statement": [{"Sid": "a${b}", "Effect": "Deny", "Action": "s3:*", "Resource": "a"}]}}}]}}),
    "bucket": ("s3_access[0].bucket", {"name": "t", "ec2_role": {"policy": "scoped", "s3_access": [{"bucket": "b${x}"}]}}),
    "s3 prefix": ("s3_access[0].prefix", {"name": "t", "ec2_role": {"policy": "scoped", "s3_access": [{"bucket": "bkt", "prefix": "a\"b/"}]}}),
    "mapping identifier": ("mappings[0].identifiers[0]", {"name": "t", "emrfs": {"roles": [{"name": "r"}], "mappings": [{"role": "r", "identifier_type": "User", "identifiers": ["${user}"]}]}}),
    "prefix identifier": ("mappings[0].identifiers[0]", {"name": "t", "emrfs": {"roles": [{"name": "r"}], "mappings": [{"role": "r", "identifier_type": "Prefix", "identifiers": ["s3://bkt/${x}"]}]}}),
    "security configuration name": ("security_configuration_name", {"name": "t", "emrfs": {"security_configuration_name": "a\"b"}}),
    "kms key arn": ("kms_key_arn", {"name": "t", "emrfs": {"encryption": {"at_rest_s3": {"mode": "SSE-KMS", "kms_key_arn": "arn:${p}:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"}}}}),
    "certificate location": ("in_transit_certificate_s3_object", {"name": "t", "emrfs": {"encryption": {"in_transit_certificate_s3_object": "s3://bkt/%{x}"}}}),
    "permissions boundary": ("permissions_boundary", {"name": "t", "permissions_boundary": 'arn:aws:iam::111122223333:policy/"x'}),
    "policy arn": ("policy_arns[0]", {"name": "t", "service_role": {"policy_arns": ["arn:aws:iam::aws:policy/${x}"]}}),
    "managed policy name": ("aws_managed_policies[0]", {"name": "t", "service_role": {"aws_managed_policies": ["a\nb"]}}),
    "passrole user": ("attach_to_users[0]", {"name": "t", "passrole_policy": {"attach_to_users": ["u${x}"]}}),
}


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_restricted_fields_refuse_injection(case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    field, team = REFUSED[case]
    spec = write_spec(tmp_path, json.dumps({"version": 1, "teams": [team]}))
    out = tmp_path / "out"
    code, stdout, stderr = run_cli(capsys, "render", "--spec", str(spec), "--out", str(out))
    assert code == 2 and stdout == "" and not out.exists()
    assert len(stderr.splitlines()) == 1 and stderr.startswith("emr-iam: error: ") and "Traceback" not in stderr
    assert field in stderr, stderr
