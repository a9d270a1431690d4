"""emr-iam: one YAML spec in, Terraform modules for Amazon EMR's IAM roles out."""

from generator.errors import EmrIamError, OutputError, SpecError
from generator.render import Changes, diff, render
from generator.spec import Spec, load_spec

__all__ = ["Changes", "EmrIamError", "OutputError", "Spec", "SpecError", "diff", "load_spec", "render"]
