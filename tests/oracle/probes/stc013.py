"""STC013: a cached function that returns an awaitable (or is itself async).

Proof: the app shows, for the function whose ``def`` holds the marker,
``CachedFunctionReturnedAwaitableError``, Streamlit's rejection of coroutine
functions (``StreamlitValueError``) or of async generators
(``StreamlitAPIException``), or the ``RuntimeError`` of ``asyncio.create_task``
/ ``ensure_future`` without a running event loop. A call that fails stores
nothing, so its rerun misses are explained.
"""

from __future__ import annotations

from expectations import Expected, Fixture
from oracle.checks import error_at_def
from oracle.harness import ScriptResult, ShownError
from oracle.registry import Verdict, probe


def _awaitable_rejected(error: ShownError, name: str | None) -> bool:
    if error.type == "CachedFunctionReturnedAwaitableError":
        return name is None or f"`{name}()`" in error.message
    if error.type == "StreamlitValueError":
        return "coroutine functions" in error.message
    if error.type == "StreamlitAPIException":
        return "Async-generator functions cannot be cached" in error.message
    # asyncio.create_task / ensure_future without a running (or current) event loop
    return error.type == "RuntimeError" and "event loop" in error.message


_check = error_at_def("STC013", "CachedFunctionReturnedAwaitableError or a rejected async def",
                      _awaitable_rejected)


@probe("STC013")
def check_awaitable(fixture: Fixture, expected: list[Expected], results: list[ScriptResult]) -> Verdict:
    """The app rejects the awaitable of the function whose ``def`` holds the marker."""
    return _check(fixture, expected, results)
