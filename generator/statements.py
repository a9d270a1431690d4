"""IAM policy statements as data: written once, rendered into HCL and measured from the same objects.

A module's policy is a tuple of `Statement`s (generator/policies.py). `statements_hcl` writes them as
the `statement` blocks of an `aws_iam_policy_document`, laid out as `tofu fmt` writes them;
`document` evaluates them into the JSON the data source produces, so the generator can check IAM's
size quotas against exactly what the module will create.

What the module only knows at plan time is an `Expr` (or a `Template` over `Expr`s). To evaluate a
statement, the caller binds each such `Expr` to a value; a `dynamic` block's `for_each` is bound to
a list of further bindings, one per block it produces (none: the block is left out).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from generator import facts, hcl
from generator.hcl import Expr, Template

Bindings = Mapping[Expr, Any]


@dataclass(frozen=True)
class Principal:
    type: str
    identifiers: Any  # a list of values, or an Expr for the whole list
    # Written one identifier per line, as tofu fmt keeps a list the author broke into lines.
    one_per_line: bool = False


@dataclass(frozen=True)
class Condition:
    test: str | Expr
    variable: str | Template | Expr
    values: Any  # a list of values, or an Expr for the whole list
    # A `dynamic "condition"` block: present once per item of this expression.
    for_each: Expr | None = None


@dataclass(frozen=True)
class Statement:
    sid: str | Template | Expr
    actions: Any  # a list of action names, or an Expr
    resources: Any = None  # a list of ARNs (str or Template), an Expr, or None for a trust policy
    principals: Principal | None = None
    conditions: tuple[Condition, ...] = ()
    # A `dynamic "statement"` block: present once per item of this expression.
    for_each: Expr | None = None
    effect: str = "Allow"


# --- HCL -----------------------------------------------------------------------------------------


def _block(kind: str, attributes: dict[str, Any], children: Sequence[str], indent: int, for_each: Expr | None) -> str:
    pad = " " * indent
    if for_each is not None:
        inner = _block("content", attributes, children, indent + 2, None)
        return f'{pad}dynamic "{kind}" {{\n{pad}  for_each = {for_each.code}\n\n{inner}{pad}}}\n'
    parts = [hcl.body(attributes, indent + 2)] + ["\n" + child for child in children]
    return f"{pad}{kind} {{\n" + "".join(parts) + f"{pad}}}\n"


def _list(values: Any, indent: int, one_per_line: bool = False) -> Any:
    if one_per_line and isinstance(values, list):
        pad = " " * (indent + 2)
        return Expr("[\n" + "".join(f"{pad}{hcl.expression(item)},\n" for item in values) + " " * indent + "]")
    return values


def statement_hcl(statement: Statement, indent: int = 2) -> str:
    inner = indent + (4 if statement.for_each is not None else 2)
    attributes: dict[str, Any] = {"sid": statement.sid, "effect": statement.effect, "actions": statement.actions}
    if statement.resources is not None:
        attributes["resources"] = statement.resources
    children = []
    if statement.principals is not None:
        principal = statement.principals
        children.append(_block(
            "principals",
            {"type": principal.type, "identifiers": _list(principal.identifiers, inner + 2, principal.one_per_line)},
            (), inner, None,
        ))
    for condition in statement.conditions:
        written = {"test": condition.test, "variable": condition.variable, "values": condition.values}
        children.append(_block("condition", written, (), inner, condition.for_each))
    return _block("statement", attributes, children, indent, statement.for_each)


def statements_hcl(statements: Sequence[Statement], indent: int = 2) -> str:
    """The statement blocks of one `aws_iam_policy_document`, a blank line between them, no final newline."""
    return "\n".join(statement_hcl(statement, indent) for statement in statements).rstrip("\n")


# --- JSON, for the quota checks -------------------------------------------------------------------


def _value(value: Any, bindings: Bindings) -> Any:
    kind = type(value)
    if kind is str:
        return value
    if kind is Expr:
        return bindings[value]
    if kind is Template:
        return "".join([part if type(part) is str else str(bindings[part]) for part in value.parts])
    if kind is list or kind is tuple:
        return [_value(item, bindings) for item in value]
    return value


def _as_written(values: Any) -> Any:
    """A list as aws_iam_policy_document writes it: a list of one as the one item."""
    if isinstance(values, list) and len(values) == 1:
        return values[0]
    return values


def _each(for_each: Expr | None, bindings: Bindings) -> list[Bindings]:
    if for_each is None:
        return [bindings]
    return [{**bindings, **item} for item in bindings[for_each]]


def _statement(statement: Statement, bindings: Bindings) -> dict[str, Any]:
    out: dict[str, Any] = {
        "Sid": _value(statement.sid, bindings),
        "Effect": statement.effect,
        "Action": _as_written(_value(statement.actions, bindings)),
    }
    if statement.resources is not None:
        out["Resource"] = _as_written(_value(statement.resources, bindings))
    if statement.principals is not None:
        out["Principal"] = {statement.principals.type: _as_written(_value(statement.principals.identifiers, bindings))}
    conditions: dict[str, dict[str, Any]] = {}
    for condition in statement.conditions:
        for scope in _each(condition.for_each, bindings):
            values = _value(condition.values, scope)
            conditions.setdefault(_value(condition.test, scope), {})[_value(condition.variable, scope)] = (
                values if isinstance(values, list) else [values]
            )
    if conditions:
        out["Condition"] = conditions
    return out


def document(statements: Sequence[Statement], bindings: Bindings) -> dict[str, Any]:
    """The policy JSON the module's aws_iam_policy_document writes, with every Expr bound."""
    return {
        "Version": facts.POLICY_VERSION,
        "Statement": [_statement(statement, scope) for statement in statements for scope in _each(statement.for_each, bindings)],
    }
