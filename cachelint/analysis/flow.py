"""Where the value a cached function returns goes, and what a function returns.

``value_uses`` follows the result of each call of a cached function: through plain
assignments (``x = load()``: the reads of ``x`` in that scope, or anywhere in the
module for a module-level name) and into the parameters of the app's own functions it
is passed to (``render(x)``: the reads of ``render``'s parameter), ``MAX_HOPS`` deep.
A name that is also bound to something else, or rebound, is not followed: each use
found holds the cached object itself, for certain.

``returned_calls`` goes the other way: the calls whose result a function returns
(``return sqlite3.connect(...)``, through a local, a ``with ... as``, a tuple, the
app's helper functions and the ``__init__`` of the app's classes), so that a rule can
report at the call that builds a resource.

``runs_every_rerun`` tells whether code runs on every rerun of a script: anything but
a cached function's body and the import-time code of a module that is not a script.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

import astroid
from astroid import nodes

from cachelint.analysis.body import callees, is_cached
from cachelint.analysis.callsites import CallSite
from cachelint.analysis.infer import Inferrer, decorator_names, returns_of
from cachelint.analysis.values import FUNCTION_NODES, ClassObject, External, Function
from cachelint.streamlit_model import library

MAX_HOPS = 3
MAX_RETURN_DEPTH = 3


@dataclass(frozen=True)
class Use:
    """An expression that evaluates to the cached object: a call of the cached function,
    or a read of a name (or parameter) that holds its result; or the target of an
    augmented assignment to such a name (``x += [...]``)."""

    node: nodes.NodeNG
    site: CallSite
    hops: int = 0  # assignments and parameter passings between the call and this use

    @property
    def scope(self) -> nodes.NodeNG:
        return self.node.scope()


def value_uses(sites: list[CallSite], inferrer: Inferrer, max_hops: int = MAX_HOPS) -> list[Use]:
    """Every expression that evaluates to the result of one of ``sites``."""
    found: list[Use] = []
    seen: set[nodes.NodeNG] = set()
    frontier = [Use(site.call, site) for site in sites]
    while frontier:
        use = frontier.pop(0)
        if use.node in seen:
            continue
        seen.add(use.node)
        found.append(use)
        if use.hops >= max_hops:
            continue
        for target in _holders(use.node, inferrer):
            for read in _reads(target):
                if read not in seen:
                    frontier.append(Use(read, use.site, use.hops + 1))
    return found


def _holders(expr: nodes.NodeNG, inferrer: Inferrer) -> Iterator[nodes.AssignName]:
    """Names bound to exactly the value of ``expr``: ``x = expr``, ``f(expr)``'s parameter."""
    parent = expr.parent
    if isinstance(parent, nodes.Assign) and parent.value is expr and len(parent.targets) == 1 and \
            isinstance(parent.targets[0], nodes.AssignName):
        yield parent.targets[0]
    elif isinstance(parent, (nodes.AnnAssign, nodes.NamedExpr)) and parent.value is expr and \
            isinstance(parent.target, nodes.AssignName):
        yield parent.target
    elif isinstance(parent, nodes.Call) and expr is not parent.func:
        yield from _parameters_receiving(parent, expr, inferrer)
    elif isinstance(parent, nodes.Keyword) and isinstance(parent.parent, nodes.Call):
        yield from _parameters_receiving(parent.parent, parent, inferrer)


def _parameters_receiving(call: nodes.Call, arg: nodes.NodeNG, inferrer: Inferrer) -> Iterator[nodes.AssignName]:
    """The parameter of each app function ``call`` runs that receives ``arg``."""
    if any(isinstance(a, nodes.Starred) for a in call.args):
        return
    for function in callees(call, inferrer):
        params = list(function.args.posonlyargs or []) + list(function.args.args or [])
        if isinstance(call.func, nodes.Attribute) and _is_method(function) and params:
            params = params[1:]  # obj.method(x): x lands on the parameter after self
        if isinstance(arg, nodes.Keyword):
            named = [p for p in params + list(function.args.kwonlyargs or []) if p.name == arg.arg]
            yield from named[:1]
        elif arg in call.args:
            position = call.args.index(arg)
            if position < len(params):
                yield params[position]


def _is_method(function: nodes.FunctionDef) -> bool:
    return isinstance(function.parent, nodes.ClassDef) and "staticmethod" not in decorator_names(function)


def _reads(target: nodes.AssignName) -> Iterator[nodes.Name | nodes.AssignName]:
    """Reads of the name ``target`` binds, where that binding is the only one they see;
    and the targets of augmented assignments to it (``x += [...]`` changes a list in place)."""
    scope = target.scope()
    bindings = scope.locals.get(target.name, [])
    augmented = [b for b in bindings if b is not target and isinstance(b.parent, nodes.AugAssign)]
    if [b for b in bindings if b not in augmented] != [target]:
        return  # rebound (or bound elsewhere too): what a read holds is not certain
    if not isinstance(scope, (nodes.Module, *FUNCTION_NODES, nodes.Lambda)):
        return
    yield from augmented
    for name in scope.nodes_of_class(nodes.Name):
        if name.name != target.name:
            continue
        try:
            found_scope, stmts = name.lookup(name.name)
        except (astroid.AstroidError, AttributeError, KeyError, RecursionError):
            continue
        if found_scope is scope and any(s is target or s in augmented for s in stmts):
            yield name


# -- what a function returns -------------------------------------------------------------------


@dataclass(frozen=True)
class Returned:
    """A call whose result the function returns (itself, or as a part of what it returns)."""

    call: nodes.Call
    anchor: nodes.NodeNG  # where in the function's own module to report it
    part: str = ""  # "" when it is the value itself; " (as a part of what it returns)"


def returned_calls(func: nodes.FunctionDef, inferrer: Inferrer, depth: int = 0) -> Iterator[Returned]:
    """The calls whose result ``func`` returns, directly or as part of a tuple, list or dict, or
    as an attribute that the ``__init__`` of a returned app class sets."""
    for ret in returns_of(func):
        if ret.value is not None:
            for call, part in _calls_of(ret.value, inferrer, depth, set()):
                yield Returned(call, _anchor(call, func, ret.value), part)


def _anchor(call: nodes.Call, func: nodes.FunctionDef, returned: nodes.NodeNG) -> nodes.NodeNG:
    return call if call.root() is func.root() else returned


def _calls_of(expr: nodes.NodeNG, inferrer: Inferrer, depth: int, seen: set) -> Iterator[tuple[nodes.Call, str]]:
    if expr in seen or depth > MAX_RETURN_DEPTH:
        return
    seen.add(expr)
    if isinstance(expr, (nodes.Tuple, nodes.List)):
        for element in expr.elts:
            for call, _ in _calls_of(element, inferrer, depth, seen):
                yield call, " (as a part of what it returns)"
        return
    if isinstance(expr, nodes.Dict):
        for _, value in expr.items:
            for call, _ in _calls_of(value, inferrer, depth, seen):
                yield call, " (as a part of what it returns)"
        return
    if isinstance(expr, nodes.Name):
        for value in bound_values(expr):
            yield from _calls_of(value, inferrer, depth, seen)
        return
    if not isinstance(expr, nodes.Call):
        return
    yield expr, ""
    for function in callees(expr, inferrer):
        if function.name == "__init__":
            for value in _init_attributes(function):
                for call, _ in _calls_of(value, inferrer, depth + 1, seen):
                    yield call, " (as an attribute of the object it returns)"
        else:
            for ret in returns_of(function):
                if ret.value is not None:
                    yield from _calls_of(ret.value, inferrer, depth + 1, seen)


def bound_values(name: nodes.Name, scopes: tuple[type[nodes.NodeNG], ...] = FUNCTION_NODES) -> list[nodes.NodeNG]:
    """What a name was bound to in its scope, when that scope is one of ``scopes`` (by
    default a function's local): ``x = value``, ``with value as x``."""
    try:
        scope, stmts = name.lookup(name.name)
    except (astroid.AstroidError, AttributeError, KeyError, RecursionError):
        return []
    if not isinstance(scope, scopes):
        return []
    found = []
    for stmt in stmts:
        parent = stmt.parent if isinstance(stmt, nodes.AssignName) else None
        if isinstance(parent, (nodes.Assign, nodes.AnnAssign)) and parent.value is not None:
            found.append(parent.value)
        elif isinstance(parent, nodes.With):
            found.extend(item for item, var in parent.items if var is stmt)
    return found


def _init_attributes(init: nodes.FunctionDef) -> Iterator[nodes.NodeNG]:
    """Values ``__init__`` assigns to ``self.<attr>``."""
    if not init.args.args:
        return
    this = init.args.args[0].name
    for node in init.nodes_of_class(nodes.AssignAttr):
        if isinstance(node.expr, nodes.Name) and node.expr.name == this:
            parent = node.parent
            if isinstance(parent, (nodes.Assign, nodes.AnnAssign)) and parent.value is not None:
                yield parent.value


def library_callee(call: nodes.Call, inferrer: Inferrer) -> str | None:
    """The qualified name of the library function or class ``call`` calls, if certain."""
    names = set()
    for value in inferrer.values(call.func):
        if isinstance(value, External) or (isinstance(value, Function) and value.node is None):
            names.add(library.canonical(value.qualname))
        elif isinstance(value, ClassObject) and value.cls.node is None:
            names.add(library.canonical(value.cls.qualname))
        else:
            return None
    return names.pop() if len(names) == 1 else None


# -- when code runs ------------------------------------------------------------------------------


def runs_every_rerun(node: nodes.NodeNG, inferrer: Inferrer) -> bool:
    """Does ``node`` run on reruns (not only in a cached body, nor only at import)?"""
    functions = [parent for parent in node.node_ancestors() if isinstance(parent, (*FUNCTION_NODES, nodes.Lambda))]
    if any(isinstance(f, FUNCTION_NODES) and is_cached(f, inferrer) for f in functions):
        return False
    if functions:
        return True
    module = inferrer.module_of(node)
    return module is not None and module.is_entry
