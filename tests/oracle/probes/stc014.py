"""STC014: a ``hash_funcs`` entry that raises.

Proof: the hasher spy shows that Streamlit called the entry, and the app shows
``UserHashError`` on the first call, one per finding (in the finding's script
when it is in one).
"""

from __future__ import annotations

from expectations import Expected, Fixture
from oracle.checks import entry_calls
from oracle.harness import ScriptResult
from oracle.registry import Verdict, probe, where
from oracle.source import hash_funcs_key_at


@probe("STC014")
def check_failing_hash(fixture: Fixture, expected: list[Expected], results: list[ScriptResult]) -> Verdict:
    """Streamlit called the entry and it raised: ``UserHashError`` on the first call,
    one per finding (in the finding's script when it is in one)."""
    verdict = Verdict()
    scripts = {result.script for result in results}
    available = [error for result in results for error in result.first.errors if error.type == "UserHashError"]
    for item in sorted(expected, key=lambda e: e.path not in scripts):
        key = hash_funcs_key_at(item.path, item.line)
        if key is None or not entry_calls(results, key):
            verdict.problems.append(f"{where(fixture, item)}: expected STC014: Streamlit never called the "
                                    f"hash_funcs entry on this line")
        error = next((e for e in available if item.path not in scripts or e.script == item.path), None)
        if error is None:
            shown = "; ".join(str(e) for r in results for e in r.first.errors) or "no exception"
            verdict.problems.append(f"{where(fixture, item)}: expected STC014: UserHashError on the first call; "
                                    f"the app showed: {shown}")
        else:
            available.remove(error)
    verdict.explains_error = lambda error: error.type == "UserHashError"
    return verdict
