"""Every error a user can cause is an EmrIamError; the CLI prints it as one line and exits 2."""

from __future__ import annotations


class EmrIamError(Exception):
    """Base class for errors caused by the user's input or environment, not by a bug."""

    exit_code = 2


class SpecError(EmrIamError):
    """The spec file is missing, unreadable, not YAML, or fails validation."""

    def __init__(self, path: str, message: str, *, line: int | None = None, field: str | None = None):
        self.path = path
        self.line = line
        self.field = field
        self.message = message
        where = path if line is None else f"{path}:{line}"
        super().__init__(f"{where}: {field}: {message}" if field else f"{where}: {message}")


class OutputError(EmrIamError):
    """The output folder cannot be written as asked."""


class UsageError(EmrIamError):
    """Command-line options that cannot be used together."""
