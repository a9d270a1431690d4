"""Hostile and broken specs: each ends in the tool's own one-line error, exit 2, nothing written.

A hypothesis property test builds at least 500 malformed or adversarial specs per run from a
valid two-team spec: wrong types, unknown keys, names over the IAM limits, illegal characters,
duplicate teams, roles and keys, mapping identifiers of mixed types, empty and huge lists, YAML
alias bombs and unsafe tags, non-UTF-8 bytes, deep nesting, and spec paths that are a directory
or missing. Each one is run through `generator.cli.main` in-process; the output folder, rendered
from the valid spec beforehand, must be byte-for-byte unchanged. A handful go through a real
subprocess to prove the exit code and the absence of a traceback.

The run is deterministic (derandomize, no example database), so CI sees the same cases each time.
"""

from __future__ import annotations

import contextlib
import copy
import io
import os
import string
import subprocess
import sys
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.cli import main
from tests.engine import ROOT
from tests.helpers import aws_managed_policy_names

MIN_CASES = 500
MAX_EXAMPLES = 640

# A valid spec that touches every part of the model; every mutation below breaks it for sure.
BASE: dict[str, Any] = {
    "version": 1,
    "quotas": {"managed_policies_per_role": 10, "trust_policy": 2048},
    "defaults": {"name_prefix": "{team}-", "path": "/emr/", "tags": {"ManagedBy": "emr-iam"}, "ec2_role": {"policy": "scoped"}},
    "teams": [
        {
            "name": "alpha",
            "source_account_id": "111122223333",
            "tags": {"Team": "alpha"},
            "service_role": {"managed_policy": "v2", "policy_arns": ["arn:aws:iam::aws:policy/ReadOnlyAccess"]},
            "ec2_role": {"s3_access": [{"bucket": "alpha-logs", "prefix": "logs/", "access": "read_write"}]},
            "autoscaling_role": {"trust_conditions": True},
            "emrfs": {
                "roles": [
                    {
                        "name": "emrfs-a",
                        "s3_access": [{"bucket": "alpha-lake", "prefix": "raw/"}],
                        "inline_policies": {
                            "extra": {"Statement": [{"Sid": "Extra", "Effect": "Allow", "Action": ["s3:PutObject"], "Resource": ["arn:aws:s3:::alpha-lake/x/*"]}]}
                        },
                    }
                ],
                "mappings": [{"role": "emrfs-a", "identifier_type": "User", "identifiers": ["alice", "bob"]}],
                "security_configuration_name": "alpha-emrfs",
                "encryption": {"at_rest_s3": {"mode": "SSE-KMS", "kms_key_arn": "arn:{partition}:kms:us-east-1:111122223333:alias/alpha"}},
            },
            "passrole_policy": {"name": "EMR_PassRole", "attach_to_groups": ["ops"]},
            "serverless": {
                "create": True,
                "application_ids": ["00fabcdefghij012"],
                "runtime_roles": [{"name": "spark", "s3_access": [{"bucket": "alpha-lake", "prefix": "jobs/"}]}],
                "submitter_policy": True,
                "service_linked_role": True,
            },
            "eks": {
                "roles": [
                    {
                        "name": "eks-a",
                        "pod_identity": True,
                        "s3_access": [{"bucket": "alpha-lake", "prefix": "eks/"}],
                        "clusters": [
                            {"name": "alpha", "oidc_issuer": "https://oidc.eks.us-east-1.amazonaws.com/id/5C1A9E7B3D2F4A6B8C0D1E2F3A4B5C6D",
                             "namespaces": ["spark-jobs", "spark-adhoc"]},
                        ],
                    }
                ],
                "virtual_cluster_ids": ["c0a1b2c3d4e5f6a7b8c9d0e1f"],
            },
        },
        {
            "name": "beta",
            "name_prefix": "b-",
            "ec2_role": {"policy": "managed"},
            "emrfs": {"roles": [{"name": "emrfs-b"}], "mappings": [{"role": "emrfs-b", "identifier_type": "Group", "identifiers": ["g1"]}]},
            "runtime_roles": [
                {"name": "steps", "s3_access_grants": True, "propagate_source_identity": True, "s3_access": [{"bucket": "beta-lake"}]},
                {"name": "adhoc", "propagate_source_identity": True, "aws_managed_policies": ["AmazonS3ReadOnlyAccess"]},
            ],
            "step_submitter_policy": {"name": "Steps", "attach_to_groups": ["submitters"]},
            "studio": {
                "create": True,
                "auth_mode": "IAM",
                "workspace_bucket": "beta-studio",
                "workspace_prefix": "workspaces/",
                "kms_key_arns": ["arn:{partition}:kms:us-east-1:111122223333:key/8c1d2e3f-4a5b-4c6d-9e7f-0a1b2c3d4e5f"],
                "studio_ids": ["es-BETA0123456789"],
                "service_role": {"aws_managed_policies": ["AmazonS3ReadOnlyAccess"]},
                "session_policies": [
                    {"name": "studio-basic", "tier": "basic", "collaboration": True, "attach_to_groups": ["notebook-users"]},
                ],
            },
        },
    ],
}

T0 = ("teams", 0)
ROLE0 = (*T0, "emrfs", "roles", 0)
STATEMENT0 = (*ROLE0, "inline_policies", "extra", "Statement", 0)
MAPPING0 = (*T0, "emrfs", "mappings", 0)
T1 = ("teams", 1)
RUNTIME0 = (*T1, "runtime_roles", 0)
SERVERLESS = (*T0, "serverless")
SERVERLESS0 = (*SERVERLESS, "runtime_roles", 0)
EKS0 = (*T0, "eks", "roles", 0)
STUDIO = (*T1, "studio")
SESSION0 = (*STUDIO, "session_policies", 0)
CLUSTER0 = (*EKS0, "clusters", 0)

# Values of the wrong type for each kind of field (never None: optional fields accept it).
WRONG = {
    "str": [0, 7, 2.5, [], ["x"], {}, {"a": "b"}, True],
    "bool": ["maybe", 2, -1, 0.5, [], {}, [True]],
    "int": ["ten", 0, -3, 1.5, 10**30, [], {}],
    "list": ["x", 5, {"a": 1}, True],
    "dict": ["x", 5, ["a"], True],
    "model": ["x", 5, ["a"], True, 1.5],
    "version": [2, 0, "one", [1], {}, None, 1.5],
    "literal": ["v3", "SCOPED", "read-only", "Users", "", 3],
    "action": [5, {}, [1], [None], True],
}
FIELDS: list[tuple[tuple[Any, ...], str]] = [
    (("version",), "version"),
    (("quotas",), "model"),
    (("quotas", "managed_policies_per_role"), "int"),
    (("quotas", "trust_policy"), "int"),
    (("defaults",), "model"),
    (("defaults", "name_prefix"), "str"),
    (("defaults", "path"), "str"),
    (("defaults", "tags"), "dict"),
    (("defaults", "tags", "ManagedBy"), "str"),
    (("defaults", "ec2_role"), "model"),
    (("defaults", "ec2_role", "policy"), "literal"),
    (("teams",), "list"),
    (T0, "model"),
    ((*T0, "name"), "str"),
    ((*T0, "source_account_id"), "str"),
    ((*T0, "permissions_boundary"), "str"),
    ((*T0, "tags"), "dict"),
    ((*T0, "tags", "Team"), "str"),
    ((*T0, "service_role"), "model"),
    ((*T0, "service_role", "create"), "bool"),
    ((*T0, "service_role", "managed_policy"), "literal"),
    ((*T0, "service_role", "policy_arns"), "list"),
    ((*T0, "service_role", "policy_arns", 0), "str"),
    ((*T0, "ec2_role", "use_name_prefix"), "bool"),
    ((*T0, "ec2_role", "s3_access"), "list"),
    ((*T0, "ec2_role", "s3_access", 0), "model"),
    ((*T0, "ec2_role", "s3_access", 0, "bucket"), "str"),
    ((*T0, "ec2_role", "s3_access", 0, "prefix"), "str"),
    ((*T0, "ec2_role", "s3_access", 0, "access"), "literal"),
    ((*T0, "autoscaling_role", "trust_conditions"), "bool"),
    ((*T0, "service_linked_role", "create"), "bool"),
    ((*T0, "emrfs"), "model"),
    ((*T0, "emrfs", "create"), "bool"),
    ((*T0, "emrfs", "roles"), "list"),
    (ROLE0, "model"),
    ((*ROLE0, "name"), "str"),
    ((*ROLE0, "s3_access"), "list"),
    ((*ROLE0, "inline_policies"), "dict"),
    ((*ROLE0, "inline_policies", "extra"), "model"),
    ((*ROLE0, "inline_policies", "extra", "Statement"), "list"),
    (STATEMENT0, "model"),
    ((*STATEMENT0, "Effect"), "literal"),
    ((*STATEMENT0, "Action"), "action"),
    ((*STATEMENT0, "Resource"), "action"),
    ((*STATEMENT0, "Condition"), "dict"),
    ((*T0, "emrfs", "mappings"), "list"),
    (MAPPING0, "model"),
    ((*MAPPING0, "role"), "str"),
    ((*MAPPING0, "identifier_type"), "literal"),
    ((*MAPPING0, "identifiers"), "list"),
    ((*T0, "emrfs", "security_configuration_name"), "str"),
    ((*T0, "emrfs", "encryption"), "model"),
    ((*T0, "emrfs", "encryption", "at_rest_s3", "mode"), "literal"),
    ((*T0, "emrfs", "encryption", "at_rest_s3", "kms_key_arn"), "str"),
    ((*T0, "passrole_policy"), "model"),
    ((*T0, "passrole_policy", "name"), "str"),
    ((*T0, "passrole_policy", "attach_to_groups"), "list"),
    ((*T0, "passrole_policy", "attach_to_groups", 0), "str"),
    (("teams", 1, "name_prefix"), "str"),
    (("teams", 1, "ec2_role", "policy"), "literal"),
    ((*T1, "runtime_roles"), "list"),
    (RUNTIME0, "model"),
    ((*RUNTIME0, "name"), "str"),
    ((*RUNTIME0, "lake_formation"), "bool"),
    ((*RUNTIME0, "s3_access_grants"), "bool"),
    ((*RUNTIME0, "propagate_source_identity"), "bool"),
    ((*RUNTIME0, "s3_access"), "list"),
    ((*RUNTIME0, "s3_access", 0, "bucket"), "str"),
    ((*T1, "step_submitter_policy"), "model"),
    ((*T1, "step_submitter_policy", "create"), "bool"),
    ((*T1, "step_submitter_policy", "name"), "str"),
    ((*T1, "step_submitter_policy", "attach_to_groups"), "list"),
    ((*T1, "step_submitter_policy", "attach_to_groups", 0), "str"),
    (SERVERLESS, "model"),
    ((*SERVERLESS, "create"), "bool"),
    ((*SERVERLESS, "application_ids"), "list"),
    ((*SERVERLESS, "application_ids", 0), "str"),
    ((*SERVERLESS, "runtime_roles"), "list"),
    (SERVERLESS0, "model"),
    ((*SERVERLESS0, "name"), "str"),
    ((*SERVERLESS0, "s3_access"), "list"),
    ((*SERVERLESS0, "s3_access", 0, "bucket"), "str"),
    ((*SERVERLESS, "submitter_policy"), "bool"),
    ((*SERVERLESS, "service_linked_role"), "bool"),
    ((*T0, "eks"), "model"),
    ((*T0, "eks", "create"), "bool"),
    ((*T0, "eks", "roles"), "list"),
    ((*T0, "eks", "submitter_policy"), "bool"),
    ((*T0, "eks", "virtual_cluster_ids"), "list"),
    ((*T0, "eks", "virtual_cluster_ids", 0), "str"),
    (EKS0, "model"),
    ((*EKS0, "name"), "str"),
    ((*EKS0, "irsa"), "bool"),
    ((*EKS0, "pod_identity"), "bool"),
    ((*EKS0, "clusters"), "list"),
    (CLUSTER0, "model"),
    ((*CLUSTER0, "name"), "str"),
    ((*CLUSTER0, "oidc_issuer"), "str"),
    ((*CLUSTER0, "namespaces"), "list"),
    ((*CLUSTER0, "namespaces", 0), "str"),
    (STUDIO, "model"),
    ((*STUDIO, "create"), "bool"),
    ((*STUDIO, "auth_mode"), "literal"),
    ((*STUDIO, "workspace_bucket"), "str"),
    ((*STUDIO, "workspace_prefix"), "str"),
    ((*STUDIO, "kms_key_arns"), "list"),
    ((*STUDIO, "git_secrets"), "bool"),
    ((*STUDIO, "studio_ids"), "list"),
    ((*STUDIO, "studio_ids", 0), "str"),
    ((*STUDIO, "service_role"), "model"),
    ((*STUDIO, "service_role", "name"), "str"),
    ((*STUDIO, "user_role"), "model"),
    ((*STUDIO, "session_policies"), "list"),
    (SESSION0, "model"),
    ((*SESSION0, "name"), "str"),
    ((*SESSION0, "tier"), "literal"),
    ((*SESSION0, "collaboration"), "bool"),
    ((*SESSION0, "attach_to_groups"), "list"),
]
MODEL_MAPPINGS = [
    (),
    ("quotas",),
    ("defaults",),
    ("defaults", "ec2_role"),
    T0,
    (*T0, "service_role"),
    (*T0, "ec2_role"),
    (*T0, "ec2_role", "s3_access", 0),
    (*T0, "autoscaling_role"),
    (*T0, "service_linked_role"),
    (*T0, "emrfs"),
    ROLE0,
    (*ROLE0, "s3_access", 0),
    (*ROLE0, "inline_policies", "extra"),
    STATEMENT0,
    MAPPING0,
    (*T0, "emrfs", "encryption"),
    (*T0, "emrfs", "encryption", "at_rest_s3"),
    (*T0, "passrole_policy"),
    ("teams", 1),
    RUNTIME0,
    (*RUNTIME0, "s3_access", 0),
    (*T1, "step_submitter_policy"),
    SERVERLESS,
    SERVERLESS0,
    (*SERVERLESS0, "s3_access", 0),
    (*T0, "eks"),
    EKS0,
    CLUSTER0,
    STUDIO,
    (*STUDIO, "service_role"),
    SESSION0,
]
FIELD_NAMES = {
    "version", "quotas", "defaults", "teams", "name", "name_prefix", "path", "permissions_boundary", "tags", "source_account_id",
    "service_role", "ec2_role", "autoscaling_role", "service_linked_role", "emrfs", "passrole_policy", "create", "use_name_prefix",
    "managed_policy", "allow_spot_service_linked_role", "policy_arns", "aws_managed_policies", "inline_policies", "instance_profile_name",
    "policy", "s3_access", "trust_conditions", "roles", "mappings", "security_configuration_name", "encryption", "bucket", "prefix",
    "access", "role", "identifier_type", "identifiers", "at_rest_s3", "local_disk_kms_key_arn", "in_transit_certificate_s3_object",
    "mode", "kms_key_arn", "attach_to_users", "attach_to_groups", "attach_to_roles", "managed_policies_per_role", "trust_policy",
    "Version", "Statement", "Sid", "Effect", "Action", "NotAction", "Resource", "NotResource", "Condition",
    "runtime_roles", "lake_formation", "s3_access_grants", "propagate_source_identity", "step_submitter_policy",
    "serverless", "application_ids", "submitter_policy",
    "eks", "clusters", "oidc_issuer", "namespaces", "irsa", "pod_identity", "virtual_cluster_ids",
    "studio", "auth_mode", "workspace_bucket", "workspace_prefix", "kms_key_arns", "git_secrets", "studio_ids", "user_role",
    "session_policies", "tier", "collaboration",
}
# Pattern-checked text fields and the characters each allows; anything else makes it invalid.
PATTERNED: list[tuple[tuple[Any, ...], str, str]] = [
    ((*T0, "name"), "alpha", string.ascii_lowercase + string.digits + "-"),
    ((*T0, "source_account_id"), "111122223333", string.digits),
    # IAM allows Unicode letters and digits in tags.
    ((*T0, "tags", "Team"), "alpha", string.ascii_letters + string.digits + "_ .:/=+@-" + "éßЖ日本"),
    (("defaults", "name_prefix"), "{team}-", string.ascii_letters + string.digits + "_+=,.@-"),
    (("defaults", "path"), "/emr/", "".join(chr(c) for c in range(0x21, 0x7F))),
    ((*T0, "service_role", "name"), "EMR_DefaultRole", string.ascii_letters + string.digits + "_+=,.@-"),
    ((*ROLE0, "name"), "emrfs-a", string.ascii_letters + string.digits + "_+=,.@-"),
    ((*T0, "ec2_role", "s3_access", 0, "bucket"), "alpha-logs", string.ascii_lowercase + string.digits + ".-"),
    ((*T0, "ec2_role", "s3_access", 0, "prefix"), "logs/", string.ascii_letters + string.digits + "_!.*'()=+,@/-"),
    ((*MAPPING0, "identifiers", 0), "alice", string.ascii_letters + string.digits + "._@-"),
    ((*T0, "emrfs", "security_configuration_name"), "alpha-emrfs", string.ascii_letters + string.digits + "_.-"),
    ((*STATEMENT0, "Sid"), "Extra", string.ascii_letters + string.digits),
    ((*T0, "passrole_policy", "name"), "EMR_PassRole", string.ascii_letters + string.digits + "_+=,.@-"),
    ((*T0, "passrole_policy", "attach_to_groups", 0), "ops", string.ascii_letters + string.digits + "_+=,.@-"),
    ((*RUNTIME0, "name"), "steps", string.ascii_letters + string.digits + "_+=,.@-"),
    ((*T1, "step_submitter_policy", "name"), "Steps", string.ascii_letters + string.digits + "_+=,.@-"),
    ((*T1, "step_submitter_policy", "attach_to_groups", 0), "submitters", string.ascii_letters + string.digits + "_+=,.@-"),
    ((*SERVERLESS, "application_ids", 0), "00fabcdefghij012", string.ascii_lowercase + string.digits),
    ((*SERVERLESS0, "name"), "spark", string.ascii_letters + string.digits + "_+=,.@-"),
    ((*EKS0, "name"), "eks-a", string.ascii_letters + string.digits + "_+=,.@-"),
    ((*CLUSTER0, "name"), "alpha", string.ascii_letters + string.digits + "_-"),
    ((*CLUSTER0, "namespaces", 0), "spark-jobs", string.ascii_lowercase + string.digits + "-"),
    ((*T0, "eks", "virtual_cluster_ids", 0), "c0a1b2c3d4e5f6a7b8c9d0e1f", string.ascii_lowercase + string.digits),
    ((*STUDIO, "workspace_bucket"), "beta-studio", string.ascii_lowercase + string.digits + ".-"),
    ((*STUDIO, "studio_ids", 0), "es-BETA0123456789", string.ascii_uppercase + string.digits + "-"),
    ((*SESSION0, "name"), "studio-basic", string.ascii_letters + string.digits + "_+=,.@-"),
    ((*SESSION0, "attach_to_groups", 0), "notebook-users", string.ascii_letters + string.digits + "_+=,.@-"),
    ((*T0, "emrfs", "encryption", "at_rest_s3", "kms_key_arn"), "arn:{partition}:kms:us-east-1:111122223333:alias/alpha",
     string.ascii_letters + string.digits + "_/-:{}"),
]
CHARACTER_POOL = (
    string.punctuation + " \t\n\r" + string.ascii_uppercase + "_" + "éßЖ日本😀\u2028\u202e\x00\x01\x1b\x7f\x85" + "/:{}"
)


@dataclass(frozen=True)
class Case:
    """One malformed spec: what kind it is and how to lay it out on disk."""

    kind: str
    content: bytes | None = None  # the spec file's bytes
    layout: str = "file"  # file, directory, missing, under-a-file, dangling-link, link-loop


def _dump(document: Any) -> bytes:
    return yaml.safe_dump(document, sort_keys=False, default_flow_style=False, width=10**6).encode("utf-8")


def _set(document: dict[str, Any], path: tuple[Any, ...], value: Any) -> dict[str, Any]:
    """A copy of `document` with `path` set to `value` (mappings on the way are created)."""
    result = copy.deepcopy(document)
    node: Any = result
    for part in path[:-1]:
        node = node[part] if isinstance(part, int) else node.setdefault(part, {})
    node[path[-1]] = value
    return result


def _get(document: Any, path: tuple[Any, ...]) -> Any:
    for part in path:
        document = document[part]
    return document


def _case(kind: str, document: Any) -> Case:
    return Case(kind, _dump(document))


# --- strategies: each draws a spec that is invalid for sure ------------------------------------


@st.composite
def wrong_types(draw: st.DrawFn) -> Case:
    path, kind = draw(st.sampled_from(FIELDS))
    return _case("wrong-type", _set(BASE, path, draw(st.sampled_from(WRONG[kind]))))


@st.composite
def unknown_keys(draw: st.DrawFn) -> Case:
    path = draw(st.sampled_from(MODEL_MAPPINGS))
    key = draw(
        st.one_of(
            st.text(string.ascii_letters + string.digits + "_- ", min_size=1, max_size=20).filter(lambda k: k not in FIELD_NAMES),
            st.sampled_from(["Name", "NAME", "teams ", " version", "Principal", "team", "role_name", "emrfs_roles", "$ref", "<<x"]),
            st.integers(-5, 5),
        )
    )
    return _case("unknown-key", _set(BASE, (*path, key), draw(st.sampled_from(["x", 1, True, [], {}]))))


@st.composite
def names_over_limits(draw: st.DrawFn) -> Case:
    letters = st.text(string.ascii_letters + string.digits + "_", min_size=1, max_size=1).map(str)
    filler = draw(letters)
    choice = draw(st.sampled_from(["role", "emrfs-role", "prefixed-role", "team", "tag-key", "tag-value", "path", "passrole", "secconf", "prefix",
                                   "s3-prefix", "runtime-role", "submitter", "serverless-role", "application-id", "eks-role",
                                   "eks-trust", "studio-role", "studio-policy", "studio-policies"]))
    if choice == "studio-role":  # after beta's prefix b-
        return _case("over-limit", _set(BASE, (*STUDIO, "service_role", "name"), filler * draw(st.integers(63, 200))))
    if choice == "studio-policy":
        return _case("over-limit", _set(BASE, (*SESSION0, "name"), filler * draw(st.integers(127, 200))))
    if choice == "studio-policies":  # more session policies than the user role may have attached
        policies = [{"name": f"studio-{i}", "tier": "basic"} for i in range(draw(st.integers(11, 20)))]
        return _case("over-limit", _set(_set(BASE, (*STUDIO, "auth_mode"), "SSO"), (*STUDIO, "session_policies"), policies))
    if choice == "role":  # prefix "alpha-" (6) + name over 64, yet within IamName's 128 or over it
        return _case("over-limit", _set(BASE, (*T0, "service_role", "name"), filler * draw(st.integers(59, 200))))
    if choice == "emrfs-role":
        return _case("over-limit", _set(BASE, (*ROLE0, "name"), filler * draw(st.integers(59, 200))))
    if choice == "eks-role":  # after alpha's prefix alpha-
        return _case("over-limit", _set(BASE, (*EKS0, "name"), filler * draw(st.integers(59, 200))))
    if choice == "eks-trust":  # IRSA and Pod Identity for so many namespaces that the trust policy outgrows IAM's quota
        namespaces = [f"spark-namespace-{i:03d}" for i in range(draw(st.integers(12, 100)))]
        return _case("over-limit", _set(BASE, (*CLUSTER0, "namespaces"), namespaces))
    if choice == "runtime-role":  # after beta's prefix b-
        return _case("over-limit", _set(BASE, (*RUNTIME0, "name"), filler * draw(st.integers(63, 200))))
    if choice == "serverless-role":  # after alpha's prefix alpha-
        return _case("over-limit", _set(BASE, (*SERVERLESS0, "name"), filler * draw(st.integers(59, 200))))
    if choice == "application-id":
        return _case("over-limit", _set(BASE, (*SERVERLESS, "application_ids", 0), "a" * draw(st.integers(65, 120))))
    if choice == "submitter":
        return _case("over-limit", _set(BASE, (*T1, "step_submitter_policy", "name"), filler * draw(st.integers(127, 200))))
    if choice == "prefixed-role":
        document = _set(BASE, (*T0, "ec2_role", "use_name_prefix"), True)
        return _case("over-limit", _set(document, (*T0, "ec2_role", "name"), filler * draw(st.integers(32, 64))))
    if choice == "team":
        return _case("over-limit", _set(BASE, (*T0, "name"), "a" * draw(st.integers(33, 80))))
    if choice == "tag-key":
        return _case("over-limit", _set(BASE, (*T0, "tags"), {filler * draw(st.integers(129, 300)): "x"}))
    if choice == "tag-value":
        return _case("over-limit", _set(BASE, (*T0, "tags", "Team"), filler * draw(st.integers(257, 400))))
    if choice == "path":
        return _case("over-limit", _set(BASE, ("defaults", "path"), "/" + filler * draw(st.integers(511, 600)) + "/"))
    if choice == "passrole":
        return _case("over-limit", _set(BASE, (*T0, "passrole_policy", "name"), filler * draw(st.integers(123, 200))))
    if choice == "secconf":
        return _case("over-limit", _set(BASE, (*T0, "emrfs", "security_configuration_name"), filler * draw(st.integers(257, 300))))
    if choice == "prefix":
        return _case("over-limit", _set(BASE, ("teams", 1, "name_prefix"), filler * draw(st.integers(65, 90))))
    return _case("over-limit", _set(BASE, (*T0, "ec2_role", "s3_access", 0, "prefix"), (filler * 100 + "/") * draw(st.integers(11, 12))))


@st.composite
def illegal_characters(draw: st.DrawFn) -> Case:
    path, value, allowed = draw(st.sampled_from(PATTERNED))
    illegal = sorted(set(CHARACTER_POOL) - set(allowed))
    character = draw(st.sampled_from(illegal))
    position = draw(st.integers(0, len(value)))
    return _case("illegal-character", _set(BASE, path, value[:position] + character + value[position:]))


@st.composite
def duplicates(draw: st.DrawFn) -> Case:
    choice = draw(st.sampled_from(["team", "emrfs-role", "identifier", "role-names", "secconf", "runtime-role", "runtime-vs-emrfs",
                                   "serverless-role", "serverless-vs-emrfs", "application", "serverless-linked-role", "eks-vs-emrfs",
                                   "eks-cluster", "eks-namespace", "studio-policy", "studio-vs-runtime", "yaml-key", "yaml-top-key"]))
    if choice == "studio-policy":
        return _case("duplicate", _set(BASE, (*STUDIO, "session_policies"), [_get(BASE, SESSION0)] * 2))
    if choice == "studio-vs-runtime":  # the Studio service role named like the team's runtime role
        return _case("duplicate", _set(BASE, (*STUDIO, "service_role", "name"), "steps"))
    if choice == "team":
        document = copy.deepcopy(BASE)
        document["teams"].insert(draw(st.integers(0, 2)), copy.deepcopy(BASE["teams"][draw(st.integers(0, 1))]))
        return _case("duplicate", document)
    if choice == "emrfs-role":
        roles = _get(BASE, (*T0, "emrfs", "roles"))
        return _case("duplicate", _set(BASE, (*T0, "emrfs", "roles"), roles + [{"name": "emrfs-a"}]))
    if choice == "identifier":
        return _case("duplicate", _set(BASE, (*MAPPING0, "identifiers"), ["alice", "bob", draw(st.sampled_from(["alice", "bob"]))]))
    if choice == "role-names":  # both teams end up with the same prefixed role names
        return _case("duplicate", _set(BASE, ("teams", 1, "name_prefix"), "alpha-"))
    if choice == "secconf":
        return _case("duplicate", _set(BASE, ("teams", 1, "emrfs", "security_configuration_name"), "alpha-emrfs"))
    if choice == "runtime-role":
        return _case("duplicate", _set(BASE, (*RUNTIME0, "name"), "adhoc"))
    if choice == "eks-vs-emrfs":  # an EMR on EKS role named like the team's EMRFS role
        return _case("duplicate", _set(BASE, (*EKS0, "name"), "emrfs-a"))
    if choice == "eks-cluster":
        return _case("duplicate", _set(BASE, (*EKS0, "clusters"), [_get(BASE, CLUSTER0)] * 2))
    if choice == "eks-namespace":
        return _case("duplicate", _set(BASE, (*CLUSTER0, "namespaces"), ["spark-jobs", "spark-adhoc", "spark-jobs"]))
    if choice == "runtime-vs-emrfs":  # a runtime role named like the team's EMRFS role
        return _case("duplicate", _set(BASE, (*RUNTIME0, "name"), "emrfs-b"))
    if choice == "serverless-role":
        return _case("duplicate", _set(BASE, (*SERVERLESS, "runtime_roles"), [{"name": "spark"}, {"name": "spark"}]))
    if choice == "serverless-vs-emrfs":  # a job runtime role named like the team's EMRFS role
        return _case("duplicate", _set(BASE, (*SERVERLESS0, "name"), "emrfs-a"))
    if choice == "application":
        return _case("duplicate", _set(BASE, (*SERVERLESS, "application_ids"), ["00fabcdefghij012", "00fabcdefghij012"]))
    if choice == "serverless-linked-role":  # a second team of the same account creates the EMR Serverless service-linked role
        document = _set(BASE, (*T1, "serverless"), {"service_linked_role": True})
        return _case("duplicate", _set(document, (*T1, "source_account_id"), "111122223333"))
    text = _dump(BASE).decode()
    if choice == "yaml-key":
        key = draw(st.sampled_from(["name: zeta", "tags: {}", "source_account_id: '111122223333'", "name: alpha"]))
        text = text.replace("- name: alpha\n", f"- name: alpha\n  {key}\n", 1)
    else:
        text += draw(st.sampled_from(["version: 1\n", "teams: []\n", "defaults: {}\n"]))
    return Case("duplicate", text.encode())


@st.composite
def mixed_identifiers(draw: st.DrawFn) -> Case:
    bad = draw(st.lists(st.sampled_from([1, 2.5, True, None, [], {}, ["alice"], {"a": "b"}, -7]), min_size=1, max_size=4))
    good = draw(st.lists(st.sampled_from(["carol", "dave", "eve"]), max_size=3, unique=True))
    mixed = draw(st.permutations(good + bad))
    if draw(st.booleans()):
        return _case("mixed-identifiers", _set(BASE, (*MAPPING0, "identifiers"), mixed))
    kind, identifiers = draw(st.sampled_from([("Prefix", ["alice"]), ("User", ["s3://bucket/x"]), ("Group", ["s3://b/"]), ("Prefix", ["s3:/bad"])]))
    return _case("mixed-identifiers", _set(_set(BASE, (*MAPPING0, "identifier_type"), kind), (*MAPPING0, "identifiers"), identifiers))


@st.composite
def empty_things(draw: st.DrawFn) -> Case:
    choice = draw(st.sampled_from(["teams", "identifiers", "statement", "team", "file", "document"]))
    if choice == "teams":
        return _case("empty", _set(BASE, ("teams",), []))
    if choice == "identifiers":
        return _case("empty", _set(BASE, (*MAPPING0, "identifiers"), []))
    if choice == "statement":
        return _case("empty", _set(BASE, (*ROLE0, "inline_policies", "extra", "Statement"), []))
    if choice == "team":
        return _case("empty", _set(BASE, ("teams",), [{}]))
    if choice == "file":
        return Case("empty", draw(st.sampled_from([b"", b"\n", b"   \n\t\n", b"# only a comment\n", b"---\n", b"...\n"])))
    return Case("empty", draw(st.sampled_from([b"~\n", b"null\n", b"[]\n", b"{}\n", b"0\n", b'""\n', b"version: 1\n", b"teams: []\n"])))


LIMITS: list[tuple[tuple[Any, ...], int, Callable[[int], Any]]] = [
    ((*MAPPING0, "identifiers"), 100, lambda i: f"user{i}"),
    ((*T0, "ec2_role", "s3_access"), 200, lambda i: {"bucket": f"bucket-{i}"}),
    ((*T0, "emrfs", "mappings"), 500, lambda i: {"role": "emrfs-a", "identifier_type": "User", "identifiers": [f"u{i}"]}),
    ((*T0, "emrfs", "roles"), 100, lambda i: {"name": f"r{i}"}),
    ((*T0, "service_role", "policy_arns"), 20, lambda i: f"arn:aws:iam::aws:policy/P{i}"),
    ((*T0, "service_role", "aws_managed_policies"), 20, lambda i: f"Policy{i}"),
    ((*T0, "passrole_policy", "attach_to_users"), 100, lambda i: f"user{i}"),
    ((*T1, "runtime_roles"), 100, lambda i: {"name": f"r{i}"}),
    ((*T0, "eks", "roles"), 100, lambda i: {"name": f"e{i}", "irsa": False, "pod_identity": True, "clusters": [{"name": "c", "namespaces": ["n"]}]}),
    ((*CLUSTER0, "namespaces"), 100, lambda i: f"n{i}"),
    ((*T1, "step_submitter_policy", "attach_to_roles"), 100, lambda i: f"role{i}"),
    ((*SERVERLESS, "application_ids"), 100, lambda i: f"00f{i:013d}"),
    ((*SERVERLESS, "runtime_roles"), 100, lambda i: {"name": f"s{i}"}),
    ((*ROLE0, "inline_policies", "extra", "Statement"), 100, lambda i: {"Effect": "Deny", "Action": "s3:*", "Resource": f"arn:aws:s3:::b{i}/*"}),
]


@st.composite
def huge_lists(draw: st.DrawFn) -> Case:
    choice = draw(st.integers(0, len(LIMITS) + 2))
    if choice < len(LIMITS):
        path, limit, item = LIMITS[choice]
        return _case("huge-list", _set(BASE, path, [item(i) for i in range(limit + draw(st.integers(1, 40)))]))
    if choice == len(LIMITS):  # more tags than IAM allows on a role
        return _case("huge-list", _set(BASE, (*T0, "tags"), {f"Key{i}": "v" for i in range(51 + draw(st.integers(0, 30)))}))
    if choice == len(LIMITS) + 1:  # more managed policies than the quota
        return _case("huge-list", _set(BASE, (*T0, "service_role", "policy_arns"), [f"arn:aws:iam::aws:policy/{name}" for name in aws_managed_policy_names(10)]))
    # Inline policies over the 10,240 characters IAM allows per role.
    statements = [{"Effect": "Deny", "Action": "s3:*", "Resource": f"arn:aws:s3:::{'b' * 60}{i}/*"} for i in range(100)]
    policies = {f"p{n}": {"Statement": statements} for n in range(draw(st.integers(2, 4)))}
    return _case("huge-list", _set(BASE, (*ROLE0, "inline_policies"), policies))


@st.composite
def yaml_bombs(draw: st.DrawFn) -> Case:
    choice = draw(st.sampled_from(["laughs", "merge", "self", "alias-value"]))
    if choice == "laughs":
        depth, width = draw(st.integers(2, 9)), draw(st.integers(2, 9))
        lines = ['a0: &a0 ["lol"]'] + [f"a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * width)}]" for n in range(1, depth + 1)]
        return Case("yaml-bomb", ("\n".join(lines) + f"\nversion: 1\nteams: [{{name: a, tags: *a{depth}}}]\n").encode())
    if choice == "merge":
        return Case("yaml-bomb", b"version: 1\ndefaults: &d {path: /emr/}\nteams:\n  - <<: *d\n    name: alpha\n")
    if choice == "self":
        return Case("yaml-bomb", b"version: 1\nteams: &t [*t]\n")
    text = _dump(BASE).decode().replace("name: alpha", "name: &n alpha", 1).replace("name: beta", "name: *n", 1)
    return Case("yaml-bomb", text.encode())


UNSAFE_TAGS = [
    '!!python/object/apply:os.system ["touch {marker}"]',
    '!!python/object/apply:subprocess.check_output [["touch", "{marker}"]]',
    "!!python/name:os.system",
    "!!python/module:os",
    '!!binary "not base64!"',
    "!!timestamp 2001-12-14",
    "!!set {a, b}",
    "!!omap [a: 1]",
    "!!float 1.5",
    "!custom tag",
]


@st.composite
def unsafe_yaml(draw: st.DrawFn) -> Case:
    tag = draw(st.sampled_from(UNSAFE_TAGS))
    where = draw(st.sampled_from(["version", "name", "tags"]))
    text = _dump(BASE).decode()
    if where == "version":
        text = text.replace("version: 1", f"version: {tag}", 1)
    elif where == "name":
        text = text.replace("- name: alpha", f"- name: {tag}", 1)
    else:
        text = text.replace("  tags:\n    Team: alpha", f"  tags: {tag}", 1)
    return Case("unsafe-yaml", text.encode())


INVALID_UTF8 = [b"\xff", b"\xfe", b"\xc3\x28", b"\xa0\xa1", b"\xe2\x28\xa1", b"\xf0\x28\x8c\xbc", b"\xc0\xaf", b"\xed\xa0\x80", b"\xf8\xa1\xa1\xa1\xa1"]


@st.composite
def bad_bytes(draw: st.DrawFn) -> Case:
    base = _dump(BASE)
    choice = draw(st.sampled_from(["insert", "utf-16", "latin-1", "nul", "control"]))
    if choice == "insert":
        position = draw(st.integers(0, len(base)))
        return Case("bad-bytes", base[:position] + draw(st.sampled_from(INVALID_UTF8)) + base[position:])
    if choice == "utf-16":
        return Case("bad-bytes", base.decode().encode(draw(st.sampled_from(["utf-16", "utf-16-le", "utf-32"]))))
    if choice == "latin-1":
        return Case("bad-bytes", base.decode().replace("alpha", "alphé", 1).encode("latin-1"))
    # YAML refuses these characters in a stream, even inside quotes.
    character = draw(st.sampled_from(["\x00", "\x01", "\x08", "\x1b", "\x7f", "\ufffe"] if choice == "control" else ["\x00"]))
    text = base.decode()
    position = draw(st.integers(0, len(text)))
    return Case("bad-bytes", (text[:position] + character + text[position:]).encode("utf-8"))


@st.composite
def broken_yaml(draw: st.DrawFn) -> Case:
    # Text with no "version" in it cannot be a valid spec, whatever YAML makes of it.
    junk_alphabet = string.digits + string.punctuation.replace("\\", "") + " \n\t" + "日é"
    choice = draw(st.sampled_from(["junk", "tabs", "unclosed", "documents", "surrogate", "deep", "scalar-top", "numbers"]))
    if choice == "junk":
        return Case("broken-yaml", draw(st.text(junk_alphabet, min_size=1, max_size=200)).encode())
    if choice == "tabs":
        return Case("broken-yaml", _dump(BASE).replace(b"\n  ", b"\n\t", 1))
    if choice == "unclosed":
        return Case("broken-yaml", draw(st.sampled_from([b"version: 1\nteams: [{name: a\n", b'version: "1\n', b"version: 1\nteams: {\n", b"- ]\n"])))
    if choice == "documents":
        return Case("broken-yaml", _dump(BASE) + b"---\n" + _dump(BASE))
    if choice == "surrogate":
        escape = draw(st.sampled_from(["\\ud800", "\\udfff", "\\udbff\\udc00x"]))
        return Case("broken-yaml", _dump(BASE).replace(b"name: alpha", f'name: "al{escape}pha"'.encode(), 1))
    if choice == "deep":
        depth = draw(st.integers(50, 6000))
        opener, closer = draw(st.sampled_from([("[", "]"), ("{a: ", "}")]))
        where = draw(st.sampled_from(["tags", "emrfs", "teams"]))
        nested = opener * depth + ("1" if opener != "[" else "") + closer * depth
        if where == "teams":
            return Case("broken-yaml", f"version: 1\nteams: {nested}\n".encode())
        return Case("broken-yaml", f"version: 1\nteams:\n  - name: a\n    {where}: {nested}\n".encode())
    if choice == "scalar-top":
        return Case("broken-yaml", draw(st.sampled_from([b"just a string\n", b"- version: 1\n", b"42\n", b"!!str version\n", b"|\n  version: 1\n"])))
    value = draw(st.sampled_from(["1e400", ".nan", "-.inf", "0x1001", "1_000_000", "99999999999999999999999999", "0b1000000000001"]))
    return Case("broken-yaml", _dump(BASE).replace(b"trust_policy: 2048", f"trust_policy: {value}".encode(), 1))


@st.composite
def least_privilege_breaks(draw: st.DrawFn) -> Case:
    """A spec whose inline policy would grant too much: "*" for an action that does not need it, or PassRole unscoped."""
    if draw(st.booleans()):  # iam:PassRole without iam:PassedToService, or on a wildcard role
        action = draw(st.sampled_from(["iam:PassRole", "iam:*", "IAM:Pass*", "*"]))
        resource = draw(st.sampled_from(["arn:aws:iam::111122223333:role/r", ["arn:aws:iam::111122223333:role/emr/*"]]))
        return _case("wildcard-resource", _set(_set(BASE, (*STATEMENT0, "Action"), action), (*STATEMENT0, "Resource"), resource))
    action = draw(st.sampled_from(["s3:GetObject", "s3:*", "*", "iam:PassRole", "kms:Decrypt", "sts:AssumeRole"]))
    resource = draw(st.sampled_from(["*", ["*"], ["arn:aws:s3:::b/*", "*"]]))
    return _case("wildcard-resource", _set(_set(BASE, (*STATEMENT0, "Action"), action), (*STATEMENT0, "Resource"), resource))


@st.composite
def runtime_role_conflicts(draw: st.DrawFn) -> Case:
    """Runtime roles asked of a team that cannot hold them as asked."""
    choice = draw(st.sampled_from(["lake-formation-and-mappings", "mixed-source-identity", "no-security-configuration", "no-ec2-role"]))
    if choice == "lake-formation-and-mappings":  # beta keeps its EMRFS mappings
        return _case("runtime-conflict", _set(BASE, (*T1, "runtime_roles", draw(st.integers(0, 1)), "lake_formation"), True))
    if choice == "mixed-source-identity":
        return _case("runtime-conflict", _set(BASE, (*T1, "runtime_roles", draw(st.integers(0, 1)), "propagate_source_identity"), False))
    if choice == "no-security-configuration":
        return _case("runtime-conflict", _set(BASE, (*T1, "emrfs", "create"), False))
    return _case("runtime-conflict", _set(BASE, (*T1, "ec2_role", "create"), False))


def path_cases() -> st.SearchStrategy[Case]:
    return st.sampled_from(["directory", "missing", "under-a-file", "dangling-link", "link-loop"]).map(lambda layout: Case("path", None, layout))


MALFORMED = st.one_of(
    wrong_types(),
    unknown_keys(),
    names_over_limits(),
    illegal_characters(),
    duplicates(),
    mixed_identifiers(),
    empty_things(),
    huge_lists(),
    yaml_bombs(),
    unsafe_yaml(),
    bad_bytes(),
    broken_yaml(),
    least_privilege_breaks(),
    runtime_role_conflicts(),
    path_cases(),
)


# --- running a case ----------------------------------------------------------------------------


def lay_out(case: Case, folder: Path) -> Path:
    """Put the case on disk under `folder` (emptied first) and return the --spec path."""
    for entry in sorted(folder.rglob("*"), key=lambda p: len(p.parts), reverse=True):
        if entry.is_symlink() or entry.is_file():
            entry.unlink()
        elif entry.is_dir():
            entry.rmdir()
    spec = folder / "spec.yaml"
    if case.layout == "file":
        assert case.content is not None
        spec.write_bytes(case.content)
    elif case.layout == "directory":
        spec.mkdir()
        (spec / "platform.yaml").write_bytes(_dump(BASE))
    elif case.layout == "under-a-file":
        spec.write_bytes(_dump(BASE))
        return spec / "platform.yaml"
    elif case.layout == "dangling-link":
        spec.symlink_to(folder / "nowhere.yaml")
    elif case.layout == "link-loop":
        spec.symlink_to(folder / "other.yaml")
        (folder / "other.yaml").symlink_to(spec)
    return spec


def snapshot(folder: Path) -> dict[str, Any]:
    """Every file's bytes and modification time, and every folder, under `folder`."""
    state: dict[str, Any] = {}
    for path in sorted(folder.rglob("*")):
        relative = str(path.relative_to(folder))
        state[relative] = (path.read_bytes(), path.stat().st_mtime_ns) if path.is_file() else "dir"
    return state


def run_in_process(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv)
    return code, out.getvalue(), err.getvalue()


def assert_clean_failure(code: int, stdout: str, stderr: str, case: Case) -> None:
    assert code == 2, f"{case.kind}: exit {code}\n{stderr}\n{(case.content or b'')[:300]!r}"
    assert "Traceback" not in stderr, stderr
    lines = stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("emr-iam: error: "), f"{case.kind}: {stderr!r}"
    assert stdout == "", stdout


def restore(out: Path) -> None:
    """Render the valid BASE spec into `out` (from base.yaml beside it)."""
    spec = out.parent / "base.yaml"
    spec.write_bytes(_dump(BASE))
    code, _, stderr = run_in_process(["render", "--spec", str(spec), "--out", str(out)])
    assert code == 0, stderr


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An output folder rendered from the valid BASE spec: what every malformed render must leave alone."""
    out = tmp_path_factory.mktemp("fuzz") / "out"
    restore(out)
    return out


def test_base_spec_is_valid(rendered: Path) -> None:
    """The mutations start from a spec that renders: each case fails because of its mutation."""
    assert (rendered / "teams" / "alpha" / "main.tf").is_file() and (rendered / "teams" / "beta" / "main.tf").is_file()


def test_malformed_specs_fail_cleanly(rendered: Path, tmp_path: Path, record_property: Any) -> None:
    before = snapshot(rendered)
    assert before
    workspace = tmp_path / "case"
    workspace.mkdir()
    marker = tmp_path / "pwned"
    kinds: Counter[str] = Counter()

    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
    )
    @given(case=MALFORMED, command=st.sampled_from(["render"] * 6 + ["check", "diff", "validate"]))
    def run(case: Case, command: str) -> None:
        if case.content is not None and b"{marker}" in case.content:
            case = Case(case.kind, case.content.replace(b"{marker}", str(marker).encode()), case.layout)
        spec = lay_out(case, workspace)
        argv = [command, "--spec", str(spec)] + (["--out", str(rendered)] if command != "validate" else [])
        code, stdout, stderr = run_in_process(argv)
        changed = snapshot(rendered) != before
        if changed:  # put the folder back, so the next cases are not blamed for this one
            restore(rendered)
            before.clear()
            before.update(snapshot(rendered))
        assert_clean_failure(code, stdout, stderr, case)
        assert str(spec) in stderr, stderr  # the error names the spec it is about
        assert not changed, f"{case.kind}: the output folder changed"
        assert not marker.exists(), "a YAML tag ran code"
        kinds[case.kind] += 1

    run()
    total = sum(kinds.values())
    record_property("fuzz_cases", total)
    print(f"fuzz: {total} malformed specs, each exit 2 with one error line and the output unchanged: {dict(sorted(kinds.items()))}")
    assert total >= MIN_CASES
    assert set(kinds) == {
        "wrong-type", "unknown-key", "over-limit", "illegal-character", "duplicate", "mixed-identifiers", "empty", "huge-list",
        "yaml-bomb", "unsafe-yaml", "bad-bytes", "broken-yaml", "wildcard-resource", "runtime-conflict", "path",
    }


@pytest.mark.parametrize(
    "case",
    [
        Case("oversized", b"version: 1\nteams: [{name: a}]\n" + b"#" * (5 * 1024 * 1024) + b"\n"),
        Case("too-many-teams", _dump({"version": 1, "teams": [{"name": f"t{i}"} for i in range(5001)]})),
        Case("laughs", b'a: &a ["x","x"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nversion: 1\nteams: *b\n'),
    ],
    ids=lambda case: case.kind,
)
def test_heavy_specs_fail_cleanly(case: Case, rendered: Path, tmp_path: Path) -> None:
    before = snapshot(rendered)
    spec = lay_out(case, tmp_path)
    assert_clean_failure(*run_in_process(["render", "--spec", str(spec), "--out", str(rendered)]), case)
    assert snapshot(rendered) == before


SUBPROCESS_CASES = [
    Case("yaml-bomb", b'a: &a ["lol","lol"]\nb: &b [*a,*a,*a,*a]\nc: [*b,*b,*b,*b]\nversion: 1\nteams: [{name: a}]\n'),
    Case("bad-bytes", _dump(BASE)[:40] + b"\xff\xfe" + _dump(BASE)[40:]),
    Case("wrong-type", _dump(_set(BASE, (*T0, "tags"), ["not", "a", "mapping"]))),
    Case("unsafe-yaml", b'version: !!python/object/apply:os.system ["echo pwned"]\nteams: [{name: a}]\n'),
    Case("path", None, "directory"),
    Case("path", None, "missing"),
]


@pytest.mark.parametrize("case", SUBPROCESS_CASES, ids=lambda case: f"{case.kind}-{case.layout}")
def test_real_process_exits_2_without_traceback(case: Case, rendered: Path, tmp_path: Path) -> None:
    before = snapshot(rendered)
    spec = lay_out(case, tmp_path)
    result = subprocess.run(
        [sys.executable, "-m", "generator", "render", "--spec", str(spec), "--out", str(rendered)],
        cwd=ROOT, capture_output=True, text=True, timeout=120, env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert_clean_failure(result.returncode, result.stdout, result.stderr, case)
    assert "pwned" not in result.stdout + result.stderr
    assert snapshot(rendered) == before
