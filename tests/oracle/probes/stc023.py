"""STC023 (preview, opt-in): a cache with no bound, keyed by free-form input.

Proof: one session types ``STEPS`` new values into every free-form widget of the
script (text inputs and areas, number inputs, the chat input), one rerun each; or,
for a script without one (an argument from the clock), just reruns. Streamlit's
stored entries grow with every step, with no exception: nothing is ever dropped.
"""

from __future__ import annotations

from pathlib import Path

from expectations import Expected, Fixture
from oracle.harness import TIMEOUT, ScriptResult, import_root, isolated, shown_errors
from oracle.internals import cache_entry_count, clear_caches
from oracle.registry import Verdict, probe, where

STEPS = 4


@probe("STC023")
def check_unbounded(fixture: Fixture, expected: list[Expected], results: list[ScriptResult]) -> Verdict:
    """Each new input adds a cache entry."""
    verdict = Verdict(explains_rerun_misses=True)  # new inputs on reruns (the clock) are misses by design
    scripts = {result.script for result in results}
    for item in expected:
        entries, errors = grow(fixture, item.path if item.path in scripts else fixture.entry)
        if errors or any(later <= earlier for earlier, later in zip(entries, entries[1:])):
            verdict.problems.append(f"{where(fixture, item)}: expected STC023: one more cache entry per new "
                                    f"input; entries after each step: {entries}, errors {errors}")
    return verdict


def grow(fixture: Fixture, script: Path) -> tuple[list[int], list[str]]:
    """Cache entries after the first run and after each of ``STEPS`` new inputs."""
    from streamlit.testing.v1 import AppTest

    with isolated(import_root(fixture)):
        clear_caches()
        at = AppTest.from_file(str(script), default_timeout=TIMEOUT)
        at.run()
        entries, errors = [cache_entry_count()], [str(e) for e in shown_errors(at, script)]
        for step in range(1, STEPS + 1):
            for widget in list(at.text_input) + list(at.text_area):
                widget.set_value(f"input number {step}")
            for widget in at.number_input:
                widget.set_value((widget.value or 0) + 1)
            for widget in at.chat_input:
                widget.set_value(f"message number {step}")
            at.run()
            entries.append(cache_entry_count())
            errors += [str(e) for e in shown_errors(at, script)]
        clear_caches()
    return entries, errors
