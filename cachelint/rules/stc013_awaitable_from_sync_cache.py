from __future__ import annotations

from typing import Iterator

from astroid import nodes

from cachelint.analysis.infer import assigned_values, is_generator, returns_of
from cachelint.analysis.values import Instance, Value
from cachelint.findings import Confidence, Finding
from cachelint.analysis.context import CachedContext
from cachelint.rules.base import Example, Rule
from cachelint.streamlit_model import awaitables, library


class AwaitableFromSyncCache(Rule):
    """A cached function that hands Streamlit an awaitable, or async code Streamlit rejects.

    ## What it does
    Finds three kinds of async code that Streamlit's caches refuse:

    * a plain `def` cached function that returns an awaitable instead of a value:
      the call of an `async def` function (app function or method) without
      `await`, `asyncio.gather(...)`, `asyncio.ensure_future(...)`,
      `asyncio.create_task(...)`, `asyncio.sleep(...)`..., or an instance of an app
      class that defines `__await__`;
    * an `async def` cached function with `refresh_mode="background"`;
    * an async generator function (`async def` that `yield`s) under a cache decorator.

    On releases before 1.64, where Streamlit's caches do not await anything, an
    `async def` cached function is reported too.

    ## Why is this bad?
    Streamlit checks what a plain `def` returns: an awaitable raises
    `CachedFunctionReturnedAwaitableError` on every call and nothing is cached
    (`asyncio.create_task` raises `RuntimeError: no running event loop` even
    before that). `async def` cached functions are supported since they are
    awaited, but background refresh is not: the decorator raises
    `StreamlitValueError`. Async generators are one-shot streams and the decorator
    rejects them with `StreamlitAPIException`.

    ## By release
    Measured on every release (docs/streamlit-versions.md):

    * `async def` cached functions work from 1.64. Before, `st.cache_data` tries to
      pickle the coroutine (`UnserializableReturnValueError` on every call) and
      `st.cache_resource` caches the coroutine itself: the first await works, the
      next one raises `RuntimeError`.
    * A plain `def` returning a coroutine raises `CachedFunctionReturnedAwaitableError`
      from 1.65; before, it fails as an `async def` did before 1.64.
    * Async generator functions are rejected when decorated from 1.64
      (`StreamlitAPIException`); before, `st.cache_data` cannot pickle the generator
      and `st.cache_resource` hands back the same, spent generator.
    * `refresh_mode="background"` on an `async def` is rejected from 1.64 (the option
      itself arrived in 1.61: STC012 reports it before that).

    ## Example
    ```python
    async def fetch(url: str) -> dict: ...

    @st.cache_data
    def load(url: str):
        return fetch(url)
    ```

    ## Use instead
    ```python
    @st.cache_data
    async def load(url: str):
        return await fetch(url)
    ```
    or keep `def` and run the coroutine: `return asyncio.run(fetch(url))`.
    """

    code = "STC013"
    INVALID = (
        Example("""
            import asyncio

            import streamlit as st


            async def fetch(n):
                await asyncio.sleep(0)
                return n


            @st.cache_data
            def load(n):  # expect: STC013
                return fetch(n)
        """),
        # Before 1.64 the caches do not await: an async def is cached as a coroutine.
        Example("""
            import streamlit as st


            @st.cache_data
            async def load(n):  # expect: STC013
                return n
        """, target_streamlit="1.50"),
    )
    VALID = (
        Example("""
            import asyncio

            import streamlit as st


            async def fetch(n):
                await asyncio.sleep(0)
                return n


            @st.cache_data
            def load(n):
                return asyncio.run(fetch(n))
        """),
        Example("""
            import streamlit as st


            @st.cache_data
            async def load(n):
                return n
        """, target_streamlit="1.64"),
    )

    def check(self, ctx: CachedContext) -> Iterator[Finding]:
        cached = ctx.cached
        support = ctx.model.async_support
        api, kind, on = cached.api, cached.kind, ctx.model.shown
        if isinstance(cached.node, nodes.AsyncFunctionDef):
            if is_generator(cached.node):
                failure = support.failure(awaitables.ASYNC_GENERATOR, kind)
                if failure is not None:
                    yield self._finding(ctx, (
                        f"cached '{cached.name}' is an async generator function: on {on} {failure.phrase(api)}; "
                        f"collect the items in an async def and return a list"))
                return
            failure = support.failure(awaitables.ASYNC_DEF, kind)
            if failure is not None:
                yield self._finding(ctx, (
                    f"cached '{cached.name}' is an async def, which {api} supports from Streamlit "
                    f"{support.async_def_from}: on {on} {failure.phrase(api)}; make it a plain def that runs the "
                    f"coroutine (asyncio.run(...)), or require streamlit>={support.async_def_from}"))
                return
            failure = support.failure(awaitables.ASYNC_BACKGROUND, kind)
            if _background(cached) and failure is not None:
                yield self._finding(ctx, (
                    f"cached '{cached.name}' is an async def with refresh_mode=\"background\": on {on} "
                    f"{failure.phrase(api)}; use refresh_mode=\"foreground\""))
            return
        if is_generator(cached.node):
            return
        failure = support.failure(awaitables.COROUTINE_RETURNED, kind)
        for ret in returns_of(cached.node):
            for value in sorted(ctx.inferrer.values(ret.value), key=repr) if ret.value is not None else ():
                what = self._awaitable(value, ctx)
                if what is None:
                    continue
                if _needs_loop(ret.value, ctx):
                    fails = "every call fails (RuntimeError: no running event loop)"
                elif failure is not None and (failure.when != awaitables.LATER_CALLS or _coroutine(value)):
                    # Handed back from the cache, a coroutine cannot be awaited again; a done
                    # future or task can (measured with a coroutine: behaviour.coroutine_returned_*).
                    fails = failure.phrase(api)
                else:
                    continue
                fix = ("make it 'async def' and await it, or run it to completion (asyncio.run(...))"
                       if support.async_def_supported else "run it to completion instead (asyncio.run(...))")
                yield self._finding(ctx, f"cached '{cached.name}' is a plain def that returns {what}, so {fails}; {fix}")
                return

    @staticmethod
    def _awaitable(value: Value, ctx: CachedContext) -> str | None:
        if not isinstance(value, Instance):
            return None
        name = library.canonical(value.cls.qualname)
        if name in awaitables.AWAITABLE_TYPES:
            return awaitables.AWAITABLE_TYPES[name] + " (not awaited)"
        if value.cls.node is not None:
            for cls in ctx.inferrer.project_mro(value.cls.node):
                if "__await__" in cls.locals:
                    return f"'{value.cls.name}', an awaitable (it defines __await__)"
        return None

    def _finding(self, ctx: CachedContext, message: str) -> Finding:
        node = ctx.cached.node
        position = node.position  # the `def` keyword, not the first decorator
        return self.report(ctx, node, message, Confidence.HIGH,
                           line=position.lineno if position else node.lineno,
                           col=position.col_offset if position else node.col_offset)


def _coroutine(value: Value) -> bool:
    return isinstance(value, Instance) and library.canonical(value.cls.qualname) == "builtins.coroutine"


def _background(cached) -> bool:
    option = cached.option("refresh_mode")
    return isinstance(option, nodes.Const) and option.value == "background"


def _needs_loop(expr: nodes.NodeNG, ctx: CachedContext) -> bool:
    """The returned value comes straight from ``asyncio.create_task(...)``."""
    if isinstance(expr, nodes.Name):
        values = assigned_values(expr)
        return len(values) == 1 and values[0] is not None and _needs_loop(values[0], ctx)
    if isinstance(expr, nodes.Call):
        for callee in ctx.inferrer.values(expr.func):
            if library.canonical(getattr(callee, "qualname", "")) in awaitables.NEEDS_RUNNING_LOOP:
                return True
    return False
