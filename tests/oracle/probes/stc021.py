"""STC021 (preview): a cache cleared on every rerun never hits.

Proof: the script runs three times with identical inputs; a cached function of
the script missed its cache on both reruns (Streamlit's own metrics), with no
exception: the clear emptied it every time.
"""

from __future__ import annotations

from expectations import Expected, Fixture
from oracle.harness import ScriptResult
from oracle.registry import Verdict, probe, where

RERUNS = 2


@probe("STC021", reruns=RERUNS)
def check_cleared_every_run(fixture: Fixture, expected: list[Expected], results: list[ScriptResult]) -> Verdict:
    """Some cached function misses on every rerun."""
    verdict = Verdict(explains_rerun_misses=True)
    for item in expected:
        every = [name for result in results for name, misses in result.rerun_misses().items() if misses >= RERUNS]
        if not every:
            verdict.problems.append(f"{where(fixture, item)}: expected STC021: a cached function that misses on "
                                    f"each of {RERUNS} reruns; misses: {[dict(r.rerun_misses()) for r in results]}")
    return verdict
