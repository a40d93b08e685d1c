"""STC008: a widget called inside a cached function.

Proof: every expected line is on the stack of a ``CachedWidgetWarning``, on
every run. Streamlit attaches the call stack to the warning, so a finding at a
widget call (or at the helper call that leads to one) must be one of its
frames; the warning is replayed on cache hits, so each rerun shows it again.
"""

from __future__ import annotations

from pathlib import Path

from expectations import Expected, Fixture
from oracle.harness import ScriptResult, ShownError
from oracle.registry import Verdict, probe, where


@probe("STC008")
def check_cached_widget(fixture: Fixture, expected: list[Expected], results: list[ScriptResult]) -> Verdict:
    """Every expected line is on the stack of a ``CachedWidgetWarning``, on every run.

    Streamlit attaches the call stack to the warning: a finding at a widget call
    (or at the helper call that leads to one) must be one of its frames. The
    warning is replayed on cache hits, so each rerun must show it again.
    """
    verdict = Verdict()
    wanted = {(item.path.resolve(), item.line) for item in expected}

    def warned_at(error: ShownError, place: tuple[Path, int]) -> bool:
        return error.type == "CachedWidgetWarning" and place in error.frames

    for item in expected:
        place = (item.path.resolve(), item.line)
        for result in results:
            runs = [run for run in result.runs if any(warned_at(e, place) for e in run.errors)]
            if runs and len(runs) == len(result.runs):
                break
        else:
            shown = "; ".join(f"{e} at {[f'{p.name}:{n}' for p, n in e.frames if p.suffix == '.py'][-3:]}"
                              for r in results for e in r.first.errors) or "no exception"
            verdict.problems.append(f"{where(fixture, item)}: expected STC008: CachedWidgetWarning raised "
                                    f"through this line on every run; the app showed: {shown}")
    verdict.explains_error = lambda error: any(warned_at(error, place) for place in wanted)
    return verdict
