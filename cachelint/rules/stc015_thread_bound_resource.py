"""STC015 thread-bound-resource: ``st.cache_resource`` keeps a sqlite3 connection that only
the thread that made it may use.

Each rerun of a Streamlit script runs in a new script thread; a cached resource
outlives the thread that built it. ``sqlite3`` connections check the thread they are
used from (``check_same_thread=True`` by default) and raise ``ProgrammingError`` in any
other one.
"""

from __future__ import annotations

from typing import Iterator

import libcst as cst
from astroid import nodes

from cachelint.analysis.constants import UNKNOWN, literal
from cachelint.analysis.context import CachedContext
from cachelint.analysis.flow import Returned, bound_values, library_callee, returned_calls
from cachelint.findings import Confidence, Finding, Fix
from cachelint.fixes.edits import index_of, parses
from cachelint.fixes.patch import edits_between
from cachelint.rules.base import Example, Rule

CONNECT = "sqlite3.connect"
CHECK_SAME_THREAD_POSITION = 4  # connect(database, timeout, detect_types, isolation_level, check_same_thread, ...)
FLAG = "check_same_thread"


class ThreadBoundResource(Rule):
    """`st.cache_resource` returns a sqlite3 connection bound to the thread that made it.

    ## What it does
    Finds `@st.cache_resource` functions that return a connection made by
    `sqlite3.connect(...)` without `check_same_thread=False`: returned directly,
    through a local variable or `with ... as`, as `.cursor()` of one, as part of a
    returned tuple, from one of the app's helper functions, or kept in an attribute
    by the `__init__` of a returned object of the app's own class. A call that passes
    `**kwargs` (which may carry the flag) is not reported, nor are SQLAlchemy engines,
    `st.connection("sql")`, or connections opened and closed inside the function.

    ## Why is this bad?
    A cached resource is one object for every rerun and every session, but Streamlit
    runs each rerun in a new script thread. A sqlite3 connection remembers the thread
    that made it and refuses every other one: a later rerun raises
    `sqlite3.ProgrammingError: SQLite objects created in a thread can only be used in
    that same thread.` `uri=True` and other options do not change this check.

    ## Example
    ```python
    import sqlite3

    import streamlit as st


    @st.cache_resource
    def get_conn():
        return sqlite3.connect("app.db")


    st.write(get_conn().execute("select 1").fetchone())
    ```

    ## Use instead
    ```python
    import sqlite3

    import streamlit as st


    @st.cache_resource
    def get_conn():
        return sqlite3.connect("app.db", check_same_thread=False)


    st.write(get_conn().execute("select 1").fetchone())
    ```
    Serialise writes (a `threading.Lock` next to the connection), or use
    `st.connection("sql")`, whose SQLAlchemy pool handles threads.

    ## Fix safety
    `cachelint --fix` adds `check_same_thread=False` to the `sqlite3.connect(...)`
    call when the call is in the cached function's own file and passes neither
    `*args` nor `**kwargs` nor the flag itself. The connection is then shared between
    threads as it already is between sessions; sqlite3 serialises access to it.
    """

    code = "STC015"
    INVALID = (
        Example("""
            import sqlite3

            import streamlit as st


            @st.cache_resource
            def get_conn():
                conn = sqlite3.connect(":memory:")  # expect: STC015
                conn.execute("create table t (x)")
                return conn


            st.write(get_conn().execute("select count(*) from t").fetchone()[0])
        """, fixed="""
            import sqlite3

            import streamlit as st


            @st.cache_resource
            def get_conn():
                conn = sqlite3.connect(":memory:", check_same_thread=False)
                conn.execute("create table t (x)")
                return conn


            st.write(get_conn().execute("select count(*) from t").fetchone()[0])
        """),
    )
    VALID = (
        Example("""
            import sqlite3

            import streamlit as st


            @st.cache_resource
            def get_conn(**options):
                return sqlite3.connect(":memory:", **options)


            st.write(get_conn(check_same_thread=False).execute("select 1").fetchone()[0])
        """),
    )

    def check(self, ctx: CachedContext) -> Iterator[Finding]:
        cached = ctx.cached
        if cached.kind != "resource":
            return
        reported: set[nodes.NodeNG] = set()
        for returned in returned_calls(cached.node, ctx.inferrer):
            call = _connect_call(returned.call, ctx)
            if call is None or call in reported or _thread_check(call) != "on":
                continue
            reported.add(call)
            yield self._finding(ctx, returned, call)

    def _finding(self, ctx: CachedContext, returned: Returned, call: nodes.Call) -> Finding:
        name = ctx.cached.name
        direct = call.root() is ctx.cached.node.root()
        what = "a sqlite3 connection" if returned.call is call else "a cursor of a sqlite3 connection"
        message = (f"'{name}' caches {what}{returned.part} bound to the thread that made it; a later rerun runs "
                   f"in another thread (ProgrammingError); pass check_same_thread=False and serialise writes, "
                   f"or use st.connection(\"sql\")")
        if not direct:
            message += f" (the connection is made at line {call.lineno} of {_file(call)})"
        same_file = call.root() is ctx.cached.node.root()
        fix = _fix(ctx, call) if same_file else None
        anchor = call if same_file else returned.anchor
        in_body = call.frame() is ctx.cached.node
        return self.report(ctx, anchor, message, Confidence.HIGH if in_body else Confidence.INFERENCE, fix=fix)


def _file(node: nodes.NodeNG) -> str:
    path = node.root().file or ""
    return path.rsplit("/", 1)[-1] or "another module"


def _connect_call(call: nodes.Call, ctx: CachedContext) -> nodes.Call | None:
    """The ``sqlite3.connect(...)`` call behind ``call`` (itself, or ``<connect>.cursor()``)."""
    if library_callee(call, ctx.inferrer) == CONNECT:
        return call
    func = call.func
    if isinstance(func, nodes.Attribute) and func.attrname == "cursor" and not call.args and not call.keywords:
        receiver = func.expr
        if isinstance(receiver, nodes.Call) and library_callee(receiver, ctx.inferrer) == CONNECT:
            return receiver
        if isinstance(receiver, nodes.Name):
            for bound in bound_values(receiver):
                if isinstance(bound, nodes.Call) and library_callee(bound, ctx.inferrer) == CONNECT:
                    return bound
    return None


def _thread_check(call: nodes.Call) -> str:
    """"on" when the connection checks its thread, "off" when not, "unknown" when the
    call does not say (``*args``, ``**kwargs``, a value the source does not spell)."""
    if any(k.arg is None for k in call.keywords or ()):
        return "unknown"
    value = None
    for keyword in call.keywords or ():
        if keyword.arg == FLAG:
            value = keyword.value
    if value is None:
        if any(isinstance(a, nodes.Starred) for a in call.args):
            return "unknown"
        if len(call.args) > CHECK_SAME_THREAD_POSITION:
            value = call.args[CHECK_SAME_THREAD_POSITION]
    if value is None:
        return "on"
    flag = literal(value)
    if flag is UNKNOWN:
        return "unknown"
    return "on" if flag else "off"


# -- the fix: add check_same_thread=False ---------------------------------------------------


def _fix(ctx: CachedContext, call: nodes.Call) -> Fix | None:
    if any(k.arg is None for k in call.keywords or ()) or any(isinstance(a, nodes.Starred) for a in call.args) \
            or any(k.arg == FLAG for k in call.keywords or ()) or len(call.args) > CHECK_SAME_THREAD_POSITION:
        return None
    index = index_of(ctx)
    if index is None:
        return None
    target = index.find(call, cst.Call)
    if target is None:
        return None
    new = index.module.visit(_AddFlag(target)).code
    if new == index.text or not parses(new):
        return None
    return Fix(f"{FLAG}=False added", edits_between(index.text, new), safe=True)


class _AddFlag(cst.CSTTransformer):
    def __init__(self, target: cst.Call):
        super().__init__()
        self.target = target

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.Call:
        if original is not self.target:
            return updated
        return add_keyword(updated, FLAG, cst.Name("False"))


def add_keyword(call: cst.Call, name: str, value: cst.BaseExpression) -> cst.Call:
    """``call`` with ``name=value`` appended, laid out like its last argument."""
    args = list(call.args)
    new = cst.Arg(value=value, keyword=cst.Name(name), equal=cst.AssignEqual(
        whitespace_before=cst.SimpleWhitespace(""), whitespace_after=cst.SimpleWhitespace("")))
    if not args:
        return call.with_changes(args=[new])
    last = args[-1]
    if isinstance(last.comma, cst.Comma):  # a trailing comma: one argument per line
        before_last = args[-2].comma.whitespace_after if len(args) > 1 else call.whitespace_before_args
        args[-1] = last.with_changes(comma=cst.Comma(whitespace_after=before_last))
        args.append(new.with_changes(comma=last.comma, whitespace_after_arg=last.whitespace_after_arg))
        return call.with_changes(args=args)
    args[-1] = last.with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")),
                                 whitespace_after_arg=cst.SimpleWhitespace(""))
    args.append(new.with_changes(whitespace_after_arg=last.whitespace_after_arg))
    return call.with_changes(args=args)
