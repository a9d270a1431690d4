#!/usr/bin/env python3
"""A CDK Terrain (or CDKTF) app that consumes the generated modules: team analytics' module and the default roles.

Run it with the CDK Terrain environment (`make cdktn-env`): `../../.venv-cdktn/bin/python main.py`,
or with the CDKTF one (`make cdktf-env`): `../../.venv-cdktf/bin/python main.py`; the code is the
same, generator.cdktf supplies the flavour installed. It writes cdktf.out/stacks/emr-iam/cdk.tf.json,
which `tofu`/`terraform` plan like any other configuration.
"""

from __future__ import annotations

import os
from pathlib import Path

from constructs import Construct

# pip install 'emr-iam[cdktn]' (make cdktn-env) or 'emr-iam[cdktf]' (make cdktf-env)
from generator.cdktf import App, EmrIam, EmrIamTeam, LocalBackend, TerraformOutput, TerraformStack

HERE = Path(__file__).resolve().parent
MODULES = HERE.parent.parent / "modules"  # the generated modules (make modules)


class EmrIamStack(TerraformStack):
    def __init__(self, scope: Construct, id: str, *, region: str) -> None:
        super().__init__(scope, id)
        LocalBackend(self, path="terraform.tfstate")  # next to cdk.tf.json, not in the folder synth ran from
        # No prebuilt provider bindings needed: the modules declare hashicorp/aws themselves.
        self.add_override("terraform.required_providers", {"aws": {"source": "hashicorp/aws", "version": ">= 3.39"}})
        self.add_override("provider", {"aws": [{"region": region}]})

        analytics = EmrIamTeam(self, "analytics", modules_dir=MODULES, team="analytics", tags={"Stack": id})
        # The composite module with the names `aws emr create-default-roles` uses, and nothing else.
        default_roles = EmrIam(
            self,
            "default_roles",
            modules_dir=MODULES,
            service_role_managed_policy="v1",
            create_emrfs=False,
            create_passrole_policy=False,
        )

        TerraformOutput(self, "analytics_instance_profile", value=analytics.instance_profile_name)
        TerraformOutput(self, "analytics_security_configuration", value=analytics.security_configuration_name)
        TerraformOutput(self, "analytics_emrfs_role_arns", value=analytics.output("emrfs_role_arns"))
        TerraformOutput(self, "default_service_role", value=default_roles.service_role_name)


# `cdktf synth` passes its output folder in CDKTF_OUTDIR; run directly, the app writes next to itself.
app = App(outdir=os.environ.get("CDKTF_OUTDIR") or str(HERE / "cdktf.out"))
EmrIamStack(app, "emr-iam", region=os.environ.get("AWS_REGION", "us-east-1"))
app.synth()
