"""Do two versions of cachelint make the same findings on a tree? (run by hand, not in CI)

    python benchmarks/same_findings.py TREE --before REV_OR_DIR [--after REV_OR_DIR] [-j 2]
    python benchmarks/same_findings.py benchmarks/realworld/.checkouts --before main

Each side is a git revision of this repository (exported with ``git archive`` to a scratch
folder), a folder holding a ``cachelint`` package, or a JSON report saved by ``--save``
(``before.json``/``after.json``: no run); ``--after`` defaults to the working tree. Both run ``python -m cachelint check TREE --format json --no-cache --isolated -j N``
with ``PYTHONPATH`` pointing at their package, in the same interpreter and environment
(the same installed Streamlit, so the same target), and the findings (path, line, column,
code, message, related locations) are compared.

Every difference is printed. A difference is a bug unless it is a finding the old code
lost to the step budget: a finding only one side makes, in a file where the other side
has an STC902 (budget exceeded), is listed apart as "budget" so that it can be judged.
Exit status: 0 when the findings are identical, 1 otherwise.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent


def package_dir(spec: str | None, scratch: Path) -> Path:
    """A folder whose ``cachelint`` package is ``spec`` (a revision, a folder, or None: this tree)."""
    if spec is None:
        return REPO
    if Path(spec, "cachelint").is_dir():
        return Path(spec).resolve()
    out = scratch / spec.replace("/", "_")
    out.mkdir(parents=True, exist_ok=True)
    archive = subprocess.run(["git", "-C", str(REPO), "archive", spec, "cachelint"], capture_output=True, check=True)
    subprocess.run(["tar", "-x", "-C", str(out)], input=archive.stdout, check=True)
    return out


def findings(package: Path, tree: Path, jobs: int, extra: list[str], raw: Path | None = None) -> tuple[set[tuple], float]:
    env = {**os.environ, "PYTHONPATH": str(package)}
    argv = [sys.executable, "-m", "cachelint", "check", str(tree), "--format", "json", "--no-cache", "--isolated",
            "-j", str(jobs), *extra]
    start = time.perf_counter()
    done = subprocess.run(argv, capture_output=True, env=env, cwd=tempfile.gettempdir())
    took = time.perf_counter() - start
    if done.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(argv)} (PYTHONPATH={package}) failed ({done.returncode}):\n"
                         f"{done.stderr.decode(errors='replace')[-3000:]}")
    if raw is not None:
        raw.write_bytes(done.stdout)
    return parse(done.stdout), took


def parse(output: bytes) -> set[tuple]:
    """(path, line, column, code, message, related) of each finding of a JSON report."""
    found = set()
    for f in json.loads(output)["findings"]:
        where = f.get("location") or {}
        related = tuple(json.dumps(r, sort_keys=True) for r in f.get("related") or ())
        found.add((f["path"], where.get("line"), where.get("column"), f["code"], f["message"], related))
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("tree", type=Path)
    parser.add_argument("--before", required=True, help="git revision or folder holding a cachelint package")
    parser.add_argument("--after", help="git revision or folder (default: this working tree)")
    parser.add_argument("-j", "--jobs", type=int, default=2)
    parser.add_argument("--save", type=Path, help="write both sides' JSON reports to this folder (before.json, "
                                                   "after.json: give one as --before to compare again)")
    parser.add_argument("extra", nargs="*", help="more arguments for `cachelint check` (after --)")
    args = parser.parse_args()
    tree = args.tree.resolve()
    def side(spec: str | None, scratch: Path, name: str) -> tuple[set[tuple], float]:
        if spec is not None and spec.endswith(".json") and Path(spec).is_file():
            return parse(Path(spec).read_bytes()), 0.0
        raw = args.save / f"{name}.json" if args.save else None
        return findings(package_dir(spec, scratch), tree, args.jobs, args.extra, raw)

    if args.save:
        args.save.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="same-findings-") as scratch:
        before, t_before = side(args.before, Path(scratch), "before")
        after, t_after = side(args.after, Path(scratch), "after")
    print(f"before ({args.before}): {len(before)} findings in {t_before:.1f} s; "
          f"after ({args.after or 'working tree'}): {len(after)} findings in {t_after:.1f} s")
    budget_files = defaultdict(set)  # path -> sides with an STC902 there
    for side, found in (("before", before), ("after", after)):
        for f in found:
            if f[3] == "STC902":
                budget_files[f[0]].add(side)
    plain, budget = [], []
    for sign, side, other, found in (("-", "before", "after", before - after), ("+", "after", "before", after - before)):
        for f in sorted(found, key=repr):
            line = f"{sign} {f[0]}:{f[1]}:{f[2]}: {f[3]} {f[4]}" + (f" (related: {len(f[5])})" if f[5] else "")
            (budget if f[3] == "STC902" or budget_files.get(f[0]) else plain).append(line)
    for title, lines in (("differences", plain), ("differences in files with an STC902 (budget) on a side", budget)):
        if lines:
            print(f"\n{title} ({len(lines)}):")
            print("\n".join(lines))
    if not plain and not budget:
        print("identical")
        return 0
    return 1


if __name__ == "__main__":
    sys.exit(main())
