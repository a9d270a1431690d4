"""emr-iam: one YAML spec in, Terraform modules for Amazon EMR's IAM roles out.

The package imports its parts on first use, so `generator.facts` or a cache hit of the CLI does
not pay for pydantic and Jinja.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from generator.errors import EmrIamError, OutputError, SpecError
    from generator.output_tree import Changes
    from generator.rendering import diff, render
    from generator.spec import Spec, load_spec

# Where the shipped templates are: beside the package in a source checkout or editable install,
# inside it in a wheel.
TEMPLATE_DIRS = (
    Path(__file__).resolve().parent.parent / "templates",
    Path(__file__).resolve().parent / "templates",
)


def template_folders(user_templates: str | None = None) -> list[Path]:
    """Where templates are looked up, the first match winning: the user's folder, then the shipped ones."""
    shipped = [folder for folder in TEMPLATE_DIRS if folder.is_dir()]
    return [Path(user_templates), *shipped] if user_templates else shipped

_EXPORTS = {
    "EmrIamError": "generator.errors",
    "OutputError": "generator.errors",
    "SpecError": "generator.errors",
    "Changes": "generator.output_tree",
    "diff": "generator.rendering",
    "render": "generator.rendering",
    "Spec": "generator.spec",
    "load_spec": "generator.spec",
}

__all__ = ["Changes", "EmrIamError", "OutputError", "Spec", "SpecError", "diff", "load_spec", "render"]


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'generator' has no attribute {name!r}")
    value = getattr(importlib.import_module(_EXPORTS[name]), name)
    globals()[name] = value
    return value
