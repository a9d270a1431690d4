"""Documentation that cannot drift: the JSON Schema, the spec reference, README code and module READMEs."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import jsonschema
import pytest
import yaml

from generator import docs, spec
from generator.cli import main
from generator.spec import load_spec
from tests.engine import EXAMPLES, MODULES, ROOT, opentofu

README = ROOT / "README.md"
SCHEMA = ROOT / "specs" / "emr-iam-spec.schema.json"
MODELINE = "# yaml-language-server: $schema="
FILE_BLOCK = re.compile(r"<!-- file: (?P<path>[^ ]+) -->\n```(?P<lang>\w+)\n(?P<body>.*?)```", re.DOTALL)
CODE_BLOCK = re.compile(r"^```(?P<lang>\w+)\n(?P<body>.*?)^```", re.DOTALL | re.MULTILINE)
ALL_FIELDS = [(model, name) for model in docs.models() for name in model.model_fields]


def readme_files() -> dict[str, str]:
    return {match["path"]: match["body"] for match in FILE_BLOCK.finditer(README.read_text(encoding="utf-8"))}


def test_committed_json_schema_is_current() -> None:
    assert SCHEMA.read_text(encoding="utf-8") == docs.json_schema_text(), f"{SCHEMA} is stale: run `make schema`"


def test_readme_spec_reference_is_current() -> None:
    text = README.read_text(encoding="utf-8")
    assert docs.update_readme(text) == text, "the spec reference in README.md is stale: run `make schema`"


def test_schema_command_writes_the_committed_schema(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema"]) == 0
    assert capsys.readouterr().out == SCHEMA.read_text(encoding="utf-8")


@pytest.mark.parametrize(("model", "name"), ALL_FIELDS, ids=[f"{m.__name__}.{n}" for m, n in ALL_FIELDS])
def test_every_field_has_a_description_and_a_valid_example(model: type, name: str) -> None:
    description, example = docs.field_doc(model, name)
    assert description.endswith((".", ")")) and len(description) > 10
    docs.example_is_valid(model, name)
    # The reference shows the example in YAML flow style: it must read back as the same value.
    assert yaml.safe_load(docs.flow(example)) == example


def test_docs_name_no_model_that_does_not_exist() -> None:
    names = {model.__name__ for model in docs.models()}
    assert set(docs.SECTIONS) == names


def test_reference_lists_every_field_with_its_default() -> None:
    reference = docs.reference()
    for model, name in ALL_FIELDS:
        if model is spec.Team and name != "name":
            continue  # a team's other keys are listed once, under `defaults`
        assert f"| `{name}` |" in reference, f"{model.__name__}.{name} is missing from the reference"
    assert "| `managed_policy` | one of `v2`, `v1`, `none` | `v2` |" in reference
    assert "| `name` | string | `EMR_EC2_DefaultRole` |" in reference
    assert "| `teams` | list of [Team](#spec-team) | required |" in reference


def test_json_schema_carries_descriptions_and_rejects_typos() -> None:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    ec2 = schema["$defs"]["Ec2Role"]["properties"]
    assert "invalid instance profile" in ec2["instance_profile_name"]["description"]
    validator = jsonschema.Draft202012Validator(schema)
    errors = list(validator.iter_errors({"version": 1, "teams": [{"name": "x", "ec2_role": {"polcy": "scoped"}}]}))
    assert errors and "'polcy' was unexpected" in errors[0].message


def sample_specs() -> list[Path]:
    return sorted((ROOT / "specs").glob("*.yaml"))


@pytest.mark.parametrize("path", sample_specs(), ids=lambda path: path.name)
def test_sample_specs_point_editors_at_the_schema(path: Path) -> None:
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith(MODELINE), f"{path} should start with `{MODELINE}emr-iam-spec.schema.json`"
    assert (path.parent / first.removeprefix(MODELINE)).resolve() == SCHEMA
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(schema).validate(yaml.safe_load(path.read_text(encoding="utf-8")))
    load_spec(path)


def test_readme_spec_is_valid_and_schema_clean(tmp_path: Path) -> None:
    text = readme_files()["specs/platform.yaml"]
    assert text.startswith(MODELINE)
    path = tmp_path / "platform.yaml"
    path.write_text(text, encoding="utf-8")
    assert len(load_spec(path).teams) == 2
    jsonschema.Draft202012Validator(json.loads(SCHEMA.read_text(encoding="utf-8"))).validate(yaml.safe_load(text))


def _hcl_blocks() -> list[tuple[str, str]]:
    blocks = []
    for path in [README, *EXAMPLES.rglob("README.md"), *MODULES.rglob("README.md")]:
        for number, match in enumerate(CODE_BLOCK.finditer(path.read_text(encoding="utf-8"))):
            if match["lang"] == "hcl":
                blocks.append((f"{path.relative_to(ROOT)}#{number}", match["body"]))
    return blocks


def test_hcl_in_readmes_is_formatted() -> None:
    blocks = _hcl_blocks()
    assert len(blocks) > 10
    tofu = opentofu()
    for where, body in blocks:
        result = subprocess.run([str(tofu.binary), "fmt", "-"], input=body, capture_output=True, text=True, env=tofu.env(), timeout=60)
        assert result.returncode == 0, f"{where} is not valid HCL:\n{result.stderr}"
        assert result.stdout == body, f"{where} is not formatted as `tofu fmt` writes it:\n{result.stdout}"


@pytest.mark.parametrize("readme", sorted(MODULES.rglob("README.md")), ids=lambda path: str(path.parent.relative_to(MODULES)))
def test_module_readme_tables_match_the_module(readme: Path) -> None:
    text = readme.read_text(encoding="utf-8")
    variables = re.findall(r'^variable "([^"]+)"', (readme.parent / "variables.tf").read_text(encoding="utf-8"), re.MULTILINE)
    outputs = re.findall(r'^output "([^"]+)"', (readme.parent / "outputs.tf").read_text(encoding="utf-8"), re.MULTILINE)
    inputs_table = text[text.index("## Inputs") : text.index("## Outputs")]
    outputs_table = text[text.index("## Outputs") :]
    assert re.findall(r"^\| `([^`]+)` \|", inputs_table, re.MULTILINE) == variables
    listed = re.findall(r"^\| `([^`]+)` \|", outputs_table, re.MULTILINE)
    if "The outputs of what this team creates" in outputs_table:  # a team's README: a part of outputs.tf, in its order
        assert listed and listed == [name for name in outputs if name in listed] and set(listed) < set(outputs)
    else:
        assert listed == outputs
    usage = text[text.index("## Usage") : text.index("<!-- BEGIN_TF_DOCS -->")]
    assert "```hcl\nmodule " in usage and "source" in usage


def test_documented_security_configuration_default_is_what_the_model_gives(tmp_path: Path) -> None:
    """The default name the reference promises, for a team with a prefix and one without."""
    from generator.model import resolve
    from generator.spec import read_spec

    description, _ = docs.field_doc(spec.Emrfs, "security_configuration_name")
    assert "(`ds-emrfs` for prefix `ds-`)" in description and "`<team>-emrfs` when the team has no prefix (`analytics-emrfs`)" in description
    path = tmp_path / "spec.yaml"
    path.write_text("version: 1\nteams:\n  - name: data-science\n    name_prefix: ds-\n  - name: analytics\n", encoding="utf-8")
    names = {team.team: team.arguments["emrfs_security_configuration_name"] for team in resolve(read_spec(path))}
    assert names == {"data-science": "ds-emrfs", "analytics": "analytics-emrfs"}
