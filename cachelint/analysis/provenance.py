"""Where an argument's value comes from at a call site.

Used to tell whether the value passed for an excluded (``_``-prefixed) parameter is
decided by the hashed arguments of the same call (``summarize(load(name), name)``),
is the same fixed value at every call, or can change independently of the cache
key (a widget, a loop variable, a parameter of the caller).

An expression is expanded through the single assignments of the names it reads,
in the caller's scope and the module's; functions, classes, modules and constants
are stable. What cannot be expanded further is a *source*: a loop (keyed by its
``for`` statement, so that names unpacked from one loop are one source), a
parameter, a name assigned more than once, a call whose result changes from rerun
to rerun (widgets, clocks, random numbers).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from astroid import nodes

from cachelint.analysis.infer import Inferrer
from cachelint.analysis.values import External, Function
from cachelint.streamlit_model import excluded

MAX_DEPTH = 16


@dataclass
class Sources:
    """What an expression depends on: ``uncovered`` sources, and every binding passed through."""

    uncovered: set[nodes.NodeNG] = field(default_factory=set)
    seen: set[nodes.NodeNG] = field(default_factory=set)


class Provenance:
    def __init__(self, inferrer: Inferrer):
        self.inferrer = inferrer

    def sources(self, expr: nodes.NodeNG, covered: set[nodes.NodeNG] | None = None) -> Sources:
        """Sources of ``expr`` that are not in ``covered`` (expansion stops at covered bindings)."""
        found = Sources()
        self._walk(expr, covered or set(), found, 0)
        return found

    def _walk(self, expr: nodes.NodeNG, covered: set, found: Sources, depth: int) -> None:
        if depth > MAX_DEPTH:
            found.uncovered.add(expr)
            return
        if isinstance(expr, nodes.Const):
            return
        if isinstance(expr, nodes.Name):
            self._name(expr, covered, found, depth)
            return
        if isinstance(expr, nodes.Attribute):
            if self._varying(expr):
                self._source(expr, covered, found)
                return
            self._walk(expr.expr, covered, found, depth + 1)
            return
        if isinstance(expr, nodes.Call) and self._varying(expr.func):
            self._source(expr, covered, found)
            return
        if isinstance(expr, (nodes.Lambda, nodes.FunctionDef)):
            return
        for child in expr.get_children():
            if isinstance(child, nodes.Comprehension):
                self._walk(child.iter, covered, found, depth + 1)
                for condition in child.ifs:
                    self._walk(condition, covered, found, depth + 1)
            elif isinstance(child, (nodes.AssignName, nodes.Keyword)):
                if isinstance(child, nodes.Keyword):
                    self._walk(child.value, covered, found, depth + 1)
            else:
                self._walk(child, covered, found, depth + 1)

    def _name(self, expr: nodes.Name, covered: set, found: Sources, depth: int) -> None:
        try:
            scope, stmts = expr.lookup(expr.name)
        except Exception:  # noqa: BLE001 - astroid lookup on odd code
            found.uncovered.add(expr)
            return
        if isinstance(scope, nodes.Module) and scope.name == "builtins":
            return
        if not stmts:
            found.uncovered.add(expr)
            return
        if all(isinstance(s, (nodes.ClassDef, nodes.FunctionDef, nodes.AsyncFunctionDef, nodes.Import,
                              nodes.ImportFrom)) for s in stmts):
            return  # functions, classes and modules do not change
        if len(stmts) > 1:
            for stmt in stmts:
                self._source(stmt, covered, found)
            return
        stmt = stmts[0]
        if not isinstance(stmt, nodes.AssignName):
            self._source(stmt, covered, found)
            return
        parent = stmt.parent
        if isinstance(parent, (nodes.Tuple, nodes.List)):
            holder = parent.parent
            while isinstance(holder, (nodes.Tuple, nodes.List)):
                holder = holder.parent
            if isinstance(holder, (nodes.For, nodes.Comprehension)):
                self._source(holder, covered, found)  # names unpacked from one loop: one source
                return
            if isinstance(holder, nodes.Assign):
                if stmt in covered or holder in covered:
                    found.seen.add(holder)
                    return
                found.seen.add(holder)
                self._walk(holder.value, covered, found, depth + 1)
                return
            self._source(stmt, covered, found)
            return
        if isinstance(parent, (nodes.For, nodes.Comprehension)):
            if isinstance(parent, nodes.Comprehension):
                self._walk(parent.iter, covered, found, depth + 1)
                return
            self._source(parent, covered, found)
            return
        if isinstance(parent, (nodes.Assign, nodes.AnnAssign, nodes.NamedExpr)) and parent.value is not None:
            if stmt in covered:
                found.seen.add(stmt)
                return
            found.seen.add(stmt)
            self._walk(parent.value, covered, found, depth + 1)
            return
        self._source(stmt, covered, found)  # a parameter, a with/except target, an augmented assignment

    def _source(self, node: nodes.NodeNG, covered: set, found: Sources) -> None:
        found.seen.add(node)
        if node not in covered:
            found.uncovered.add(node)

    def _varying(self, expr: nodes.NodeNG) -> bool:
        """``st.slider``, ``st.session_state``, ``time.time``, ``random.random``: new values every rerun."""
        for value in self.inferrer.values(expr):
            name = value.qualname if isinstance(value, (External, Function)) and (
                not isinstance(value, Function) or value.node is None) else None
            if name is None:
                continue
            if name.startswith(excluded.STABLE_STREAMLIT):
                continue
            if name.startswith(excluded.VARYING_CALL_PREFIXES):
                return True
        return False
