"""Write plan inventories from real plans: `python -m tests.plan.regenerate [TARGET [CASE ...]]`.

TARGET is a folder such as `modules/emr-service-role`, `modules/teams/analytics` or
`examples/default-roles` (`emr-service-role` and `teams/analytics` are read as modules/...);
without CASE every case of the target is written, without TARGET every case of every target.
A case only needs its `.tfvars`: the `.yaml` beside it is created, except for a `partition-aws` or
`partition-aws-us-gov` case without one, which is held to its `partition-aws-cn` twin instead (written
only when the case is named). Hand-written settings in an
existing inventory (`prior_apply`, `foreign_arns`) are kept. Review the diff before committing:
the inventory is what the tests then hold the modules to.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from tests.engine import INVENTORY_ENGINE, ROOT, Engine, engine_by_name, engine_names
from tests.moto_server import MotoServer
from tests.plan.harness import TWIN, Case, Workbench, discover, twin_of, write_inventory


def _target(name: str) -> str:
    name = name.strip("/")
    return name if name.startswith(("modules/", "examples/")) else f"modules/{name}"


def select(cases: list[Case], target: str | None, names: Sequence[str]) -> list[Case]:
    if target is None:
        return cases
    target = _target(target)
    chosen = [case for case in cases if case.target == target and (not names or case.name in names)]
    missing = set(names) - {case.name for case in chosen}
    if missing or not chosen:
        known = sorted({case.target for case in cases}) if not chosen else sorted(case.name for case in cases if case.target == target)
        raise SystemExit(f"regenerate: no case {sorted(missing) or ''} for {target}; known: {known}")
    return chosen


def regenerate(cases: list[Case], engine: Engine) -> None:
    with tempfile.TemporaryDirectory(prefix="emr-iam-inventories-") as scratch:
        # Every offline case is a module instance of one root: one init and one plan for all of them.
        bench = Workbench(Path(scratch) / "offline", [case for case in cases if not case.prior_apply])
        for case in bench.cases:
            write_inventory(case, bench.plan(engine, case))
            print(f"wrote {case.inventory_path.relative_to(ROOT)}")

        online = [case for case in cases if case.prior_apply]
        if online:
            bench = Workbench(Path(scratch) / "prior-apply")
            with MotoServer() as server:
                for case in online:
                    server.reset()
                    write_inventory(case, bench.plan(engine, case, server.endpoint))
                    print(f"wrote {case.inventory_path.relative_to(ROOT)} (planned after applying {case.prior_apply} to moto_server)")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.plan.regenerate", description=__doc__.split("\n\n")[0])
    parser.add_argument("target", nargs="?", help="module or example folder, e.g. modules/emr-iam or examples/default-roles")
    parser.add_argument("cases", nargs="*", help="case names (the .tfvars file names without extension)")
    parser.add_argument("--engine", default=INVENTORY_ENGINE, choices=engine_names(), help=f"engine that plans (default: {INVENTORY_ENGINE})")
    arguments = parser.parse_args(argv)
    cases = discover()
    chosen = select(cases, arguments.target, arguments.cases)
    if not arguments.cases:
        # A partition case without an inventory is held to its aws-cn twin (harness.twin_of): it gets one only
        # when named.
        held = [case for case in chosen if twin_of(case, cases)]
        chosen = [case for case in chosen if case not in held]
        for case in held:
            print(f"kept {case.id} without an inventory: it is held to {TWIN} (name the case to give it one)")
    regenerate(chosen, engine_by_name(arguments.engine))
    return 0


if __name__ == "__main__":
    sys.exit(main())
