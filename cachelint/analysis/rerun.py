"""Module-level names whose value can change from one rerun to the next.

Streamlit runs an entry script (and each page) from the top on every interaction,
in a fresh ``__main__``; imported modules run once per process. A module-level
name changes between reruns when the change is visible in the code:

* it is bound (in an entry script) from a widget, from per-session state
  (``st.session_state``, ``st.query_params``, ``st.context``, ``st.user``), or from
  another such name;
* it is (re)bound in a branch or loop whose condition or iterable is such a value;
* its object is mutated (``CONFIG["k"] = v``, ``ITEMS.append(v)``) with such a value
  or under such a condition;
* a function rebinds it (``global x``) to such a value or under such a condition
  (a callback, or a helper the script calls).

Constants, imports, functions, classes and values computed from them are the same
on every rerun. A branch on a constant (``if DEBUG:``) or a loop over a fixed range
gives the same value every time, so it is not a change.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass

import astroid
from astroid import nodes

from cachelint.analysis.body import callees
from cachelint.analysis.infer import returns_of
from cachelint.analysis.project import Module
from cachelint.analysis.streamlit_calls import StreamlitCalls
from cachelint.analysis.values import FUNCTION_NODES, CachedCallable, ClassObject, Function

MAX_DEPTH = 6
MUTATING_METHODS = frozenset({
    "append", "extend", "insert", "add", "update", "setdefault", "pop", "popitem", "remove",
    "discard", "clear", "sort", "reverse", "__setitem__", "__delitem__",
})
BRANCHES = (nodes.If, nodes.While, nodes.For, nodes.IfExp, nodes.Match)


@dataclass(frozen=True)
class Source:
    """Why a value differs between reruns: the widget or state read it comes from."""

    node: nodes.NodeNG
    label: str  # "widget st.slider", "st.session_state", "'limit'"


@dataclass(frozen=True)
class Change:
    """How a module-level name changes between reruns."""

    name: str
    node: nodes.NodeNG  # the binding or mutation that shows it
    how: str  # "is bound from widget st.slider", "is reassigned in a branch on st.checkbox", ...

    @property
    def line(self) -> int:
        return self.node.lineno or 0


class RerunState:
    def __init__(self, calls: StreamlitCalls):
        self.calls = calls
        self.inferrer = calls.inferrer
        self._changes: dict[tuple[Module, str], Change | None] = {}
        self._functions: dict[nodes.FunctionDef, Source | None] = {}
        self._locals: dict[tuple[nodes.NodeNG, str], Source | None] = {}

    def change(self, module: Module, name: str, depth: int = 0) -> Change | None:
        """How module-level ``name`` of ``module`` changes between reruns, if it visibly does."""
        key = (module, name)
        if key in self._changes:
            return self._changes[key]
        if depth > MAX_DEPTH:
            return None
        self._changes[key] = None  # a cycle is "no visible change"
        result = self._change(module, name, depth)
        self._changes[key] = result
        return result

    def _change(self, module: Module, name: str, depth: int) -> Change | None:
        for binding in module.tree.locals.get(name, []):
            if not isinstance(binding, nodes.AssignName):
                continue
            at_module_level = binding.scope() is module.tree
            if at_module_level and not module.is_entry:
                continue  # runs once, at import
            branch = self.varying_branch(binding, module, depth)
            if branch is not None:
                statement, source = branch
                kind = "loop over" if isinstance(statement, nodes.For) else (
                    "loop on" if isinstance(statement, nodes.While) else "branch on")
                return Change(name, binding, f"is reassigned in a {kind} {source.label}")
            source = self.varying(_bound_value(binding), module, depth)
            if source is not None:
                where = "" if at_module_level else f" in function '{binding.scope().name}'"
                verb = "is bound" if at_module_level else "is rebound"
                return Change(name, binding, f"{verb} from {source.label}{where}")
        return self._mutation(module, name, depth)

    def mutated(self, module: Module, name: str) -> bool:
        """Is the object of module-level ``name`` changed in place between reruns?"""
        return self._mutation(module, name, 0) is not None

    def _mutation(self, module: Module, name: str, depth: int) -> Change | None:
        if self._imports_function_or_class(module, name):
            return None  # `get_df.clear()` of an imported cached function empties a cache
        for node, target, values in mutations(module.tree).get(name, ()):
            if not self.is_module_name(target, module):
                continue
            if node.statement().scope() is module.tree and not module.is_entry:
                continue  # runs once, at import
            source = next((s for s in (self.varying(v, module, depth) for v in values) if s is not None), None)
            if source is None:
                branch = self.varying_branch(node, module, depth)
                source = branch[1] if branch is not None else None
            if source is not None:
                return Change(name, node, f"is mutated with {source.label}")
        return None

    def _imports_function_or_class(self, module: Module, name: str) -> bool:
        bindings = module.tree.locals.get(name, [])
        if not bindings or not all(isinstance(b, (nodes.Import, nodes.ImportFrom)) for b in bindings):
            return False
        values = self.inferrer.lookup(module.tree, name)
        return bool(values) and all(isinstance(v, (Function, ClassObject, CachedCallable)) for v in values)

    # -- expressions -------------------------------------------------------------------
    def varying(self, expr: nodes.NodeNG | None, module: Module, depth: int = 0) -> Source | None:
        """The widget, state read or changing name ``expr`` depends on, if any.

        Names are followed to the module's globals (``change``) and, inside a function,
        to the function's own assignments; calls of the app's functions to what they
        return. Parameters are unknown, so they never count as changing.
        """
        if expr is None or depth > MAX_DEPTH:
            return None
        stack = [expr]
        while stack:
            node = stack.pop()
            if isinstance(node, nodes.Call):
                widget = self.calls.widget(node)
                if widget is not None:
                    return Source(node, f"widget {widget.label}")
                for callee in callees(node, self.inferrer):
                    inner = self.returns_source(callee, depth + 1)
                    if inner is not None:
                        return Source(node, f"{inner.label} (through '{callee.name}')")
            if isinstance(node, (nodes.Name, nodes.Attribute)):
                read = self.calls.state_read(node)
                if read is not None:
                    return Source(read.node, read.label)
            if isinstance(node, nodes.Name):
                source = self._name_source(node, module, depth)
                if source is not None:
                    return source
            if isinstance(node, (nodes.Lambda, *FUNCTION_NODES, nodes.ClassDef)):
                continue
            stack.extend(node.get_children())
        return None

    def _name_source(self, name: nodes.Name, module: Module, depth: int) -> Source | None:
        try:
            scope, stmts = name.lookup(name.name)
        except (astroid.AstroidError, AttributeError, KeyError, RecursionError):
            return None
        if scope is module.tree:
            change = self.change(module, name.name, depth + 1)
            return Source(name, f"'{name.name}' (which {change.how})") if change is not None else None
        if not isinstance(scope, FUNCTION_NODES):
            return None
        key = (scope, name.name)
        if key in self._locals:
            return self._locals[key]
        self._locals[key] = None  # a cycle (x = x + 1 in a loop) is "no visible change"
        found = None
        for stmt in stmts:
            if isinstance(stmt, nodes.AssignName) and stmt.scope() is scope:
                found = self.varying(_bound_value(stmt), module, depth + 1)
                if found is None:
                    branch = self.varying_branch(stmt, module, depth + 1)
                    found = branch[1] if branch is not None else None
                if found is not None:
                    break
        self._locals[key] = found
        return found

    def returns_source(self, func: nodes.FunctionDef, depth: int) -> Source | None:
        """A widget or per-session state read that what the app function ``func`` returns comes from."""
        if func not in self._functions:
            self._functions[func] = None
            module = self.inferrer.module_of(func)
            found = None
            if module is not None:
                for ret in returns_of(func):
                    found = self.varying(ret.value, module, depth)
                    if found is not None:
                        break
            self._functions[func] = found
        return self._functions[func]

    def varying_branch(self, node: nodes.NodeNG, module: Module, depth: int) -> tuple[nodes.NodeNG, Source] | None:
        """The branch or loop holding ``node`` whose condition or iterable changes, and why."""
        child, parent = node, node.parent
        while parent is not None and not isinstance(parent, nodes.Module):
            if isinstance(parent, BRANCHES):
                tested = parent.iter if isinstance(parent, nodes.For) else (
                    parent.subject if isinstance(parent, nodes.Match) else parent.test)
                if child is not tested:
                    source = self.varying(tested, module, depth)
                    if source is not None:
                        return parent, source
            if isinstance(parent, (*FUNCTION_NODES, nodes.Lambda, nodes.ClassDef)):
                break
            child, parent = parent, parent.parent
        return None

    def is_module_name(self, name: nodes.Name, module: Module) -> bool:
        """Does ``name`` (read where it stands) refer to a global of ``module``?"""
        try:
            scope, _ = name.lookup(name.name)
        except (astroid.AstroidError, AttributeError, KeyError, RecursionError):
            return False
        return scope is module.tree


_MUTATIONS: "weakref.WeakKeyDictionary[nodes.Module, dict]" = weakref.WeakKeyDictionary()


def mutations(tree: nodes.Module) -> dict[str, list[tuple[nodes.NodeNG, nodes.Name, list[nodes.NodeNG]]]]:
    """Where each name of a module has its object mutated: ``{name: [(node, name node, values)]}``.

    ``x[k] = v`` / ``del x[k]``, ``x.attr = v``, ``x.append(v)`` and the other mutating
    methods, anywhere in the module (syntax only, computed once per tree).
    """
    if tree not in _MUTATIONS:
        found: dict[str, list] = {}
        for node in tree.nodes_of_class((nodes.Subscript, nodes.AssignAttr, nodes.Call)):
            if isinstance(node, nodes.Subscript) and isinstance(node.value, nodes.Name) and _stored(node):
                target, values = node.value, [_assigned_value(node)]
            elif isinstance(node, nodes.AssignAttr) and isinstance(node.expr, nodes.Name):
                target, values = node.expr, [_assigned_value(node)]
            elif isinstance(node, nodes.Call) and isinstance(node.func, nodes.Attribute) and \
                    isinstance(node.func.expr, nodes.Name) and node.func.attrname in MUTATING_METHODS:
                target, values = node.func.expr, [*node.args, *(k.value for k in node.keywords or ())]
            else:
                continue
            if _names_function_or_class(tree, target.name):
                continue  # `load.clear()` empties a cached function's cache: not a changing value
            found.setdefault(target.name, []).append((node, target, [v for v in values if v is not None]))
        _MUTATIONS[tree] = found
    return _MUTATIONS[tree]


def _bound_value(target: nodes.AssignName) -> nodes.NodeNG | None:
    parent = target.parent
    while isinstance(parent, (nodes.Tuple, nodes.List, nodes.Starred)):
        parent = parent.parent
    if isinstance(parent, (nodes.Assign, nodes.AnnAssign, nodes.AugAssign, nodes.NamedExpr)):
        return parent.value
    if isinstance(parent, (nodes.For, nodes.Comprehension)):
        return parent.iter
    if isinstance(parent, nodes.With):
        for item, var in parent.items:
            if var is not None and target in var.nodes_of_class(nodes.AssignName):
                return item
    return None


def _assigned_value(target: nodes.NodeNG) -> nodes.NodeNG | None:
    parent = target.parent
    while isinstance(parent, (nodes.Tuple, nodes.List, nodes.Starred)):
        parent = parent.parent
    if isinstance(parent, (nodes.Assign, nodes.AnnAssign, nodes.AugAssign)):
        return parent.value
    return None


def _stored(subscript: nodes.Subscript) -> bool:
    ctx = getattr(subscript, "ctx", None)
    return ctx is not None and ctx.name != "Load"


def _names_function_or_class(tree: nodes.Module, name: str) -> bool:
    bindings = tree.locals.get(name, [])
    return bool(bindings) and all(
        isinstance(b, (nodes.FunctionDef, nodes.AsyncFunctionDef, nodes.ClassDef)) for b in bindings)
