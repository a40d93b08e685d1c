"""STC022 session-cache-off-thread (preview): a ``scope="session"`` cached function run in a
worker thread.

A session-scoped cache finds its session through the script run context of the
current thread. Worker threads (``ThreadPoolExecutor``, ``threading.Thread``,
``run_in_executor``) have none, and Streamlit raises ``StreamlitAPIException``.
"""

from __future__ import annotations

from typing import Iterator

from astroid import nodes

from cachelint.analysis.walk import nodes_in
from cachelint.analysis.context import CachedContext
from cachelint.analysis.flow import bound_values, library_callee
from cachelint.analysis.values import FUNCTION_NODES, BoundMethod, CachedCallable, Function
from cachelint.findings import Confidence, Finding
from cachelint.rules.base import Example, Rule
from cachelint.streamlit_model import session

EXECUTORS = frozenset({"concurrent.futures.thread.ThreadPoolExecutor"})
THREADS = frozenset({"threading.Thread", "threading.Timer"})
CONTEXT_HANDOFF = ("add_script_run_ctx", "get_script_run_ctx")


class SessionCacheOffThread(Rule):
    """A `scope="session"` cached function runs in a worker thread.

    ## What it does
    Finds cached functions with `scope="session"` that the app hands to a worker
    thread: passed to `ThreadPoolExecutor.map`/`.submit`, to
    `threading.Thread(target=...)` / `threading.Timer`, or to
    `loop.run_in_executor(...)`; or called in one of the app's functions that is
    passed there. Apps that mention `add_script_run_ctx` (which hands the script's
    context to a thread) are not reported.

    ## Why is this bad?
    A session-scoped cache looks up the current session through the script run
    context of the calling thread. Worker threads have none, so every call from one
    raises `StreamlitAPIException: A session-scoped cache was accessed outside of
    the app execution thread`. The same function with the default global scope
    works from any thread.

    ## Example
    ```python
    from concurrent.futures import ThreadPoolExecutor

    import streamlit as st


    @st.cache_data(scope="session")
    def price(sku):
        return len(sku) * 10


    with ThreadPoolExecutor(2) as pool:
        st.write(list(pool.map(price, ["a", "bb"])))
    ```

    ## Use instead
    ```python
    from concurrent.futures import ThreadPoolExecutor

    import streamlit as st


    @st.cache_data(scope="session")
    def price(sku):
        return len(sku) * 10


    st.write([price(sku) for sku in ["a", "bb"]])
    ```
    or keep the global scope for a function that worker threads call.
    """

    code = "STC022"
    INVALID = (
        Example("""
            import threading

            import streamlit as st


            @st.cache_resource(scope="session")
            def warm_up():
                return {"ready": True}


            worker = threading.Thread(target=warm_up)  # expect: STC022
            worker.start()
            worker.join()
            st.write("started")
        """),
    )
    VALID = (
        Example("""
            import threading

            import streamlit as st


            @st.cache_resource
            def warm_up():
                return {"ready": True}


            worker = threading.Thread(target=warm_up)
            worker.start()
            worker.join()
            st.write("started")
        """),
    )

    def check(self, ctx: CachedContext) -> Iterator[Finding]:
        cached = ctx.cached
        scope = cached.option("scope")
        if not (isinstance(scope, nodes.Const) and scope.value == session.SESSION_SCOPE):
            return
        wrappers = {site.call.frame() for site in ctx.sites if isinstance(site.call.frame(), FUNCTION_NODES)}
        reported: set[nodes.NodeNG] = set()
        for module in ctx.project.callers(cached.module, cached.names | {w.name for w in wrappers}):
            if any(word in module.text for word in CONTEXT_HANDOFF):
                continue
            for call in nodes_in(module.tree, nodes.Call):
                handed = _handed_to_thread(call, ctx)
                if handed is None:
                    continue
                target, how = handed
                runs = self._runs_cached(ctx, target, wrappers)
                if runs is None or target in reported:
                    continue
                reported.add(target)
                via = f" (through '{runs}')" if runs != cached.name else ""
                message = (f"'{cached.name}' has scope=\"session\" and runs in a worker thread{via} ({how}): worker "
                           f"threads have no script run context, so Streamlit raises StreamlitAPIException ('A "
                           f"session-scoped cache was accessed outside of the app execution thread'); call it in "
                           f"the script and pass the result, or use the global scope")
                yield self.report(ctx, target, message, Confidence.HIGH if via == "" else Confidence.INFERENCE)

    @staticmethod
    def _runs_cached(ctx: CachedContext, target: nodes.NodeNG, wrappers: set) -> str | None:
        """The name of what ``target`` runs when it is the cached function, or an app function
        that calls it; None otherwise."""
        for value in ctx.inferrer.values(target):
            node = value.function.node if isinstance(value, (CachedCallable, BoundMethod)) else \
                value.node if isinstance(value, Function) else None
            if node is ctx.cached.node:
                return ctx.cached.name
            if node in wrappers:
                return node.name
        return None


def _handed_to_thread(call: nodes.Call, ctx: CachedContext) -> tuple[nodes.NodeNG, str] | None:
    """(the function argument, how) when ``call`` runs a function in a worker thread."""
    func = call.func
    name = library_callee(call, ctx.inferrer)
    if name in THREADS:
        target = next((k.value for k in call.keywords or () if k.arg in ("target", "function")), None)
        if target is None and name == "threading.Timer" and len(call.args) > 1:
            target = call.args[1]
        if target is not None:
            return target, f"{name}(target=...)" if name == "threading.Thread" else "threading.Timer"
        return None
    if not isinstance(func, nodes.Attribute):
        return None
    if func.attrname in ("map", "submit") and call.args and _is_thread_pool(func.expr, ctx):
        return call.args[0], f"ThreadPoolExecutor.{func.attrname}"
    if func.attrname == "run_in_executor" and len(call.args) > 1:
        return call.args[1], "run_in_executor"
    return None


def _is_thread_pool(expr: nodes.NodeNG, ctx: CachedContext) -> bool:
    if isinstance(expr, nodes.Call):
        return library_callee(expr, ctx.inferrer) in EXECUTORS
    if isinstance(expr, nodes.Name):
        # a local, or a name of the script (``with ThreadPoolExecutor() as pool:``)
        made = bound_values(expr, (*FUNCTION_NODES, nodes.Module))
        return bool(made) and all(isinstance(v, nodes.Call) and library_callee(v, ctx.inferrer) in EXECUTORS
                                  for v in made)
    return False
