"""STC001 / STC002: an unhashable argument of a cached function.

Proof: Streamlit raises ``UnhashableParamError`` ("Cannot hash argument 'obj'")
naming the marker's parameter (``self`` for STC002, a method's instance) on the
first call. A finding in a script must be shown by that script, one in an
imported module by any script; each finding needs an error of its own, and
every ``UnhashableParamError`` the app shows must be explained by a finding.
"""

from __future__ import annotations

from pathlib import Path

from expectations import Expected, Fixture
from oracle.harness import ScriptResult, ShownError
from oracle.registry import Verdict, probe, where


@probe("STC001", "STC002")
def check_unhashable(fixture: Fixture, expected: list[Expected], results: list[ScriptResult]) -> Verdict:
    """The app shows an ``UnhashableParamError`` for the expected parameter.

    A finding in a script (entry or page) must be shown by that script; a
    finding in an imported module (a cached function annotated in utils.py) by
    any script of the fixture. On the first run each finding needs an error of
    its own; on every run, every ``UnhashableParamError`` must be explained by a
    finding.
    """
    verdict = Verdict()
    scripts = {result.script for result in results}
    wanted: list[tuple[Expected, str, Path | None]] = []  # (finding, param, script or None = any)
    for item in expected:
        param = item.detail or ("self" if item.code == "STC002" else None)
        if param is None:
            verdict.problems.append(f"{where(fixture, item)}: {item.code} marker must name the parameter")
            continue
        wanted.append((item, param, item.path if item.path in scripts else None))

    def matches(error: ShownError, param: str, script: Path | None) -> bool:
        return (
            error.type == "UnhashableParamError"
            and error.param == param
            and (script is None or error.script == script)
        )

    available = [error for result in results for error in result.first.errors]
    # Findings bound to a script first, so a module finding cannot take their error.
    for item, param, script in sorted(wanted, key=lambda w: w[2] is None):
        for error in available:
            if matches(error, param, script):
                available.remove(error)
                break
        else:
            shown = "; ".join(str(e) for r in results for e in r.first.errors) or "no exception"
            where_shown = script.name if script else "any script"
            verdict.problems.append(
                f"{where(fixture, item)}: expected {item.code}: UnhashableParamError "
                f"\"Cannot hash argument '{param}'\" in {where_shown}; the app showed: {shown}"
            )

    verdict.explains_error = lambda error: any(matches(error, p, s) for _, p, s in wanted)
    return verdict
