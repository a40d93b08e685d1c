"""Check builders several probes share.

* ``error_at_def``: the app shows a matching error for the function whose ``def``
  holds the marker (STC007, STC013).
* ``hidden_input``: a comparison run shows a stale cached result, and the cached
  function holding the marker hit its cache (STC009, STC010).
* ``entry_calls``: how often Streamlit called a ``hash_funcs`` entry (STC004,
  STC005, STC014).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from expectations import Expected, Fixture
from oracle import comparisons
from oracle.harness import ScriptResult, ShownError
from oracle.registry import Check, Verdict, where
from oracle.source import HashFuncsKey, function_named_at, functions_around


def error_at_def(code: str, what: str, matches: Callable[[ShownError, str | None], bool]) -> Check:
    """A finding at a ``def`` line: the app shows a matching error for that function.

    ``matches(error, name)`` says whether ``error`` is the consequence for the
    function ``name`` (``None``: for any function).
    """

    def check(fixture: Fixture, expected: list[Expected], results: list[ScriptResult]) -> Verdict:
        verdict = Verdict(explains_rerun_misses=True)  # a call that fails stores nothing: it misses every time
        scripts = {result.script for result in results}
        available = [error for result in results for error in result.first.errors]
        for item in sorted(expected, key=lambda e: e.path not in scripts):
            name = function_named_at(item.path, item.line)
            if name is None:
                verdict.problems.append(f"{where(fixture, item)}: {code} marker is not on a def line")
                continue
            script = item.path if item.path in scripts else None
            for error in available:
                if matches(error, name) and (script is None or error.script == script):
                    available.remove(error)
                    break
            else:
                shown = "; ".join(str(e) for r in results for e in r.first.errors) or "no exception"
                verdict.problems.append(
                    f"{where(fixture, item)}: expected {code}: {what} for '{name}'; the app showed: {shown}"
                )
        verdict.explains_error = lambda error: matches(error, None)
        return verdict

    return check


def hidden_input(code: str, compare: Callable[[Fixture, Path], comparisons.Comparison], what: str) -> Check:
    """The run on shared caches shows a stale result: it differs from the same run on empty
    caches, and the cached function that holds the finding hit its cache."""

    def check(fixture: Fixture, expected: list[Expected], results: list[ScriptResult]) -> Verdict:
        verdict = Verdict()
        scripts = [result.script for result in results]
        runs = {script: compare(fixture, script) for script in scripts}
        for script, comparison in runs.items():
            for shown in (comparison.first, comparison.shared, comparison.fresh):
                if shown.errors:
                    verdict.problems.append(f"{script.name}: {code} oracle run showed errors: {shown.errors}")
        for item in expected:
            candidates = [item.path] if item.path in runs else scripts
            proofs = [s for s in candidates
                      if runs[s].stale and cached_hit(runs[s].shared, item.path, item.line)]
            if not proofs:
                seen = {s.name: (runs[s].difference() if runs[s].stale else "no difference",
                                 dict(runs[s].shared.misses), runs[s].changed) for s in candidates}
                verdict.problems.append(f"{where(fixture, item)}: expected {code}: {what}; saw {seen}")
        return verdict

    return check


def cached_hit(shown: comparisons.Shown, path: Path, line: int) -> bool:
    """Did the cached function whose body holds ``line`` hit its cache in this run?"""
    names = functions_around(path, line)
    return any(lookups > shown.misses[name] for name, lookups in shown.lookups.items()
               if any(name.endswith("." + qualname) for qualname in names))


def entry_calls(results: list[ScriptResult], key: HashFuncsKey) -> int:
    """Calls of a ``hash_funcs`` entry over every run (the hasher spy's count)."""
    return sum(count for result in results for run in result.runs
               for name, count in run.hash_funcs_calls.items() if key.matches(name))
