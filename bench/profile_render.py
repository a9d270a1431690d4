"""Profile one render of the 1,000-team spec into an empty folder with cProfile.

    .venv/bin/python bench/profile_render.py [--teams 1000] [--top 25] [--out FILE] [--tree DIR]

Prints the top entries by own time and by cumulative time (paths shortened to the file name).
--tree profiles another copy of the package (a folder holding generator/ and templates/), such
as an older commit unpacked with `git archive`, to compare before and after.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import shutil
import sys
from pathlib import Path

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--teams", type=int, default=1000)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--out", type=Path, default=None, help="also write the report to this file")
    parser.add_argument("--tree", type=Path, default=ROOT, help="folder holding the generator package to profile")
    args = parser.parse_args()
    report = profile(args.teams, args.top, args.tree.resolve())
    sys.stdout.write(report)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(report, encoding="utf-8")


if __name__ == "__main__":
    main()
