"""`make bench`: how fast the generator renders, regenerates, compares with CDKTF, and plans.

    .venv/bin/python bench/run.py [--runs 5] [--cdktf-runs 3] [--plan-runs 5] [--skip cdktf,plan]

Every figure is the median of several runs of a whole process (start-up included), timed with
time.perf_counter around subprocess.run. Prints a table and writes bench/results.md and
bench/results.json. Scratch output goes to bench/work/ (git-ignored). Nothing here is a test:
targets are reported, never asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
WORK = BENCH / "work"
SPECS = WORK / "specs"
PYTHON = ROOT / ".venv" / "bin" / "python"
CDKTF_PYTHON = ROOT / ".venv-cdktf" / "bin" / "python"
TOOLS = Path(os.environ.get("EMR_IAM_TOOLS", ROOT / ".tools"))
TOFU = TOOLS / "bin" / "tofu"

sys.path.insert(0, str(ROOT))
from bench import compare, specgen  # noqa: E402

# The tests' offline provider block: only the arguments the provider in .tools/plugins/ has.
from tests.engine import provider_block  # noqa: E402

# The tests' local fake AWS (moto_server on loopback), for the plan of an applied workspace.
from tests.moto_server import MotoServer  # noqa: E402

GENERATOR_PATH: Path | None = None  # --generator-path: time another copy of the package (run from its folder)

# The targets the project holds these figures to; each run reports every one, met or missed.
RENDER_TARGET_S = 1.5  # render of 1,000 teams, one process, into a new folder
NOOP_TARGET_S = 0.5  # the cached no-op render of 1,000 teams
CDKTF_TARGET_RATIO = 15  # CDKTF synth / generator render, 100 teams
PLAN_TARGET_RATIO = 1.1  # plan of the team's composite module / hand-written HCL with the same resources
SUITE_TARGET_MIN = 10  # `make test`, which this benchmark does not run


def child_env() -> dict[str, str]:
    """The caller's environment, with bytecode cached (under bench/work) as a normal install has it."""
    env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(WORK / "pycache")
    env["EMR_IAM_CACHE_DIR"] = str(WORK / "render-cache")  # the CLI's render records, kept out of ~/.cache
    env.update(TF_CLI_CONFIG_FILE=str(TOOLS / "tofurc"), TF_IN_AUTOMATION="1", CHECKPOINT_DISABLE="1")
    return env


LAST_CPU = [0.0]  # user + system CPU seconds of the last run's process tree (the processes it waited for)


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run(command: Sequence[str | Path], cwd: Path = ROOT) -> tuple[float, subprocess.CompletedProcess[str]]:
    # Earlier runs' files are flushed first (untimed): no run pays for another's disk write-back.
    os.sync()
    cpu = _children_cpu()
    started = time.perf_counter()
    result = subprocess.run([str(part) for part in command], cwd=cwd, env=child_env(), capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    LAST_CPU[0] = _children_cpu() - cpu
    if result.returncode != 0:
        raise SystemExit(f"bench: {' '.join(map(str, command))} exited {result.returncode}:\n{result.stdout}\n{result.stderr}")
    return elapsed, result


@dataclass
class Timing:
    samples: list[float] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    def as_json(self) -> dict[str, Any]:
        return {
            "median_s": round(self.median, 4),
            "min_s": round(min(self.samples), 4),
            "max_s": round(max(self.samples), 4),
            "runs": [round(sample, 4) for sample in self.samples],
        }


def timed(runs: int, once: Callable[[], float], warmup: int = 1) -> Timing:
    for _ in range(warmup):
        once()
    return Timing([once() for _ in range(runs)])


def spec_file(teams: int) -> Path:
    path = SPECS / f"teams-{teams}.yaml"
    text = specgen.dump(teams)
    if not path.is_file() or path.read_text(encoding="utf-8") != text:
        specgen.write(teams, path)
    return path


def render_command(spec: Path, out: Path) -> list[str | Path]:
    return [PYTHON, "-m", "generator", "render", "--spec", spec, "--out", out]


WRITTEN = re.compile(r": (\d+) written, (\d+) removed, (\d+) unchanged")
RUNS = WORK / "runs"
_folders = 0


def empty_folder(kind: str) -> Path:
    """A folder that does not exist yet. Timed runs never follow a large delete: on this
    machine's file system (ext4 with online discard) deleting thousands of files slows the file
    creations that come right after, so old outputs are removed only between sections."""
    global _folders
    _folders += 1
    return RUNS / f"{kind}-{_folders}"


def clean_runs() -> None:
    shutil.rmtree(RUNS, ignore_errors=True)
    os.sync()
    time.sleep(2)


def render_once(spec: Path, out: Path, *options: str) -> tuple[float, int, int, float]:
    """Seconds, files written, files removed (from the command's summary line) and CPU seconds of one render."""
    elapsed, result = run([*render_command(spec, out), *options], cwd=GENERATOR_PATH or ROOT)
    match = WRITTEN.search(result.stdout)
    assert match, result.stdout
    return elapsed, int(match[1]), int(match[2]), LAST_CPU[0]


def render_into_empty(teams: int, out: Path | None = None) -> tuple[float, int, float]:
    """Seconds, files written, and CPU seconds of one render."""
    elapsed, written, _, cpu = render_once(spec_file(teams), out or empty_folder(f"render-{teams}"))
    return elapsed, written, cpu


def tree_state(folder: Path) -> dict[str, tuple[int, int, int]]:
    return {
        str(path.relative_to(folder)): (path.stat().st_mtime_ns, path.stat().st_size, path.stat().st_ino)
        for path in folder.rglob("*")
        if path.is_file()
    }


# --- 1. render scale ---------------------------------------------------------------------------


def bench_scale(runs: int) -> dict[str, Any]:
    rows = {}
    for teams in (1, 100, 1000):
        clean_runs()
        samples = [render_into_empty(teams) for _ in range(runs + 1)][1:]  # the first is a warm-up
        timing = Timing([elapsed for elapsed, _, _ in samples])
        cpu = statistics.median(cpu for _, _, cpu in samples)
        files = {written for _, written, _ in samples}
        assert len(files) == 1, files
        rows[teams] = {"teams": teams, "files_written": files.pop(), **timing.as_json(), "cpu_median_s": round(cpu, 4)}
        print(f"  render {teams:>5} teams, one process, into an empty folder: {timing.median:.3f} s, {cpu:.3f} s CPU"
              f" (medians of {runs})", flush=True)
    clean_runs()
    memory = Path("/dev/shm")
    if memory.is_dir() and os.access(memory, os.W_OK):
        # The same render into a RAM file system: what the generator costs without this machine's disk.
        with tempfile.TemporaryDirectory(dir=memory, prefix="emr-iam-bench-") as folder:
            samples = [render_into_empty(1000, Path(folder) / f"run-{number}") for number in range(runs + 1)][1:]
        timing = Timing([elapsed for elapsed, _, _ in samples])
        cpu = statistics.median(cpu for _, _, cpu in samples)
        rows["1000-tmpfs"] = {
            "teams": 1000,
            "folder": "tmpfs (/dev/shm)",
            "files_written": samples[0][1],
            **timing.as_json(),
            "cpu_median_s": round(cpu, 4),
        }
        print(f"  render  1000 teams into an empty folder on tmpfs: {timing.median:.3f} s, {cpu:.3f} s CPU", flush=True)
    t100, t1000 = rows[100]["median_s"], rows[1000]["median_s"]
    growth = {
        "ratio_1000_over_100": round(t1000 / t100, 2),
        "teams_ratio": 10,
        "marginal_ms_per_team": round((t1000 - t100) / 900 * 1000, 3),
        "files_ratio": round(rows[1000]["files_written"] / rows[100]["files_written"], 2),
    }
    return {"rows": list(rows.values()), "growth": growth}


# --- 2. no-op regeneration ---------------------------------------------------------------------


def bench_noop(runs: int) -> dict[str, Any]:
    """Render the 1,000-team spec into a folder it was just rendered into: with the CLI's cache
    (the default), and for information with --no-cache (a full render that compares every file)."""
    teams = 1000
    out = WORK / "noop"
    shutil.rmtree(out, ignore_errors=True)
    render_into_empty(teams, out)
    before = tree_state(out)
    results: dict[str, Any] = {"teams": teams}
    for label, extra in (("cached", []), ("no_cache", ["--no-cache"])):
        written: list[int] = []
        cpu: list[float] = []

        def once(extra: list[str] = extra, written: list[int] = written, cpu: list[float] = cpu) -> float:
            elapsed, files_written, files_removed, cpu_seconds = render_once(spec_file(teams), out, *extra)
            written.append(files_written + files_removed)
            cpu.append(cpu_seconds)
            return elapsed

        # No warm-up for the cached runs: the first run after the render counts.
        timing = timed(runs, once, warmup=0 if label == "cached" else 1)
        after = tree_state(out)
        changed = sorted(path for path in set(before) | set(after) if before.get(path) != after.get(path))
        print(f"  no-op render of {teams} teams ({label}): {timing.median:.3f} s, first run {timing.samples[0]:.3f} s, "
              f"{max(written)} written, {len(changed)} files touched", flush=True)
        results[label] = {
            "files": len(after),
            "files_written_or_removed": max(written),
            "files_with_changed_mtime_size_or_inode": len(changed),
            "examples_changed": changed[:5],
            "first_run_s": round(timing.samples[0], 4),
            **timing.as_json(),
            "cpu_median_s": round(statistics.median(cpu), 4),
        }
    results["one_team_edited"] = bench_one_team_edited(runs, teams)
    return results


def bench_one_team_edited(runs: int, teams: int) -> dict[str, Any]:
    """Render after an edit of one team of the spec into the folder the spec was last rendered into:
    the render the record lets keep every other team (generator/cache.py). Each run edits another team."""
    spec = WORK / "edit" / f"teams-{teams}.yaml"
    out = WORK / "edit" / "modules"
    shutil.rmtree(spec.parent, ignore_errors=True)
    spec.parent.mkdir(parents=True)
    text = specgen.dump(teams)
    spec.write_text(text, encoding="utf-8")
    render_once(spec, out)
    written: list[int] = []
    cpu: list[float] = []

    def once() -> float:
        number = len(written) + 1
        tag = f"    Team: team-{number:04d}\n"
        assert tag in text, tag
        spec.write_text(text.replace(tag, f"    Team: team-{number:04d}-edited\n", 1), encoding="utf-8")
        elapsed, files_written, files_removed, cpu_seconds = render_once(spec, out)
        written.append(files_written + files_removed)
        cpu.append(cpu_seconds)
        return elapsed

    timing = timed(runs, once)
    print(f"  render after editing one team of {teams}: {timing.median:.3f} s, {max(written)} written", flush=True)
    return {"files_written_or_removed": max(written), **timing.as_json(), "cpu_median_s": round(statistics.median(cpu), 4)}


# --- 3. against CDKTF --------------------------------------------------------------------------


def cdktf_resources(out: Path) -> int:
    total = 0
    for stack in (out / "stacks").glob("*/cdk.tf.json"):
        document = json.loads(stack.read_text(encoding="utf-8"))
        total += sum(len(resources) for resources in document.get("resource", {}).values())
    return total


def bench_cdktf(runs: int) -> dict[str, Any]:
    if not CDKTF_PYTHON.is_file():
        raise SystemExit(f"bench: {CDKTF_PYTHON} is missing; run `make cdktf-env` (make bench does)")
    rows = []
    for teams in (1, 10, 100):
        clean_runs()
        spec = spec_file(teams)
        generated, synthesised = Timing(), Timing()
        resources = set()
        for number in range(runs + 1):  # interleaved, so both see the same machine load; the first is a warm-up
            elapsed = render_into_empty(teams)[0]
            generated.samples += [elapsed] if number else []
            out = empty_folder(f"cdktf-{teams}")
            elapsed = run([CDKTF_PYTHON, BENCH / "cdktf_app.py", "--spec", spec, "--out", out])[0]
            synthesised.samples += [elapsed] if number else []
            resources.add(cdktf_resources(out))
        ratio = synthesised.median / generated.median
        rows.append(
            {
                "teams": teams,
                "generator": generated.as_json(),
                "cdktf": synthesised.as_json(),
                "cdktf_resources": sorted(resources),
                "ratio_cdktf_over_generator": round(ratio, 1),
            }
        )
        print(f"  {teams:>3} teams: generator {generated.median:.3f} s, CDKTF synth {synthesised.median:.3f} s ({ratio:.1f}x)", flush=True)
    clean_runs()
    first, last = rows[0], rows[-1]
    per_team = {
        "teams": f"{first['teams']} -> {last['teams']}",
        "cdktf_ms_per_team": round((last["cdktf"]["median_s"] - first["cdktf"]["median_s"]) / (last["teams"] - first["teams"]) * 1000, 2),
        "generator_ms_per_team": round(
            (last["generator"]["median_s"] - first["generator"]["median_s"]) / (last["teams"] - first["teams"]) * 1000, 2
        ),
    }
    per_team["ratio"] = round(per_team["cdktf_ms_per_team"] / per_team["generator_ms_per_team"], 1)
    return {"rows": rows, "per_additional_team": per_team}


# --- 4. plan overhead --------------------------------------------------------------------------

PLAN_SUMMARY = re.compile(r"Plan: (\d+) to add, (\d+) to change, (\d+) to destroy")
VISIT = re.compile(r'vertex "[^"]*": visit complete')


def plan_graph(folder: Path) -> dict[str, int]:
    """One untimed plan with TF_LOG=trace: graph nodes visited per walk and data sources read.

    Counts that machine load does not change (the plan's CPU time moves by 20% between runs on a
    shared machine): each module variable, output and local is a node of both walks, each with its
    own dynamic expansion.
    """
    trace = WORK / f"plan-trace-{folder.name}.log"
    trace.unlink(missing_ok=True)
    env = child_env() | {"TF_LOG": "trace", "TF_LOG_PATH": str(trace)}
    command = [str(TOFU), "plan", "-input=false", "-no-color", "-lock=false"]
    subprocess.run(command, cwd=folder, env=env, capture_output=True, text=True, check=True)
    counts: dict[str, int] = {}
    walk = "before any walk"
    reads = 0
    with trace.open(encoding="utf-8", errors="replace") as lines:
        for line in lines:
            if "Starting graph walk: " in line:
                walk = line.rsplit(" ", 1)[-1].strip()
            elif VISIT.search(line):
                counts[walk] = counts.get(walk, 0) + 1
            elif "GRPCProvider: ReadDataSource" in line:
                reads += 1
    trace.unlink()
    return {**{f"visits_{walk}": count for walk, count in sorted(counts.items())}, "data_sources_read": reads}


def plan_workspaces(endpoints: dict[str, str] | None = None) -> dict[str, Path]:
    """Two root modules planned with the same engine and provider: generated and hand-written.

    With `endpoints` (by workspace name), each provider talks to that fake AWS instead of planning
    offline, and the workspaces get folders of their own.
    """
    base = WORK / ("plan-applied" if endpoints else "plan")
    generated, handwritten = base / "generated", base / "handwritten"
    endpoint = (endpoints or {}).get
    for folder in (generated, handwritten):
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
    # The generated modules for one team of the benchmark spec, planned through the team wrapper
    # (modules/teams/team-0000 -> modules/emr-iam -> the piece modules).
    run(render_command(spec_file(1), generated / "modules"))
    module_block = 'module "emr_iam" {\n  source = "./modules/teams/team-0000"\n}\n'
    (generated / "main.tf").write_text(provider_block("us-east-1", endpoint("generated")) + "\n" + module_block, encoding="utf-8")
    shutil.copy(BENCH / "handwritten" / "main.tf", handwritten / "main.tf")
    (handwritten / "provider.tf").write_text(provider_block("us-east-1", endpoint("handwritten")), encoding="utf-8")
    for folder in (generated, handwritten):
        run([TOFU, "init", "-backend=false", "-input=false", "-no-color", f"-plugin-dir={TOOLS / 'plugins'}"], cwd=folder)
    return {"generated": generated, "handwritten": handwritten}


def alternated_plans(label: str, folders: dict[str, Path], runs: int, once: Callable[[str], float]) -> dict[str, Any]:
    """Time `once` (a plan of one workspace) for the generated and hand-written workspaces, after one
    warm-up each, alternating which goes first every round; their medians, the ratio and a printed line."""
    timings = {name: Timing() for name in folders}
    # CPU of the plan's process tree (OpenTofu and the provider): steadier than the wall time when other jobs share the machine.
    cpu = {name: Timing() for name in folders}
    once("generated"), once("handwritten")  # warm-up
    for number in range(runs):
        for name in sorted(folders, reverse=number % 2 == 1):
            timings[name].samples.append(once(name))
            cpu[name].samples.append(LAST_CPU[0])
    ratio = timings["generated"].median / timings["handwritten"].median
    cpu_ratio = cpu["generated"].median / cpu["handwritten"].median
    print(
        f"  {label}: generated {timings['generated'].median:.3f} s, hand-written {timings['handwritten'].median:.3f} s ({ratio:.2f}x);"
        f" CPU {cpu['generated'].median:.3f} s / {cpu['handwritten'].median:.3f} s ({cpu_ratio:.2f}x)",
        flush=True,
    )
    return {
        **{name: timing.as_json() for name, timing in timings.items()},
        "cpu": {name: timing.as_json() for name, timing in cpu.items()},
        "ratio_generated_over_handwritten": round(ratio, 3),
        "cpu_ratio_generated_over_handwritten": round(cpu_ratio, 3),
    }


def bench_plan(runs: int) -> dict[str, Any]:
    if not TOFU.is_file():
        raise SystemExit(f"bench: {TOFU} is missing; run `make tools` (make bench does)")
    folders = plan_workspaces()
    added: dict[str, set[int]] = {name: set() for name in folders}

    def once(name: str) -> float:
        elapsed, result = run([TOFU, "plan", "-input=false", "-no-color", "-lock=false"], cwd=folders[name])
        match = PLAN_SUMMARY.search(result.stdout)
        assert match, result.stdout
        added[name].add(int(match[1]))
        return elapsed

    timed_plans = alternated_plans("plan", folders, runs, once)
    graph = {name: plan_graph(folder) for name, folder in folders.items()}
    print(f"  graph: generated {graph['generated']}, hand-written {graph['handwritten']}", flush=True)
    engine = run([TOFU, "version"])[1].stdout.splitlines()[0]
    return {
        "applied": bench_plan_applied(runs),
        "graph": graph,
        "engine": engine,
        "provider": "hashicorp/aws 3.39.0",
        "resources_to_add": {k: sorted(v) for k, v in added.items()},
        **timed_plans,
    }


def bench_plan_applied(runs: int) -> dict[str, Any]:
    """The plan a workspace's CI runs on every change after the first: both workspaces applied to a
    local fake AWS (one moto_server each: they create the same names), then planned again, which
    refreshes every resource from it and must find nothing to change (`-detailed-exitcode`).

    Both make the same AWS calls (the same 27 managed resources; the generated module's extra data
    sources are computed by the provider, with no call), so the difference in time is the module
    structure's alone. moto on loopback answers faster than AWS does, which makes this ratio an
    upper bound of the ratio against AWS.
    """
    # The groups the PassRole policy is attached to exist before the workspace, as in a real account.
    (team,) = yaml.safe_load(spec_file(1).read_text(encoding="utf-8"))["teams"]
    with MotoServer() as generated_aws, MotoServer() as handwritten_aws:
        for aws in (generated_aws, handwritten_aws):
            for group in team["passrole_policy"]["attach_to_groups"]:
                aws.client("iam").create_group(GroupName=group)
        folders = plan_workspaces({"generated": generated_aws.endpoint, "handwritten": handwritten_aws.endpoint})
        for folder in folders.values():
            run([TOFU, "apply", "-input=false", "-no-color", "-lock=false", "-auto-approve"], cwd=folder)
        # Like with like: the same resources with the same values, those a plan cannot know included.
        shown = {name: run([TOFU, "show", "-json", "-no-color"], cwd=folder)[1].stdout for name, folder in folders.items()}
        states = {name: compare.applied(json.loads(text)) for name, text in shown.items()}
        differences = compare.differences(states["generated"], states["handwritten"])
        if differences:
            raise SystemExit(f"bench: bench/handwritten/main.tf does not make what the generated module makes:\n{differences}")

        def once(name: str) -> float:
            # Exit code 2 (changes planned) stops the bench: the applied workspace must plan no change.
            elapsed, _ = run([TOFU, "plan", "-input=false", "-no-color", "-lock=false", "-detailed-exitcode"], cwd=folders[name])
            return elapsed

        return alternated_plans("plan after apply (refresh from moto)", folders, runs, once)


# --- report ------------------------------------------------------------------------------------


def verdict(ok: bool) -> str:
    return "met" if ok else "**missed**"


def table(results: dict[str, Any]) -> str:
    lines = ["| Measure | Result | Target | |", "|---|---|---|---|"]
    if "scale" in results:
        for row in results["scale"]["rows"]:
            teams, where = row["teams"], row.get("folder")
            target = f"< {RENDER_TARGET_S} s" if teams == 1000 and not where else "(for information)" if where else ""
            ok = row["median_s"] < RENDER_TARGET_S if teams == 1000 and not where else None
            lines.append(
                f"| Render {teams:,} team{'s' if teams > 1 else ''}, one process, into an empty folder{' on ' + where if where else ''} | "
                f"{row['median_s']:.3f} s ({row['cpu_median_s']:.3f} s CPU), {row['files_written']:,} files | {target} | "
                f"{'' if ok is None else verdict(ok)} |"
            )
        growth = results["scale"]["growth"]
        linear = verdict(growth["ratio_1000_over_100"] <= 10)
        lines.append(
            f"| Growth 100 -> 1,000 teams (10x teams, {growth['files_ratio']}x files) | {growth['ratio_1000_over_100']}x time, "
            f"{growth['marginal_ms_per_team']} ms per extra team | linear or better (<= 10x) | {linear} |"
        )
    if "noop" in results:
        for label, title, target in (
            ("cached", "No-op render of 1,000 teams", f"< {NOOP_TARGET_S} s, 0 written"),
            ("no_cache", "Same with `--no-cache` (renders and compares every file)", "(for information)"),
        ):
            noop = results["noop"][label]
            untouched = noop["files_written_or_removed"] == 0 and noop["files_with_changed_mtime_size_or_inode"] == 0
            ok = verdict(noop["median_s"] < NOOP_TARGET_S and untouched) if label == "cached" else ""
            lines.append(
                f"| {title} | {noop['median_s']:.3f} s ({noop['cpu_median_s']:.3f} s CPU; first run {noop['first_run_s']:.3f} s), "
                f"{noop['files_written_or_removed']} written, "
                f"{noop['files_with_changed_mtime_size_or_inode']} of {noop['files']:,} files with a changed mtime, size or inode "
                f"| {target} | {ok} |"
            )
        edited = results["noop"].get("one_team_edited")
        if edited:
            lines.append(
                f"| Render after editing one team of 1,000 (the record of the last render kept) | {edited['median_s']:.3f} s "
                f"({edited['cpu_median_s']:.3f} s CPU), {edited['files_written_or_removed']} written | (for information) |  |"
            )
    if "cdktf" in results:
        for row in results["cdktf"]["rows"]:
            target = f">= {CDKTF_TARGET_RATIO}x" if row["teams"] == 100 else ""
            ok = verdict(row["ratio_cdktf_over_generator"] >= CDKTF_TARGET_RATIO) if row["teams"] == 100 else ""
            lines.append(
                f"| CDKTF synth / generator render, {row['teams']} team{'s' if row['teams'] > 1 else ''} | "
                f"{row['cdktf']['median_s']:.3f} s / {row['generator']['median_s']:.3f} s "
                f"= **{row['ratio_cdktf_over_generator']}x** | {target} | {ok} |"
            )
        extra = results["cdktf"]["per_additional_team"]
        lines.append(
            f"| Same, per additional team (start-up left out), {extra['teams']} teams | {extra['cdktf_ms_per_team']} ms / "
            f"{extra['generator_ms_per_team']} ms = {extra['ratio']}x | (for information) | |"
        )
    if "plan" in results:
        plan = results["plan"]
        lines.append(
            f"| Plan: composite module / hand-written HCL, 1 team, 10 mappings | {plan['generated']['median_s']:.3f} s / "
            f"{plan['handwritten']['median_s']:.3f} s = **{plan['ratio_generated_over_handwritten']}x** | <= {PLAN_TARGET_RATIO}x | "
            f"{verdict(plan['ratio_generated_over_handwritten'] <= PLAN_TARGET_RATIO)} |"
        )
        lines.append(
            f"| Same, CPU of the plan's processes (OpenTofu and the provider) | {plan['cpu']['generated']['median_s']:.3f} s / "
            f"{plan['cpu']['handwritten']['median_s']:.3f} s = {plan['cpu_ratio_generated_over_handwritten']}x | (for information) | |"
        )
        lines.append(
            f"| Same, time over the hand-written file's | +{plan['generated']['median_s'] - plan['handwritten']['median_s']:.3f} s "
            f"(+{plan['cpu']['generated']['median_s'] - plan['cpu']['handwritten']['median_s']:.3f} s CPU) | (for information) | |"
        )
        applied = plan.get("applied")
        if applied:
            lines.append(
                f"| Plan after apply, refreshing every resource from a local fake AWS (moto), no change: composite / hand-written | "
                f"{applied['generated']['median_s']:.3f} s / {applied['handwritten']['median_s']:.3f} s = "
                f"{applied['ratio_generated_over_handwritten']}x (CPU {applied['cpu']['generated']['median_s']:.3f} s / "
                f"{applied['cpu']['handwritten']['median_s']:.3f} s = {applied['cpu_ratio_generated_over_handwritten']}x; "
                f"+{applied['generated']['median_s'] - applied['handwritten']['median_s']:.3f} s) | (for information) | |"
            )
        if "graph" in plan:
            walks = {name: sum(v for k, v in counts.items() if k.startswith("visits_")) for name, counts in plan["graph"].items()}
            reads = {name: counts["data_sources_read"] for name, counts in plan["graph"].items()}
            lines.append(
                f"| Same, graph nodes visited (validate and plan walks, TF_LOG=trace) / data sources read | "
                f"{walks['generated']:,} / {walks['handwritten']:,} nodes; {reads['generated']} / {reads['handwritten']} reads "
                f"| (for information) | |"
            )
    return "\n".join(lines) + "\n"


def targets(results: dict[str, Any]) -> str:
    """One row per target: the figure of this run, met or missed (or why there is none)."""
    skipped = "not measured in this run (--skip {})"
    rows = []
    if "scale" in results:
        render = next(row for row in results["scale"]["rows"] if row["teams"] == 1000 and "folder" not in row)
        rows.append(("Render 1,000 teams, one process, into a new folder", f"{render['median_s']:.3f} s",
                     f"< {RENDER_TARGET_S} s", verdict(render["median_s"] < RENDER_TARGET_S)))
    else:
        rows.append(("Render 1,000 teams, one process, into a new folder", skipped.format("scale"), f"< {RENDER_TARGET_S} s", ""))
    if "noop" in results:
        noop = results["noop"]["cached"]
        untouched = noop["files_written_or_removed"] == 0 and noop["files_with_changed_mtime_size_or_inode"] == 0
        rows.append(("No-op render of 1,000 teams (cached)", f"{noop['median_s']:.3f} s, {noop['files_written_or_removed']} written",
                     f"< {NOOP_TARGET_S} s, 0 written", verdict(noop["median_s"] < NOOP_TARGET_S and untouched)))
    else:
        rows.append(("No-op render of 1,000 teams (cached)", skipped.format("noop"), f"< {NOOP_TARGET_S} s, 0 written", ""))
    if "cdktf" in results:
        cdktf = next(row for row in results["cdktf"]["rows"] if row["teams"] == 100)
        ratio = cdktf["ratio_cdktf_over_generator"]
        rows.append(("CDKTF synth / generator render, 100 teams",
                     f"{ratio}x ({cdktf['cdktf']['median_s']:.3f} s / {cdktf['generator']['median_s']:.3f} s)",
                     f">= {CDKTF_TARGET_RATIO}x", verdict(ratio >= CDKTF_TARGET_RATIO)))
    else:
        rows.append(("CDKTF synth / generator render, 100 teams", skipped.format("cdktf"), f">= {CDKTF_TARGET_RATIO}x", ""))
    if "plan" in results:
        plan = results["plan"]
        ratio = plan["ratio_generated_over_handwritten"]
        rows.append(("Plan: team composite module / hand-written HCL",
                     f"{ratio}x ({plan['generated']['median_s']:.3f} s / {plan['handwritten']['median_s']:.3f} s)",
                     f"<= {PLAN_TARGET_RATIO}x", verdict(ratio <= PLAN_TARGET_RATIO)))
    else:
        rows.append(("Plan: team composite module / hand-written HCL", skipped.format("plan"), f"<= {PLAN_TARGET_RATIO}x", ""))
    rows.append(("`make test`, every test, nothing skipped", "not measured here (time `make test` on a clean clone)",
                 f"<= {SUITE_TARGET_MIN} min", ""))
    lines = ["| Target | This run | Goal | |", "|---|---|---|---|"]
    lines += [f"| {measure} | {figure} | {goal} | {ok} |" for measure, figure, goal, ok in rows]
    return "\n".join(lines) + "\n"


def machine() -> dict[str, Any]:
    load = os.getloadavg()
    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "load_average_1m_at_start": round(load[0], 2),
    }


def markdown(results: dict[str, Any]) -> str:
    info = results["machine"]
    return (
        "# Benchmark results\n\n"
        "Written by `make bench` (bench/run.py); see bench/README.md for what each figure measures and how.\n"
        "Each time is the median of several runs of the whole process, start-up included.\n\n"
        "## Targets\n\n"
        + targets(results)
        + "\n## Every figure\n\n"
        + table(results)
        + f"\nMachine: {info['cpus']} CPUs, {info['platform']}, Python {info['python']}; "
        f"1-minute load average {info['load_average_1m_at_start']} at the start and {info.get('load_average_1m_at_end', '?')} at the end "
        "(other jobs on the machine slow every figure alike).\n"
        f"Timed runs per figure (after one warm-up; none for the cached no-op, whose first run counts): "
        f"render {results['runs']['render']}, CDKTF {results['runs']['cdktf']}, "
        f"plan {results['runs']['plan']}. Raw samples: bench/results.json.\n"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="timed runs per render figure (after one warm-up)")
    parser.add_argument("--cdktf-runs", type=int, default=3, help="timed runs per CDKTF figure")
    parser.add_argument("--plan-runs", type=int, default=7, help="timed plans per workspace")
    parser.add_argument("--skip", default="", help="comma-separated sections to leave out: scale,noop,cdktf,plan")
    parser.add_argument("--no-write", action="store_true", help="print only; leave bench/results.* as they are")
    parser.add_argument(
        "--generator-path",
        type=Path,
        default=None,
        help="time the generator package in this folder (holding generator/ and templates/, e.g. from git archive) instead",
    )
    args = parser.parse_args()
    global GENERATOR_PATH
    GENERATOR_PATH = args.generator_path.resolve() if args.generator_path else None
    skip = set(filter(None, args.skip.split(",")))
    WORK.mkdir(exist_ok=True)
    results: dict[str, Any] = {"machine": machine(), "runs": {"render": args.runs, "cdktf": args.cdktf_runs, "plan": args.plan_runs}}
    sections = [
        ("scale", "1. render scale", lambda: bench_scale(args.runs)),
        ("noop", "2. no-op regeneration", lambda: bench_noop(args.runs)),
        ("cdktf", "3. against CDKTF (interleaved)", lambda: bench_cdktf(args.cdktf_runs)),
        ("plan", "4. plan overhead", lambda: bench_plan(args.plan_runs)),
    ]
    for key, title, section in sections:
        if key not in skip:
            print(title, flush=True)
            results[key] = section()
    results["machine"]["load_average_1m_at_end"] = round(os.getloadavg()[0], 2)
    print()
    print(table(results))
    print("Targets")
    print(targets(results))
    if not args.no_write:
        (BENCH / "results.md").write_text(markdown(results), encoding="utf-8")
        (BENCH / "results.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
        print("wrote bench/results.md and bench/results.json")


if __name__ == "__main__":
    main()
