"""How Streamlit 1.67 treats async code in cached functions (``runtime/caching/cache_utils.py``).

* ``async def`` cached functions are supported: the wrapper is a coroutine function
  that awaits the body and caches the awaited result (``_get_or_create_cached_value_async``).
* With ``refresh_mode="background"`` they are rejected when decorated
  (``CachedFuncInfo.__init__``: ``StreamlitValueError`` "Background refresh is not
  supported for coroutine functions"), for both ``st.cache_data`` and
  ``st.cache_resource``.
* Async generator functions are rejected when decorated (``StreamlitAPIException``,
  error id ``async-generator-function-not-cacheable``).
* A plain ``def`` cached function whose result is awaitable (``inspect.isawaitable``)
  raises ``CachedFunctionReturnedAwaitableError`` on every miss
  (``_reject_awaitable_return_value``), before anything is stored.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class AsyncSupport:
    streamlit: str
    async_def_supported: bool
    async_background_rejected: bool  # refresh_mode="background" on an async def
    async_generator_rejected: bool
    sync_awaitable_error: str  # what a plain def returning an awaitable raises


STREAMLIT_1_67 = AsyncSupport(
    streamlit="1.67",
    async_def_supported=True,
    async_background_rejected=True,
    async_generator_rejected=True,
    sync_awaitable_error="CachedFunctionReturnedAwaitableError",
)

MODELS = {model.streamlit: model for model in (STREAMLIT_1_67,)}
LATEST = STREAMLIT_1_67


def support_for(version: str | None) -> AsyncSupport:
    """The async facts of a Streamlit version ("1.67", "1.67.0"); the latest for unknown ones."""
    if version:
        return MODELS.get(".".join(version.split(".")[:2]), LATEST)
    return LATEST

# Classes whose instances ``inspect.isawaitable`` accepts (canonical names). App
# classes count too when they (or an app base) define ``__await__``.
AWAITABLE_TYPES: dict[str, str] = {
    "builtins.coroutine": "a coroutine",
    "asyncio.Future": "an asyncio future",
    "asyncio.Task": "an asyncio task",
    "asyncio.futures.Future": "an asyncio future",
    "asyncio.tasks.Task": "an asyncio task",
}

# Calls that need a running event loop: in a plain def called from the script they
# raise ``RuntimeError: no running event loop`` before Streamlit sees the task.
NEEDS_RUNNING_LOOP: frozenset[str] = frozenset({"asyncio.create_task"})
