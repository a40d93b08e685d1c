"""Which values of a function depend on chosen source expressions, and whether its result does.

A small, flow-insensitive dependence analysis over the app's own functions, for rules
that must follow a *value* rather than a call chain (STC009: does a per-session read
decide what a cached function returns?). Within a function, a local name depends on
everything ever assigned to it, and on what is put into it (``x.append(v)``, ``x[k] = v``,
``x.attr = v``); an expression depends on its parts; a call's result depends on its
receiver and arguments, and, for a function of the app, on what that function's own
result depends on (``MAX_DEPTH`` calls deep). A function's result depends on its return
values and on the tests that choose between its returns (``if authorized: return full``).

``Hit``\\ s say which source a dependence comes from, through which calls, and whether
every path went through an authentication-like call only (``client.auth.set_session(tok)``),
which rules may report with less confidence.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterator

from astroid import nodes

from cachelint.analysis.body import Step, callees, own_nodes
from cachelint.analysis.values import FUNCTION_NODES
from cachelint.analysis.infer import Inferrer

MAX_DEPTH = 4  # app functions followed below the one analysed
MAX_BINDINGS = 64  # assignments of one local name followed
MAX_NESTING = 120  # expressions followed inside one another (long chains of + or of calls)

# Calls whose arguments only authenticate: a value flowing in there decides who asks,
# not (necessarily) what is answered.
AUTH_WORDS = ("auth", "login", "token", "credential", "set_session", "bearer", "headers", "cookie")


@dataclass(frozen=True)
class Hit:
    source: nodes.NodeNG  # the source expression (a session-state read...)
    via: tuple[Step, ...] = ()  # app calls from the analysed function to it
    auth_only: bool = False  # it only reaches the value through authentication-like calls
    decided_in: nodes.NodeNG | None = None  # it only chooses which return of this function runs

    def through(self, step: Step) -> Hit:
        return Hit(self.source, (step, *self.via), self.auth_only, self.decided_in)

    def authenticating(self) -> Hit:
        return Hit(self.source, self.via, True, self.decided_in)

    def deciding(self, function: nodes.NodeNG) -> Hit:
        return Hit(self.source, self.via, self.auth_only, self.decided_in or function)


Source = Callable[[nodes.NodeNG], bool]


class Dependence:
    """Dependences on the expressions ``is_source`` accepts, memoised per expression."""

    def __init__(self, inferrer: Inferrer, is_source: Source, follow: Callable[[nodes.FunctionDef], bool] = None):
        self.inferrer = inferrer
        self.is_source = is_source
        self.follow = follow or (lambda function: True)
        self._memo: dict[nodes.NodeNG, frozenset[Hit]] = {}
        self._results: dict[nodes.FunctionDef, frozenset[Hit]] = {}
        self._bindings: dict[nodes.NodeNG, dict[str, list[nodes.NodeNG]]] = {}
        self._active: set[nodes.NodeNG] = set()
        self._nesting = 0

    # -- a function's result ------------------------------------------------------------
    def result(self, function: nodes.FunctionDef | nodes.Lambda, depth: int = 0) -> frozenset[Hit]:
        """Sources the function's result depends on: its returned (or yielded) values, and
        the tests that decide which return runs."""
        if function in self._results:
            return self._results[function]
        if function in self._active or depth > MAX_DEPTH:
            return frozenset()
        self._active.add(function)
        try:
            found: set[Hit] = set()
            if isinstance(function, nodes.Lambda):
                found |= self.of(function.body, function, depth)
            else:
                exits = [n for n in own_nodes(function, (nodes.Return, nodes.Yield, nodes.YieldFrom))
                         if n.value is not None]
                for exit_node in exits:
                    found |= self.of(exit_node.value, function, depth)
                for test in self._deciding_tests(function, exits):
                    found |= {hit.deciding(function) for hit in self.of(test, function, depth)}
            result = frozenset(found)
        finally:
            self._active.discard(function)
        self._results[function] = result
        return result

    @staticmethod
    def _deciding_tests(function: nodes.FunctionDef, exits: list[nodes.NodeNG]) -> list[nodes.NodeNG]:
        """Tests of the branches and loops that hold a return: they decide which value comes back."""
        tests: list[nodes.NodeNG] = []
        for exit_node in exits:
            parent = exit_node.parent
            while parent is not None and parent is not function:
                if isinstance(parent, (nodes.If, nodes.While)) and parent.test not in tests:
                    tests.append(parent.test)
                elif isinstance(parent, nodes.IfExp) and parent.test not in tests:
                    tests.append(parent.test)
                parent = parent.parent
        return tests

    def side_effects(self, function: nodes.FunctionDef, is_sink: Callable[[nodes.Call], list[nodes.NodeNG]],
                     depth: int = 0) -> frozenset[Hit]:
        """Sources the sinks' arguments (``is_sink`` picks them out of a call) depend on."""
        found: set[Hit] = set()
        for call in own_nodes(function, nodes.Call):
            for argument in is_sink(call):
                found |= self.of(argument, function, depth)
        return frozenset(found)

    # -- an expression --------------------------------------------------------------------
    def of(self, expr: nodes.NodeNG | None, function: nodes.NodeNG, depth: int = 0) -> frozenset[Hit]:
        """Sources ``expr`` (in ``function``) depends on."""
        if expr is None:
            return frozenset()
        key = expr
        if key in self._memo:
            return self._memo[key]
        if key in self._active or self._nesting > MAX_NESTING:
            return frozenset()  # a cycle, or too deep to follow: nothing found here (not memoised)
        self._active.add(key)
        self._nesting += 1
        try:
            result = frozenset(self._of(expr, function, depth))
        finally:
            self._active.discard(key)
            self._nesting -= 1
        self._memo[key] = result
        return result

    def _of(self, expr: nodes.NodeNG, function: nodes.NodeNG, depth: int) -> set[Hit]:
        if self.is_source(expr):
            return {Hit(expr)}
        if isinstance(expr, nodes.Name):
            return self._name(expr, function, depth)
        if isinstance(expr, nodes.Call):
            return self._call(expr, function, depth)
        if isinstance(expr, (nodes.Lambda, *FUNCTION_NODES, nodes.ClassDef)):
            return set()  # a function passed as a value: its body runs elsewhere
        found: set[Hit] = set()
        for child in expr.get_children():
            if isinstance(child, (nodes.Comprehension,)):
                found |= self.of(child.iter, function, depth)
                for test in child.ifs:
                    found |= self.of(test, function, depth)
            elif not isinstance(child, nodes.Keyword) or child.value is not None:
                found |= self.of(child.value if isinstance(child, nodes.Keyword) else child, function, depth)
        return found

    def _name(self, name: nodes.Name, function: nodes.NodeNG, depth: int) -> set[Hit]:
        bindings = self._local_bindings(function).get(name.name)
        if not bindings:
            return set()  # a parameter, a global or a builtin: not a source here
        found: set[Hit] = set()
        for value in bindings[:MAX_BINDINGS]:
            found |= self.of(value, function, depth)
        return found

    def _call(self, call: nodes.Call, function: nodes.NodeNG, depth: int) -> set[Hit]:
        found: set[Hit] = set()
        authenticating = _authenticating(call)
        parts = [call.func] + list(call.args) + [k.value for k in call.keywords or ()]
        for part in parts:
            hits = self.of(part, function, depth)
            auth_keyword = isinstance(part.parent, nodes.Keyword) and part.parent.arg in ("headers", "auth", "cookies")
            found |= {h.authenticating() for h in hits} if (authenticating or auth_keyword) and part is not call.func \
                else hits
        if depth < MAX_DEPTH:
            for callee in callees(call, self.inferrer):
                if self.follow(callee):
                    step = Step(call, callee)
                    found |= {hit.through(step) for hit in self.result(callee, depth + 1)}
        return found

    # -- what is put into a local name ----------------------------------------------------------
    def _local_bindings(self, function: nodes.NodeNG) -> dict[str, list[nodes.NodeNG]]:
        """name -> every expression assigned to it, or put into it, in ``function`` itself."""
        if function not in self._bindings:
            self._bindings[function] = dict(_bindings_of(function))
        return self._bindings[function]


def _bindings_of(function: nodes.NodeNG) -> Iterator[tuple[str, list[nodes.NodeNG]]]:
    found: dict[str, list[nodes.NodeNG]] = {}

    def add(target: nodes.NodeNG, value: nodes.NodeNG | None) -> None:
        if value is None:
            return
        if isinstance(target, nodes.AssignName):
            found.setdefault(target.name, []).append(value)
        elif isinstance(target, (nodes.Tuple, nodes.List)):
            for element in target.elts:
                add(element.value if isinstance(element, nodes.Starred) else element, value)
        elif isinstance(target, (nodes.AssignAttr, nodes.Subscript)):
            root = target.expr if isinstance(target, nodes.AssignAttr) else target.value
            while isinstance(root, (nodes.Attribute, nodes.Subscript)):
                root = root.expr if isinstance(root, nodes.Attribute) else root.value
            if isinstance(root, nodes.Name):  # x.attr = v, x[k] = v: x now holds v
                found.setdefault(root.name, []).append(value)

    body = function.body if isinstance(function.body, list) else [function.body]
    stack = list(body)
    while stack:
        node = stack.pop()
        if isinstance(node, nodes.Assign):
            for target in node.targets:
                add(target, node.value)
        elif isinstance(node, (nodes.AnnAssign, nodes.AugAssign)):
            add(node.target, node.value)
            if isinstance(node, nodes.AugAssign) and isinstance(node.target, nodes.AssignName):
                found.setdefault(node.target.name, [])
        elif isinstance(node, nodes.NamedExpr):
            add(node.target, node.value)
        elif isinstance(node, (nodes.For, nodes.Comprehension)):
            add(node.target, node.iter)
        elif isinstance(node, nodes.With):
            for item, target in node.items:
                if target is not None:
                    add(target, item)
        elif isinstance(node, nodes.Call) and isinstance(node.func, nodes.Attribute):
            root = _root_name(node.func.expr)
            if root is not None and node.func.attrname in MUTATORS and root is node.func.expr:
                found.setdefault(root.name, []).extend([*node.args, *(k.value for k in node.keywords or ())])
            elif root is not None and isinstance(node.parent, nodes.Expr) and (node.args or node.keywords):
                # ``client.auth.set_session(tok)``, ``fig.update_layout(title=t)``: a call made for
                # its effect on the object may keep what it is given
                found.setdefault(root.name, []).append(node)
        if isinstance(node, (*FUNCTION_NODES, nodes.ClassDef, nodes.Lambda)) and node is not function:
            continue  # their own scope
        stack.extend(node.get_children())
    yield from found.items()


def _root_name(expr: nodes.NodeNG) -> nodes.Name | None:
    while isinstance(expr, (nodes.Attribute, nodes.Subscript)):
        expr = expr.expr if isinstance(expr, nodes.Attribute) else expr.value
    return expr if isinstance(expr, nodes.Name) else None


MUTATORS = frozenset({"append", "extend", "insert", "add", "update", "setdefault", "appendleft", "extendleft"})


def _authenticating(call: nodes.Call) -> bool:
    """``client.auth.set_session(tok)``, ``login(user, pw)``, ``set_token(t)``..."""
    func = call.func
    words = []
    while isinstance(func, nodes.Attribute):
        words.append(func.attrname.lower())
        func = func.expr
    if isinstance(func, nodes.Name):
        words.append(func.name.lower())
    return any(word in name for name in words[:2] for word in AUTH_WORDS)
