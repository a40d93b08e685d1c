"""STC017: a cache_resource asyncio primitive waited on under a new event loop each rerun.

Proof (the standard runs): the first run shows no such error, and a rerun with the
same inputs raises ``RuntimeError: ... is bound to a different event loop``: the
primitive bound to the first run's loop, and ``asyncio.run`` made a new one.
"""

from __future__ import annotations

from expectations import Expected, Fixture
from oracle.harness import ScriptResult, ShownError
from oracle.registry import Verdict, probe, where


@probe("STC017")
def check_loop_bound(fixture: Fixture, expected: list[Expected], results: list[ScriptResult]) -> Verdict:
    """The first run is fine; a rerun fails because the primitive is bound to the old loop."""
    verdict = Verdict(explains_rerun_misses=False)
    proven = [result for result in results
              if not any(loop_error(e) for e in result.first.errors)
              and any(loop_error(e) for run in result.reruns for e in run.errors)]
    for item in expected:
        if not proven:
            shown = {result.script.name: [[str(e) for e in run.errors] for run in result.runs] for result in results}
            verdict.problems.append(f"{where(fixture, item)}: expected STC017: a clean first run, then a rerun "
                                    f"failing with 'bound to a different event loop'; the app showed: {shown}")
    verdict.explains_error = loop_error
    return verdict


def loop_error(error: ShownError) -> bool:
    return error.type == "RuntimeError" and "bound to a different event loop" in error.message
