"""CDK constructs over the generated modules, for teams that write infrastructure in Python.

Works with CDK Terrain (`cdktn`, the maintained community fork of CDKTF) or with CDKTF (`cdktf`),
whichever is installed, `cdktn` first: the `cdktn` or the `cdktf` extra (`make cdktn-env` and
`make cdktf-env` create `.venv-cdktn` and `.venv-cdktf`; both need Node.js). Nothing else in the
generator imports this module. HashiCorp archived CDKTF in December 2025: cdktf 0.21.0 is the
last release and gets no fixes; the generated modules themselves depend on neither.

The constructs are `TerraformHclModule`s whose inputs and outputs are checked against
`generator.catalog`, the same data that renders the modules' `variables.tf` and `outputs.tf`:
a misspelt variable or output fails at synth time instead of at plan time. `App`, `TerraformStack`,
`TerraformOutput` and `LocalBackend` are re-exported from the flavour in use (`FLAVOUR`), so an
app importing them from here runs unchanged on either.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any, overload

try:
    from cdktn import App, LocalBackend, TerraformHclModule, TerraformOutput, TerraformStack  # type: ignore[import-not-found, unused-ignore]

    FLAVOUR = "cdktn"
except ImportError:
    from cdktf import (  # type: ignore[import-not-found, no-redef, unused-ignore]
        App,
        LocalBackend,
        TerraformHclModule,
        TerraformOutput,
        TerraformStack,
    )

    FLAVOUR = "cdktf"
from constructs import Construct  # type: ignore[import-not-found, unused-ignore]

from generator import catalog
from generator.errors import EmrIamError

__all__ = ["FLAVOUR", "App", "CdktfError", "EmrIam", "EmrIamTeam", "LocalBackend", "TerraformOutput", "TerraformStack", "module_source"]

COMPOSITE_VARIABLES = frozenset(variable.name for variable in catalog.COMPOSITE.variables)
# A team module's outputs are the composite's (generator.model builds them from the same list).
OUTPUTS = frozenset(output.name for output in catalog.COMPOSITE.outputs)


class CdktfError(EmrIamError):
    """A construct was given a variable or asked for an output that the module does not have."""


def module_source(scope: Construct, module_dir: str | Path) -> str:
    """`module_dir` relative to the folder the stack is synthesised into (`<outdir>/stacks/<stack>`).

    A local module is referenced in place, not copied as an asset: the team modules call
    `../../emr-iam`, which only resolves inside the whole modules/ tree.
    """
    module_dir = Path(module_dir).resolve()
    if not (module_dir / "main.tf").is_file():
        raise CdktfError(f"{module_dir}: no generated module here (run `make modules`)")
    stack_dir = Path(App.of(scope).outdir).resolve() / "stacks" / TerraformStack.of(scope).node.id
    return Path(os.path.relpath(module_dir, stack_dir)).as_posix()


class _Output:
    """A typed accessor of the module's output named like the attribute, as a token for other constructs.

    The name is checked when the class is made: a misspelt accessor fails on import.
    """

    def __init__(self, doc: str = "") -> None:
        self.__doc__ = doc

    def __set_name__(self, owner: type, name: str) -> None:
        if name not in OUTPUTS:
            raise CdktfError(f"{owner.__name__}.{name}: the module has no output {name!r}")
        self.name = name

    @overload
    def __get__(self, module: None, owner: type) -> _Output: ...

    @overload
    def __get__(self, module: _GeneratedModule, owner: type) -> str: ...

    def __get__(self, module: _GeneratedModule | None, owner: type) -> _Output | str:
        if module is None:
            return self
        value: str = module.get_string(self.name)
        return value


class _GeneratedModule(TerraformHclModule):  # type: ignore[misc, unused-ignore]
    """A generated module; typed accessors for the outputs every EMR cluster needs."""

    def output(self, name: str) -> Any:
        """Any output of the module by name, as a token for other constructs."""
        if name not in OUTPUTS:
            raise CdktfError(f"the module has no output {name!r} (outputs: {', '.join(sorted(OUTPUTS))})")
        return self.get(name)

    service_role_name = _Output("`service_role` of an EMR cluster.")
    service_role_arn = _Output()
    ec2_role_name = _Output()
    ec2_role_arn = _Output()
    instance_profile_name = _Output("`ec2_attributes.instance_profile` of an EMR cluster (the EMR role for EC2's name).")
    instance_profile_arn = _Output()
    autoscaling_role_name = _Output("`autoscaling_role` of an EMR cluster.")
    autoscaling_role_arn = _Output()
    security_configuration_name = _Output("`security_configuration` of an EMR cluster: the EMRFS role mappings and runtime roles.")
    configurations_json = _Output(
        "`configurations_json` of an EMR cluster: the emrfs-site classification S3 Access Grants needs (null without)."
    )
    passrole_policy_arn = _Output()
    serverless_submitter_policy_arn = _Output(
        "The policy for the people who start EMR Serverless job runs with the team's job runtime roles."
    )
    eks_submitter_policy_arn = _Output(
        "The policy that lets its holders start EMR on EKS job runs with exactly the team's job execution roles."
    )
    studio_service_role_arn = _Output("`service_role` of an EMR Studio.")
    studio_user_role_arn = _Output("`user_role` of an EMR Studio in IAM Identity Center mode (null in IAM mode).")


class EmrIamTeam(_GeneratedModule):
    """A team's module, `modules/teams/<team>`: every setting comes from the platform spec."""

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        modules_dir: str | Path,
        team: str,
        create: bool | None = None,
        create_service_linked_role: bool | None = None,
        source_account_id: str | None = None,
        tags: Mapping[str, str] | None = None,
        runtime_roles_region: str | None = None,
        runtime_roles_external_id: str | None = None,
        create_serverless_service_linked_role: bool | None = None,
        serverless_application_region: str | None = None,
        eks_region: str | None = None,
        studio_region: str | None = None,
    ) -> None:
        variables = {
            "create": create,
            "create_service_linked_role": create_service_linked_role,
            "source_account_id": source_account_id,
            "tags": dict(tags) if tags is not None else None,
            "runtime_roles_region": runtime_roles_region,
            "runtime_roles_external_id": runtime_roles_external_id,
            "create_serverless_service_linked_role": create_serverless_service_linked_role,
            "serverless_application_region": serverless_application_region,
            "eks_region": eks_region,
            "studio_region": studio_region,
        }
        super().__init__(
            scope,
            id,
            source=module_source(scope, Path(modules_dir) / "teams" / team),
            variables={name: value for name, value in variables.items() if value is not None},
            skip_asset_creation_from_local_modules=True,
        )


class EmrIam(_GeneratedModule):
    """The composite module, `modules/emr-iam`, with any of its variables (checked by name)."""

    def __init__(self, scope: Construct, id: str, *, modules_dir: str | Path, **variables: Any) -> None:
        unknown = sorted(set(variables) - COMPOSITE_VARIABLES)
        if unknown:
            raise CdktfError(f"modules/emr-iam has no variable {', '.join(unknown)}")
        super().__init__(
            scope,
            id,
            source=module_source(scope, Path(modules_dir) / catalog.COMPOSITE.name),
            variables=variables,
            skip_asset_creation_from_local_modules=True,
        )
