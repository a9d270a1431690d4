"""`moto_server` for the tests, with AWS's managed policies built once per process, not at every reset.

moto builds its IAM backend anew for every partition at every `/moto-api/reset` (and again when a
request after it looks up the caller's access key), and each build parses its copy of AWS's managed
policies (about 1,600) from JSON into objects: about 1.4 s of the server's CPU per reset, paid by
every test that uses the `moto` fixture. Here each partition's policies are built by moto the first
time, then every later build of that backend gets copies of them: new policy and version objects,
new tags, as moto's own build would give, for a few milliseconds.

Run as `python tests/moto_launch.py -H HOST -p PORT`, the arguments of `moto_server`. When the
installed moto has no such build step (a version this was not written for), the server runs as moto
ships it: slower, never different.
"""

from __future__ import annotations

import copy
import sys
from typing import Any

# Policies moto has built, by (account, partition region) of the backend: what every later build copies.
_BUILT: dict[tuple[str, str], list[Any]] = {}


def _copies(policies: list[Any]) -> list[Any]:
    fresh = []
    for policy in policies:
        again = copy.copy(policy)
        again.versions = [copy.copy(version) for version in policy.versions]
        again.tags = dict(policy.tags)
        fresh.append(again)
    return fresh


def patch() -> bool:
    """Make moto's IAM backends copy the managed policies built before; False when moto has no such step."""
    from moto.iam import models

    build = getattr(models.IAMBackend, "_init_aws_policies", None)
    if build is None or getattr(build, "_built_once", False):
        return build is not None

    def init_aws_policies(backend: Any) -> list[Any]:
        key = (backend.account_id, backend.region_name)
        if key not in _BUILT:
            _BUILT[key] = build(backend)
        return _copies(_BUILT[key])

    init_aws_policies._built_once = True  # type: ignore[attr-defined]
    models.IAMBackend._init_aws_policies = init_aws_policies
    return True


def main(argv: list[str]) -> None:
    patch()
    from moto.server import main as moto_server

    moto_server(argv)


if __name__ == "__main__":
    main(sys.argv[1:])
