"""STC003: an identity-based key (``hash_funcs`` returning ``id``) misses on every rerun.

Proof: with identical inputs, the cached body runs again on every rerun and the
cache grows. Evidence comes from Streamlit's per-function lookup metrics (misses
during the reruns) and from the number of stored entries. CPython can reuse the
id of a collected object, so one rerun may hit by accident: this probe asks for
``IDENTITY_RERUNS`` reruns.
"""

from __future__ import annotations

from expectations import Expected, Fixture
from oracle.harness import ScriptResult
from oracle.registry import Verdict, label, probe, where
from oracle.source import cached_function_at

IDENTITY_RERUNS = 4


@probe("STC003", reruns=IDENTITY_RERUNS)
def check_identity_hash(fixture: Fixture, expected: list[Expected], results: list[ScriptResult]) -> Verdict:
    """The cached body runs again on reruns with identical inputs, and the cache grows.

    Evidence comes from Streamlit's per-function lookup metrics (misses during
    the reruns) and from the number of stored cache entries. When the marker
    sits in the decorator of a function (or in a ``st.cache_data(func, ...)``
    call), that function must be the one that misses.
    """
    verdict = Verdict(explains_rerun_misses=True)
    misses = {result.script: result.rerun_misses() for result in results}
    growth = sum(result.entry_growth for result in results)
    for item in expected:
        qualname = cached_function_at(item.path, item.line)
        missed = [
            name
            for per_script in misses.values()
            for name in per_script
            if qualname is None or name.endswith("." + qualname)
        ]
        if not missed:
            target = f"'{qualname}'" if qualname else "any cached function"
            seen = {str(s.name): dict(m) for s, m in misses.items()}
            verdict.problems.append(
                f"{where(fixture, item)}: expected STC003: {target} should miss the cache on "
                f"reruns with identical inputs; rerun misses: {seen}"
            )
    if growth <= 0:
        verdict.problems.append(
            f"{label(fixture)}: expected STC003 but the cache did not grow over the reruns"
        )
    return verdict
