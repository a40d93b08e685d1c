"""STC015: a cache_resource sqlite3 connection used from another thread.

Proof: under ``new_thread_per_run`` the second run of the script runs in another
thread and raises ``sqlite3.ProgrammingError`` ("objects created in a thread can
only be used in that same thread"); the connection is made at the marker (or by
the helper the marked line calls), and used wherever the app uses it. The
standard runs run each rerun in a new thread too, so that error is explained on
every run.
"""

from __future__ import annotations

from pathlib import Path

from expectations import Expected, Fixture
from oracle.harness import TIMEOUT, ScriptResult, ShownError, import_root, isolated, shown_errors
from oracle.internals import clear_caches
from oracle.registry import Verdict, probe, where
from oracle.tricks import new_thread_per_run


@probe("STC015")
def check_thread_bound(fixture: Fixture, expected: list[Expected], results: list[ScriptResult]) -> Verdict:
    """The second run, in a new thread, raises ProgrammingError."""
    verdict = Verdict()
    scripts = {result.script for result in results}
    for item in expected:
        errors = second_run_errors(fixture, item.path if item.path in scripts else fixture.entry)
        if not any(thread_error(e) for e in errors):
            verdict.problems.append(f"{where(fixture, item)}: expected STC015: ProgrammingError on a run in "
                                    f"another thread; the app showed: {[str(e) for e in errors] or 'no exception'}")
    verdict.explains_error = thread_error
    return verdict


def second_run_errors(fixture: Fixture, script: Path) -> list[ShownError]:
    """What the second run of ``script`` shows when it runs in a thread of its own."""
    from streamlit.testing.v1 import AppTest

    with isolated(import_root(fixture)), new_thread_per_run():
        clear_caches()
        at = AppTest.from_file(str(script), default_timeout=TIMEOUT)
        at.run()
        at.run()
        errors = shown_errors(at, script)
        clear_caches()
    return errors


def thread_error(error: ShownError) -> bool:
    return error.type == "ProgrammingError" and "same thread" in error.message
