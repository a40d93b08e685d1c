"""Finding the cached functions of a module, in every form an app writes them.

``@st.cache_data`` / ``@st.cache_resource`` with or without options, through any
alias of the module or the decorator, a decorator kept in a variable
(``cache = st.cache_data(ttl=60)``), and the call form ``load = st.cache_data(_load)``;
methods and nested functions included. Names are resolved by the inferrer, never by
matching the text ``st.``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from astroid import nodes

from cachelint.analysis.walk import nodes_in
from cachelint.analysis.infer import Inferrer, decorator_names
from cachelint.analysis.project import Module
from cachelint.analysis.values import FUNCTION_NODES, CacheDecorator, CachedCallable


@dataclass(eq=False)
class CachedFunction:
    node: nodes.FunctionDef
    module: Module
    kind: str  # "data" or "resource"
    decorator: nodes.NodeNG  # the decorator expression, or the wrapping call
    options_call: nodes.Call | None  # the call that carries the options, if any
    names: set[str] = field(default_factory=set)  # names callers use

    @property
    def name(self) -> str:
        return self.node.name

    @property
    def api(self) -> str:
        return f"st.cache_{self.kind}"

    @property
    def owner(self) -> nodes.ClassDef | None:
        return self.node.parent if isinstance(self.node.parent, nodes.ClassDef) else None

    @property
    def method_kind(self) -> str:
        """"function", "instance", "class" or "static"."""
        if self.owner is None:
            return "function"
        kinds = decorator_names(self.node)
        if "staticmethod" in kinds:
            return "static"
        if "classmethod" in kinds:
            return "class"
        return "instance"

    def option(self, name: str) -> nodes.NodeNG | None:
        for keyword in (self.options_call.keywords or ()) if self.options_call else ():
            if keyword.arg == name:
                return keyword.value
        return None

    def positional_params(self) -> list[nodes.AssignName]:
        args = self.node.args
        return list(args.posonlyargs or []) + list(args.args or [])

    def params(self) -> list[nodes.AssignName]:
        return self.positional_params() + list(self.node.args.kwonlyargs or [])


def discover(module: Module, inferrer: Inferrer) -> list[CachedFunction]:
    found: list[CachedFunction] = []
    for func in nodes_in(module.tree, FUNCTION_NODES):
        for dec in func.decorators.nodes if func.decorators else ():
            decorator = _cache_decorator(dec, inferrer)
            if decorator is not None:
                found.append(CachedFunction(func, module, decorator.kind, dec, decorator.call, {func.name}))
                break
    seen = {c.node for c in found}
    for assign in nodes_in(module.tree, nodes.Assign):
        if not isinstance(assign.value, nodes.Call) or len(assign.value.args) != 1:
            continue
        for value in inferrer.values(assign.value):
            if isinstance(value, CachedCallable) and value.function.node not in seen:
                names = {t.name for t in assign.targets if isinstance(t, nodes.AssignName)}
                cached = CachedFunction(value.function.node, inferrer.module_of(value.function.node) or module,
                                        value.decorator.kind, assign.value, value.decorator.call, names)
                if cached.module is module:
                    found.append(cached)
                    seen.add(cached.node)
    return sorted(found, key=lambda c: (c.node.lineno, c.node.col_offset))


def _cache_decorator(dec: nodes.NodeNG, inferrer: Inferrer) -> CacheDecorator | None:
    for value in inferrer.values(dec):
        if isinstance(value, CacheDecorator):
            return value
    return None
