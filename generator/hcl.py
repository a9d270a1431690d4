"""Write Python values as HCL expressions, laid out exactly as `tofu fmt` lays them out.

Strings are always literal: `${` and `%{` from the spec are escaped, so nothing a spec says
can become an interpolation or a template directive. Interpolation is only possible through
`Template` and `Expr`, which the generator builds itself.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")
# Bare words HCL reads as a literal (`null` is not a valid key) or as the start of a `for` expression.
KEYWORDS = frozenset({"true", "false", "null", "for"})


@dataclass(frozen=True)
class Expr:
    """A raw HCL expression, such as `var.tags` or `local.partition`."""

    code: str


@dataclass(frozen=True)
class Template:
    """A string with interpolations: literal parts (str) and references (Expr), in order."""

    parts: tuple[str | Expr, ...]

    def sample(self, values: Mapping[str, str]) -> str:
        """The string as it would read once each reference has the value given for it."""
        return "".join(part if isinstance(part, str) else values[part.code] for part in self.parts)


def template(*parts: str | Expr) -> Template:
    return Template(tuple(parts))


def quote(text: str) -> str:
    """An HCL quoted string that evaluates to exactly `text`."""
    escaped = json.dumps(text, ensure_ascii=False)[1:-1]
    return '"' + escaped.replace("${", "$${").replace("%{", "%%{") + '"'


def _key(key: str) -> str:
    return key if IDENTIFIER.match(key) and key not in KEYWORDS else quote(key)


def _is_inline(value: Any) -> bool:
    if isinstance(value, Mapping):
        return not value
    if isinstance(value, (list, tuple)):
        return all(not isinstance(item, (Mapping, list, tuple)) for item in value)
    return True


def expression(value: Any, indent: int = 0) -> str:
    """One HCL expression; multi-line values are indented as if they start at column `indent`."""
    if isinstance(value, Expr):
        return value.code
    if isinstance(value, Template):
        return '"' + "".join(quote(p)[1:-1] if isinstance(p, str) else "${" + p.code + "}" for p in value.parts) + '"'
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return json.dumps(value)
    if isinstance(value, str):
        return quote(value)
    if isinstance(value, Mapping):
        if not value:
            return "{}"
        inner = body(value, indent + 2)
        return "{\n" + inner + " " * indent + "}"
    if isinstance(value, (list, tuple)):
        if _is_inline(value):
            return "[" + ", ".join(expression(item) for item in value) + "]"
        pad = " " * (indent + 2)
        items = "".join(pad + expression(item, indent + 2) + ",\n" for item in value)
        return "[\n" + items + " " * indent + "]"
    raise TypeError(f"cannot write {type(value).__name__} as HCL")


def body(attributes: Mapping[str, Any], indent: int) -> str:
    """Attribute lines `key = value`, with `=` aligned across runs of single-line values.

    `tofu fmt` aligns the equals signs of consecutive one-line attributes; a line that opens a
    multi-line value ends the run, and so does any line without an attribute.
    """
    pad = " " * indent
    lines: list[tuple[str, str, bool]] = []
    for key, value in attributes.items():
        text = expression(value, indent)
        lines.append((_key(key), text, "\n" not in text))
    out: list[str] = []
    run: list[tuple[str, str]] = []

    def flush() -> None:
        width = max((len(k) for k, _ in run), default=0)
        out.extend(f"{pad}{k.ljust(width)} = {v}\n" for k, v in run)
        run.clear()

    for key, text, single in lines:
        if single:
            run.append((key, text))
        else:
            flush()
            out.append(f"{pad}{key} = {text}\n")
    flush()
    return "".join(out)


def jsonencode(document: Any, indent: int) -> str:
    """`jsonencode({...})` of a document, for policies and security configurations."""
    return "jsonencode(" + expression(document, indent) + ")"
