from __future__ import annotations

from typing import Iterator

from astroid import nodes

from cachelint.analysis.infer import is_generator
from cachelint.analysis.picklability import Picklability, Unpicklable, returned_values
from cachelint.analysis.values import Instance
from cachelint.findings import Confidence, Finding
from cachelint.rules.base import CachedContext, Rule
from cachelint.streamlit_model import awaitables, library, pickling


class UnserializableReturn(Rule):
    """An `st.cache_data` function returns something pickle cannot store.

    ## What it does
    Finds `@st.cache_data` functions whose result pickle rejects: generator
    functions (the body `yield`s), lambdas and functions or classes defined inside
    a function, locks, events, threads, queues and executors, `sqlite3` connections
    and cursors, SQLAlchemy engines, connections and sessions, open files, sockets,
    modules, and containers or instances of the app's classes that hold any of
    these. The value is followed through local variables and the app's helper
    functions. Look-alikes that do pickle (`requests.Session`, `logging.Logger`,
    `io.StringIO`, functions and classes defined at module level) are not reported.

    ## Why is this bad?
    `st.cache_data` stores a pickled copy of every result and hands each caller a
    fresh copy. When pickling fails, every call raises
    `UnserializableReturnValueError` (or pickle's own "Can't pickle local object"
    error) and nothing is ever cached. Connections, locks and clients are
    resources: they belong in `st.cache_resource`, which keeps the object itself.

    ## Example
    ```python
    @st.cache_data
    def get_connection(path: str):
        return sqlite3.connect(path, check_same_thread=False)
    ```

    ## Use instead
    ```python
    @st.cache_resource
    def get_connection(path: str):
        return sqlite3.connect(path, check_same_thread=False)
    ```
    or return plain data (`list(rows)` rather than a generator, a DataFrame rather
    than a cursor).
    """

    code = "STC007"
    name = "unserializable-return"
    summary = "st.cache_data function returning something pickle cannot store"

    def check(self, ctx: CachedContext) -> Iterator[Finding]:
        cached = ctx.cached
        if cached.kind != "data":
            return
        node = cached.node
        is_async = isinstance(node, nodes.AsyncFunctionDef)
        if is_generator(node):
            if is_async:
                return  # an async generator is rejected at decoration: STC013
            yield self._finding(ctx, (f"cached '{cached.name}' is a generator function: st.cache_data cannot "
                                      f"pickle the generator it returns, so every call fails "
                                      f"(UnserializableReturnValueError); return a list (e.g. list(...)) instead"),
                                Confidence.HIGH)
            return
        checker = Picklability(ctx.inferrer)
        for value, where in returned_values(node, ctx.inferrer):
            if not is_async and _awaitable(value):
                continue  # Streamlit rejects it before pickling: STC013
            culprit = checker.culprit(value)
            if culprit is None:
                continue
            confidence = Confidence.HIGH if _shown_directly(where) else Confidence.INFERENCE
            yield self._finding(ctx, self._message(cached.name, culprit), confidence)
            return

    @staticmethod
    def _message(name: str, culprit: Unpicklable) -> str:
        fix = (f"define it at module level or use {pickling.RESOURCE_CACHE}" if "local" in culprit.what or
               culprit.what == "a lambda" else f"use {pickling.RESOURCE_CACHE} for it, or return plain data")
        return (f"cached '{name}' returns {culprit.what}{culprit.where}, which st.cache_data cannot pickle: the "
                f"call fails ({culprit.error}) and nothing is cached; {fix}")

    def _finding(self, ctx: CachedContext, message: str, confidence: Confidence) -> Finding:
        node = ctx.cached.node
        position = node.position  # the `def` keyword, not the first decorator
        return self.report(ctx, node, message, confidence,
                           line=position.lineno if position else node.lineno,
                           col=position.col_offset if position else node.col_offset)


def _awaitable(value) -> bool:
    return isinstance(value, Instance) and library.canonical(value.cls.qualname) in awaitables.AWAITABLE_TYPES


def _shown_directly(where: nodes.NodeNG) -> bool:
    """The culprit is written in the return statement or the return annotation itself."""
    if isinstance(where, nodes.Return):
        return isinstance(where.value, (nodes.Call, nodes.Lambda))
    return True
