"""Write Python values as HCL expressions, laid out exactly as `tofu fmt` lays them out.

Strings are always literal: `${` and `%{` from the spec are escaped, so nothing a spec says
can become an interpolation or a template directive. Interpolation is only possible through
`Template` and `Expr`, which the generator builds itself.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
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
        return "".join([part if isinstance(part, str) else values[part.code] for part in self.parts])


def template(*parts: str | Expr) -> Template:
    return Template(tuple(parts))


# What json.dumps(text, ensure_ascii=False) calls for a str, without building an encoder per call.
_json_string = json.encoder.encode_basestring


_QUOTED: dict[str, str] = {}  # action names, keys and ARNs repeat across every team; each is quoted once


def quote(text: str) -> str:
    """An HCL quoted string that evaluates to exactly `text`."""
    try:
        return _QUOTED[text]
    except KeyError:
        pass
    quoted: str = _json_string(text)
    if "{" in quoted:
        quoted = quoted.replace("${", "$${").replace("%{", "%%{")
    if len(_QUOTED) < 100_000:
        _QUOTED[text] = quoted
    return quoted


_KEYS: dict[str, str] = {}  # attribute names repeat across every team; each is checked once


def _key(key: str) -> str:
    try:
        return _KEYS[key]
    except KeyError:
        written = _KEYS[key] = key if IDENTIFIER.match(key) and key not in KEYWORDS else quote(key)
        return written


# Exact types the renderer meets most that are never a collection, so they skip the abstract Mapping check.
_SCALARS = frozenset({str, int, float, bool, type(None), Expr, Template})


def _sequence(value: list[Any] | tuple[Any, ...], indent: int) -> str:
    """A list on one line, or one item per line when an item is a collection."""
    items = []
    for item in value:
        kind = type(item)
        if kind is str:
            items.append(quote(item))
        elif kind is Template:
            items.append(_template(item))
        elif kind in _SCALARS or not isinstance(item, (Mapping, list, tuple)):
            items.append(expression(item))
        else:
            pad = " " * (indent + 2)
            return "[\n" + "".join([pad + expression(item, indent + 2) + ",\n" for item in value]) + " " * indent + "]"
    return "[" + ", ".join(items) + "]"


def _template(value: Template) -> str:
    return '"' + "".join([quote(part)[1:-1] if isinstance(part, str) else "${" + part.code + "}" for part in value.parts]) + '"'


def expression(value: Any, indent: int = 0) -> str:
    """One HCL expression; multi-line values are indented as if they start at column `indent`."""
    kind = type(value)
    if kind is str:
        return quote(value)
    if kind is dict:
        return "{\n" + body(value, indent + 2) + " " * indent + "}" if value else "{}"
    if kind is list:
        return _sequence(value, indent)
    if kind is Template:
        return _template(value)
    if kind is Expr:
        code: str = value.code
        return code
    if isinstance(value, Expr):
        return value.code
    if isinstance(value, Template):
        return _template(value)
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
        return _sequence(value, indent)
    raise TypeError(f"cannot write {type(value).__name__} as HCL")


def body(attributes: Mapping[str, Any], indent: int) -> str:
    """Attribute lines `key = value`, with `=` aligned across runs of single-line values.

    `tofu fmt` aligns the equals signs of consecutive one-line attributes; a line that opens a
    multi-line value ends the run, and so does any line without an attribute.
    """
    pad = " " * indent
    out: list[str] = []
    run: list[tuple[str, str]] = []  # the current run of one-line attributes: key as written, value
    for key, value in attributes.items():
        kind = type(value)
        if kind is str:
            text = quote(value)
        elif kind is Expr:
            text = value.code
        elif kind is Template:
            text = _template(value)
        elif kind is list:
            text = _sequence(value, indent)
        elif kind is dict:
            text = "{\n" + body(value, indent + 2) + pad + "}" if value else "{}"
        else:
            text = expression(value, indent)
        written = _KEYS.get(key) or _key(key)
        if "\n" in text:
            if run:
                _aligned(out, run, pad)
                run = []
            out.append(f"{pad}{written} = {text}\n")
        else:
            run.append((written, text))
    if run:
        _aligned(out, run, pad)
    return "".join(out)


def _aligned(out: list[str], run: list[tuple[str, str]], pad: str) -> None:
    if len(run) == 1:
        out.append(f"{pad}{run[0][0]} = {run[0][1]}\n")
        return
    width = max([len(key) for key, _ in run])
    out += [f"{pad}{key.ljust(width)} = {text}\n" for key, text in run]


def jsonencode(document: Any, indent: int) -> str:
    """`jsonencode({...})` of a document, for policies and security configurations."""
    return "jsonencode(" + expression(document, indent) + ")"
