"""Hand-checked cases for tests/iam_eval.py, each against IAM's documented evaluation logic."""

from __future__ import annotations

import pytest

from tests.iam_eval import ALLOW, DENY, IMPLICIT_DENY, UnsupportedPolicy, evaluate

ROLE = "arn:aws:iam::111122223333:role/emr/analytics-EMR_EC2_DefaultRole"

# AWS's own statement (AmazonEMRServicePolicy_v2, PassRoleForEC2), as its managed policy has it.
V2_PASS_EC2 = {
    "Statement": [{
        "Sid": "PassRoleForEC2", "Effect": "Allow", "Action": "iam:PassRole",
        "Resource": "arn:aws:iam::*:role/EMR_EC2_DefaultRole",
        "Condition": {"StringLike": {"iam:PassedToService": "ec2.amazonaws.com*"}},
    }]
}


def doc(*statements: dict) -> dict:
    return {"Version": "2012-10-17", "Statement": list(statements)}


@pytest.mark.parametrize(
    ("resource", "service", "expected"),
    [
        ("arn:aws:iam::111122223333:role/EMR_EC2_DefaultRole", "ec2.amazonaws.com", ALLOW),
        ("arn:aws-cn:iam::111122223333:role/EMR_EC2_DefaultRole", "ec2.amazonaws.com.cn", IMPLICIT_DENY),  # arn:aws: only
        ("arn:aws:iam::111122223333:role/EMR_EC2_DefaultRole", "ec2.amazonaws.com.cn", ALLOW),  # StringLike "...com*"
        ("arn:aws:iam::111122223333:role/emr/EMR_EC2_DefaultRole", "ec2.amazonaws.com", IMPLICIT_DENY),  # a path is part of the ARN
        ("arn:aws:iam::111122223333:role/analytics-EMR_EC2_DefaultRole", "ec2.amazonaws.com", IMPLICIT_DENY),
        ("arn:aws:iam::111122223333:role/EMR_EC2_DefaultRole", "elasticmapreduce.amazonaws.com", IMPLICIT_DENY),
    ],
)
def test_the_v2_policy_passes_only_the_literal_default_name(resource: str, service: str, expected: str) -> None:
    assert evaluate([V2_PASS_EC2], "iam:PassRole", resource, {"iam:PassedToService": service}) == expected


def test_a_missing_condition_key_fails_a_positive_operator_and_satisfies_ifexists() -> None:
    assert evaluate([V2_PASS_EC2], "iam:PassRole", "arn:aws:iam::1:role/EMR_EC2_DefaultRole") == IMPLICIT_DENY
    exists = doc({"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*",
                  "Condition": {"StringEqualsIfExists": {"iam:PassedToService": "ec2.amazonaws.com"}}})
    assert evaluate([exists], "iam:PassRole", ROLE) == ALLOW
    assert evaluate([exists], "iam:PassRole", ROLE, {"iam:PassedToService": "glue.amazonaws.com"}) == IMPLICIT_DENY


def test_values_of_one_key_are_ored_and_keys_are_anded() -> None:
    both = doc({"Effect": "Allow", "Action": "iam:PassRole", "Resource": ROLE,
                "Condition": {"StringEquals": {"iam:PassedToService": ["ec2.amazonaws.com", "ec2.amazonaws.com.cn"],
                                               "aws:RequestedRegion": "cn-north-1"}}})
    assert evaluate([both], "iam:PassRole", ROLE, {"iam:PassedToService": "ec2.amazonaws.com.cn", "aws:RequestedRegion": "cn-north-1"}) == ALLOW
    assert evaluate([both], "iam:PassRole", ROLE, {"iam:PassedToService": "ec2.amazonaws.com", "aws:RequestedRegion": "us-east-1"}) == IMPLICIT_DENY


def test_explicit_deny_wins_over_any_allow_and_notaction_notresource_invert() -> None:
    allow_all = doc({"Effect": "Allow", "Action": "*", "Resource": "*"})
    deny = doc({"Effect": "Deny", "NotAction": ["sts:AssumeRole"], "NotResource": "arn:aws:iam::1:role/keep"})
    assert evaluate([allow_all, deny], "iam:PassRole", ROLE) == DENY
    assert evaluate([allow_all, deny], "sts:AssumeRole", ROLE) == ALLOW  # excluded action
    assert evaluate([allow_all, deny], "iam:PassRole", "arn:aws:iam::1:role/keep") == ALLOW  # excluded resource


def test_actions_ignore_case_resources_do_not_and_only_star_and_question_are_wildcards() -> None:
    document = doc({"Effect": "Allow", "Action": "IAM:Pass*", "Resource": "arn:aws:iam::1:role/EMR_?"})
    assert evaluate([document], "iam:passrole", "arn:aws:iam::1:role/EMR_A") == ALLOW
    assert evaluate([document], "iam:PassRole", "arn:aws:iam::1:role/emr_A") == IMPLICIT_DENY
    assert evaluate([document], "iam:PassRole", "arn:aws:iam::1:role/EMR_AB") == IMPLICIT_DENY
    brackets = doc({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/[ab]"})
    assert evaluate([brackets], "s3:GetObject", "arn:aws:s3:::b/a") == IMPLICIT_DENY
    assert evaluate([brackets], "s3:GetObject", "arn:aws:s3:::b/[ab]") == ALLOW


def test_arnlike_compares_segments() -> None:
    trust = doc({"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*",
                 "Condition": {"ArnLike": {"aws:SourceArn": "arn:aws:application-autoscaling:*:111122223333:scalable-target/*"}}})
    ok = {"aws:SourceArn": "arn:aws:application-autoscaling:us-east-1:111122223333:scalable-target/0123abc"}
    other_account = {"aws:SourceArn": "arn:aws:application-autoscaling:us-east-1:444455556666:scalable-target/0123abc"}
    assert evaluate([trust], "sts:AssumeRole", ROLE, ok) == ALLOW
    assert evaluate([trust], "sts:AssumeRole", ROLE, other_account) == IMPLICIT_DENY
    assert evaluate([trust], "sts:AssumeRole", ROLE, {"aws:SourceArn": "not-an-arn"}) == IMPLICIT_DENY


def test_unknown_operators_and_keys_are_refused_not_ignored() -> None:
    with pytest.raises(UnsupportedPolicy):
        evaluate([doc({"Effect": "Allow", "Action": "*", "Resource": "*", "Condition": {"NumericLessThan": {"k": "1"}}})], "a:b", "r", {"k": "0"})
    with pytest.raises(UnsupportedPolicy):
        evaluate([doc({"Effect": "Allow", "Action": "*", "Resource": "*", "Principal": "*"})], "a:b", "r")


def test_policy_variables_in_condition_values_come_from_the_request_context() -> None:
    # AWS's Workspace collaboration statement: the creatorUserId tag must be the caller's own ID.
    own = doc({"Effect": "Allow", "Action": "elasticmapreduce:UpdateEditor", "Resource": "*",
               "Condition": {"StringEquals": {"elasticmapreduce:ResourceTag/creatorUserId": "${aws:userId}"}}})
    caller = "AROAEXAMPLEID:alice"
    mine = {"aws:userId": caller, "elasticmapreduce:ResourceTag/creatorUserId": caller}
    assert evaluate([own], "elasticmapreduce:UpdateEditor", "*", mine) == ALLOW
    theirs = {"aws:userId": caller, "elasticmapreduce:ResourceTag/creatorUserId": "AROAEXAMPLEID:bob"}
    assert evaluate([own], "elasticmapreduce:UpdateEditor", "*", theirs) == IMPLICIT_DENY
    # The literal text "${aws:userId}" in the tag is no match, nor is a context without aws:userId.
    literal = {"aws:userId": caller, "elasticmapreduce:ResourceTag/creatorUserId": "${aws:userId}"}
    assert evaluate([own], "elasticmapreduce:UpdateEditor", "*", literal) == IMPLICIT_DENY
    assert evaluate([own], "elasticmapreduce:UpdateEditor", "*", {"elasticmapreduce:ResourceTag/creatorUserId": ""}) == IMPLICIT_DENY
    # ${*}, ${?} and ${$} are the literal characters, not wildcards in StringEquals.
    star = doc({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*",
                "Condition": {"StringEquals": {"s3:prefix": "home/${*}"}}})
    assert evaluate([star], "s3:GetObject", "*", {"s3:prefix": "home/*"}) == ALLOW
    assert evaluate([star], "s3:GetObject", "*", {"s3:prefix": "home/alice"}) == IMPLICIT_DENY
    with pytest.raises(UnsupportedPolicy):
        evaluate([doc({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*",
                       "Condition": {"StringEquals": {"s3:prefix": "${aws:username, 'x'}"}}})], "s3:GetObject", "*", {"s3:prefix": "x"})
