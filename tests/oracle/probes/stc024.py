"""STC024 (preview): a cached function that acts runs only on a cache miss.

Proof: one session runs the script, then clicks every button (if any) and reruns,
three times. The cached function holding the marker was called on each of those
runs (Streamlit's lookups) but its body ran once (``count_bodies``): the later
calls returned the stored result and did not act; and the app ends up showing
something else than the same clicks show with a cache that never hits (where the
action happens every time): the action's effect is visible.
"""

from __future__ import annotations

import contextlib

from expectations import Expected, Fixture
from oracle.harness import TIMEOUT, ScriptResult, comparable, import_root, isolated, shown_errors
from oracle.internals import cache_never_hits, clear_caches, lookup_counts
from oracle.registry import Verdict, probe, where
from oracle.source import functions_around
from oracle.tricks import count_bodies

CLICKS = 3


@probe("STC024")
def check_side_effect_once(fixture: Fixture, expected: list[Expected], results: list[ScriptResult]) -> Verdict:
    """Called on every run, executed once."""
    verdict = Verdict()
    scripts = {result.script for result in results}
    for item in expected:
        script = item.path if item.path in scripts else fixture.entry
        names = functions_around(item.path, item.line)
        bodies, lookups, errors, cached = _clicks(fixture, script, names)
        uncached = _clicks(fixture, script, names, never_hits=True)[3]
        if errors or cached == uncached or \
                not any(bodies.get(n) == 1 and lookups.get(n, 0) >= CLICKS for n in names):
            verdict.problems.append(f"{where(fixture, item)}: expected STC024: the cached function is called on "
                                    f"each of {CLICKS} clicks and runs once, and the app shows something else "
                                    f"than without its cache; bodies {bodies}, lookups {lookups}, errors {errors}, "
                                    f"same as uncached: {cached == uncached}")
    return verdict


def _clicks(fixture: Fixture, script, names: list[str], never_hits: bool = False):
    """(body executions, lookups by function, errors, what the app shows at the end)."""
    from streamlit.testing.v1 import AppTest

    with isolated(import_root(fixture)), count_bodies(fixture) as log, \
            cache_never_hits() if never_hits else contextlib.nullcontext():
        clear_caches()
        before, _ = lookup_counts()
        at = AppTest.from_file(str(script), default_timeout=TIMEOUT)
        at.run()
        errors = [str(e) for e in shown_errors(at, script)]
        for _ in range(CLICKS):
            for button in at.button:
                button.click()
            at.run()
            errors += [str(e) for e in shown_errors(at, script)]
        after, _ = lookup_counts()
        shown = comparable(at)
        clear_caches()
    calls = after - before
    lookups = {n: sum(v for k, v in calls.items() if k.endswith("." + n)) for n in names}
    return {n: log.count(n) for n in names}, lookups, errors, shown
