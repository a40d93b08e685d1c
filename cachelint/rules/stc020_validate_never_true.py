"""STC020 validate-never-true: a ``validate=`` function of ``st.cache_resource`` that never
returns a value.

Streamlit keeps a cached resource only while ``validate(resource)`` is truthy. A
validator that checks by raising and otherwise falls off its end returns ``None``:
every access discards the resource and builds a new one.
"""

from __future__ import annotations

import re
from typing import Iterator

from astroid import nodes

from cachelint.analysis.walk import nodes_in
from cachelint.analysis.context import ModuleContext
from cachelint.analysis.flow import library_callee
from cachelint.analysis.infer import Inferrer, is_generator, returns_of
from cachelint.analysis.values import BoundMethod, CacheDecorator, Function, Instance
from cachelint.findings import Finding
from cachelint.rules.base import Example, Rule

# Calls known to return None, for a lambda validator whose body is one of them.
NONE_CALLS = frozenset({"builtins.print"})
VALIDATE_OPTION = re.compile(r"\bvalidate\s*=")
LOGGER_METHODS = frozenset({"debug", "info", "warning", "warn", "error", "exception", "critical", "log"})


class ValidateNeverTrue(Rule):
    """The `validate=` function of `st.cache_resource` never returns a value.

    ## What it does
    Checks the `validate=` option of every `st.cache_resource(...)` call (decorators,
    decorators kept in variables, the call form). When it names a function of the
    app (or a method) in which no path returns a value (it falls off its end, or
    uses a bare `return` / `return None`), or a lambda whose body is a call known to
    return `None` (`print`, `logging` and logger methods), it is reported.
    Validators that raise on every path, generators and `async def` validators are
    left alone (they fail differently).

    ## Why is this bad?
    Streamlit keeps a cached resource only while `validate(resource)` returns a true
    value: `None` counts as "invalid". A validator written to raise when the
    connection is dead and otherwise return nothing makes Streamlit discard the
    resource on every access and build a new one: the cache never hits, each rerun
    pays the full setup again, and the discarded objects stay open unless
    `on_release` closes them.

    ## Example
    ```python
    import sqlite3

    import streamlit as st


    def is_alive(conn):
        conn.execute("select 1")


    @st.cache_resource(validate=is_alive)
    def get_conn():
        return sqlite3.connect(":memory:", check_same_thread=False)


    st.write(get_conn().execute("select 2").fetchone()[0])
    ```

    ## Use instead
    ```python
    import sqlite3

    import streamlit as st


    def is_alive(conn):
        try:
            conn.execute("select 1")
        except sqlite3.Error:
            return False
        return True


    @st.cache_resource(validate=is_alive)
    def get_conn():
        return sqlite3.connect(":memory:", check_same_thread=False)


    st.write(get_conn().execute("select 2").fetchone()[0])
    ```
    """

    code = "STC020"
    INVALID = (
        Example("""
            import streamlit as st


            def check(client):
                assert client["ready"]


            @st.cache_resource(validate=check)  # expect: STC020
            def get_client():
                return {"ready": True}


            st.write(get_client()["ready"])
        """),
    )
    VALID = (
        Example("""
            import streamlit as st


            def check(client):
                return client["ready"]


            @st.cache_resource(validate=check)
            def get_client():
                return {"ready": True}


            st.write(get_client()["ready"])
        """),
    )

    def check_module(self, ctx: ModuleContext) -> Iterator[Finding]:
        if not VALIDATE_OPTION.search(ctx.module.text):
            return
        for call in nodes_in(ctx.module.tree, nodes.Call):
            keyword = next((k for k in call.keywords or () if k.arg == "validate"), None)
            if keyword is None or not _resource_decorator(call, ctx.inferrer):
                continue
            why = _never_true(keyword.value, ctx.inferrer)
            if why is None:
                continue
            shown = keyword.value.as_string()
            shown = shown if len(shown) <= 40 else shown[:37] + "..."
            message = (f"validate={shown} {why}: Streamlit treats None as \"invalid\", so it discards the cached "
                       f"resource and builds a new one on every call (the cache never hits; the old objects stay "
                       f"open unless on_release closes them); return True when the resource is still good")
            yield self.report(ctx, keyword, message)


def _resource_decorator(call: nodes.Call, inferrer: Inferrer) -> bool:
    """Is ``call`` ``st.cache_resource(...)`` with options (any alias)?"""
    values = inferrer.values(call.func)
    return bool(values) and all(isinstance(v, CacheDecorator) and v.call is None and v.kind == "resource"
                                for v in values)


def _never_true(expr: nodes.NodeNG, inferrer: Inferrer) -> str | None:
    """Why the validator ``expr`` always returns None, or None when it may return a value."""
    values = inferrer.values(expr)
    if not values:
        return None
    reasons = set()
    for value in values:
        node = value.function.node if isinstance(value, BoundMethod) else \
            value.node if isinstance(value, Function) else None
        if isinstance(node, nodes.Lambda):
            reason = _lambda_returns_none(node, inferrer)
        elif isinstance(node, nodes.FunctionDef):
            reason = _function_returns_none(node)
        else:
            reason = None
        if reason is None:
            return None
        reasons.add(reason)
    return sorted(reasons)[0]


def _function_returns_none(func: nodes.FunctionDef) -> str | None:
    if is_generator(func) or not func.body:
        return None
    for ret in returns_of(func):
        if ret.value is not None and not (isinstance(ret.value, nodes.Const) and ret.value.value is None):
            return None
    if isinstance(func.body[-1], nodes.Raise):
        return None  # it raises (or returns nothing): not a silent rebuild
    return "never returns a value (it falls off its end or returns None)"


def _lambda_returns_none(func: nodes.Lambda, inferrer: Inferrer) -> str | None:
    body = func.body
    if isinstance(body, nodes.Const) and body.value is None:
        return "always returns None"
    if not isinstance(body, nodes.Call):
        return None
    name = library_callee(body, inferrer)
    if name in NONE_CALLS or (name or "").rpartition(".") in {("logging", ".", m) for m in LOGGER_METHODS}:
        return f"returns what {body.func.as_string()}(...) returns: None"
    if isinstance(body.func, nodes.Attribute) and body.func.attrname in LOGGER_METHODS:
        receivers = inferrer.values(body.func.expr)
        if receivers and all(isinstance(r, Instance) and r.cls.qualname == "logging.Logger" for r in receivers):
            return f"returns what {body.func.as_string()}(...) returns: None"
    return None
