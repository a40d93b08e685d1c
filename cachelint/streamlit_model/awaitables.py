"""How Streamlit's caches treat async code, per release (built from the measured data by
``cachelint.streamlit_model.from_facts``; the facts are ``behaviour.async_def_*``,
``behaviour.coroutine_returned_*``, ``behaviour.async_generator_*`` and
``behaviour.async_def_background_*`` in ``releases/behaviour.json``).

* ``async def`` cached functions are supported from 1.64: the wrapper awaits the body
  and caches the awaited result. Before, ``st.cache_data`` tries to pickle the
  coroutine (``UnserializableReturnValueError`` on every call) and
  ``st.cache_resource`` caches the coroutine itself (the second await raises
  ``RuntimeError``).
* A plain ``def`` whose result is awaitable raises ``CachedFunctionReturnedAwaitableError``
  on every miss from 1.65; before, the same as an ``async def`` on an old release.
* With ``refresh_mode="background"`` an ``async def`` is rejected when decorated
  (``StreamlitValueError``), and async generator functions are rejected when decorated
  (``StreamlitAPIException``) on the releases that say so.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Cases measured per release.
ASYNC_DEF = "async_def"  # an async def cached function
COROUTINE_RETURNED = "coroutine_returned"  # a plain def that returns a coroutine
ASYNC_GENERATOR = "async_generator"  # an async def that yields
ASYNC_BACKGROUND = "async_def_background"  # an async def with refresh_mode="background"

# When a failure happens.
AT_DECORATION = "decoration"
EVERY_CALL = "every call"
LATER_CALLS = "later calls"


@dataclass(frozen=True)
class Failure:
    """How a cached function of one case fails on one release."""

    when: str  # AT_DECORATION, EVERY_CALL or LATER_CALLS
    error: str  # the exception ("" when later calls silently get a spent object)

    def phrase(self, api: str) -> str:
        """"every call fails (UnserializableReturnValueError)"..."""
        if self.when == AT_DECORATION:
            return f"{api} rejects it when it decorates it ({self.error})"
        if self.when == EVERY_CALL:
            return f"every call fails ({self.error})"
        if self.error:
            return (f"the first call works and every later one fails ({self.error}): the cache hands back the "
                    f"same object, already consumed")
        return "the first call works and every later one gets the same, already consumed object"


@dataclass(frozen=True)
class AsyncSupport:
    streamlit: str
    # (case, kind) -> how it fails on this release; a case that works is absent.
    failures: dict[tuple[str, str], Failure] = field(default_factory=dict)
    async_def_from: str | None = None  # the first release that supports async def cached functions

    @property
    def async_def_supported(self) -> bool:
        return not any(case == ASYNC_DEF for case, _ in self.failures)

    def failure(self, case: str, kind: str) -> Failure | None:
        return self.failures.get((case, kind))


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
