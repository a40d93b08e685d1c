"""STC005: a dead ``hash_funcs`` key (Streamlit never uses the entry).

Proof, from the hasher spy: Streamlit's hasher held the entry (it hashed an
argument with this table) and never called it. A marker naming a parameter:
that argument still raised ``UnhashableParamError``. A key that is an object,
not a type: Streamlit cannot name it and raises ``AttributeError``
(``__qualname__`` / ``__module__``) on the first call, before any table exists.
"""

from __future__ import annotations

from expectations import Expected, Fixture
from oracle.checks import entry_calls
from oracle.harness import ScriptResult, ShownError
from oracle.registry import Verdict, probe, where
from oracle.source import hash_funcs_key_at


@probe("STC005")
def check_dead_key(fixture: Fixture, expected: list[Expected], results: list[ScriptResult]) -> Verdict:
    """The entry is ignored: Streamlit's hasher held it (it hashed an argument with
    this table) and never called it. A marker naming a parameter: that argument
    still raised ``UnhashableParamError``. A key that is an object, not a type:
    Streamlit cannot name it and raises ``AttributeError`` (``__qualname__`` /
    ``__module__``) on the first call, before any table exists."""
    verdict = Verdict()
    first_errors = [error for result in results for error in result.first.errors]
    scripts = {result.script for result in results}
    unnamed_key = False
    for item in expected:
        key = hash_funcs_key_at(item.path, item.line, keys_only=True)
        if key is None:
            verdict.problems.append(f"{where(fixture, item)}: STC005 marker on a line with no hash_funcs key")
            continue
        held = {name for result in results for run in result.runs for name in run.hash_funcs_keys if key.matches(name)}
        calls = entry_calls(results, key)
        if held and not calls:
            pass  # ignored
        elif not held and any(_unnamed_key_error(error) for error in first_errors):
            unnamed_key = True
        else:
            verdict.problems.append(f"{where(fixture, item)}: expected STC005: the entry {key.label} held by "
                                    f"Streamlit's hasher and never called; held: {sorted(held)}, calls: {calls}, "
                                    f"errors: {[str(e) for e in first_errors]}")
        if item.detail and not any(error.type == "UnhashableParamError" and error.param == item.detail
                                   and (item.path not in scripts or error.script == item.path)
                                   for error in first_errors):
            verdict.problems.append(f"{where(fixture, item)}: expected STC005: argument '{item.detail}' still "
                                    f"raises UnhashableParamError; the app showed: {[str(e) for e in first_errors]}")
    params = {item.detail for item in expected if item.detail}
    verdict.explains_error = lambda error: (error.type == "UnhashableParamError" and error.param in params) or (
        unnamed_key and _unnamed_key_error(error))
    return verdict


def _unnamed_key_error(error: ShownError) -> bool:
    return error.type == "AttributeError" and ("'__qualname__'" in error.message or "'__module__'" in error.message)
