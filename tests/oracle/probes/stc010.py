"""STC010: a cached body reads a global (or widget value) that is not in its key.

Proof (``comparisons.changed_widgets``): the script runs, every widget gets
another value, the script reruns on its caches, then on empty caches with the
same widget values. The rerun differs from the fresh run, and the cached
function holding the marker hit its cache: it showed a stale result.
"""

from __future__ import annotations

from expectations import Expected, Fixture
from oracle import comparisons
from oracle.checks import hidden_input
from oracle.harness import ScriptResult
from oracle.registry import Verdict, probe

_check = hidden_input(
    "STC010", comparisons.changed_widgets,
    "after every widget changes, the rerun shows a stale cached result")


@probe("STC010")
def check_stale_global(fixture: Fixture, expected: list[Expected], results: list[ScriptResult]) -> Verdict:
    """After every widget changes, the rerun shows a stale cached result."""
    return _check(fixture, expected, results)
