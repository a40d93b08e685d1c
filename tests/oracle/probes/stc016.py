"""STC016: per-session code changes in place an object st.cache_resource shares.

Proof (``comparisons.two_sessions``): session A runs the script, then session B
(its own session id, other query params and session state) runs it on the same
caches, then on empty caches. B's run on the shared caches shows something its
fresh run does not (A's item, A's mark, a count that includes A's run), or fails
where the fresh run does not (the ``KeyError`` of a column A already dropped);
and a cached function hit its cache in B's shared run. Errors raised at the
marked line on a rerun (the change cannot be made twice) are explained.
"""

from __future__ import annotations

from expectations import Expected, Fixture
from oracle import comparisons
from oracle.harness import ScriptResult, ShownError
from oracle.registry import Verdict, probe, where


@probe("STC016")
def check_shared_mutation(fixture: Fixture, expected: list[Expected], results: list[ScriptResult]) -> Verdict:
    """A second session sees the first session's change to the shared object, or fails on it."""
    verdict = Verdict()
    scripts = [result.script for result in results]
    runs = {}
    for item in expected:
        script = item.path if item.path in scripts else fixture.entry
        if script not in runs:
            runs[script] = comparisons.two_sessions(fixture, script)
        comparison = runs[script]
        hit = any(lookups > comparison.shared.misses[name] for name, lookups in comparison.shared.lookups.items())
        new_errors = [e for e in comparison.shared.errors if e not in comparison.fresh.errors]
        if not hit or not (comparison.stale or new_errors):
            verdict.problems.append(
                f"{where(fixture, item)}: expected STC016: a second session sees the first one's change to the "
                f"shared object; saw {comparison.difference() if comparison.stale else 'no difference'}, "
                f"errors {comparison.shared.errors}, cache hit in the second session: {hit}")
    marked = {(item.path.resolve(), item.line) for item in expected}
    verdict.explains_error = lambda error: _at_marker(error, marked)
    return verdict


def _at_marker(error: ShownError, marked: set) -> bool:
    return error.type in ("KeyError", "ValueError") and any(frame in marked for frame in error.frames)
