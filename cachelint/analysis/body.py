"""What a cached function's body reaches, through the app's own helpers.

Streamlit runs the body of a cached function only on a cache miss, and everything
it runs then (the helpers it calls, in any module of the app) is part of that miss.
``Body`` lists the functions a cached body runs — itself first, then the app's
functions it calls, breadth first so that each is reached by its shortest chain of
calls, up to ``MAX_DEPTH`` calls deep — and the nodes each of them evaluates.

Callees are resolved by the inferrer (functions, methods through ``self``, classes
through their ``__init__``, imported helpers). Not followed: functions of installed
packages (never parsed), other cached functions (checked on their own), functions
only passed as values (callbacks, ``map(f, xs)``), and the bodies of nested
``def``\\ s that are never called.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Iterator

from astroid import nodes

from cachelint.analysis.infer import Inferrer
from cachelint.analysis.streamlit_calls import StreamlitCalls
from cachelint.findings import Confidence
from cachelint.analysis.values import (FUNCTION_NODES, BoundMethod, CacheDecorator, CachedCallable, ClassObject,
                                       Function)

MAX_DEPTH = 4  # calls from the cached body to the deepest helper followed
MAX_FUNCTIONS = 64  # helpers followed per cached function


@dataclass(frozen=True)
class Step:
    """A call in one function's body that runs an app function (on the way from a cached
    body to what it reaches: ``Reached.via``, ``dataflow.Hit.via``)."""

    call: nodes.Call
    function: nodes.FunctionDef


@dataclass(frozen=True)
class Reached:
    """A node evaluated when the cached body runs, and the helper calls leading to it."""

    node: nodes.NodeNG
    via: tuple[Step, ...] = ()  # () when the node is in the cached body itself

    @property
    def anchor(self) -> nodes.NodeNG:
        """Where a finding goes: the node itself, or the first helper call in the cached body."""
        return self.via[0].call if self.via else self.node

    @property
    def function(self) -> nodes.FunctionDef | None:
        return self.via[-1].function if self.via else None

    def chain(self) -> str:
        """``"helper -> render_controls"``: the helpers called, for messages."""
        return " -> ".join(f"'{step.function.name}'" for step in self.via)

    def describe(self, what: str, line: int | None = None) -> tuple[str, Confidence]:
        """("reads st.session_state", HIGH) in the body itself; through helpers,
        ("calls 'a' -> 'b', which reads st.session_state (line 12)", INFERENCE)."""
        if not self.via:
            return what, Confidence.HIGH
        where = f" (line {line})" if line is not None else ""
        return f"calls {self.chain()}, which {what}{where}", Confidence.INFERENCE


class Body:
    def __init__(self, func: nodes.FunctionDef, inferrer: Inferrer):
        self.func = func
        self.inferrer = inferrer
        self._functions: list[tuple[nodes.FunctionDef, tuple[Step, ...]]] | None = None

    @cached_property
    def streamlit(self) -> StreamlitCalls:
        """Widgets, containers and per-session state, resolved for this body's rules."""
        return StreamlitCalls(self.inferrer)

    def functions(self) -> list[tuple[nodes.FunctionDef, tuple[Step, ...]]]:
        """The cached function and the app functions its body runs, each with its call chain."""
        if self._functions is None:
            found: list[tuple[nodes.FunctionDef, tuple[Step, ...]]] = [(self.func, ())]
            seen = {self.func}
            frontier = [(self.func, ())]
            while frontier and len(found) <= MAX_FUNCTIONS:
                following = []
                for function, chain in frontier:
                    if len(chain) >= MAX_DEPTH:
                        continue
                    for call in own_nodes(function, nodes.Call):
                        for callee in self.callees(call):
                            if callee in seen or len(found) > MAX_FUNCTIONS:
                                continue
                            seen.add(callee)
                            step_chain = (*chain, Step(call, callee))
                            found.append((callee, step_chain))
                            following.append((callee, step_chain))
                frontier = following
            self._functions = found
        return self._functions

    def nodes(self, kinds: type | tuple[type, ...]) -> Iterator[Reached]:
        """Nodes of ``kinds`` that running the cached body evaluates, the cached body's first."""
        for function, chain in self.functions():
            for node in own_nodes(function, kinds):
                yield Reached(node, chain)

    def callees(self, call: nodes.Call) -> list[nodes.FunctionDef]:
        return callees(call, self.inferrer)


def callees(call: nodes.Call, inferrer: Inferrer) -> list[nodes.FunctionDef]:
    """App functions a call runs (not cached ones, not library ones)."""
    found: list[nodes.FunctionDef] = []
    for value in inferrer.values(call.func):
        node = None
        if isinstance(value, Function):
            node = value.node
        elif isinstance(value, BoundMethod):
            node = value.function.node
        elif isinstance(value, ClassObject) and value.cls.node is not None:
            node = _initializer(value.cls.node, inferrer)
        if isinstance(node, FUNCTION_NODES) and inferrer.module_of(node) is not None \
                and not is_cached(node, inferrer) and node not in found:
            found.append(node)
    return sorted(found, key=_position)


def _position(node: nodes.NodeNG) -> tuple:
    return (node.root().file or "", node.lineno or 0, node.col_offset or 0)


def _initializer(cls: nodes.ClassDef, inferrer: Inferrer) -> nodes.FunctionDef | None:
    for current in inferrer.project_mro(cls):
        init = current.locals.get("__init__")
        if init and isinstance(init[-1], FUNCTION_NODES):
            return init[-1]
    return None


def is_cached(func: nodes.FunctionDef, inferrer: Inferrer) -> bool:
    """Is ``func`` itself decorated with st.cache_data / st.cache_resource?"""
    for dec in func.decorators.nodes if func.decorators else ():
        if any(isinstance(v, (CacheDecorator, CachedCallable)) for v in inferrer.values(dec)):
            return True
    return False


def own_nodes(func: nodes.FunctionDef | nodes.Lambda, kinds: type | tuple[type, ...]) -> Iterator[nodes.NodeNG]:
    """Nodes of ``kinds`` in the body of ``func`` that calling it evaluates.

    The bodies of nested functions are left out (they run only if called; the walk
    follows calls), but their decorators and default values are in. Lambda bodies
    are in: a lambda in a cached body is almost always run there (``df.apply``,
    ``sorted(key=...)``).
    """
    body = func.body if isinstance(func.body, list) else [func.body]  # a cached lambda: one expression
    stack: list[nodes.NodeNG] = list(reversed(body))
    while stack:
        node = stack.pop()
        if isinstance(node, kinds):
            yield node
        if isinstance(node, FUNCTION_NODES):
            children = list(node.decorators.nodes if node.decorators else ())
            children += [d for d in (node.args.defaults or []) + (node.args.kw_defaults or []) if d is not None]
        else:
            children = list(node.get_children())
        stack.extend(reversed(children))
