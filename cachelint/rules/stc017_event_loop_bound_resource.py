"""STC017 event-loop-bound-resource: ``st.cache_resource`` keeps an asyncio primitive that
binds to the first event loop that waits on it.

``asyncio.Lock``, ``Semaphore``, ``Event``, ``Condition``, ``Queue``... bind to the running
loop the first time a coroutine has to wait on them. An app that drives its coroutines
with ``asyncio.run`` makes a new loop on every rerun, so the cached primitive is bound
to a loop that is gone: the next rerun that waits on it raises ``RuntimeError: ... is
bound to a different event loop``.
"""

from __future__ import annotations

from typing import Iterator

from astroid import nodes

from cachelint.analysis.walk import nodes_in
from cachelint.analysis.context import CachedContext
from cachelint.analysis.flow import library_callee, returned_calls, runs_every_rerun, value_uses
from cachelint.analysis.project import Module
from cachelint.findings import Confidence, Finding
from cachelint.rules.base import Example, Rule

PRIMITIVES = {f"asyncio.{name}": name for name in (
    "Lock", "Semaphore", "BoundedSemaphore", "Event", "Condition", "Queue", "PriorityQueue", "LifoQueue",
    "Barrier")}
PRIMITIVES.update({f"asyncio.locks.{name}": name for name in (
    "Lock", "Semaphore", "BoundedSemaphore", "Event", "Condition", "Barrier")})
PRIMITIVES.update({f"asyncio.queues.{name}": name for name in ("Queue", "PriorityQueue", "LifoQueue")})
# Methods a coroutine awaits on a primitive (the waits that bind it to the running loop).
AWAITED_METHODS = frozenset({"acquire", "wait", "wait_for", "get", "put", "join"})
# Calls that start a new event loop (on every rerun, when the script makes them).
NEW_LOOP_CALLS = frozenset({"asyncio.run", "asyncio.new_event_loop", "asyncio.runners.run"})


class EventLoopBoundResource(Rule):
    """`st.cache_resource` keeps an asyncio lock, semaphore, event or queue across event loops.

    ## What it does
    Finds `@st.cache_resource` functions that return an `asyncio.Lock`,
    `Semaphore`, `BoundedSemaphore`, `Event`, `Condition`, `Barrier` or `Queue`
    (directly, through a local, or in an attribute of a returned object of the app's
    own class) when the app waits on it in a coroutine (`async with`, `await
    x.acquire()`, `await q.get()`, ...: through variables and into the app's
    functions it is passed to, or in the methods of that class) and starts its
    coroutines with `asyncio.run` (or `asyncio.new_event_loop`). A primitive only
    used from synchronous code (`put_nowait`, `get_nowait`), or one whose coroutines
    run on one long-lived loop, is not reported. Async clients (`httpx.AsyncClient`,
    `aiohttp.ClientSession`...) are not judged yet.

    ## Why is this bad?
    An asyncio primitive binds to the running event loop the first time a coroutine
    has to wait on it. `asyncio.run` makes a new loop on every rerun, and the cached
    primitive outlives it: the next rerun that waits on it raises
    `RuntimeError: <asyncio.locks.Semaphore ...> is bound to a different event loop`.
    Sessions running at the same time, each in its own loop, fail the same way.

    ## Example
    ```python
    import asyncio

    import streamlit as st


    @st.cache_resource
    def get_limiter():
        return asyncio.Semaphore(1)


    async def fetch(i):
        async with get_limiter():
            await asyncio.sleep(0.01)
            return i


    async def main():
        return await asyncio.gather(*(fetch(i) for i in range(3)))


    st.write(asyncio.run(main()))
    ```

    ## Use instead
    ```python
    import asyncio

    import streamlit as st


    async def fetch(i, limiter):
        async with limiter:
            await asyncio.sleep(0.01)
            return i


    async def main():
        limiter = asyncio.Semaphore(1)  # one per run, in the running loop
        return await asyncio.gather(*(fetch(i, limiter) for i in range(3)))


    st.write(asyncio.run(main()))
    ```
    To limit work across sessions, use a `threading.Semaphore` (held around the
    `asyncio.run`), or run one long-lived loop in a cached background thread.
    """

    code = "STC017"
    INVALID = (
        Example("""
            import asyncio

            import streamlit as st


            @st.cache_resource
            def get_lock():
                return asyncio.Lock()  # expect: STC017


            async def step(i, lock):
                async with lock:
                    await asyncio.sleep(0.01)
                    return i


            async def main():
                lock = get_lock()
                return await asyncio.gather(step(1, lock), step(2, lock))


            st.write(asyncio.run(main()))
        """),
    )
    VALID = (
        Example("""
            import asyncio

            import streamlit as st


            @st.cache_resource
            def get_inbox():
                return asyncio.Queue()


            inbox = get_inbox()
            inbox.put_nowait("hello")
            st.write(inbox.get_nowait())
        """),
    )

    def check(self, ctx: CachedContext) -> Iterator[Finding]:
        cached = ctx.cached
        if cached.kind != "resource":
            return
        reported: set[nodes.NodeNG] = set()
        for returned in returned_calls(cached.node, ctx.inferrer):
            call = returned.call
            kind = PRIMITIVES.get(library_callee(call, ctx.inferrer) or "")
            if kind is None or call in reported:
                continue
            waits = self._awaited(ctx, returned.part, call)
            if not waits:
                continue
            modules = {ctx.module, *(ctx.inferrer.module_of(w) for w in waits)} - {None}
            loop = next((c for m in modules for c in _new_loop_calls(m, ctx)), None)
            if loop is None:
                continue
            reported.add(call)
            wait = waits[0]
            message = (f"'{cached.name}' caches an asyncio.{kind}{returned.part}, which binds to the event loop of the "
                       f"first coroutine that waits on it ({_where(wait, ctx)}); asyncio.run ({_where(loop, ctx)}) "
                       f"makes a new loop on every rerun, so the next rerun fails with RuntimeError ('... is bound "
                       f"to a different event loop'); create it inside the coroutine, or run one long-lived loop")
            anchor = call if call.root() is cached.node.root() else returned.anchor
            confidence = Confidence.HIGH if call.frame() is cached.node else Confidence.INFERENCE
            yield self.report(ctx, anchor, message, confidence)

    @staticmethod
    def _awaited(ctx: CachedContext, part: str, call: nodes.Call) -> list[nodes.NodeNG]:
        """Where a coroutine waits on the primitive ``call`` makes."""
        if part == "":
            found = [use.node for use in value_uses(ctx.sites, ctx.inferrer) if _awaited_use(use.node)]
        else:
            found = list(_awaited_attribute(call))
        return sorted(found, key=lambda n: (n.root().file or "", n.lineno or 0))


def _awaited_use(node: nodes.NodeNG) -> bool:
    """Is ``node`` (the primitive) waited on: ``async with node``, ``await node.acquire()``?"""
    parent = node.parent
    if isinstance(parent, nodes.AsyncWith) and any(item is node for item, _ in parent.items):
        return True
    if isinstance(parent, nodes.Attribute) and parent.expr is node and parent.attrname in AWAITED_METHODS:
        call = parent.parent
        return isinstance(call, nodes.Call) and call.func is parent and isinstance(call.parent, nodes.Await)
    return False


def _awaited_attribute(call: nodes.Call) -> Iterator[nodes.NodeNG]:
    """``self.<attr>`` waited on in the methods of the class whose ``__init__`` sets
    ``self.<attr> = call``."""
    assign = call.parent
    init = call.frame()
    cls = init.parent if isinstance(init, nodes.FunctionDef) else None
    if not isinstance(assign, (nodes.Assign, nodes.AnnAssign)) or not isinstance(cls, nodes.ClassDef):
        return
    targets = assign.targets if isinstance(assign, nodes.Assign) else [assign.target]
    names = {t.attrname for t in targets if isinstance(t, nodes.AssignAttr)}
    for method in cls.mymethods():
        if not isinstance(method, nodes.AsyncFunctionDef) or not method.args.args:
            continue
        this = method.args.args[0].name
        for attribute in method.nodes_of_class(nodes.Attribute):
            if attribute.attrname in names and isinstance(attribute.expr, nodes.Name) and \
                    attribute.expr.name == this and _awaited_use(attribute):
                yield attribute


def _new_loop_calls(module: Module, ctx: CachedContext) -> Iterator[nodes.Call]:
    def find() -> list[nodes.Call]:
        return [call for call in nodes_in(module.tree, nodes.Call)
                if isinstance(call.func, (nodes.Name, nodes.Attribute)) and
                getattr(call.func, "attrname", getattr(call.func, "name", "")) in ("run", "new_event_loop") and
                library_callee(call, ctx.inferrer) in NEW_LOOP_CALLS and runs_every_rerun(call, ctx.inferrer)]

    yield from ctx.memo(("stc017-new-loops", module.path), find)


def _where(node: nodes.NodeNG, ctx: CachedContext) -> str:
    module = ctx.inferrer.module_of(node)
    if module is None or module is ctx.module:
        return f"line {node.lineno}"
    return f"{module.path.name}:{node.lineno}"
