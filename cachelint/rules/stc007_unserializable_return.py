"""STC007 unserializable-return: an ``st.cache_data`` function returning what pickle cannot store.

The return value is walked as a symbolic value (the items of containers, the instance
attributes of the app's classes, the receiver of bound methods) for the first part
pickle rejects. The facts live in ``streamlit_model.pickling``; anything the analysis
cannot see (a library class not in the table, an app class that pickles itself) is
taken as picklable, so only real failures are reported.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

from astroid import nodes

from cachelint.analysis.context import CachedContext
from cachelint.analysis.infer import Inferrer, is_generator, qualname, returns_of
from cachelint.analysis.values import BoundMethod, ClassObject, Function, Instance, ModuleValue, Value
from cachelint.findings import Confidence, Finding
from cachelint.rules.base import Example, Rule
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
    import sqlite3

    import streamlit as st


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
    INVALID = (
        Example("""
            import streamlit as st


            @st.cache_data
            def numbers(n):  # expect: STC007
                for i in range(n):
                    yield i


            st.write(list(numbers(3)))
        """),
    )
    VALID = (
        Example("""
            import streamlit as st


            @st.cache_data
            def numbers(n):
                return list(range(n))


            st.write(numbers(3))
        """),
    )
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


MAX_DEPTH = 6


CONTAINERS = frozenset({"builtins.list", "builtins.tuple", "builtins.dict", "builtins.set", "builtins.frozenset",
                        "collections.deque", "collections.OrderedDict", "collections.defaultdict",
                        "collections.Counter"})


LOCAL_OBJECT = "AttributeError: Can't pickle local object"


@dataclass(frozen=True)
class Unpicklable:
    what: str  # "a lock", "the local function 'inner'"
    where: str = ""  # how the value holds it: " (in its attribute 'lock')"
    error: str = pickling.DEFAULT_ERROR  # what Streamlit 1.67 shows

    def inside(self, where: str) -> "Unpicklable":
        return Unpicklable(self.what, where + self.where, self.error)


class Picklability:
    def __init__(self, inferrer: Inferrer):
        self.inferrer = inferrer

    def culprit(self, value: Value, depth: int = 0, seen: frozenset = frozenset()) -> Unpicklable | None:
        """The part of ``value`` pickle cannot store, or None when it pickles (or nobody can tell)."""
        if depth > MAX_DEPTH or value in seen:
            return None
        seen = seen | {value}
        if isinstance(value, ModuleValue):
            return Unpicklable(f"the module '{value.name}'")
        if isinstance(value, Function):
            return self._function(value)
        if isinstance(value, BoundMethod):
            found = self._function(value.function)
            if found is None:
                inner = self.culprit(value.receiver, depth + 1, seen)
                found = inner.inside(" (through the object it is bound to)") if inner else None
            return found
        if isinstance(value, ClassObject):
            if value.cls.node is not None and "<locals>" in qualname(value.cls.node):
                return Unpicklable(f"the local class '{value.cls.name}'", error=LOCAL_OBJECT)
            return None
        if isinstance(value, Instance):
            return self._instance(value, depth, seen)
        return None

    @staticmethod
    def _function(value: Function) -> Unpicklable | None:
        node = value.node
        if isinstance(node, nodes.Lambda):  # its __qualname__ '<lambda>' names nothing pickle can find
            return Unpicklable("a lambda", error=LOCAL_OBJECT if _in_function(node) else pickling.DEFAULT_ERROR)
        if isinstance(node, (nodes.FunctionDef, nodes.AsyncFunctionDef)) and "<locals>" in qualname(node):
            return Unpicklable(f"the local function '{node.name}'", error=LOCAL_OBJECT)
        return None  # module-level functions and methods pickle by reference

    def _instance(self, value: Instance, depth: int, seen: frozenset) -> Unpicklable | None:
        name = library.canonical(value.cls.qualname)
        if value.cls.node is None:
            if name in pickling.UNPICKLABLE:
                return Unpicklable(pickling.UNPICKLABLE[name], error=pickling.ERRORS.get(name, pickling.DEFAULT_ERROR))
            if name in CONTAINERS:
                for item in value.items:
                    found = self.culprit(item, depth + 1, seen)
                    if found is not None:
                        return found.inside(f" (inside the {value.cls.name})")
            return None
        return self._app_instance(value, depth, seen)

    def _app_instance(self, value: Instance, depth: int, seen: frozenset) -> Unpicklable | None:
        cls = value.cls.node
        if "<locals>" in qualname(cls):
            return Unpicklable(f"an instance of the local class '{cls.name}'", error=LOCAL_OBJECT)
        for current in self.inferrer.project_mro(cls):
            if any(method in current.locals for method in pickling.CUSTOM_PICKLING):
                return None  # it decides what is pickled
            bases, complete = self.inferrer.bases(current)
            if not complete:
                return None
            for base in bases:
                if base.node is not None:
                    continue
                base_name = library.canonical(base.qualname)
                if base_name in pickling.UNPICKLABLE:  # class Worker(threading.Thread)
                    return Unpicklable(f"'{cls.name}', a subclass of {pickling.UNPICKLABLE[base_name]}",
                                       error=pickling.ERRORS.get(base_name, pickling.DEFAULT_ERROR))
                if base_name not in pickling.PLAIN_BASES:
                    return None  # a library base may pickle its own way
        for attr in self.attribute_names(cls):
            for item in sorted(self.inferrer.attribute(value, attr), key=repr):
                found = self.culprit(item, depth + 1, seen)
                if found is not None:
                    return found.inside(f" (in {cls.name}.{attr})")
        return None

    def attribute_names(self, cls: nodes.ClassDef) -> list[str]:
        """Names in an instance's ``__dict__``: annotated fields and every ``self.x = ...``."""
        return self.inferrer.instance_attribute_names(cls, public_only=False)


def _in_function(node: nodes.NodeNG) -> bool:
    parent = node.parent
    while parent is not None and not isinstance(parent, nodes.Module):
        if isinstance(parent, (nodes.FunctionDef, nodes.AsyncFunctionDef, nodes.Lambda)):
            return True
        parent = parent.parent
    return False


def returned_values(func: nodes.FunctionDef, inferrer: Inferrer) -> Iterator[tuple[Value, nodes.NodeNG]]:
    """What the body returns (awaited, for an ``async def``), with the expression or annotation showing it."""
    for ret in returns_of(func):
        if ret.value is not None:
            for value in sorted(inferrer.values(ret.value), key=repr):
                yield value, ret
    if func.returns is not None:
        for value in sorted(inferrer.annotation(func.returns), key=repr):
            yield value, func.returns
