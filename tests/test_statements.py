"""Policy statements as data: one source for the HCL the templates write and the JSON the quota checks size.

The HCL side is checked by every plan test and the byte-for-byte golden files; the JSON side against
real plans in tests/test_limits_plan.py. These tests pin the rules between the two: which blocks a
`dynamic` produces, how aws_iam_policy_document writes lists, and that no template writes a statement
of its own.
"""

from __future__ import annotations

import re

from generator import policies, statements
from generator.hcl import Expr, template
from generator.statements import Condition, Principal, Statement
from tests.engine import ROOT

EACH = Expr("var.items")
ITEM = Expr("statement.value")
WHEN = Expr("var.flag ? [var.value] : []")
VALUE = Expr("condition.value")
SAMPLE = (
    Statement("Fixed", ["s3:GetObject"], [template("arn:", policies.PARTITION, ":s3:::bucket/*")],
              conditions=(Condition("StringEquals", "aws:SourceAccount", [VALUE], WHEN),)),
    Statement(template("Each", Expr("statement.key")), ["iam:PassRole", "iam:GetRole"], [ITEM], for_each=EACH),
    Statement("Trust", ["sts:AssumeRole"], principals=Principal("Service", ["a.amazonaws.com", "b.amazonaws.com"], one_per_line=True)),
)


def test_dynamic_blocks_come_out_once_per_item_and_not_at_all_without_items() -> None:
    none = statements.document(SAMPLE, {policies.PARTITION: "aws", WHEN: [], EACH: []})
    assert [statement["Sid"] for statement in none["Statement"]] == ["Fixed", "Trust"]
    assert "Condition" not in none["Statement"][0]

    items = [{Expr("statement.key"): "One", ITEM: "arn:aws:iam::111122223333:role/one"},
             {Expr("statement.key"): "Two", ITEM: "arn:aws:iam::111122223333:role/two"}]
    some = statements.document(SAMPLE, {policies.PARTITION: "aws-cn", WHEN: [{VALUE: "111122223333"}], EACH: items})
    fixed, one, two, trust = some["Statement"]
    assert fixed == {"Sid": "Fixed", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws-cn:s3:::bucket/*",
                     "Condition": {"StringEquals": {"aws:SourceAccount": ["111122223333"]}}}
    assert (one["Sid"], one["Resource"], two["Sid"], two["Resource"]) == (
        "EachOne", "arn:aws:iam::111122223333:role/one", "EachTwo", "arn:aws:iam::111122223333:role/two"
    )
    assert one["Action"] == ["iam:PassRole", "iam:GetRole"]
    assert trust["Principal"] == {"Service": ["a.amazonaws.com", "b.amazonaws.com"]} and "Resource" not in trust


def test_the_hcl_has_one_block_per_statement_and_dynamic_blocks_for_expressions() -> None:
    text = statements.statements_hcl(SAMPLE)
    assert text.count("\n  statement {") + text.startswith("  statement {") == 2
    assert '  dynamic "statement" {\n    for_each = var.items\n\n    content {\n      sid       = "Each${statement.key}"' in text
    assert '    dynamic "condition" {\n      for_each = var.flag ? [var.value] : []\n' in text
    assert '      identifiers = [\n        "a.amazonaws.com",\n        "b.amazonaws.com",\n      ]\n' in text


def test_no_template_writes_a_statement_of_its_own() -> None:
    """Every statement comes from generator/policies.py; a template only says which policy goes where."""
    for path in sorted((ROOT / "templates").rglob("*.j2")):
        text = path.read_text()
        assert not re.search(r"^\s*(statement \{|dynamic \"statement\"|sid\s*=)", text, re.M), path.relative_to(ROOT)


def test_every_policy_of_the_modules_is_rendered_by_a_template() -> None:
    rendered = "".join(path.read_text() for path in (ROOT / "templates").rglob("*.j2"))
    defined = [name for name, value in vars(policies).items()
               if isinstance(value, tuple) and value and all(isinstance(item, Statement) for item in value)]
    assert len(defined) >= 20
    assert [name for name in defined if f"policies.{name} | statements" not in rendered] == []


def test_every_context_value_of_a_module_is_used_by_its_template() -> None:
    """Facts reach a module's template through its context or a policy, never left behind unused."""
    from generator import catalog

    common = "".join(path.read_text() for path in (ROOT / "templates" / "common").glob("*.j2"))
    for module in catalog.GENERIC_MODULES:
        text = (ROOT / "templates" / "modules" / module.name / "main.tf.j2").read_text() + common
        unused = [key for key in module.context if f"context.{key}" not in text and f'context.get("{key}"' not in text]
        assert unused == [], module.name
