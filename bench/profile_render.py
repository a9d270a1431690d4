"""Profile one render of the 1,000-team spec into an empty folder with cProfile.

    .venv/bin/python bench/profile_render.py [--teams 1000] [--top 25] [--out FILE] [--tree DIR] [--stages]

Prints the top entries by own time and by cumulative time (paths shortened to the file name).
--tree profiles another copy of the package (a folder holding generator/ and templates/), such
as an older commit unpacked with `git archive`, to compare before and after.
--stages instead times the render's stages without the profiler (wall clock around the functions
that do each, the output on tmpfs when there is one, so the disk does not count): the figures
bench/README.md quotes for where a render's time goes.
"""

from __future__ import annotations

import argparse
import cProfile
import importlib
import io
import pstats
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import specgen  # noqa: E402

sys.path.remove(str(ROOT))


def profile(teams: int, top: int, tree: Path) -> str:
    sys.path.insert(0, str(tree))
    from generator.cli import main

    work = ROOT / "bench" / "work" / "profile"
    shutil.rmtree(work, ignore_errors=True)
    spec = specgen.write(teams, work / f"teams-{teams}.yaml")
    out = work / "out"
    profiler = cProfile.Profile()
    profiler.enable()
    # One process (cProfile sees only its own) and no cache record: the renderer's whole work.
    # Older trees (--tree) have neither option.
    cli_source = (tree / "generator" / "cli.py").read_text(encoding="utf-8")
    options = ["--no-cache", *(["--jobs", "1"] if "--jobs" in cli_source else [])] if "--no-cache" in cli_source else []
    code = main(["render", "--quiet", *options, "--spec", str(spec), "--out", str(out)])
    profiler.disable()
    if code != 0:
        raise SystemExit(f"render exited {code}")
    text = io.StringIO()
    stats = pstats.Stats(profiler, stream=text)
    stats.strip_dirs()
    for order in ("tottime", "cumulative"):
        text.write(f"--- top {top} by {order} (render of {teams} teams, cProfile) ---\n")
        stats.sort_stats(order).print_stats(top)
    text.write(f"--- profiled: {main.__module__} from {Path(sys.modules['generator'].__file__).parent}\n")
    return "\n".join(line.rstrip() for line in text.getvalue().splitlines() if line.strip()) + "\n"


# Where each stage of a render happens: (module, attribute, stage). A method is given as "Class.method".
STAGES = (
    ("generator.spec", "_load_plain", "spec: YAML to plain data"),
    ("generator.rendering", "read_spec", "spec: read and validated (YAML included)"),
    ("generator.templating", "resolve_team", "teams resolved (policies written as HCL included)"),
    ("generator.templating", "_module_files", "templates rendered"),
    ("generator.output_tree", "Tree.compare", "compared with the folder"),
    ("generator.output_tree", "Tree.update", "files written"),
)


def stages(teams: int, tree: Path) -> str:
    """Seconds spent in each stage of one render into a new folder, and in importing the generator."""
    started = time.perf_counter()
    sys.path.insert(0, str(tree))
    from generator.cli import main

    modules = {name: importlib.import_module(name) for name, _, _ in STAGES}  # what the CLI imports when it renders
    imported = time.perf_counter() - started
    spent: dict[str, float] = dict.fromkeys([label for _, _, label in STAGES], 0.0)
    for module_name, attribute, label in STAGES:
        owner: Any = modules[module_name]
        *classes, name = attribute.split(".")
        for class_name in classes:
            owner = getattr(owner, class_name)
        setattr(owner, name, _timed(getattr(owner, name), spent, label))
    work = ROOT / "bench" / "work" / "stages"
    shutil.rmtree(work, ignore_errors=True)
    spec = specgen.write(teams, work / f"teams-{teams}.yaml")
    memory = Path("/dev/shm")
    out = Path(tempfile.mkdtemp(dir=memory if memory.is_dir() else work)) / "out"
    try:
        begun = time.perf_counter()
        code = main(["render", "--quiet", "--spec", str(spec), "--out", str(out)])
        total = time.perf_counter() - begun
    finally:
        shutil.rmtree(out.parent, ignore_errors=True)
    if code != 0:
        raise SystemExit(f"render exited {code}")
    # Every stage but the first runs inside the render's own steps, none inside another.
    rest = total - sum(seconds for label, seconds in spent.items() if label != STAGES[0][2])
    rows = [
        ("generator imported", imported),
        *spent.items(),
        ("the rest (render record, name checks, template set-up, CLI)", rest),
        ("render, start to end (imports left out)", total),
    ]
    width = max(len(label) for label, _ in rows)
    lines = [f"--- stages of one render of {teams} teams into a new folder ({out.parent}), wall clock ---"]
    lines += [f"{label.ljust(width)}  {seconds:7.3f} s" for label, seconds in rows]
    return "\n".join(lines) + "\n"


def _timed(function: Callable[..., Any], spent: dict[str, float], label: str) -> Callable[..., Any]:
    def timed(*args: Any, **kwargs: Any) -> Any:
        begun = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            spent[label] += time.perf_counter() - begun

    return timed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--teams", type=int, default=1000)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--out", type=Path, default=None, help="also write the report to this file")
    parser.add_argument("--tree", type=Path, default=ROOT, help="folder holding the generator package to profile")
    parser.add_argument("--stages", action="store_true", help="time the render's stages instead of profiling it")
    args = parser.parse_args()
    report = stages(args.teams, args.tree.resolve()) if args.stages else profile(args.teams, args.top, args.tree.resolve())
    sys.stdout.write(report)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(report, encoding="utf-8")


if __name__ == "__main__":
    main()
