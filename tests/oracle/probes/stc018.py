"""STC018: cached functions Streamlit keys as one, which return different things.

Proof, for a nested cached function (the marker is inside a function): one caller
gets another's result. The script shows something else with its cache than
with a cache that never hits (``render_with_and_without_cache``: one body ran for
two regions), or, when the factory's value comes from a widget, a changed widget
leaves a stale result (``comparisons.changed_widgets``).

Proof, for the same function on two pages (the marker is at module level, on the
global the copies read): one session visits the other page(s) first and then the
marked page (``run_pages``), which shows something else than the page run on its
own with empty caches.
"""

from __future__ import annotations

import ast
from pathlib import Path

from expectations import Expected, Fixture
from oracle import comparisons
from oracle.harness import TIMEOUT, ScriptResult, import_root, isolated, render_with_and_without_cache, shown_errors
from oracle.internals import clear_caches
from oracle.registry import Verdict, probe, where
from oracle.source import functions_around
from oracle.tricks import run_pages


@probe("STC018")
def check_key_collision(fixture: Fixture, expected: list[Expected], results: list[ScriptResult]) -> Verdict:
    """One caller (or page) is served the result computed for another."""
    verdict = Verdict()
    scripts = [result.script for result in results]
    for item in expected:
        if functions_around(item.path, item.line):
            script = item.path if item.path in scripts else fixture.entry
            cached, uncached = render_with_and_without_cache(fixture, script)
            if cached != uncached:
                continue
            stale = comparisons.changed_widgets(fixture, script)
            if stale.stale:
                continue
            verdict.problems.append(f"{where(fixture, item)}: expected STC018: one call gets another's cached "
                                    f"result; the app shows the same with and without its cache, and after "
                                    f"changing its widgets ({stale.changed})")
        else:
            proof = _page_collision(fixture, item.path)
            if proof is not None:
                verdict.problems.append(f"{where(fixture, item)}: expected STC018: {proof}")
    return verdict


def _page_collision(fixture: Fixture, page: Path) -> str | None:
    """None when ``page``, visited after the pages sharing its cached function, shows
    something else than on its own; else what was seen."""
    twins = _twins(fixture, page)
    if not twins:
        return f"no other script of the fixture defines the cached functions of {page.name}"
    after, alone, errors = shown_after(fixture, page, twins)
    if errors:
        return f"errors: {errors}"
    if after != alone:
        return None
    return f"{page.name} shows {after} after {[t.name for t in twins]}, and the same on its own"


def shown_after(fixture: Fixture, page: Path, others: list[Path]) -> tuple[list[str], list[str], list]:
    """What ``page`` shows when one session visits ``others`` first (``run_pages``), what it
    shows run on its own with empty caches, and the errors of both."""
    base = fixture.entry.parent
    target = page.relative_to(base).as_posix()
    after = run_pages(fixture, [o.relative_to(base).as_posix() for o in others] + [target])[-1]
    alone, errors = _alone(fixture, page)
    return after.texts, alone, after.errors + errors


def _alone(fixture: Fixture, page: Path) -> tuple[list[str], list]:
    """What ``page`` shows run on its own, with empty caches."""
    from streamlit.testing.v1 import AppTest

    with isolated(import_root(fixture)):
        clear_caches()
        at = AppTest.from_file(str(page), default_timeout=TIMEOUT)
        at.run()
        texts = [str(e.value) for e in list(at.markdown) + list(at.text)]
        errors = shown_errors(at, page)
        clear_caches()
    return texts, errors


def _twins(fixture: Fixture, page: Path) -> list[Path]:
    names = _decorated(page)
    return [path for path in fixture.files
            if path not in (page, fixture.entry) and names & _decorated(path)]


def _decorated(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {node.name for node in tree.body if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
            and node.decorator_list}
