"""STC021 unconditional-cache-clear (preview): a cache ``.clear()`` that runs on every rerun.

``st.cache_data.clear()``, ``st.cache_resource.clear()`` or ``load.clear()`` written at
the top level of a script (or in a function the script always calls) empties the cache
on every rerun: the cache never hits.
"""

from __future__ import annotations

from typing import Iterator

from astroid import nodes

from cachelint.analysis.walk import nodes_in
from cachelint.analysis.body import callees, is_cached
from cachelint.analysis.context import ModuleContext
from cachelint.analysis.values import FUNCTION_NODES, CacheDecorator, CachedCallable, Function
from cachelint.findings import Confidence, Finding
from cachelint.rules.base import Example, Rule


class UnconditionalCacheClear(Rule):
    """A cache is cleared on every rerun, so it never hits.

    ## What it does
    Finds `st.cache_data.clear()`, `st.cache_resource.clear()` and
    `<cached function>.clear()` written as a statement at the top level of a
    script Streamlit runs (the main script or a page), outside any `if`, loop,
    `with`, `try` or function; or as a top-level statement of one of the app's
    functions that the script calls at its top level. A clear under any condition
    (a button, `if DEBUG:`, after a write), in a callback, or at the top level of an
    imported module (which runs once) is not reported; nor is a clear of a cache
    the script never uses.

    ## Why is this bad?
    Streamlit runs the script from the top on every interaction. An unconditional
    `clear()` empties the cache each time, so every cached function recomputes on
    every rerun: the cache costs memory and hashing and never saves anything. It is
    usually written as "refresh the data" and meant to run only when the data
    changes.

    ## Example
    ```python
    import streamlit as st


    @st.cache_data
    def load():
        return [1, 2, 3]


    st.cache_data.clear()
    st.write(load())
    ```

    ## Use instead
    ```python
    import streamlit as st


    @st.cache_data
    def load():
        return [1, 2, 3]


    if st.button("Refresh"):
        st.cache_data.clear()
    st.write(load())
    ```
    """

    code = "STC021"
    INVALID = (
        Example("""
            import streamlit as st


            @st.cache_data
            def load():
                return [1, 2, 3]


            load.clear()  # expect: STC021
            st.write(load())
        """),
    )
    VALID = (
        Example("""
            import streamlit as st


            @st.cache_data
            def load():
                return [1, 2, 3]


            if st.button("Reload"):
                load.clear()
            st.write(load())
        """),
    )

    def check_module(self, ctx: ModuleContext) -> Iterator[Finding]:
        if not ctx.module.is_entry:
            return
        reported: set[nodes.NodeNG] = set()
        for statement in ctx.module.tree.body:
            for clear, via in self._clears(ctx, statement):
                if clear in reported:
                    continue
                target = _cleared(clear, ctx)
                if target is None or not _used(ctx, target):
                    continue
                reported.add(clear)
                what = {"data": "st.cache_data.clear()", "resource": "st.cache_resource.clear()"}.get(
                    target if isinstance(target, str) else "", f"{clear.func.as_string()}()")
                where = f" (in '{via.name}', which the script calls on every run)" if via is not None else ""
                effect = ("every function cached with it recomputes on every rerun" if isinstance(target, str)
                          else f"'{target.name}' recomputes on every rerun")
                message = (f"{what} runs on every rerun{where}: {effect} and the cache never hits; clear it only "
                           f"when the data changes (under a button, after a write)")
                anchor = clear if clear.root() is ctx.module.tree else _call_of(statement)
                yield self.report(ctx, anchor or clear, message,
                                  Confidence.HIGH if via is None else Confidence.INFERENCE)

    def _clears(self, ctx: ModuleContext, statement: nodes.NodeNG) -> Iterator[tuple[nodes.Call, object]]:
        """``.clear()`` calls that ``statement`` (a top-level statement) always runs."""
        call = _call_of(statement)
        if call is None:
            return
        if _is_clear(call):
            yield call, None
            return
        for function in callees(call, ctx.inferrer):
            if is_cached(function, ctx.inferrer):
                continue
            for inner in function.body:
                inner_call = _call_of(inner)
                if inner_call is not None and _is_clear(inner_call):
                    yield inner_call, function


def _call_of(statement: nodes.NodeNG) -> nodes.Call | None:
    """The call a plain statement makes (``f()``, ``x = f()``)."""
    if isinstance(statement, nodes.Expr) and isinstance(statement.value, nodes.Call):
        return statement.value
    if isinstance(statement, (nodes.Assign, nodes.AnnAssign)) and isinstance(statement.value, nodes.Call):
        return statement.value
    return None


def _is_clear(call: nodes.Call) -> bool:
    return isinstance(call.func, nodes.Attribute) and call.func.attrname == "clear" and not call.args \
        and not call.keywords


def _cleared(call: nodes.Call, ctx: ModuleContext):
    """"data" / "resource" for ``st.cache_data.clear()``; the cached function node for
    ``load.clear()``; None when the receiver is anything else."""
    values = ctx.inferrer.values(call.func.expr)
    if not values:
        return None
    kinds = set()
    for value in values:
        if isinstance(value, CacheDecorator) and value.call is None:
            kinds.add(value.kind)
        elif isinstance(value, CachedCallable):
            kinds.add(value.function.node)
        elif isinstance(value, Function) and isinstance(value.node, FUNCTION_NODES) and \
                is_cached(value.node, ctx.inferrer):
            kinds.add(value.node)
        else:
            return None
    return kinds.pop() if len(kinds) == 1 else None


def _used(ctx: ModuleContext, target) -> bool:
    """Does the script call a function whose cache ``target`` clears?"""
    for call in nodes_in(ctx.module.tree, nodes.Call):
        for value in ctx.inferrer.values(call.func):
            node = value.function.node if isinstance(value, CachedCallable) else \
                value.node if isinstance(value, Function) else None
            if not isinstance(node, FUNCTION_NODES):
                continue
            if isinstance(target, str):
                kind = value.decorator.kind if isinstance(value, CachedCallable) else _cache_kind(node, ctx)
                if kind == target:
                    return True
            elif node is target:
                return True
    return False


def _cache_kind(node: nodes.FunctionDef, ctx: ModuleContext) -> str | None:
    for dec in node.decorators.nodes if node.decorators else ():
        for value in ctx.inferrer.values(dec):
            if isinstance(value, CacheDecorator):
                return value.kind
    return None
