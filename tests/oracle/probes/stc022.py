"""STC022 (preview): a scope="session" cached function run in a worker thread.

Proof: the first run shows ``StreamlitAPIException: A session-scoped cache was
accessed outside of the app execution thread`` (re-raised by the pool's result,
or shown by the app for its thread).
"""

from __future__ import annotations

from expectations import Expected, Fixture
from oracle.harness import ScriptResult, ShownError
from oracle.registry import Verdict, probe, where


@probe("STC022")
def check_session_cache_off_thread(fixture: Fixture, expected: list[Expected],
                                   results: list[ScriptResult]) -> Verdict:
    """The run fails with the session-scoped cache error."""
    verdict = Verdict(explains_rerun_misses=True)  # a call that fails stores nothing
    errors = [error for result in results for error in result.first.errors]
    for item in expected:
        if not any(off_thread(e) for e in errors):
            verdict.problems.append(f"{where(fixture, item)}: expected STC022: StreamlitAPIException about a "
                                    f"session-scoped cache outside the app thread; the app showed: "
                                    f"{[str(e) for e in errors] or 'no exception'}")
    verdict.explains_error = off_thread
    return verdict


def off_thread(error: ShownError) -> bool:
    return error.type == "StreamlitAPIException" and "session-scoped cache was accessed outside" in error.message
