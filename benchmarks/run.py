"""Time cachelint against flake8 and ruff (run by hand, not in CI).

    python benchmarks/run.py [--runs 5] [--flake8-runs N] [--work DIR] [--only stdlib|corpus] [--output FILE]

Targets: (a) Python's standard library (code without Streamlit; site-packages left
out), (b) a generated Streamlit-heavy corpus of 2,000 app files
(benchmarks/generate_corpus.py, seed 2024). Commands, each run from a scratch folder
with its default parallelism (all cores):

* cachelint cold: ``cachelint check TARGET --isolated``, with no .cachelint_cache/
* cachelint warm: the same again, nothing changed
* flake8 + cachelint: ``flake8 --select STC`` with only the cachelint plugin
* flake8 plain: ``flake8 --select STC`` with no third-party plugin (pyflakes and
  pycodestyle still run: flake8 runs every check whatever --select says)
* flake8 + bugbear: ``flake8 --select B019`` with only flake8-bugbear
* ruff: ``ruff check --isolated --select B019 --no-cache``

Runs are interleaved (one of each command per round) and the table shows medians of
wall-clock and CPU time (user + sys of the whole process tree), and peak memory: of
the largest process (from wait4) and of the whole tree (sampled every 20 ms).
Needs ruff (``pip install ruff``) and flake8-bugbear in benchmarks/.deps
(``pip install --target benchmarks/.deps flake8-bugbear``).
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from generate_corpus import generate  # noqa: E402

PAGE = os.sysconf("SC_PAGE_SIZE")


@dataclass
class Sample:
    wall: float
    cpu: float
    rss_max: int  # bytes, largest process
    rss_tree: int  # bytes, whole tree, sampled
    code: int


@dataclass
class Command:
    name: str
    argv: list[str]
    prepare: object = None  # callable run before each timing
    samples: list[Sample] = field(default_factory=list)

    def median(self, attr: str) -> float:
        return statistics.median(getattr(s, attr) for s in self.samples)


def tree_rss(pid: int) -> int:
    total = 0
    stack = [pid]
    while stack:
        p = stack.pop()
        try:
            with open(f"/proc/{p}/statm") as handle:
                total += int(handle.read().split()[1]) * PAGE
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as handle:
                    stack.extend(int(c) for c in handle.read().split())
        except (OSError, ValueError):
            continue
    return total


def measure(argv: list[str], cwd: Path) -> Sample:
    start = time.perf_counter()
    process = subprocess.Popen(argv, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, tree_rss(process.pid))
            done.wait(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    done.set()
    sampler.join()
    process.returncode = os.waitstatus_to_exitcode(status)
    return Sample(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss * 1024, peak, process.returncode)


def commands(target: Path, scratch: Path) -> list[Command]:
    python = sys.executable
    bindir = Path(python).parent
    cachelint = [str(bindir / "cachelint")] if (bindir / "cachelint").exists() else [python, "-m", "cachelint"]
    ruff = str(bindir / "ruff") if (bindir / "ruff").exists() else shutil.which("ruff") or "ruff"
    flake8_with = [python, str(HERE / "flake8_with.py")]
    cache = scratch / ".cachelint_cache"

    def clear() -> None:
        shutil.rmtree(cache, ignore_errors=True)

    lint = [*cachelint, "check", str(target), "--isolated", "--format", "concise"]
    return [
        Command("cachelint cold", lint, clear),
        Command("cachelint warm", lint),
        Command("flake8 --select STC (with cachelint)", [*flake8_with, "cachelint", "--", "--select", "STC",
                                                         str(target)]),
        Command("flake8 plain (no plugin)", [*flake8_with, "none", "--", "--select", "STC", str(target)]),
        Command("flake8 --select B019 (bugbear)", [*flake8_with, "bugbear", "--", "--select", "B019",
                                                   str(target)]),
        Command("ruff check --select B019 --no-cache", [ruff, "check", "--isolated", "--select", "B019",
                                                        "--no-cache", str(target)]),
    ]


def bench(label: str, target: Path, runs: int, scratch: Path, flake8_runs: int) -> list[Command]:
    scratch.mkdir(parents=True, exist_ok=True)
    cmds = commands(target, scratch)
    files = sum(1 for _ in target.rglob("*.py"))
    print(f"\n## {label}: {target} ({files} .py files), {runs} rounds", flush=True)
    for round_ in range(runs):
        for cmd in cmds:
            if cmd.name.startswith("flake8") and round_ >= flake8_runs:
                continue
            if cmd.prepare:
                cmd.prepare()
            sample = measure(cmd.argv, scratch)
            cmd.samples.append(sample)
            print(f"  round {round_ + 1} {cmd.name}: {sample.wall:.2f}s wall, {sample.cpu:.2f}s cpu, "
                  f"exit {sample.code}", flush=True)
    return cmds


def table(label: str, cmds: list[Command]) -> str:
    by = {c.name: c for c in cmds}
    ruff = by["ruff check --select B019 --no-cache"]
    plain = by["flake8 plain (no plugin)"]
    lines = [f"### {label}", "",
             "| command | wall median (s) | CPU median (s) | wall / ruff | wall / flake8 plain "
             "| peak RSS, largest process (MB) | peak RSS, all processes (MB) |",
             "|---|---:|---:|---:|---:|---:|---:|"]
    for c in cmds:
        lines.append(
            f"| {c.name} | {c.median('wall'):.2f} | {c.median('cpu'):.2f} | "
            f"{c.median('wall') / ruff.median('wall'):.1f}x | {c.median('wall') / plain.median('wall'):.2f}x | "
            f"{max(s.rss_max for s in c.samples) / 2**20:.0f} | {max(s.rss_tree for s in c.samples) / 2**20:.0f} |")
    return "\n".join(lines)


def verdicts(stdlib: list[Command] | None, corpus: list[Command] | None) -> str:
    out = ["### Targets", "", "| target | measured | met? |", "|---|---|---|"]

    def row(name: str, value: str, ok: bool) -> None:
        out.append(f"| {name} | {value} | {'yes' if ok else '**no**'} |")

    if stdlib:
        s = {c.name: c for c in stdlib}
        for kind in ("wall", "cpu"):
            over = s["flake8 --select STC (with cachelint)"].median(kind) / s["flake8 plain (no plugin)"].median(kind) - 1
            row(f"flake8 plugin overhead on the stdlib ({kind}) <= 5%", f"{over * 100:+.1f}%", over <= 0.05)
        cold, b019 = s["cachelint cold"].median("wall"), s["flake8 --select B019 (bugbear)"].median("wall")
        row("cachelint cold on the stdlib faster than flake8 --select B019", f"{cold:.2f}s vs {b019:.2f}s", cold < b019)
        ruff = s["ruff check --select B019 --no-cache"].median("wall")
        row("cachelint cold on the stdlib within 3x of ruff", f"{cold / ruff:.1f}x", cold <= 3 * ruff)
        warm = s["cachelint warm"].median("wall")
        row("cachelint warm on the stdlib within 1.5x of ruff", f"{warm / ruff:.1f}x", warm <= 1.5 * ruff)
    if corpus:
        c = {x.name: x for x in corpus}
        cold, plain = c["cachelint cold"].median("wall"), c["flake8 plain (no plugin)"].median("wall")
        row("corpus: cachelint cold <= 2x plain flake8", f"{cold / plain:.2f}x", cold <= 2 * plain)
        ruff = c["ruff check --select B019 --no-cache"].median("wall")
        warm = c["cachelint warm"].median("wall")
        row("corpus: cachelint warm within 1.5x of ruff", f"{warm / ruff:.1f}x", warm <= 1.5 * ruff)
        peak = max(s.rss_tree for s in c["cachelint cold"].samples) / 2**20
        row("corpus: cachelint peak memory < 500 MB (all processes)", f"{peak:.0f} MB", peak < 500)
    return "\n".join(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--flake8-runs", type=int, help="rounds that run flake8 too (default: all)")
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "cachelint-benchmark")
    parser.add_argument("--only", choices=("stdlib", "corpus"))
    parser.add_argument("--output", type=Path, help="also write the tables to this file")
    args = parser.parse_args()

    stdlib = corpus = None
    flake8_runs = args.flake8_runs or args.runs
    if args.only != "corpus":
        root = Path(sysconfig.get_paths()["stdlib"])
        target = args.work / "stdlib"
        if not target.exists():  # a copy without site-packages, outside any git work tree
            shutil.copytree(root, target, ignore=shutil.ignore_patterns("site-packages", "__pycache__"))
        stdlib = bench("stdlib", target, args.runs, args.work / "scratch-stdlib", flake8_runs)
    if args.only != "stdlib":
        target = args.work / "corpus"
        count = generate(target, apps=200, seed=2024)
        print(f"generated {count} files")
        corpus = bench("corpus", target, args.runs, args.work / "scratch-corpus", flake8_runs)

    cpus = len(os.sched_getaffinity(0))
    load = os.getloadavg()
    header = (f"Machine: {platform.machine()}, {cpus} CPUs, Python {platform.python_version()}, "
              f"load average at the end {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f}; {args.runs} rounds "
              f"({flake8_runs} with flake8).")
    parts = [header]
    if stdlib:
        parts.append(table("Python standard library", stdlib))
    if corpus:
        parts.append(table("Generated Streamlit corpus (2,000 files)", corpus))
    parts.append(verdicts(stdlib, corpus))
    text = "\n\n".join(parts) + "\n"
    print("\n" + text)
    if args.output:
        args.output.write_text(text)


if __name__ == "__main__":
    main()
