"""STC019: a cache_resource iterator, generator or open file read again on reruns.

Proof: the script runs twice with identical inputs and shows something else the
second time (the rows, the total, the file's line, gone), with no exception in
either run: the first run read the cached object to its end.
"""

from __future__ import annotations

from pathlib import Path

from expectations import Expected, Fixture
from oracle.harness import TIMEOUT, ScriptResult, import_root, isolated, comparable, shown_errors
from oracle.internals import clear_caches
from oracle.registry import Verdict, probe, where


@probe("STC019")
def check_exhausted(fixture: Fixture, expected: list[Expected], results: list[ScriptResult]) -> Verdict:
    """The rerun shows less than the first run, silently."""
    verdict = Verdict()
    scripts = {result.script for result in results}
    for item in expected:
        first, second, errors = two_runs(fixture, item.path if item.path in scripts else fixture.entry)
        if first == second or errors:
            verdict.problems.append(f"{where(fixture, item)}: expected STC019: the rerun shows something else "
                                    f"than the first run, without an error; first {first}, rerun {second}, "
                                    f"errors {errors}")
    return verdict


def two_runs(fixture: Fixture, script: Path) -> tuple[list[str], list[str], list[str]]:
    """What the first run and an identical rerun show, and their errors."""
    from streamlit.testing.v1 import AppTest

    with isolated(import_root(fixture)):
        clear_caches()
        at = AppTest.from_file(str(script), default_timeout=TIMEOUT)
        at.run()
        first, errors = comparable(at), [str(e) for e in shown_errors(at, script)]
        at.run()
        second = comparable(at)
        errors += [str(e) for e in shown_errors(at, script)]
        clear_caches()
    return first, second, errors
