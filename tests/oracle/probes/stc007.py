"""STC007: ``st.cache_data`` returns something it cannot pickle.

Proof: the app shows ``UnserializableReturnValueError`` naming the function of
the marker's ``def`` line (``UnevaluatedDataFrameError`` for DB-API cursors), or
pickle's own ``AttributeError`` / ``PicklingError`` that Streamlit does not
translate ("Can't pickle local object ..."). A call that fails stores nothing,
so its rerun misses are explained.
"""

from __future__ import annotations

from expectations import Expected, Fixture
from oracle.checks import error_at_def
from oracle.harness import ScriptResult, ShownError
from oracle.registry import Verdict, probe


def _unserializable(error: ShownError, name: str | None) -> bool:
    if error.type in ("UnserializableReturnValueError", "UnevaluatedDataFrameError"):  # the latter: DB-API cursors
        return name is None or f"`{name}()`" in error.message
    # pickle's own errors that Streamlit does not translate ("Can't pickle local object ...")
    return error.type in ("AttributeError", "PicklingError") and "pickle" in error.message


_check = error_at_def("STC007", "UnserializableReturnValueError (or pickle's error)", _unserializable)


@probe("STC007")
def check_unserializable(fixture: Fixture, expected: list[Expected], results: list[ScriptResult]) -> Verdict:
    """The app shows the pickling error for the function whose ``def`` holds the marker."""
    return _check(fixture, expected, results)
