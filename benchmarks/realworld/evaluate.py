"""Run cachelint over the real-world checkouts and score it against the labels (run by hand).

    python benchmarks/realworld/evaluate.py [--repos A,B] [--jobs N] [--json]
        [--write-unjudged FILE] [--no-stats] [--cachelint PATH] [-- EXTRA CLI ARGS]

Needs the checkouts (``checkout.py``). For every repository of ``repos.toml`` it runs
``cachelint check --format json --no-cache --isolated -j 1 [EXTRA] PATH`` from the
checkout's root (PATH is the ``subdir`` or ``.``; ``-j 1`` unless EXTRA gives ``-j``), so
finding paths are relative to the repository. ``--isolated``: no configuration file of
a parent folder can change the run. Everything after ``--`` goes to cachelint
unchanged (``-- --target-streamlit 1.25``).

Findings are matched to the ``[[finding]]`` labels of ``labels.toml`` by repository,
path, code and anchor (the stripped source line at the finding's line, cut to
ANCHOR_CHARS characters), so labels survive small line shifts; when several labels share
that key, the nearest line wins. Then it prints:

* precision per code, per finding (TRUE / judged) and per root cause;
* overall per-finding precision of the caching rules (STC001-STC014);
* true findings lost: labelled TRUE, no longer reported; false alarms gone: labelled
  FALSE, no longer reported (a good thing, listed so the label can be retired);
* misses found: a ``[[miss]]`` now reported with its code on its line or anchor;
* findings not yet judged, so that a human labels them (``--write-unjudged FILE``
  writes stub entries to paste into labels.toml);
* per repository: Python files, lines, cached functions, files that define one, time.

Root cause (see README.md): the ``root_cause`` id of a label names one cached function,
or one helper that is reported at several callers. Scores count (repository, root cause,
code) groups among the findings reported now: a group is right when every one of its
findings is labelled TRUE, wrong as soon as one is FALSE. Labels keep the findings of a
group homogeneous (a function with a real leak and a harmless read gets two ids), and a
mixed group is reported as a labelling error.

STC900-STC902 (file not parsed, internal error, budget) are labelled like the others but
scored apart: they say nothing about caching bugs.
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import re
import shutil
import subprocess
import sys
import time
import tomllib
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from checkout import DEFAULT_DEST, REPOS_TOML, Repo, load_repos  # noqa: E402

LABELS_TOML = HERE / "labels.toml"
ANCHOR_CHARS = 160
META_CODES = {"STC100", "STC900", "STC901", "STC902"}
LOUD_API_CODES = {"STC011", "STC025"}  # deprecated and removed decorators: loud, not silent, failures
SKIP_DIRS = {".git", ".venv", "venv", "env", "node_modules", "build", "dist", "__pycache__",
             "site-packages", ".tox", ".mypy_cache", ".cachelint_cache"}


# --------------------------------------------------------------------------- labels


@dataclass
class Label:
    repo: str
    path: str
    code: str
    line: int
    anchor: str
    root_cause: str
    verdict: str  # TRUE | FALSE
    reason: str
    extra: dict = field(default_factory=dict)  # repro, pinned, note...


@dataclass
class Miss:
    repo: str
    path: str
    code: str
    line: int
    anchor: str
    reason: str
    extra: dict = field(default_factory=dict)


def load_labels(path: Path = LABELS_TOML) -> tuple[list[Label], list[Miss]]:
    if not path.exists():
        return [], []
    with path.open("rb") as f:
        data = tomllib.load(f)
    labels, misses = [], []
    for i, entry in enumerate(data.get("finding", [])):
        entry = dict(entry)
        try:
            label = Label(*(entry.pop(k) for k in ("repo", "path", "code", "line", "anchor",
                                                    "root_cause", "verdict", "reason")),
                          extra=entry)
        except KeyError as exc:
            raise SystemExit(f"{path}: finding #{i + 1} lacks {exc}") from None
        if label.verdict not in ("TRUE", "FALSE"):
            raise SystemExit(f"{path}: finding #{i + 1}: verdict must be TRUE or FALSE, "
                             f"not {label.verdict!r}")
        labels.append(label)
    for i, entry in enumerate(data.get("miss", [])):
        entry = dict(entry)
        try:
            misses.append(Miss(*(entry.pop(k) for k in ("repo", "path", "code", "line",
                                                         "anchor", "reason")), extra=entry))
        except KeyError as exc:
            raise SystemExit(f"{path}: miss #{i + 1} lacks {exc}") from None
    return labels, misses


def toml_str(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)


def toml_value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    return toml_str(str(value))


def anchor_of(text: str) -> str:
    return text.strip()[:ANCHOR_CHARS]


# --------------------------------------------------------------------------- running


@dataclass
class Finding:
    repo: str
    path: str
    code: str
    line: int
    column: int
    message: str
    confidence: str
    anchor: str = ""
    label: Label | None = None


@dataclass
class RepoRun:
    repo: str
    ok: bool
    seconds: float
    files_checked: int = 0
    findings: list[Finding] = field(default_factory=list)
    error: str = ""
    stats: dict = field(default_factory=dict)


def cachelint_command(explicit: str | None) -> list[str]:
    if explicit:
        return [explicit]
    beside = Path(sys.executable).with_name("cachelint")
    if beside.exists():
        return [str(beside)]
    found = shutil.which("cachelint")
    return [found] if found else [sys.executable, "-m", "cachelint"]


def run_repo(repo: Repo, dest: Path, command: list[str], extra: list[str]) -> RepoRun:
    tree = dest / repo.folder
    if not (tree / ".git").exists():
        return RepoRun(repo.name, False, 0.0, error=f"no checkout at {tree} (run checkout.py)")
    jobs = [] if any(a in ("-j", "--jobs") or a.startswith(("-j", "--jobs=")) for a in extra) \
        else ["-j", "1"]
    argv = [*command, "check", "--format", "json", "--no-cache", "--isolated", *jobs, *extra,
            repo.subdir or "."]
    env = dict(os.environ, NO_COLOR="1")
    start = time.perf_counter()
    proc = subprocess.run(argv, cwd=tree, capture_output=True, text=True, env=env)
    seconds = time.perf_counter() - start
    try:
        doc = json.loads(proc.stdout)
    except json.JSONDecodeError:
        tail = (proc.stderr or proc.stdout).strip().splitlines()[-1:] or ["no output"]
        return RepoRun(repo.name, False, seconds, error=f"exit {proc.returncode}: {tail[0]}")
    run = RepoRun(repo.name, True, seconds, files_checked=doc["files_checked"])
    lines_cache: dict[str, list[str]] = {}
    for item in doc["findings"]:
        path = item["path"]
        if path not in lines_cache:
            try:
                lines_cache[path] = (tree / path).read_text(errors="replace").splitlines()
            except OSError:
                lines_cache[path] = []
        src = lines_cache[path]
        line = item["location"]["line"]
        anchor = anchor_of(src[line - 1]) if 0 < line <= len(src) else ""
        run.findings.append(Finding(repo.name, path, item["code"], line,
                                    item["location"]["column"], item["message"],
                                    item["confidence"], anchor))
    return run


# --------------------------------------------------------------------------- statistics

CACHE_ATTRS = {"cache_data", "cache_resource", "cache", "experimental_memo",
               "experimental_singleton"}


def _streamlit_aliases(tree: ast.Module) -> tuple[set[str], set[str]]:
    """(names bound to the streamlit module, names bound to a cache decorator)."""
    modules, decorators = {"st"}, set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name == "streamlit":
                    modules.add(alias.asname or "streamlit")
        elif isinstance(node, ast.ImportFrom) and node.module == "streamlit":
            for alias in node.names:
                if alias.name in CACHE_ATTRS:
                    decorators.add(alias.asname or alias.name)
    return modules, decorators


def _is_cache(node: ast.AST, modules: set[str], decorators: set[str]) -> bool:
    if isinstance(node, ast.Call):
        node = node.func
    if isinstance(node, ast.Attribute):
        return node.attr in CACHE_ATTRS and isinstance(node.value, ast.Name) \
            and node.value.id in modules
    return isinstance(node, ast.Name) and node.id in decorators


def cached_functions(tree: ast.Module) -> int:
    """Functions decorated with a Streamlit cache, plus the call form ``f = st.cache_data(g)``."""
    modules, decorators = _streamlit_aliases(tree)
    count = 0
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            count += any(_is_cache(d, modules, decorators) for d in node.decorator_list)
        elif isinstance(node, ast.Call) and _is_cache(node.func, modules, decorators) \
                and node.args and isinstance(node.args[0], (ast.Name, ast.Attribute, ast.Lambda)):
            count += 1
    return count


def repo_stats(repo: Repo, dest: Path) -> dict:
    """Python files, lines, cached functions and files defining one (git-tracked files,
    virtualenv-like folders left out, as cachelint does)."""
    tree = dest / repo.folder
    root = tree / repo.subdir if repo.subdir else tree
    listing = subprocess.run(["git", "-C", str(root), "ls-files", "-z", "--", "*.py"],
                             capture_output=True, text=True).stdout.split("\0")
    stats = Counter()
    biggest = (0, "")
    for rel in listing:
        if not rel or SKIP_DIRS.intersection(Path(rel).parts[:-1]):
            continue
        path = root / rel
        if not path.is_file():
            continue
        text = path.read_text(errors="replace")
        lines = text.count("\n") + (not text.endswith("\n") and bool(text))
        stats["files"] += 1
        stats["lines"] += lines
        if lines > biggest[0]:
            biggest = (lines, str(path.relative_to(tree)))
        if "cache" not in text:
            continue
        try:
            n = cached_functions(ast.parse(text))
        except (SyntaxError, ValueError, RecursionError):
            continue
        stats["cached_functions"] += n
        stats["files_with_cache"] += n > 0
    return {**stats, "largest_file": biggest[1], "largest_file_lines": biggest[0]}


# --------------------------------------------------------------------------- matching


def match(findings: list[Finding], labels: list[Label]) -> list[Label]:
    """Attach labels to findings; returns the labels left without a finding."""
    by_key: dict[tuple, list[Label]] = defaultdict(list)
    for label in labels:
        by_key[(label.repo, label.path, label.code, label.anchor)].append(label)
    pending: dict[tuple, list[Finding]] = defaultdict(list)
    for finding in findings:
        pending[(finding.repo, finding.path, finding.code, finding.anchor)].append(finding)
    used: set[int] = set()
    for key, group in pending.items():
        candidates = by_key.get(key, [])
        pairs = sorted(((abs(f.line - lab.line), fi, li) for fi, f in enumerate(group)
                        for li, lab in enumerate(candidates)))
        taken_f, taken_l = set(), set()
        for _, fi, li in pairs:
            if fi in taken_f or li in taken_l:
                continue
            taken_f.add(fi)
            taken_l.add(li)
            group[fi].label = candidates[li]
            used.add(id(candidates[li]))
    return [label for label in labels if id(label) not in used]


def misses_found(findings: list[Finding], misses: list[Miss]) -> list[tuple[Miss, Finding]]:
    found = []
    for miss in misses:
        for f in findings:
            if (f.repo, f.path, f.code) == (miss.repo, miss.path, miss.code) and \
                    (f.anchor == miss.anchor or f.line == miss.line):
                found.append((miss, f))
                break
    return found


# --------------------------------------------------------------------------- scoring


def ratio(right: int, total: int) -> str:
    return f"{right}/{total} = {right / total:.2f}" if total else "-"


def score(findings: list[Finding]) -> dict:
    judged = [f for f in findings if f.label is not None]
    per_code: dict[str, dict] = defaultdict(lambda: {"findings": 0, "true": 0, "root_causes": 0,
                                                      "root_causes_right": 0})
    groups: dict[tuple, list[Finding]] = defaultdict(list)
    for f in judged:
        row = per_code[f.code]
        row["findings"] += 1
        row["true"] += f.label.verdict == "TRUE"
        groups[(f.repo, f.label.root_cause, f.code)].append(f)
    mixed = []
    for (repo, cause, code), members in groups.items():
        verdicts = {m.label.verdict for m in members}
        per_code[code]["root_causes"] += 1
        per_code[code]["root_causes_right"] += verdicts == {"TRUE"}
        if len(verdicts) > 1:
            mixed.append(f"{repo} {cause} {code}")
    caching = [f for f in judged if f.code not in META_CODES]
    caching_groups = [k for k in groups if k[2] not in META_CODES]
    silent = [f for f in caching if f.code not in LOUD_API_CODES]
    silent_groups = [k for k in caching_groups if k[2] not in LOUD_API_CODES]
    return {
        "per_code": dict(sorted(per_code.items())),
        "overall_findings": {"judged": len(caching),
                             "true": sum(f.label.verdict == "TRUE" for f in caching)},
        "overall_root_causes": {
            "judged": len(caching_groups),
            "right": sum({m.label.verdict for m in groups[k]} == {"TRUE"} for k in caching_groups)},
        "overall_without_stc011": {
            "judged": len(silent), "true": sum(f.label.verdict == "TRUE" for f in silent),
            "root_causes": len(silent_groups),
            "root_causes_right": sum({m.label.verdict for m in groups[k]} == {"TRUE"} for k in silent_groups)},
        # TRUE only when the code runs in the app and the message names the right cause
        "strict_findings": {"judged": len(caching), "true": sum(_strict(f.label) for f in caching)},
        "mixed_root_causes": mixed,
        "by_confidence": _by_confidence(judged, groups),
    }


def _by_confidence(judged: list[Finding], groups: dict[tuple, list[Finding]]) -> dict:
    """{code: {confidence: {findings, true, root_causes, root_causes_right}}}: a root cause
    counts under the highest confidence of its findings."""
    rows: dict = defaultdict(lambda: defaultdict(lambda: {"findings": 0, "true": 0, "root_causes": 0,
                                                          "root_causes_right": 0}))
    for f in judged:
        row = rows[f.code][f.confidence]
        row["findings"] += 1
        row["true"] += f.label.verdict == "TRUE"
    for (_, _, code), members in groups.items():
        confidence = "high" if any(m.confidence == "high" for m in members) else members[0].confidence
        row = rows[code][confidence]
        row["root_causes"] += 1
        row["root_causes_right"] += {m.label.verdict for m in members} == {"TRUE"}
    return {code: dict(by) for code, by in sorted(rows.items())}


def _strict(label: Label) -> bool:
    return label.verdict == "TRUE" and label.extra.get("reachable", True) is not False \
        and label.extra.get("message_ok", True) is not False


# --------------------------------------------------------------------------- output


def enclosing_function(path: Path, line: int) -> str:
    try:
        tree = ast.parse(path.read_text(errors="replace"))
    except (OSError, SyntaxError, ValueError, RecursionError):
        return ""
    best = None
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and \
                node.lineno <= line <= (node.end_lineno or node.lineno):
            if best is None or node.lineno >= best.lineno:
                best = node
    return best.name if best else ""


def stub(f: Finding, dest: Path, folder: str) -> str:
    func = enclosing_function(dest / folder / f.path, f.line)
    root = f"{f.path}::{func}" if func else f.path
    return "\n".join([
        f"# {f.code} {f.message}",
        "[[finding]]",
        f"repo = {toml_str(f.repo)}",
        f"path = {toml_str(f.path)}",
        f"code = {toml_str(f.code)}",
        f"line = {f.line}",
        f"anchor = {toml_str(f.anchor)}",
        f"root_cause = {toml_str(root)}",
        'verdict = "TODO"',
        'reason = ""',
        "",
    ])


def print_report(runs: list[RepoRun], result: dict, lost: list[Label], folded: list[Label], gone: list[Label],
                 found_misses: list, misses: list[Miss], unjudged: list[Finding],
                 stc011_pinned: tuple[int, int], recoded: list[Label] = ()) -> None:
    print("## Per repository\n")
    print("| repository | files | lines | cached functions | files with a cached function "
          "| findings | seconds |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    totals = Counter()
    for run in runs:
        s = run.stats
        status = f"{len(run.findings)}" if run.ok else f"ERROR: {run.error}"
        print(f"| {run.repo} | {s.get('files', '')} | {s.get('lines', '')} | "
              f"{s.get('cached_functions', '')} | {s.get('files_with_cache', '')} | {status} "
              f"| {run.seconds:.1f} |")
        totals.update({k: v for k, v in s.items() if isinstance(v, int)})
        totals["findings"] += len(run.findings)
        totals["seconds"] += run.seconds
    print(f"| **{len(runs)} repositories** | {totals['files']} | {totals['lines']} | "
          f"{totals['cached_functions']} | {totals['files_with_cache']} | {totals['findings']} "
          f"| {totals['seconds']:.1f} |")
    slow = sorted(runs, key=lambda r: -r.seconds)[:5]
    print("\nSlowest: " + ", ".join(f"{r.repo} {r.seconds:.1f}s" for r in slow))
    biggest = sorted((r for r in runs if r.stats), key=lambda r: -r.stats["largest_file_lines"])[:3]
    print("Largest files: " + ", ".join(
        f"{r.repo}/{r.stats['largest_file']} ({r.stats['largest_file_lines']} lines)"
        for r in biggest))

    print("\n## Precision\n")
    print("| code | findings TRUE / judged | root causes right / judged |")
    print("|---|---|---|")
    for code, row in result["per_code"].items():
        print(f"| {code} | {ratio(row['true'], row['findings'])} | "
              f"{ratio(row['root_causes_right'], row['root_causes'])} |")
    o, r = result["overall_findings"], result["overall_root_causes"]
    print(f"| **caching rules (every STC0xx code)** | {ratio(o['true'], o['judged'])} | "
          f"{ratio(r['right'], r['judged'])} |")
    w = result["overall_without_stc011"]
    print(f"| **caching rules without STC011/STC025 (the silent ones)** | {ratio(w['true'], w['judged'])} | "
          f"{ratio(w['root_causes_right'], w['root_causes'])} |")
    s = result["strict_findings"]
    print(f"| strict: TRUE, reachable and message right | {ratio(s['true'], s['judged'])} | |")
    split = {code: by for code, by in result["by_confidence"].items() if len(by) > 1}
    if split:
        print("\nBy confidence (codes that report at more than one):\n")
        print("| code | confidence | findings TRUE / judged | root causes right / judged |")
        print("|---|---|---|---|")
        for code, by in split.items():
            for confidence, row in sorted(by.items()):
                print(f"| {code} | {confidence} | {ratio(row['true'], row['findings'])} | "
                      f"{ratio(row['root_causes_right'], row['root_causes'])} |")
    pinned, total = stc011_pinned
    if total:
        print(f"\nSTC011: {pinned} of {total} judged findings sit in apps pinned to a Streamlit "
              "release where the API still works (label field `pinned`).")
    if result["mixed_root_causes"]:
        print("\nLabelling error, root causes with both verdicts: "
              + "; ".join(result["mixed_root_causes"]))

    if folded:
        print(f"\n{len(folded)} TRUE labels folded into the one finding of their (still reported) root cause.")
    if recoded:
        print(f"\n{len(recoded)} TRUE STC011 labels are STC025 now: their apps are pinned to a release where "
              "the API still works (deprecated there, removed later).")
    print(f"\n## True findings lost: {len(lost)}")
    for label in lost:
        print(f"- {label.repo} {label.path}:{label.line} {label.code} `{label.anchor}`")
    print(f"\n## False alarms gone: {len(gone)}")
    for label in gone:
        print(f"- {label.repo} {label.path}:{label.line} {label.code} ({label.reason})")
    print(f"\n## Misses found: {len(found_misses)} of {len(misses)}")
    for miss, f in found_misses:
        print(f"- {miss.repo} {miss.path}:{f.line} {miss.code}: {miss.reason}")
    print(f"\n## Findings not yet judged: {len(unjudged)}")
    for f in unjudged:
        print(f"- {f.repo} {f.path}:{f.line} {f.code} {f.message}")


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    extra = []
    if "--" in argv:
        extra = argv[argv.index("--") + 1:]
        argv = argv[:argv.index("--")]
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repos", help="comma-separated owner/name subset")
    parser.add_argument("--jobs", type=int, default=1,
                        help="repositories checked at once (each cachelint run uses -j 1)")
    parser.add_argument("--json", action="store_true", help="print a JSON document instead")
    parser.add_argument("--write-unjudged", type=Path, metavar="FILE",
                        help="write stub [[finding]] entries for the unjudged findings")
    parser.add_argument("--no-stats", action="store_true",
                        help="skip counting files, lines and cached functions")
    parser.add_argument("--cachelint", help="the cachelint executable (default: this environment's)")
    parser.add_argument("--dest", type=Path, default=DEFAULT_DEST, help="checkouts folder")
    parser.add_argument("--list", type=Path, default=REPOS_TOML, help="repos.toml to read")
    parser.add_argument("--labels", type=Path, default=LABELS_TOML, help="labels file")
    parser.add_argument("--show", metavar="CODE", help="also list every finding of CODE with its verdict")
    args = parser.parse_args(argv)

    repos = load_repos(args.list)
    if args.repos:
        wanted = set(args.repos.split(","))
        unknown = wanted - {r.name for r in repos}
        if unknown:
            parser.error(f"not in {args.list.name}: {', '.join(sorted(unknown))}")
        repos = [r for r in repos if r.name in wanted]
    names = {r.name for r in repos}
    labels, misses = load_labels(args.labels)
    labels = [lab for lab in labels if lab.repo in names]
    misses = [m for m in misses if m.repo in names]

    command = cachelint_command(args.cachelint)
    with ThreadPoolExecutor(max(1, args.jobs)) as pool:
        runs = list(pool.map(lambda r: run_repo(r, args.dest, command, extra), repos))
    if not args.no_stats:
        for repo, run in zip(repos, runs):
            if (args.dest / repo.folder / ".git").exists():
                run.stats = repo_stats(repo, args.dest)
    failed = [run for run in runs if not run.ok]

    findings = [f for run in runs for f in run.findings]
    left = match(findings, [lab for lab in labels
                            if lab.repo not in {r.repo for r in failed}])
    # One finding per cached function and root cause: a TRUE label whose root cause is still
    # reported (by another of its reads) is folded into that finding, not lost.
    reported = {(f.repo, f.code, f.label.root_cause.split("#")[0]) for f in findings if f.label is not None}
    folded = [lab for lab in left if lab.verdict == "TRUE"
              and (lab.repo, lab.code, lab.root_cause.split("#")[0]) in reported]
    lost = [lab for lab in left if lab.verdict == "TRUE" and lab not in folded]
    # Version-exact: an STC011 (removed API) judged against the latest release is STC025
    # (deprecated, still works) in an app whose pin is a release where the API works.
    deprecations = {(f.repo, f.path, f.anchor) for f in findings if f.code == "STC025"}
    recoded = [lab for lab in lost if lab.code == "STC011" and (lab.repo, lab.path, lab.anchor) in deprecations]
    lost = [lab for lab in lost if lab not in recoded]
    gone = [lab for lab in left if lab.verdict == "FALSE"]
    found_misses = misses_found(findings, misses)
    unjudged = [f for f in findings if f.label is None]
    result = score(findings)
    stc011 = [f for f in findings if f.code == "STC011" and f.label is not None]
    stc011_pinned = (sum(bool(f.label.extra.get("pinned")) for f in stc011), len(stc011))

    if args.show:
        print(f"## Findings of {args.show}")
        for f in sorted((f for f in findings if f.code == args.show), key=lambda f: (f.repo, f.path, f.line)):
            verdict = f.label.verdict if f.label else "UNJUDGED"
            why = f.label.reason if f.label else f.message
            root = f.label.root_cause if f.label else ""
            print(f"- {verdict:8} {f.repo} {f.path}:{f.line} [{root}] {why[:160]}")
        print()
    if args.write_unjudged:
        folders = {r.name: r.folder for r in repos}
        args.write_unjudged.write_text("\n".join(stub(f, args.dest, folders[f.repo])
                                                 for f in unjudged))
    if args.json:
        doc = {
            "repos": [{"repo": r.repo, "ok": r.ok, "error": r.error, "seconds": round(r.seconds, 3),
                       "files_checked": r.files_checked, "findings": len(r.findings), **r.stats}
                      for r in runs],
            **result,
            "stc011": {"judged": stc011_pinned[1], "pinned_where_api_works": stc011_pinned[0]},
            "true_findings_lost": [asdict(lab) for lab in lost],
            "true_findings_folded": [asdict(lab) for lab in folded],
            "stc011_recoded_stc025": [asdict(lab) for lab in recoded],
            "false_alarms_gone": [asdict(lab) for lab in gone],
            "misses": {"total": len(misses),
                       "found": [{**asdict(m), "found_line": f.line} for m, f in found_misses]},
            "unjudged": [{k: v for k, v in asdict(f).items() if k != "label"} for f in unjudged],
        }
        print(json.dumps(doc, indent=1, ensure_ascii=False))
    else:
        print_report(runs, result, lost, folded, gone, found_misses, misses, unjudged, stc011_pinned, recoded)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
