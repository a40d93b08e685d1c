"""The runtime oracle: every fixture's expected findings really happen in Streamlit.

Each fixture (tests/fixtures/**) is run under ``streamlit.testing.v1.AppTest``:
its entry script and each ``pages/*.py`` script as its own app, once and then
rerun with identical inputs. Then:

* every expected finding must show its runtime consequence (a check per rule
  code, see ``CHECKS``; a code without a check fails loudly);
* the app must not show anything it does not expect: no unexplained exception
  element on any run, and no cache misses on reruns unless a finding explains
  them;
* a clean fixture (no ``# expect:`` marker) must really run (something rendered
  and at least one cache entry stored), show no exception, and hit its cache on
  the rerun.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

import oracle
from expectations import Expected, Fixture, discover
from oracle import ScriptResult, ShownError

FIXTURES = discover()

RERUNS = 2  # reruns of a script with identical inputs
IDENTITY_RERUNS = 4  # more reruns when a finding predicts cache misses: CPython
# can reuse the id of a collected object, so one rerun may hit by accident


@dataclass
class Verdict:
    """What one rule's check concluded about a fixture run."""

    problems: list[str] = field(default_factory=list)
    explains_error: Callable[[ShownError], bool] = lambda error: False
    explains_rerun_misses: bool = False


Check = Callable[[Fixture, list[Expected], list[ScriptResult]], Verdict]


# ---------------------------------------------------------------------------
# STC001 / STC002: UnhashableParamError naming the parameter


def check_unhashable(fixture: Fixture, expected: list[Expected], results: list[ScriptResult]) -> Verdict:
    """The app shows an ``UnhashableParamError`` for the expected parameter.

    A finding in a script (entry or page) must be shown by that script; a
    finding in an imported module (a cached function annotated in utils.py) by
    any script of the fixture. On the first run each finding needs an error of
    its own; on every run, every ``UnhashableParamError`` must be explained by a
    finding.
    """
    verdict = Verdict()
    scripts = {result.script for result in results}
    wanted: list[tuple[Expected, str, Path | None]] = []  # (finding, param, script or None = any)
    for item in expected:
        param = item.detail or ("self" if item.code == "STC002" else None)
        if param is None:
            verdict.problems.append(f"{_where(fixture, item)}: {item.code} marker must name the parameter")
            continue
        wanted.append((item, param, item.path if item.path in scripts else None))

    def matches(error: ShownError, param: str, script: Path | None) -> bool:
        return (
            error.type == "UnhashableParamError"
            and error.param == param
            and (script is None or error.script == script)
        )

    available = [error for result in results for error in result.first.errors]
    # Findings bound to a script first, so a module finding cannot take their error.
    for item, param, script in sorted(wanted, key=lambda w: w[2] is None):
        for error in available:
            if matches(error, param, script):
                available.remove(error)
                break
        else:
            shown = "; ".join(str(e) for r in results for e in r.first.errors) or "no exception"
            where = script.name if script else "any script"
            verdict.problems.append(
                f"{_where(fixture, item)}: expected {item.code}: UnhashableParamError "
                f"\"Cannot hash argument '{param}'\" in {where}; the app showed: {shown}"
            )

    verdict.explains_error = lambda error: any(matches(error, p, s) for _, p, s in wanted)
    return verdict


# ---------------------------------------------------------------------------
# STC003: the cache misses on every rerun with identical inputs


def check_identity_hash(fixture: Fixture, expected: list[Expected], results: list[ScriptResult]) -> Verdict:
    """The cached body runs again on reruns with identical inputs, and the cache grows.

    Evidence comes from Streamlit's per-function lookup metrics (misses during
    the reruns) and from the number of stored cache entries. When the marker
    sits in the decorator of a function (or in a ``st.cache_data(func, ...)``
    call), that function must be the one that misses.
    """
    verdict = Verdict(explains_rerun_misses=True)
    misses = {result.script: result.rerun_misses() for result in results}
    growth = sum(result.entry_growth for result in results)
    for item in expected:
        qualname = _cached_function_at(item.path, item.line)
        missed = [
            name
            for per_script in misses.values()
            for name in per_script
            if qualname is None or name.endswith("." + qualname)
        ]
        if not missed:
            target = f"'{qualname}'" if qualname else "any cached function"
            seen = {str(s.name): dict(m) for s, m in misses.items()}
            verdict.problems.append(
                f"{_where(fixture, item)}: expected STC003: {target} should miss the cache on "
                f"reruns with identical inputs; rerun misses: {seen}"
            )
    if growth <= 0:
        verdict.problems.append(
            f"{fixture.name}: expected STC003 but the cache did not grow over the reruns"
        )
    return verdict


def _cached_function_at(path: Path, line: int) -> str | None:
    """Qualified name of the cached function whose decorator (or cache call) holds ``line``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))

    def spans(node: ast.AST) -> bool:
        return node.lineno <= line <= (node.end_lineno or node.lineno)

    def visit(node: ast.AST, prefix: str) -> str | None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                qualname = prefix + child.name
                if any(spans(d) for d in child.decorator_list):
                    return qualname
                found = visit(child, qualname + ".<locals>.")
            elif isinstance(child, ast.ClassDef):
                found = visit(child, prefix + child.name + ".")
            elif isinstance(child, ast.Call) and spans(child) and child.args and isinstance(child.args[0], ast.Name):
                # load = st.cache_data(_load, hash_funcs={...})
                found = prefix + child.args[0].id
            else:
                found = visit(child, prefix)
            if found:
                return found
        return None

    return visit(tree, "")


# ---------------------------------------------------------------------------
# Dispatch

CHECKS: dict[str, Check] = {
    "STC001": check_unhashable,
    "STC002": check_unhashable,
    "STC003": check_identity_hash,
}


def _where(fixture: Fixture, item: Expected) -> str:
    root = fixture.root if fixture.root.is_dir() else fixture.root.parent
    return f"{item.path.relative_to(root)}:{item.line}"


@pytest.fixture(scope="session", autouse=True)
def _quiet_logs():
    from streamlit.testing.v1 import AppTest  # noqa: F401  (creates Streamlit's loggers)

    oracle.quiet_streamlit_logs()


@pytest.mark.parametrize("fixture", FIXTURES, ids=[f.name for f in FIXTURES])
def test_fixture_runtime(fixture: Fixture) -> None:
    expected = fixture.expected()
    unchecked = sorted({item.code for item in expected} - CHECKS.keys())
    if unchecked:
        pytest.fail(f"{fixture.name}: no oracle check for {', '.join(unchecked)} yet")

    by_check: dict[Check, list[Expected]] = {}
    for item in expected:
        by_check.setdefault(CHECKS[item.code], []).append(item)
    reruns = IDENTITY_RERUNS if any(i.code == "STC003" for i in expected) else RERUNS

    results = oracle.run_fixture(fixture, reruns)
    verdicts = [check(fixture, items, results) for check, items in by_check.items()]
    problems = [problem for verdict in verdicts for problem in verdict.problems]

    for result in results:
        name = result.script.relative_to(fixture.root.parent).as_posix()
        if not result.ran:
            problems.append(f"{name}: the script did not run (nothing rendered: a syntax error?)")
        for number, run in enumerate(result.runs, 1):
            for error in run.errors:
                if not any(v.explains_error(error) for v in verdicts):
                    problems.append(f"{name}: run {number} showed an unexpected error: {error}")
        if not any(v.explains_rerun_misses for v in verdicts):
            if result.rerun_misses():
                problems.append(
                    f"{name}: the cache missed on reruns with identical inputs: {dict(result.rerun_misses())}"
                )
            if result.entry_growth:
                problems.append(f"{name}: the reruns added {result.entry_growth} cache entries")

    if not expected and not any(result.first.entries for result in results):
        problems.append(f"{fixture.name}: clean fixture stored no cache entry (did it call a cached function?)")

    assert not problems, "\n".join(problems)


def test_fixtures_exist() -> None:
    assert discover("core"), "no fixtures under tests/fixtures/core"
