"""STC004: a ``hash_funcs`` entry whose result defeats the cache.

Proof: the hasher spy shows that Streamlit called the entry, and its result
changes the key on every call: the cached function misses on every rerun with
identical inputs and its cache grows (a marker without a parameter). A marker
naming a parameter: the entry's result cannot be hashed, so that argument
raises ``UnhashableParamError`` (STC001's check).
"""

from __future__ import annotations

from expectations import Expected, Fixture
from oracle.checks import entry_calls
from oracle.harness import ScriptResult
from oracle.probes.stc001 import check_unhashable
from oracle.registry import Verdict, label, probe, where
from oracle.source import cached_function_at, hash_funcs_key_at


@probe("STC004")
def check_volatile_hash(fixture: Fixture, expected: list[Expected], results: list[ScriptResult]) -> Verdict:
    """Streamlit calls the entry, and its result defeats the cache.

    A marker without a parameter: the cached function misses on every rerun with
    identical inputs and its cache grows (a new key per call). A marker naming a
    parameter: the result cannot be hashed, so that argument raises
    ``UnhashableParamError``.
    """
    unhashable = [item for item in expected if item.detail]
    verdict = check_unhashable(fixture, unhashable, results) if unhashable else Verdict()
    volatile = [item for item in expected if not item.detail]
    verdict.explains_rerun_misses = bool(volatile)
    for item in expected:
        key = hash_funcs_key_at(item.path, item.line)
        if key is None:
            verdict.problems.append(f"{where(fixture, item)}: {item.code} marker on a line with no hash_funcs entry")
        elif not entry_calls(results, key):
            verdict.problems.append(f"{where(fixture, item)}: expected {item.code}: Streamlit never called the "
                                    f"hash_funcs entry {key.label}")
    for item in volatile:
        qualname = cached_function_at(item.path, item.line)
        missed = [name for result in results for name in result.rerun_misses()
                  if qualname is None or name.endswith("." + qualname)]
        if not missed:
            target = f"'{qualname}'" if qualname else "any cached function"
            verdict.problems.append(f"{where(fixture, item)}: expected STC004: {target} should miss the cache on "
                                    f"reruns with identical inputs; rerun misses: "
                                    f"{[dict(r.rerun_misses()) for r in results]}")
    if volatile and sum(result.entry_growth for result in results) <= 0:
        verdict.problems.append(f"{label(fixture)}: expected STC004 but the cache did not grow over the reruns")
    return verdict
