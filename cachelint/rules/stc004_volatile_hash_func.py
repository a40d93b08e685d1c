"""STC004 volatile-hash-func: a ``hash_funcs`` function whose result is new on every call
(the cache never hits) or cannot be hashed (``UnhashableParamError``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

from astroid import nodes

from cachelint.analysis.context import CachedContext
from cachelint.analysis.hash_funcs import (
    MAX_CALL_DEPTH,
    HashFuncsEntry,
    fields_lambda,
    hashes_arguments,
    receiving_params,
    resolve,
)
from cachelint.analysis.infer import Inferrer, returns_of
from cachelint.analysis.values import ClassObject, External, Function, Instance
from cachelint.findings import Confidence, Finding
from cachelint.rules.base import Example, Rule
from cachelint.rules.messages import type_name
from cachelint.streamlit_model import library
from cachelint.streamlit_model.volatile_calls import PRESERVING_BUILTINS, VOLATILE_PROJECTIONS, volatile_call


class VolatileHashFunc(Rule):
    """A `hash_funcs` entry whose result is new on every call, or cannot be hashed.

    ## What it does
    Finds `hash_funcs` values that return something different each time they are
    called — `time.time()`, `time.monotonic()`, `datetime.now()` / `utcnow()` /
    `today()`, `random.*`, `uuid.uuid1()` / `uuid4()`, `os.urandom()`,
    `secrets.*`, also inside a tuple, an f-string or `str(...)`, and through a
    function of the app (in this module or another) that returns one — and values
    that return something Streamlit cannot hash (`object()`, an instance of a
    plain class, a function). Coarse clocks used on purpose as an expiry
    (`date.today()`, `int(time.time() // 3600)`) are not reported.

    ## Why is this bad?
    Streamlit hashes what the hash function returns to build the cache key. A
    result that changes on every call gives a new key on every call: the cached
    function runs every time, and the cache keeps growing until `max_entries` or
    `ttl` evicts it. A result Streamlit cannot hash raises `UnhashableParamError`
    on every call.

    ## Example
    ```python
    import time

    import streamlit as st


    class Report:
        def __init__(self, name):
            self.name = name


    @st.cache_data(hash_funcs={Report: lambda r: (r.name, time.time())})
    def render(report: Report) -> str:
        return report.name.upper()
    ```

    ## Use instead
    ```python
    @st.cache_data(hash_funcs={Report: lambda r: r.name}, ttl=600)
    def render(report: Report) -> str:
        return report.name.upper()
    ```
    Hash only the fields that decide the result; use `ttl` to expire results.
    """

    code = "STC004"
    INVALID = (
        Example("""
            import uuid

            import streamlit as st


            class Query:
                def __init__(self, text):
                    self.text = text


            @st.cache_data(hash_funcs={Query: lambda q: uuid.uuid4().hex})  # expect: STC004
            def run(query: Query) -> str:
                return query.text.upper()


            st.write(run(Query("select 1")))
        """),
    )
    VALID = (
        Example("""
            import datetime

            import streamlit as st


            class Query:
                def __init__(self, text):
                    self.text = text


            # a coarse clock on purpose: results expire daily
            @st.cache_data(hash_funcs={Query: lambda q: (q.text, datetime.date.today())})
            def run(query: Query) -> str:
                return query.text.upper()


            st.write(run(Query("select 1")))
        """),
    )

    def check(self, ctx: CachedContext) -> Iterator[Finding]:
        if not hashes_arguments(ctx.cached):
            return  # no argument is hashed: hash_funcs is never consulted
        for entry in ctx.hash_funcs:
            label = entry.name or (entry.classes[0].name if entry.classes else entry.key.as_string())
            fix = f"hash the fields that decide the result, e.g. {fields_lambda(entry.classes, ctx.inferrer)}"
            result = unhashable_result(entry, ctx)
            if result is not None:
                value, culprit = result
                params = receiving_params(ctx, entry.classes)
                where = f" for argument '{params[0]}'" if params else ""
                inside = "" if culprit is None or culprit == value else f" (the '{type_name(culprit)}' inside it)"
                message = (f"hash_funcs entry for '{label}' returns a '{type_name(value)}'{inside}, which Streamlit "
                           f"cannot hash: every call of cached '{ctx.cached.name}' raises UnhashableParamError"
                           f"{where}; {fix}")
                yield self.report(ctx, entry.value, message, Confidence.INFERENCE, subject=entry.key)
                continue
            volatile = volatility(entry, ctx.inferrer)
            if volatile is not None:
                message = (f"hash_funcs entry for '{label}' returns {volatile.what}, which is new on every call: "
                           f"cached '{ctx.cached.name}' never hits and its cache grows on every rerun; {fix}, "
                           f"and use ttl= to expire results")
                yield self.report(ctx, entry.value, message, Confidence.HIGH, subject=entry.key)


@dataclass(frozen=True)
class Volatility:
    node: nodes.NodeNG  # the volatile call
    what: str  # "time.time()", "make_key() (returns uuid.uuid4())"


def volatility(entry: HashFuncsEntry, inferrer: Inferrer) -> Volatility | None:
    """The call that makes every result of the entry's hash function new, if there is one."""
    func = resolve(entry.value, inferrer)
    if func is None or func.node is None:
        return None
    return _function_volatility(func.node, inferrer, 0)


def _function_volatility(node: nodes.Lambda | nodes.FunctionDef, inferrer: Inferrer,
                         depth: int) -> Volatility | None:
    if depth > MAX_CALL_DEPTH:
        return None
    if isinstance(node, nodes.Lambda):
        results = [node.body]
    else:
        returns = list(returns_of(node))
        if not returns or any(r.value is None for r in returns):
            return None
        results = [r.value for r in returns]
    found = [_volatile(expr, inferrer, depth) for expr in results]
    if found and all(found):
        return found[0]
    return None


def _volatile(expr: nodes.NodeNG, inferrer: Inferrer, depth: int) -> Volatility | None:
    """Is every evaluation of ``expr`` a value never seen before?"""
    if isinstance(expr, nodes.Call):
        callees = inferrer.values(expr.func)
        if len(callees) != 1:
            return _projection(expr, inferrer, depth)
        callee = next(iter(callees))
        qualified = None
        if isinstance(callee, External) or (isinstance(callee, Function) and callee.node is None):
            qualified = callee.qualname
        elif isinstance(callee, ClassObject) and callee.cls.node is None:
            qualified = callee.cls.qualname  # str(...), tuple(...): builtin classes
        if qualified is not None:
            what = volatile_call(library.canonical(qualified))
            if what:
                return Volatility(expr, what)
            if qualified in PRESERVING_BUILTINS and expr.args:
                return _first(expr.args, inferrer, depth)
            return None
        if isinstance(callee, Function) and isinstance(callee.node, (nodes.FunctionDef, nodes.Lambda)):
            inner = _function_volatility(callee.node, inferrer, depth + 1)
            if inner:
                name = callee.node.name if isinstance(callee.node, nodes.FunctionDef) else "lambda"
                return Volatility(expr, f"{name}() (which returns {inner.what})")
            return None
        return _projection(expr, inferrer, depth)
    if isinstance(expr, nodes.Attribute) and expr.attrname in VOLATILE_PROJECTIONS:
        return _volatile(expr.expr, inferrer, depth)
    if isinstance(expr, (nodes.Tuple, nodes.List, nodes.Set)):
        return _first(expr.elts, inferrer, depth)
    if isinstance(expr, nodes.Dict):
        return _first([part for pair in expr.items for part in pair], inferrer, depth)
    if isinstance(expr, nodes.JoinedStr):
        return _first([v.value for v in expr.values if isinstance(v, nodes.FormattedValue)], inferrer, depth)
    if isinstance(expr, nodes.BinOp) and expr.op == "%" and isinstance(expr.left, nodes.Const):
        return _volatile(expr.right, inferrer, depth)
    if isinstance(expr, nodes.NamedExpr):
        return _volatile(expr.value, inferrer, depth)
    if isinstance(expr, nodes.Name):
        return _local_volatile(expr, inferrer, depth)
    return None


def _projection(call: nodes.Call, inferrer: Inferrer, depth: int) -> Volatility | None:
    """``uuid.uuid4().hex``, ``datetime.now().isoformat()``, ``"{}".format(time.time())``."""
    func = call.func
    if isinstance(func, nodes.Attribute):
        if func.attrname in VOLATILE_PROJECTIONS and not call.args:
            return _volatile(func.expr, inferrer, depth)
        if func.attrname == "format" and isinstance(func.expr, nodes.Const) and isinstance(func.expr.value, str):
            return _first([*call.args, *(k.value for k in call.keywords or ())], inferrer, depth)
    return None


def _first(exprs, inferrer: Inferrer, depth: int) -> Volatility | None:
    for expr in exprs:
        found = _volatile(expr, inferrer, depth)
        if found:
            return found
    return None


def _local_volatile(name: nodes.Name, inferrer: Inferrer, depth: int) -> Volatility | None:
    """A local variable of the hash function bound once to a volatile value."""
    try:
        scope, stmts = name.lookup(name.name)
    except Exception:  # noqa: BLE001 - astroid lookup on odd code
        return None
    if not isinstance(scope, nodes.FunctionDef) or len(stmts) != 1:
        return None
    stmt = stmts[0]
    if isinstance(stmt, nodes.AssignName) and isinstance(stmt.parent, nodes.Assign) \
            and stmt.parent.parent is scope and len(stmt.parent.targets) == 1:
        return _volatile(stmt.parent.value, inferrer, depth)
    return None


def unhashable_result(entry: HashFuncsEntry, ctx: CachedContext):
    """(value, culprit) when everything the hash function can return is something Streamlit cannot hash."""
    func = resolve(entry.value, ctx.inferrer)
    if func is None or func.node is None:
        return None
    if isinstance(func.node, nodes.Lambda):
        values = ctx.inferrer.values(func.node.body)
    else:  # what the returns give (a return annotation such as `-> object` says too little)
        returns = list(returns_of(func.node))
        if not returns or any(r.value is None for r in returns):
            return None
        values = frozenset().union(*(ctx.inferrer.values(r.value) for r in returns))
    if not values:
        return None
    found = None
    for value in sorted(values, key=repr):
        if isinstance(value, Instance) and any(value.cls == c for c in entry.classes):
            return None  # hashed again through this very entry
        verdict = ctx.hashability.verdict(value, ctx.keys)
        if not verdict.unhashable:
            return None
        found = found or (value, verdict.culprit)
    return found
