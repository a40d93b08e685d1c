"""Time cachelint against flake8, pylint and ruff (run by hand, not in CI).

    python benchmarks/run.py --realworld DIR [--runs 3] [--heavy-runs N] [--light-runs N]
                             [--repos A,B] [--no-pylint] [--work DIR] [--output FILE]
    python benchmarks/run.py --only stdlib|corpus [--runs 5] [--heavy-runs N]

Suites (``--only`` picks some; default: realworld when ``--realworld`` is given, else
stdlib and corpus):

* **realworld** (issue 16): the public Streamlit repositories of
  ``benchmarks/realworld/`` (a folder of checkouts, ``--realworld DIR``, e.g.
  ``benchmarks/realworld/.checkouts``). Each checkout's git-tracked ``*.py`` files
  and project markers (``pyproject.toml``, ``setup.cfg``) are copied once to
  ``WORK/realworld/<owner>__<name>/``, each copy its own (empty) git repository so that
  cachelint sees the same project tops; the copy is outside any work tree and has no
  ``.gitignore``, so every tool gets the same files. Commands, from an empty scratch
  folder:

  - ``cachelint check -j 2`` cold (no ``.cachelint_cache/``) and warm (nothing changed,
    default ``-j``)
  - ``flake8 --select B019 -j 2`` with flake8-bugbear only
  - ``flake8 --select STC -j 2`` with the cachelint plugin only, and the same flake8
    with no third-party plugin (pyflakes and pycodestyle still run)
  - ``pylint --disable=all --enable=W1518 -j 2 --recursive=y`` (the astroid-based peer)
  - ``ruff check --isolated --select B019 --no-cache``
  - the 37,848-line page alone: ``cachelint check PAGE --no-cache -j 1`` (its findings
    are counted: "complete" means no STC902)

* **stdlib**: a copy of Python's standard library (no Streamlit: only the prefilter
  runs); **corpus**: the generated Streamlit corpus (``generate_corpus.py``, seed 2024).

Rounds are interleaved (one run of each command per round, in a fixed order); slow
commands (flake8, pylint, the cold run) run in the first ``--heavy-runs`` rounds, the
quick ones (warm, ruff, the page) in ``--light-runs`` rounds. The tables show medians of
wall-clock and CPU time (user + sys of the whole process tree, from wait4), peak memory
of the largest process (wait4's ru_maxrss: the largest of the process and the children
it waited for) and of all processes together (sampled every 20 ms), and the load
average before and after. On a shared machine compare the ratios and CPU times; wall
times move with the load.

Needs ruff (``pip install ruff``), pylint (in the ``test`` extra) and flake8-bugbear in
benchmarks/.deps (``pip install --target benchmarks/.deps flake8-bugbear``).
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import re
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
MARKERS = ("pyproject.toml", "setup.cfg")  # project markers besides .py files (setup.py is one)
BIG_PAGE = "AdhamWagih93__streamlit-playground/cicd_dashboard.py"


@dataclass
class Sample:
    wall: float
    cpu: float
    rss_max: int  # bytes, largest process
    rss_tree: int  # bytes, whole tree, sampled
    code: int
    output: bytes = b""


@dataclass
class Command:
    name: str
    argv: list[str]
    prepare: object = None  # callable run before each timing
    kind: str = "heavy"  # heavy: --heavy-runs rounds; light: --light-runs rounds; pylint: --pylint-runs
    keep_output: bool = False
    cwd: Path | None = None  # default: the suite's scratch folder
    env: dict | None = None  # added to the environment
    samples: list[Sample] = field(default_factory=list)

    def median(self, attr: str) -> float:
        return statistics.median(getattr(s, attr) for s in self.samples)

    def least(self, attr: str) -> float:
        return min(getattr(s, attr) for s in self.samples)


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


def measure(argv: list[str], cwd: Path, keep_output: bool = False, env: dict | None = None) -> Sample:
    out = tempfile.TemporaryFile() if keep_output else subprocess.DEVNULL
    environ = {**os.environ, **env} if env else None
    start = time.perf_counter()
    process = subprocess.Popen(argv, cwd=cwd, stdout=out, stderr=subprocess.DEVNULL, env=environ)
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
    output = b""
    if keep_output:
        out.seek(0)
        output = out.read()
        out.close()
    return Sample(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss * 1024, peak, process.returncode, output)


@dataclass
class Tools:
    python: str
    cachelint: list[str]
    ruff: str
    pylint: list[str]
    flake8_with: list[str]

    @classmethod
    def find(cls) -> Tools:
        python = sys.executable
        bindir = Path(python).parent
        cachelint = [str(bindir / "cachelint")] if (bindir / "cachelint").exists() else [python, "-m", "cachelint"]
        ruff = str(bindir / "ruff") if (bindir / "ruff").exists() else shutil.which("ruff") or "ruff"
        return cls(python, cachelint, ruff, [python, "-m", "pylint"], [python, str(HERE / "flake8_with.py")])


# -- the real-world set ----------------------------------------------------------------------

def materialise(checkouts: Path, dest: Path, repos: set[str] | None = None) -> tuple[int, int]:
    """Copy each checkout's tracked .py files and project markers to ``dest`` (once)."""
    stamp = dest / ".complete"
    if stamp.exists() and repos is None:
        files = [p for p in dest.rglob("*.py") if ".git" not in p.parts]
        return len(files), sum(p.read_bytes().count(b"\n") for p in files)
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    count = lines = 0
    for repo in sorted(p for p in checkouts.iterdir() if p.is_dir() and not p.name.startswith(".")):
        if repos is not None and repo.name not in repos and repo.name.replace("__", "/") not in repos:
            continue
        if (repo / ".git").exists():
            listed = subprocess.run(["git", "-C", str(repo), "ls-files", "-z"], capture_output=True, check=True)
            names = [n for n in listed.stdout.decode("utf-8", "surrogateescape").split("\0") if n]
        else:
            names = [str(p.relative_to(repo)) for p in repo.rglob("*") if p.is_file()]
        target = dest / repo.name
        target.mkdir()
        subprocess.run(["git", "init", "-q", str(target)], check=True)  # its project top, as in the checkout
        for name in names:
            if not (name.endswith(".py") or os.path.basename(name) in MARKERS):
                continue
            source = repo / name
            if not source.is_file() or source.is_symlink():
                continue
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target / name)
            if name.endswith(".py"):
                count += 1
                lines += source.read_bytes().count(b"\n")
    if repos is None:
        stamp.write_text("")
    return count, lines


def realworld_commands(tools: Tools, target: Path, scratch: Path, pylint: bool,
                       baseline: Path | None = None) -> list[Command]:
    def clear(folder: Path):
        return lambda: shutil.rmtree(folder / ".cachelint_cache", ignore_errors=True)

    check = [*tools.cachelint, "check", str(target), "--isolated", "--format", "concise"]
    cmds = [
        Command("cachelint check -j 2 (cold)", [*check, "-j", "2"], clear(scratch)),
        Command("cachelint check (warm)", check, kind="light"),
    ]
    if baseline is not None:  # the same two runs with another cachelint (its own cache folder)
        other, env = scratch / "baseline", {"PYTHONPATH": str(baseline)}
        cmds += [Command("baseline: cachelint check -j 2 (cold)", [*check, "-j", "2"], clear(other), cwd=other,
                         env=env),
                 Command("baseline: cachelint check (warm)", check, kind="light", cwd=other, env=env)]
    cmds += [
        Command("ruff check --select B019 --no-cache", [tools.ruff, "check", "--isolated", "--select", "B019",
                                                        "--no-cache", "--exit-zero", str(target)], kind="light"),
        Command("flake8 --select B019 -j 2 (bugbear)",
                [*tools.flake8_with, "bugbear", "--", "--select", "B019", "-j", "2", str(target)]),
        Command("flake8 --select STC -j 2 (with cachelint)",
                [*tools.flake8_with, "cachelint", "--", "--select", "STC", "-j", "2", str(target)]),
        Command("flake8 -j 2 (no plugin)",
                [*tools.flake8_with, "none", "--", "--select", "STC", "-j", "2", str(target)]),
    ]
    if pylint:
        cmds.append(Command("pylint --enable=W1518 -j 2",
                            [*tools.pylint, "--disable=all", "--enable=W1518", "-j", "2", "--recursive=y",
                             "--score=n", str(target)], kind="pylint"))
    page = target / BIG_PAGE
    if page.exists():
        cmds.append(Command("cachelint check PAGE --no-cache -j 1 (37,848-line page alone)",
                            [*tools.cachelint, "check", str(page), "--isolated", "--no-cache", "-j", "1",
                             "--format", "concise"], kind="light", keep_output=True))
    return cmds


# -- stdlib and generated corpus (the earlier suites) ---------------------------------------

def classic_commands(tools: Tools, target: Path, scratch: Path) -> list[Command]:
    cache = scratch / ".cachelint_cache"

    def clear() -> None:
        shutil.rmtree(cache, ignore_errors=True)

    lint = [*tools.cachelint, "check", str(target), "--isolated", "--format", "concise"]
    return [
        Command("cachelint cold", lint, clear),
        Command("cachelint warm", lint, kind="light"),
        Command("flake8 --select STC (with cachelint)", [*tools.flake8_with, "cachelint", "--", "--select", "STC",
                                                         str(target)]),
        Command("flake8 plain (no plugin)", [*tools.flake8_with, "none", "--", "--select", "STC", str(target)]),
        Command("flake8 --select B019 (bugbear)", [*tools.flake8_with, "bugbear", "--", "--select", "B019",
                                                   str(target)]),
        Command("ruff check --select B019 --no-cache", [tools.ruff, "check", "--isolated", "--select", "B019",
                                                        "--no-cache", str(target)], kind="light"),
    ]


# -- running and reporting ------------------------------------------------------------------

def load_text() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.1f} / {five:.1f} / {fifteen:.1f}"


def bench(label: str, cmds: list[Command], scratch: Path, heavy_runs: int, light_runs: int,
          pylint_runs: int | None = None) -> dict:
    scratch.mkdir(parents=True, exist_ok=True)
    before = load_text()
    budget = {"heavy": heavy_runs, "light": light_runs, "pylint": heavy_runs if pylint_runs is None else pylint_runs}
    print(f"\n## {label}: rounds {budget}; load {before}", flush=True)
    for round_ in range(max(budget.values())):
        for cmd in cmds:
            if round_ >= budget[cmd.kind]:
                continue
            if cmd.prepare:
                cmd.prepare()
            cwd = cmd.cwd or scratch
            cwd.mkdir(parents=True, exist_ok=True)
            sample = measure(cmd.argv, cwd, cmd.keep_output, cmd.env)
            cmd.samples.append(sample)
            print(f"  round {round_ + 1} {cmd.name}: {sample.wall:.2f}s wall, {sample.cpu:.2f}s cpu, "
                  f"{sample.rss_max / 2**20:.0f}/{sample.rss_tree / 2**20:.0f} MB, exit {sample.code} "
                  f"(load {os.getloadavg()[0]:.1f})", flush=True)
    return {"before": before, "after": load_text()}


def table(label: str, cmds: list[Command], loads: dict, peer: str | None = None) -> str:
    lines = [f"### {label}", "", f"Load average (1/5/15 min) before: {loads['before']}; after: {loads['after']}.", "",
             "| command | runs | wall median (s) | wall min (s) | CPU median (s) | peak RSS, largest process (MB) "
             "| peak RSS, all processes (MB) |",
             "|---|---:|---:|---:|---:|---:|---:|"]
    for c in cmds:
        if not c.samples:
            continue
        lines.append(
            f"| {c.name} | {len(c.samples)} | {c.median('wall'):.2f} | {c.least('wall'):.2f} | "
            f"{c.median('cpu'):.2f} | {max(s.rss_max for s in c.samples) / 2**20:.0f} | "
            f"{max(s.rss_tree for s in c.samples) / 2**20:.0f} |")
    return "\n".join(lines)


def realworld_verdicts(cmds: list[Command]) -> str:
    by = {c.name: c for c in cmds if c.samples}
    out = ["| target | wall | CPU | goal | met? |", "|---|---:|---:|---|---|"]

    def ratio(name: str, a: str, b: str, goal: float) -> None:
        if a not in by or b not in by:
            return
        wall = by[a].median("wall") / by[b].median("wall")
        cpu = by[a].median("cpu") / by[b].median("cpu")
        met = ("yes" if wall <= goal else "**no**") + ("" if (wall <= goal) == (cpu <= goal) else
                                                       f" (CPU: {'yes' if cpu <= goal else 'no'})")
        out.append(f"| {name} | {wall:.2f}x | {cpu:.2f}x | <= {goal}x | {met} |")

    ratio("cold `cachelint check -j 2` / `flake8 --select B019 -j 2`", "cachelint check -j 2 (cold)",
          "flake8 --select B019 -j 2 (bugbear)", 0.2)
    ratio("warm `cachelint check` / `ruff check --select B019 --no-cache`", "cachelint check (warm)",
          "ruff check --select B019 --no-cache", 1.5)
    ratio("flake8 with the cachelint plugin / without", "flake8 --select STC -j 2 (with cachelint)",
          "flake8 -j 2 (no plugin)", 1.25)
    ratio("cold `cachelint check -j 2` / pylint W1518 -j 2 (no target)", "cachelint check -j 2 (cold)",
          "pylint --enable=W1518 -j 2", 1.0)
    ratio("baseline warm / `ruff check --select B019 --no-cache`", "baseline: cachelint check (warm)",
          "ruff check --select B019 --no-cache", 1.5)
    ratio("this warm / baseline warm (no target)", "cachelint check (warm)", "baseline: cachelint check (warm)", 1.0)
    ratio("this cold / baseline cold (no target)", "cachelint check -j 2 (cold)",
          "baseline: cachelint check -j 2 (cold)", 1.0)
    cold = by.get("cachelint check -j 2 (cold)")
    if cold:
        peak = max(s.rss_max for s in cold.samples) / 2**20
        tree = max(s.rss_tree for s in cold.samples) / 2**20
        out.append(f"| peak memory of the cold run, largest process (all: {tree:.0f} MB) | {peak:.0f} MB | | "
                   f"<= 300 MB | {'yes' if peak <= 300 else '**no**'} |")
    page = next((c for c in by.values() if "page alone" in c.name), None)
    if page:
        text = page.samples[-1].output.decode("utf-8", "replace")
        findings = [line for line in text.splitlines() if ": STC" in line]
        budget = sum(": STC902" in line for line in findings)
        wall = page.median("wall")
        complete = budget == 0
        out.append(f"| the 37,848-line page alone ({len(findings)} findings, {budget} STC902) | {wall:.2f} s | "
                   f"{page.median('cpu'):.2f} s | complete, <= 1.5 s | "
                   f"{'yes' if complete and wall <= 1.5 else '**no**'} |")
    return "\n".join(out)


def classic_verdicts(stdlib: list[Command] | None, corpus: list[Command] | None) -> str:
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


def git_head() -> str:
    try:
        head = subprocess.run(["git", "-C", str(HERE), "rev-parse", "--short", "HEAD"], capture_output=True,
                              text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(HERE), "status", "--porcelain", "--", "../cachelint"],
                               capture_output=True, text=True).stdout.strip()
        return head + (" (with uncommitted changes to cachelint/)" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def versions(tools: Tools) -> str:
    def ask(argv: list[str]) -> str:
        try:
            out = subprocess.run(argv, capture_output=True, text=True, timeout=60).stdout.strip()
            return out.splitlines()[0] if out else "?"
        except (OSError, subprocess.SubprocessError):
            return "?"

    from importlib.metadata import PackageNotFoundError, version

    def pkg(name: str) -> str:
        try:
            return version(name)
        except PackageNotFoundError:
            return "?"

    return (f"astroid {pkg('astroid')}, flake8 {pkg('flake8')}, pylint {pkg('pylint')}, "
            f"{ask([tools.ruff, '--version'])}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--realworld", type=Path, metavar="DIR", help="folder of real-world checkouts")
    parser.add_argument("--repos", help="only these checkouts (owner__name or owner/name, comma-separated)")
    parser.add_argument("--runs", type=int, default=3, help="rounds (default 3)")
    parser.add_argument("--heavy-runs", "--flake8-runs", dest="heavy_runs", type=int,
                        help="rounds that run the slow commands: flake8, pylint, cold (default: --runs)")
    parser.add_argument("--light-runs", type=int, help="rounds that run the quick commands (default: --runs)")
    parser.add_argument("--pylint-runs", type=int, help="rounds that run pylint (default: --heavy-runs)")
    parser.add_argument("--no-pylint", action="store_true", help="leave pylint out (it takes minutes)")
    parser.add_argument("--baseline", type=Path, metavar="DIR",
                        help="also time cold and warm runs of the cachelint package in DIR (PYTHONPATH=DIR), "
                             "e.g. a `git archive` of main: before/after in one interleaved run")
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "cachelint-benchmark")
    parser.add_argument("--only", action="append", choices=("realworld", "stdlib", "corpus"))
    parser.add_argument("--commands", metavar="REGEX",
                        help="only the commands whose name matches (e.g. 'cachelint|ruff' to leave flake8 and pylint out)")
    parser.add_argument("--output", type=Path, help="also write the tables to this file")
    args = parser.parse_args()
    wanted = re.compile(args.commands) if args.commands else None

    only = set(args.only or (["realworld"] if args.realworld else ["stdlib", "corpus"]))
    if "realworld" in only and not args.realworld:
        parser.error("the realworld suite needs --realworld DIR")
    heavy = args.heavy_runs or args.runs
    light = args.light_runs or args.runs
    tools = Tools.find()
    started = datetime.datetime.now().astimezone()
    head = git_head()
    if os.environ.get("PYTHONPATH"):
        head += f" (but PYTHONPATH={os.environ['PYTHONPATH']} comes first)"
    parts = []
    stdlib = corpus = None
    if "realworld" in only:
        target = args.work / "realworld"
        repos = set(args.repos.split(",")) if args.repos else None
        if repos:
            target = args.work / "realworld-subset"
        files, lines = materialise(args.realworld.resolve(), target, repos)
        count = len([p for p in target.iterdir() if p.is_dir()])
        label = f"Real-world set: {count} repositories, {files:,} files, {lines:,} lines"
        print(f"{label} ({target})")
        cmds = realworld_commands(tools, target, args.work / "scratch-realworld", not args.no_pylint,
                                  args.baseline.resolve() if args.baseline else None)
        cmds = [c for c in cmds if wanted is None or wanted.search(c.name)]
        loads = bench(label, cmds, args.work / "scratch-realworld", heavy, light, args.pylint_runs)
        parts += [table(label, cmds, loads), "#### Ratios and targets (ratios of medians)", realworld_verdicts(cmds)]
    if "stdlib" in only:
        root = Path(sysconfig.get_paths()["stdlib"])
        target = args.work / "stdlib"
        if not target.exists():  # a copy without site-packages, outside any git work tree
            shutil.copytree(root, target, ignore=shutil.ignore_patterns("site-packages", "__pycache__"))
        stdlib = classic_commands(tools, target, args.work / "scratch-stdlib")
        parts.append(table("Python standard library", stdlib,
                           bench("stdlib", stdlib, args.work / "scratch-stdlib", heavy, light)))
    if "corpus" in only:
        target = args.work / "corpus"
        print(f"generated {generate(target, apps=200, seed=2024)} files")
        corpus = classic_commands(tools, target, args.work / "scratch-corpus")
        parts.append(table("Generated Streamlit corpus (2,000 files)", corpus,
                           bench("corpus", corpus, args.work / "scratch-corpus", heavy, light)))
    if stdlib or corpus:
        parts.append(classic_verdicts(stdlib, corpus))

    cpus = len(os.sched_getaffinity(0))
    header = (f"{started:%Y-%m-%d %H:%M %Z}; machine: {platform.machine()}, {cpus} CPUs, "
              f"Python {platform.python_version()}, {versions(tools)}; cachelint at {head}; "
              f"{heavy} rounds of the slow commands, {light} of the quick ones.")
    text = "\n\n".join([header, *parts]) + "\n"
    print("\n" + text)
    if args.output:
        args.output.write_text(text)


if __name__ == "__main__":
    main()
