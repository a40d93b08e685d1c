"""Where the app calls a cached function, and which argument lands on which parameter."""

from __future__ import annotations

from dataclasses import dataclass

from astroid import nodes

from cachelint.analysis.walk import nodes_in
from cachelint.analysis.discovery import CachedFunction
from cachelint.analysis.infer import Inferrer
from cachelint.analysis.project import Module, Project
from cachelint.analysis.values import BoundMethod, CachedCallable, Function, Value


@dataclass
class CallSite:
    call: nodes.Call
    module: Module
    arguments: dict[str, nodes.NodeNG]  # parameter name -> the argument (a keyword node for keywords)
    receiver: Value | None = None  # what ``self`` is, for a call through an instance

    def value_node(self, param: str) -> nodes.NodeNG:
        arg = self.arguments[param]
        return arg.value if isinstance(arg, nodes.Keyword) else arg


class CallSiteIndex:
    """Calls of each module grouped by the name they call, built once per module."""

    def __init__(self, project: Project, inferrer: Inferrer):
        self.project = project
        self.inferrer = inferrer
        self._by_module: dict[Module, dict[str, list[nodes.Call]]] = {}
        self._sites: dict[nodes.NodeNG, list[CallSite]] = {}

    def calls_named(self, module: Module, name: str) -> list[nodes.Call]:
        if module not in self._by_module:
            index: dict[str, list[nodes.Call]] = {}
            for call in nodes_in(module.tree, nodes.Call):
                func = call.func
                key = func.name if isinstance(func, nodes.Name) else getattr(func, "attrname", None)
                if key:
                    index.setdefault(key, []).append(call)
            self._by_module[module] = index
        return self._by_module[module].get(name, [])

    def sites(self, cached: CachedFunction) -> list[CallSite]:
        if cached.node not in self._sites:
            self._sites[cached.node] = self._find(cached)
        return self._sites[cached.node]

    def _find(self, cached: CachedFunction) -> list[CallSite]:
        found: list[CallSite] = []
        for module in self.project.callers(cached.module, cached.names, self.inferrer.check_budget):
            for name in sorted(cached.names):
                for call in self.calls_named(module, name):
                    site = self.site_of(cached, call, module)
                    if site is not None:
                        found.append(site)
        found.sort(key=lambda s: (str(s.module.path), s.call.lineno, s.call.col_offset))
        return found

    def site_of(self, cached: CachedFunction, call: nodes.Call, module: Module) -> CallSite | None:
        """``call`` as a call of ``cached`` (its arguments bound to parameters), or None."""
        for callee in self.inferrer.values(call.func):
            if isinstance(callee, BoundMethod) and callee.function.node is cached.node:
                skip = 0 if cached.method_kind == "static" else 1
                return self._bind(cached, call, module, skip, callee.receiver)
            if isinstance(callee, (Function, CachedCallable)):
                node = callee.node if isinstance(callee, Function) else callee.function.node
                if node is cached.node:
                    return self._bind(cached, call, module, 0, None)
        return None

    @staticmethod
    def _bind(cached: CachedFunction, call: nodes.Call, module: Module, skip: int, receiver) -> CallSite:
        positional = cached.positional_params()
        arguments: dict[str, nodes.NodeNG] = {}
        if receiver is None and skip == 0 and cached.method_kind == "instance" and call.args:
            receiver_node = call.args[0]  # Class.method(obj, ...): obj is self
            arguments[positional[0].name] = receiver_node
            positional = positional[1:]
            args = call.args[1:]
        else:
            positional = positional[skip:]
            args = call.args
        for param, arg in zip(positional, args):
            if isinstance(arg, nodes.Starred):
                break
            arguments[param.name] = arg
        names = {p.name for p in cached.params()}
        for keyword in call.keywords or ():
            if keyword.arg in names:
                arguments[keyword.arg] = keyword
        return CallSite(call, module, arguments, receiver)
