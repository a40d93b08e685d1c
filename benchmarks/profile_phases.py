"""Where a cold run's time goes, by phase (run by hand, not in CI).

    python benchmarks/profile_phases.py TARGET [--interval 0.002] [--output FILE] [--top 15]

Runs what ``cachelint check TARGET --no-cache -j 1`` runs, in this process, step by
step: file discovery, reading and the prefilter, the result cache's keys (a cold run
computes them to store its results), then the engine over the same units (one fresh
engine per app folder slice) with the GC tuned as the runner tunes it. The engine part
is sampled with pyinstrument (wall clock, every ``--interval`` seconds; pip install
pyinstrument) and every sample is charged to one phase, the innermost that its stack is
in:

* **parse** (Python's own parser, called by astroid) and **astroid rebuild** (astroid's
  ``TreeRebuilder`` turning the ``ast`` tree into astroid nodes), each split by why the
  module was parsed: the checked file itself, a module it imports, or an *importer*
  parsed by the call-site search (``Project.callers``);
* **inference** (``cachelint.analysis.infer`` and astroid's inference under it);
* **call-site search** (``CallSiteIndex``: walking modules for calls, matching them);
* **discovery** of cached functions, **rules** (the rules' own code), **project model**
  (import index, layout), **engine set-up** (a fresh engine per unit: rules, model);
* the rest of cachelint and astroid, by file.

GC time is measured apart (``gc.callbacks``), as is process start (fresh interpreters:
``python -c pass``, ``import cachelint.cli``, ``import cachelint.engine``). Memory: the
resident set after each unit (``/proc/self/statm``) and the largest growth.

Every astroid parse is also timed and counted by why it happened (the checked file, an
imported module, an importer looked at for call sites), with how many of the parsed
importers held a call of a cached function, and what ``ast.parse`` of the same texts
costs (the price of a pre-scan with Python's own parser).

The analysis budget is in inference steps (``step-budget``), so the profile is of the
same work as ``cachelint check`` does, whatever the load.
``--no-sampling`` leaves pyinstrument out (the parse accounting and timings only).
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

PAGE = os.sysconf("SC_PAGE_SIZE")

# (phase, test on a frame) in order: the first that matches a frame sets the phase for it
# and its callees, unless a callee matches a rule again (so the innermost wins).
PARSE_CONTEXTS = (("callers", "importers (call-site search)"), ("imports_of", "imported modules"),
                  ("resolve_import", "imported modules"))


def rss() -> int:
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * PAGE


def classify(function: str, path: str) -> str | None:
    """The phase a frame starts, or None (it stays in its caller's phase)."""
    path = path.replace(os.sep, "/")
    if path.endswith("astroid/builder.py") and function in ("_parse_string",):
        return "parse"
    if path.endswith("astroid/rebuilder.py"):
        return "astroid rebuild"
    if "/cachelint/analysis/infer.py" in path:
        return "inference"
    if "/astroid/" in path and ("inference" in path or function.startswith(("infer", "_infer"))):
        return "inference"
    if "/cachelint/analysis/callsites.py" in path:
        return "call-site search"
    if "/cachelint/analysis/discovery.py" in path:
        return "discovery"
    if "/cachelint/rules/" in path:
        return "rules"
    if "/cachelint/analysis/project.py" in path and function not in ("module", "try_module", "build_tree"):
        return "project model (import index, layout)"
    if "/astroid/" in path and ("raw_building" in path or "/brain/" in path or path.endswith("astroid/manager.py")
                                or "objectmodel" in path):
        return "astroid set-up (builtins, brain modules)"
    if path.endswith("cachelint/engine.py") and function == "__init__":
        return "engine set-up"
    if "/cachelint/streamlit_model/" in path or path.endswith("cachelint/registry.py"):
        return "engine set-up"
    return None


def attribute(frame, phase: str, why: str, totals: Counter, files: Counter, parent: str = "?") -> None:
    function, path = frame.function, frame.file_path or ""
    if function == "[self]":
        function, path = parent.rpartition(":")[2], parent.rpartition(":")[0]
    found = classify(function, path) if frame.function != "[self]" else None
    if function in ("callers", "imports_of", "resolve_import") and path.endswith("cachelint/analysis/project.py"):
        why = dict(PARSE_CONTEXTS)[function]
    if found is not None:
        phase = found
    name = phase
    if phase in ("parse", "astroid rebuild"):
        name = f"{phase}: {why}"
    children = list(frame.children)
    own = frame.time - sum(c.time for c in children)
    if own > 1e-9:
        totals[name] += own
        if phase not in ("parse", "astroid rebuild"):
            short = path.split("/site-packages/")[-1].split("/wt-perf/")[-1] if path else "?"
            files[f"{short}:{function}"] += own
            if phase.startswith("other"):
                files[f"(other) {short}:{function}"] += own
    for child in children:
        attribute(child, phase, why, totals, files, f"{path}:{function}")


def start_costs(python: str, runs: int = 5) -> dict[str, float]:
    out = {}
    for label, code in (("python -c pass", "pass"), ("import cachelint.cli", "import cachelint.cli"),
                        ("import cachelint.runner", "import cachelint.runner"),
                        ("import cachelint.engine (astroid)", "import cachelint.engine")):
        times = []
        for _ in range(runs):
            before = os.times()
            subprocess.run([python, "-c", code], check=True)
            after = os.times()
            times.append((after.children_user - before.children_user) + (after.children_system - before.children_system))
        out[label] = statistics.median(times)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("target", type=Path)
    parser.add_argument("--interval", type=float, default=0.002)
    parser.add_argument("--top", type=int, default=15)
    parser.add_argument("--output", type=Path)
    parser.add_argument("--no-sampling", action="store_true")
    args = parser.parse_args()

    import ast
    import inspect

    from cachelint import runner
    from cachelint.config import Overrides, load
    from cachelint.files import FileFinder
    from cachelint.layout import Layout
    from cachelint.result_cache import ResultCache
    from cachelint.service import Service
    from cachelint.source import MENTIONS_BYTES

    target = args.target.resolve()
    config = load(target, Overrides(), isolated=True, cwd=target)
    steps: dict[str, float] = {}

    clock = time.process_time
    t = clock()
    files = FileFinder(config.root, config.exclude).find([target])
    steps["file discovery"] = clock() - t
    t = clock()
    relevant = []
    for path in files:
        data = path.read_bytes()
        if MENTIONS_BYTES.search(data) is not None or b"\0" in data:
            relevant.append(path)
    steps["read + prefilter (every file)"] = clock() - t
    t = clock()
    with tempfile.TemporaryDirectory() as scratch:
        cache = ResultCache(Path(scratch), config.cache_token(), Layout())
        for path in relevant:
            cache.key(path)
    steps["result cache: keys (import neighbourhoods from text)"] = clock() - t

    layout = Layout()
    work = runner.units(relevant, layout)
    t = clock()
    import cachelint.engine  # noqa: F401 - astroid and the rules, as a worker has them before forking

    steps["import the engine (astroid, rules)"] = clock() - t
    gc_time = [0.0]
    gc_started = [0.0]
    collections: Counter = Counter()

    def on_gc(phase: str, info: dict) -> None:
        if phase == "start":
            gc_started[0] = time.process_time()
        else:
            gc_time[0] += time.process_time() - gc_started[0]
            collections[info["generation"]] += 1

    import cachelint.analysis.callsites as callsites
    import cachelint.analysis.project as project

    parses: list[tuple[str, str, float]] = []  # (why, path, seconds)
    real_build = project.build_tree

    def timed_build(text, modname, path):
        why = "the checked file"
        for frame in inspect.stack(0)[1:12]:
            if frame.function in ("callers",):
                why = "importer (call-site search)"
                break
            if frame.function in ("imports_of", "resolve_import"):
                why = "imported module"
                break
        started = time.process_time()
        try:
            return real_build(text, modname, path)
        finally:
            parses.append((why, str(path), time.process_time() - started))

    project.build_tree = timed_build
    with_sites: set[str] = set()
    real_find = callsites.CallSiteIndex._find

    def find(self, cached):
        found = real_find(self, cached)
        with_sites.update(str(site.module.path) for site in found)
        return found

    callsites.CallSiteIndex._find = find
    runner._tune_gc()
    gc.callbacks.append(on_gc)
    from pyinstrument import Profiler

    # Wall-clock sampling (pyinstrument's C timer). A CPU-time timer (``timer_func``) would
    # call Python on every call and return and triple the run, worst in call-heavy code.
    # On a loaded machine the process is descheduled at random points, so the shares stay
    # those of CPU time; seconds are scaled to the measured CPU time below.
    profiler = Profiler(interval=args.interval, async_mode="disabled") if not args.no_sampling else None
    per_file: list[tuple[float, Path, int]] = []
    units: list[tuple[int, float, int, int]] = []  # files, seconds, rss growth, rss after
    t = clock()
    wall = time.perf_counter()
    if profiler:
        profiler.start()
    for unit in work:
        before, started = rss(), time.process_time()
        service = Service(config)
        for path in unit:
            one = time.process_time()
            service.analyse(path)
            per_file.append((time.process_time() - one, path, len(unit)))
        del service
        units.append((len(unit), time.process_time() - started, rss() - before, rss()))
    session = profiler.stop() if profiler else None
    engine_cpu = clock() - t
    engine_wall = time.perf_counter() - wall
    gc.callbacks.remove(on_gc)
    steps["engine (all units)"] = engine_cpu

    totals: Counter = Counter()
    functions: Counter = Counter()
    if session:
        attribute(session.root_frame(), "other (cachelint runner, service)", "the checked file", totals, functions)
        scale = engine_cpu / (sum(totals.values()) or 1)  # sampled wall seconds -> CPU seconds
        for counter in (totals, functions):
            for name in counter:
                counter[name] *= scale
    sampled = sum(totals.values()) or 1

    lines = []
    lines.append(f"Target: {target} ({len(files):,} files, {len(relevant):,} mention Streamlit, {len(work)} units); "
                 f"{sum(1 for _ in work)} fresh engines.")
    lines.append("")
    lines.append("| step (in one process) | CPU (s) |")
    lines.append("|---|---:|")
    for name, seconds in steps.items():
        lines.append(f"| {name} | {seconds:.2f} |")
    lines.append("")
    lines.append(f"Engine, by phase (pyinstrument samples every {args.interval * 1000:g} ms, scaled to CPU time; wall clock "
                 f"{engine_wall:.1f} s, CPU {engine_cpu:.1f} s; GC {gc_time[0]:.1f} s of CPU over "
                 f"{sum(collections.values())} collections {dict(sorted(collections.items()))}, charged to the "
                 f"phase that allocated):")
    lines.append("")
    lines.append("| phase | CPU seconds | share |")
    lines.append("|---|---:|---:|")
    for name, seconds in totals.most_common():
        lines.append(f"| {name} | {seconds:.1f} | {seconds / sampled * 100:.1f}% |")
    lines.append("")
    lines.append(f"Top {args.top} functions by own time outside parsing:")
    lines.append("")
    lines.append("| function | CPU seconds |")
    lines.append("|---|---:|")
    for name, seconds in functions.most_common(args.top):
        lines.append(f"| `{name}` | {seconds:.1f} |")
    lines.append("")
    lines.append(f"Slowest {args.top} files (CPU, in their unit's engine):")
    lines.append("")
    lines.append("| file | CPU seconds | lines |")
    lines.append("|---|---:|---:|")
    for seconds, path, _ in sorted(per_file, key=lambda item: item[0], reverse=True)[:args.top]:
        try:
            count = path.read_bytes().count(b"\n")
        except OSError:
            count = 0
        lines.append(f"| `{path.relative_to(target)}` | {seconds:.2f} | {count:,} |")
    lines.append("")
    lines.append("Astroid parses (build_tree: Python's parser + astroid's rebuild), by why, CPU:")
    lines.append("")
    lines.append("| why | parses | distinct files | CPU (s) | `ast.parse` of the same texts (s) | parsed files with a call "
                 "site |")
    lines.append("|---|---:|---:|---:|---:|---:|")
    by_why: dict[str, list] = defaultdict(list)
    for why, path, seconds in parses:
        by_why[why].append((path, seconds))
    for why, items in sorted(by_why.items(), key=lambda kv: -sum(s for _, s in kv[1])):
        distinct = {p for p, _ in items}
        started = time.process_time()
        for path, _ in items:
            try:
                ast.parse(Path(path).read_bytes())
            except (SyntaxError, ValueError, OSError, RecursionError, MemoryError):
                pass
        plain = time.process_time() - started
        holding = len(distinct & with_sites)
        lines.append(f"| {why} | {len(items):,} | {len(distinct):,} | {sum(s for _, s in items):.1f} | {plain:.1f} | "
                     f"{holding:,} |")
    lines.append("")
    growth = sorted(units, key=lambda u: u[2], reverse=True)[:5]
    lines.append("Memory: resident set after each unit, largest growths (MB, files in unit, seconds): "
                 + ", ".join(f"+{g / 2**20:.0f} ({n} files, {s:.1f} s)" for n, s, g, _ in growth)
                 + f"; largest resident set {max(u[3] for u in units) / 2**20:.0f} MB.")
    lines.append("")
    costs = start_costs(sys.executable)
    lines.append("Process start (CPU of a fresh interpreter, median of 5): "
                 + ", ".join(f"{k} {v * 1000:.0f} ms" for k, v in costs.items()) + ".")
    text = "\n".join(lines) + "\n"
    print(text)
    if args.output:
        args.output.write_text(text)
    sys.stdout.flush()
    os._exit(0)  # tearing down every parsed tree one object at a time takes minutes


if __name__ == "__main__":
    main()
