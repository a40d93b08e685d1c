"""Where an argument's value comes from at a call site.

Used to tell whether the value passed for an excluded (``_``-prefixed) parameter is
decided by the hashed arguments of the same call (``summarize(load(name), name)``),
is the same fixed value at every call, or can change independently of the cache
key (a widget, a loop variable, a parameter of the caller).

An expression is expanded through the single assignments of the names it reads,
in the caller's scope and the module's; functions, classes, modules and constants
are stable. What cannot be expanded further is a *source*: a loop (keyed by its
``for`` statement, so that names unpacked from one loop are one source), a
parameter, a name assigned more than once (unless always to the same expression), a
call whose result changes from rerun to rerun (widgets, clocks, random numbers, an app
function that returns one of those).

A call of a cached function is decided by its hashed arguments while its entry lives;
when entries expire (``ttl``) or the function is cleared on its own, the call is a
source: the same arguments later give different data.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from astroid import nodes

from cachelint.analysis.body import callees
from cachelint.analysis.infer import Inferrer
from cachelint.analysis.values import External, Function
from cachelint.streamlit_model import excluded

if TYPE_CHECKING:
    from cachelint.analysis.context import Analysis
    from cachelint.analysis.rerun import RerunState

MAX_DEPTH = 16


@dataclass
class Sources:
    """What an expression depends on: ``uncovered`` sources, and every binding passed through."""

    uncovered: set[nodes.NodeNG] = field(default_factory=set)
    seen: set[nodes.NodeNG] = field(default_factory=set)
    why: dict[nodes.NodeNG, str] = field(default_factory=dict)  # what makes a source change, when known


class Provenance:
    def __init__(self, inferrer: Inferrer, analysis: Analysis | None = None, rerun: RerunState | None = None):
        self.inferrer = inferrer
        self.analysis = analysis  # to see through calls of cached functions
        self.rerun = rerun  # to see what the app's own functions return

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
        if isinstance(expr, nodes.Call) and self._cached_call(expr, covered, found, depth):
            return
        if isinstance(expr, nodes.Call) and self.returns_varying(expr):
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
        if len(stmts) > 1 and _same_assignments(stmts):
            stmts = stmts[:1]  # `x = load(a)` in two branches: one value
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

    def _cached_call(self, call: nodes.Call, covered: set, found: Sources, depth: int) -> bool:
        """Walk a call of one of the app's cached functions: only what decides its entry."""
        if self.analysis is None:
            return False
        callees = self.analysis.cached_callees(call.func)
        module = self.inferrer.module_of(call)
        if len(callees) != 1 or module is None:
            return False
        cached = callees[0]
        changes = self.analysis.entries_change(cached)
        if changes is not None:
            self._source(call, covered, found)
            found.why.setdefault(call, f"the result of '{cached.name}', which changes while the app runs: {changes}")
            return True
        site = self.analysis.call_sites.site_of(cached, call, module)
        if site is None or any(isinstance(a, nodes.Starred) for a in call.args) or any(
                k.arg is None for k in call.keywords or ()):
            return False
        for param in sorted(site.arguments):
            if not param.startswith("_"):
                self._walk(site.value_node(param), covered, found, depth + 1)
        if isinstance(call.func, nodes.Attribute):
            self._walk(call.func.expr, covered, found, depth + 1)  # the receiver
        return True

    def returns_varying(self, call: nodes.Call) -> bool:
        """``sidebar_filters()`` returning a widget's value: not decided by its arguments."""
        if self.rerun is None:
            return False
        return any(self.rerun.returns_source(callee, 0) is not None for callee in callees(call, self.inferrer))

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


def _same_assignments(stmts: list[nodes.NodeNG]) -> bool:
    """Every binding is ``name = <the same expression>`` in the same scope."""
    texts = set()
    for stmt in stmts:
        parent = stmt.parent
        if not (isinstance(stmt, nodes.AssignName) and isinstance(parent, nodes.Assign)
                and parent.targets == [stmt]) or stmt.scope() is not stmts[0].scope():
            return False
        texts.add(parent.value.as_string())
    return len(texts) == 1
