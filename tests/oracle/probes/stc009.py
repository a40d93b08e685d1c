"""STC009: a cached body reads per-session input (session state, query params,
``st.context``, ``st.user``) that is not in its key.

Proof (``comparisons.two_sessions``): session A runs the script, then session B
(its own session id, other session state, query params, context and user) runs
it on the same caches, then on empty caches. B's first run differs from its
fresh run, and the cached function holding the marker hit its cache: B was
served A's result.
"""

from __future__ import annotations

from expectations import Expected, Fixture
from oracle import comparisons
from oracle.checks import hidden_input
from oracle.harness import ScriptResult
from oracle.registry import Verdict, probe

_check = hidden_input(
    "STC009", comparisons.two_sessions,
    "a second session (other session id, session state, query params, context, user) is served the "
    "first session's cached result")


@probe("STC009", "STC026")
def check_session_leak(fixture: Fixture, expected: list[Expected], results: list[ScriptResult]) -> Verdict:
    """A second session is served the first session's cached result."""
    return _check(fixture, expected, results)
