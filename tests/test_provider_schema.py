"""Everything modules/ and examples/ use of hashicorp/aws (in .tf files and README code blocks) exists, with the same types, in the oldest
provider the modules allow (3.39.0, the binary `make tools` installs: its `providers schema -json`)
and in provider 6.62.0 (its schema from the CDK Terrain bindings' jsii), and is not deprecated
(neither in those schemas nor in pulumi-aws 7.x's markers, bridged from provider 6.x).

A failure names the file, the line and the argument, block or attribute. The planted mistakes at
the end prove the checks fail: `managed_policy_arns` on `aws_iam_role`, `data.aws_region.name`, an
argument provider 6.x does not have.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import hcl2
import pytest

from generator import facts
from scripts.provider_schemas import DIGEST_FORMAT, digest_engine_schema
from scripts.toolchain import DEPRECATIONS_WHEEL, SCHEMA_BINDINGS_PROVIDER_VERSION
from tests import provider_schema
from tests.engine import EXAMPLES, MODULES, ROOT, TOOLS, needs_newer_provider, opentofu, provider_block, provider_floor, provider_version
from tests.provider_schema import PulumiMarkers, Usage

pytestmark = pytest.mark.engine
FOLDERS = (MODULES, EXAMPLES)


@pytest.fixture(scope="session")
def oldest(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The digest of `providers schema -json` of the provider binary in the plugin mirror."""
    version = provider_version()
    folder = tmp_path_factory.mktemp("provider-schema")
    (folder / "versions.tf").write_text(
        f'terraform {{\n  required_providers {{\n    aws = {{\n      source  = "hashicorp/aws"\n      version = "{version}"\n    }}\n  }}\n}}\n',
        encoding="utf-8",
    )
    engine = opentofu()
    engine.init(folder)
    schema = json.loads(engine.run("providers", "schema", "-json", cwd=folder).stdout)
    return digest_engine_schema(schema, "hashicorp/aws", version)


@pytest.fixture(scope="session")
def newest() -> dict[str, Any]:
    path = TOOLS / "provider-schemas" / f"aws-{SCHEMA_BINDINGS_PROVIDER_VERSION}.json"
    if not path.is_file():
        pytest.fail(f"no provider {SCHEMA_BINDINGS_PROVIDER_VERSION} schema digest at {path}: run `make tools`", pytrace=False)
    digest: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    assert digest["format"] == DIGEST_FORMAT, f"{path} is of another digest format: run `make tools`"
    return digest


@pytest.fixture(scope="session")
def pulumi() -> PulumiMarkers:
    name, version = DEPRECATIONS_WHEEL.split("==")
    wheels = sorted((TOOLS / "downloads").glob(f"{name.replace('-', '_')}-{version}-*.whl"))
    if len(wheels) != 1:
        pytest.fail(f"no {DEPRECATIONS_WHEEL} wheel in {TOOLS / 'downloads'}: run `make tools`", pytrace=False)
    return PulumiMarkers(wheels[0])


@pytest.fixture(scope="module")
def used() -> list[Usage]:
    return provider_schema.usages(FOLDERS)


def all_problems(usages: list[Usage], oldest: dict[str, Any], newest: dict[str, Any], pulumi: PulumiMarkers, root: Path) -> list[str]:
    return [
        *provider_schema.missing(usages, oldest, root),
        *provider_schema.missing(usages, newest, root),
        *provider_schema.type_mismatches(usages, oldest, newest, root),
        *pulumi.problems(usages, root),
    ]


# --- the modules and examples as committed --------------------------------------------------------


def test_usages_are_read_with_file_line_and_path(used: list[Usage]) -> None:
    """The reader finds what the checks rely on, at the right lines (else every check below passes vacuously)."""
    ec2_role = MODULES / "emr-ec2-role" / "main.tf"
    lines = ec2_role.read_text(encoding="utf-8").splitlines()
    mine = {(u.kind, u.type, u.path, u.name, u.what): u.line for u in used if u.file == ec2_role}
    for key, text in [
        (("resource", "aws_iam_role", (), "", "type"), 'resource "aws_iam_role" "this"'),
        (("resource", "aws_iam_role", (), "assume_role_policy", "argument"), "assume_role_policy"),
        (("data", "aws_iam_policy_document", (), "statement", "block"), "statement {"),
        (("data", "aws_iam_policy_document", ("statement", "principals"), "identifiers", "argument"), "identifiers"),
        (("data", "aws_partition", (), "partition", "attribute"), "data.aws_partition.current.partition"),
        (("resource", "aws_iam_role", (), "name", "attribute"), "aws_iam_role.this[0].name"),
    ]:
        assert key in mine, f"{ec2_role}: {key} not found among {sorted(mine)}"
        assert text in lines[mine[key] - 1], f"{ec2_role}:{mine[key]} is {lines[mine[key] - 1]!r}, expected the line of {text!r}"
    readme = EXAMPLES / "team-workspaces" / "analytics" / "README.md"
    profile = next(u for u in used if u.file == readme and u.type == "aws_emr_cluster" and u.path == ("ec2_attributes",))
    assert profile.name == "instance_profile" and "instance_profile =" in readme.read_text(encoding="utf-8").splitlines()[profile.line - 1]
    assert not [u for u in used if u.name in provider_schema.META_ARGUMENTS and not u.path and u.what == "argument"]
    kinds = {(u.kind, u.what) for u in used}
    assert {("resource", "type"), ("data", "type"), ("provider", "argument"), ("resource", "attribute")} <= kinds, kinds


def _newer_provider_module(usage: Usage) -> bool:
    """Whether the usage is in a module whose versions.tf asks for a newer provider than the oldest one."""
    folder = next((parent for parent in usage.file.parents if (parent / "versions.tf").is_file()), None)
    return folder is not None and folder.is_relative_to(MODULES) and needs_newer_provider(folder)


def held_to_the_oldest(used: list[Usage]) -> list[Usage]:
    return [usage for usage in used if not _newer_provider_module(usage)]


def test_everything_used_exists_in_the_oldest_provider(used: list[Usage], oldest: dict[str, Any]) -> None:
    problems = provider_schema.missing(held_to_the_oldest(used), oldest, ROOT)
    assert not problems, "\n".join(problems)


def test_the_pod_identity_module_is_held_to_provider_6_only(used: list[Usage], oldest: dict[str, Any], newest: dict[str, Any]) -> None:
    """modules/emr-eks-pod-identity declares the provider its resource type needs; 3.39 lacks the type, 6.x has
    every argument it sets (and test_everything_used_exists_in_provider_6 checks it with the rest)."""
    folder = MODULES / "emr-eks-pod-identity"
    assert provider_floor(folder) == facts.EKS_POD_IDENTITY_PROVIDER_VERSION.removeprefix(">=").strip()
    mine = [usage for usage in used if usage.file.is_relative_to(folder)]
    assert {(u.kind, u.type, u.what) for u in mine} >= {("resource", "aws_eks_pod_identity_association", "type")}
    assert len([u for u in mine if u.what == "argument"]) >= 5, mine
    assert all(_newer_provider_module(usage) for usage in mine)
    assert [p for p in provider_schema.missing(mine, oldest, ROOT) if "has no resource aws_eks_pod_identity_association" in p]
    assert provider_schema.missing(mine, newest, ROOT) == []


def test_everything_used_exists_in_provider_6(used: list[Usage], newest: dict[str, Any]) -> None:
    problems = provider_schema.missing(used, newest, ROOT)
    assert not problems, "\n".join(problems)


def test_arguments_have_the_same_types_in_both(used: list[Usage], oldest: dict[str, Any], newest: dict[str, Any]) -> None:
    problems = provider_schema.type_mismatches(held_to_the_oldest(used), oldest, newest, ROOT)
    assert not problems, "\n".join(problems)
    compared = [u for u in used if u.what == "argument" and u.kind != "provider"]
    assert len(compared) > 50, f"only {len(compared)} arguments compared"


def test_nothing_used_is_deprecated_in_pulumi_aws(used: list[Usage], pulumi: PulumiMarkers) -> None:
    problems = pulumi.problems(used, ROOT)
    assert not problems, "\n".join(problems)
    # Every type used was found in the wheel: its markers were read, not skipped.
    for kind, resource_type in sorted({(u.kind, u.type) for u in used if u.what == "type"}):
        assert pulumi.markers(kind, resource_type) is not None, f"{kind} {resource_type}: no pulumi-aws module"


@pytest.mark.parametrize("version_source", ["oldest", "newest"])
def test_the_tests_provider_block_fits_each_provider(version_source: str, request: pytest.FixtureRequest, tmp_path: Path) -> None:
    """tests/engine.py provider_block() for a provider version uses only arguments that version has."""
    digest: dict[str, Any] = request.getfixturevalue(version_source)
    for endpoint in (None, "http://127.0.0.1:1"):
        file = tmp_path / f"provider-{bool(endpoint)}.tf"
        file.write_text(provider_block("us-east-1", endpoint, version=digest["provider_version"]), encoding="utf-8")
        found = provider_schema.usages_in(file)
        assert found and {u.kind for u in found} == {"provider"}
        problems = provider_schema.missing(found, digest)
        assert not problems, "\n".join(problems)


# --- planted mistakes: the checks must fail, naming file, line and argument ----------------------


def planted(tmp_path: Path, module: str, edit: str, after: str) -> Path:
    """A copy of modules/<module> with `edit` inserted after the first line containing `after`."""
    folder = tmp_path / "modules" / module
    shutil.copytree(MODULES / module, folder)
    main_tf = folder / "main.tf"
    lines = main_tf.read_text(encoding="utf-8").splitlines(keepends=True)
    index = next(number for number, line in enumerate(lines) if after in line)
    main_tf.write_text("".join(lines[: index + 1]) + edit + "".join(lines[index + 1 :]), encoding="utf-8")
    hcl2.loads(main_tf.read_text(encoding="utf-8"))  # still valid HCL
    return folder


def test_managed_policy_arns_on_a_role_fails(tmp_path: Path, oldest: dict[str, Any], newest: dict[str, Any], pulumi: PulumiMarkers) -> None:
    folder = planted(tmp_path, "emr-ec2-role", "  managed_policy_arns   = []\n", "force_detach_policies")
    line = next(n for n, text in enumerate((folder / "main.tf").read_text().splitlines(), 1) if "managed_policy_arns" in text)
    problems = all_problems(provider_schema.usages([folder]), oldest, newest, pulumi, tmp_path)
    assert problems, "managed_policy_arns on aws_iam_role passed the checks"
    assert any(
        problem.startswith(f"modules/emr-ec2-role/main.tf:{line}: argument managed_policy_arns of aws_iam_role: deprecated") for problem in problems
    ), problems


def test_region_name_fails(tmp_path: Path, oldest: dict[str, Any], newest: dict[str, Any], pulumi: PulumiMarkers) -> None:
    edit = 'data "aws_region" "current" {}\n\nlocals {\n  region_name = data.aws_region.current.name\n}\n'
    folder = planted(tmp_path, "emr-ec2-role", edit, 'data "aws_partition" "current" {}')
    line = next(n for n, text in enumerate((folder / "main.tf").read_text().splitlines(), 1) if "data.aws_region.current.name" in text)
    problems = all_problems(provider_schema.usages([folder]), oldest, newest, pulumi, tmp_path)
    assert any(
        problem.startswith(f"modules/emr-ec2-role/main.tf:{line}: attribute name of data.aws_region: deprecated") for problem in problems
    ), problems


def test_an_argument_provider_6_lacks_fails(tmp_path: Path, oldest: dict[str, Any], newest: dict[str, Any]) -> None:
    file = tmp_path / "provider.tf"
    file.write_text(provider_block(version=oldest["provider_version"]), encoding="utf-8")
    line = next(n for n, text in enumerate(file.read_text().splitlines(), 1) if "skip_get_ec2_platforms" in text)
    assert provider_schema.missing(provider_schema.usages_in(file), oldest) == []
    assert provider_schema.missing(provider_schema.usages_in(file), newest, tmp_path) == [
        f'provider.tf:{line}: argument skip_get_ec2_platforms of provider "aws": hashicorp/aws {newest["provider_version"]} has no such argument'
    ]


def test_a_block_used_as_an_argument_and_a_changed_type_fail(tmp_path: Path, oldest: dict[str, Any], newest: dict[str, Any]) -> None:
    file = tmp_path / "main.tf"
    file.write_text('resource "aws_iam_role" "x" {\n  assume_role_policy = "{}"\n  inline_policy = []\n  no_such_thing = 1\n}\n', encoding="utf-8")
    problems = provider_schema.missing(provider_schema.usages_in(file), newest, tmp_path)
    assert problems == [
        f"main.tf:3: argument inline_policy of aws_iam_role: hashicorp/aws {newest['provider_version']} has no such argument (it is a block there)",
        f"main.tf:4: argument no_such_thing of aws_iam_role: hashicorp/aws {newest['provider_version']} has no such argument",
    ]
    changed = json.loads(json.dumps(newest))
    changed["resource"]["aws_iam_role"]["arguments"]["assume_role_policy"] = "number"
    assert provider_schema.type_mismatches(provider_schema.usages_in(file), oldest, changed, tmp_path) == [
        f"main.tf:2: argument assume_role_policy of aws_iam_role: string in hashicorp/aws {oldest['provider_version']}, number in {newest['provider_version']}"
    ]
