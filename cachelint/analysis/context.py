"""What rules are handed: the state one run shares, one module, one cached function.

``Analysis`` holds what every file of a run shares (parsed modules, inference, call
sites, the Streamlit model of the target). A ``CachedContext`` is one cached function
with the answers rules ask about it computed once; a ``ModuleContext`` is one checked
module. Both memoise analyses that several rules share (``memo``), so that one rule
never calls another's predicates to find out what it already knows.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any, Callable, Hashable, TypeVar

from astroid import nodes

from cachelint.analysis.body import Body, is_cached
from cachelint.analysis.values import FUNCTION_NODES
from cachelint.analysis.callsites import CallSite, CallSiteIndex
from cachelint.analysis.discovery import CachedFunction, discover
from cachelint.analysis.hash_funcs import HashFuncsEntry, covered_keys, entries
from cachelint.analysis.hashability import Hashability, HashFuncsKeys
from cachelint.analysis.infer import Inferrer
from cachelint.analysis.project import Module, Project
from cachelint.streamlit_model import StreamlitModel

T = TypeVar("T")
MAX_SCOPE_MODULES = 64


class Analysis:
    """The state one run shares between files: parsed modules, inference, call sites."""

    def __init__(self, project: Project, model: StreamlitModel, hashable_types: frozenset[str] = frozenset(),
                 unhashable_types: frozenset[str] = frozenset()):
        self.project = project
        self.model = model
        self.inferrer = Inferrer(project)
        self.hashability = Hashability(self.inferrer, model.hasher, hashable_types, unhashable_types)
        self.call_sites = CallSiteIndex(project, self.inferrer)
        self._memo: dict[Hashable, Any] = {}

    def memo(self, key: Hashable, compute: Callable[[], T]) -> T:
        """``compute()``, once per file's analysis: what rules share across cached functions."""
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]

    # -- cached functions other code calls ---------------------------------------------------
    def cached_function(self, node: nodes.NodeNG) -> CachedFunction | None:
        """The cached function defined by ``node``, if it is one."""
        if not isinstance(node, FUNCTION_NODES) or not is_cached(node, self.inferrer):
            return None
        module = self.inferrer.module_of(node)
        if module is None:
            return None
        found = self.memo(("discovered", module), lambda: discover(module, self.inferrer))
        return next((c for c in found if c.node is node), None)

    def entries_change(self, cached: CachedFunction) -> str | None:
        """Why a cached function's entry for one key can change while the app runs (a ``ttl``,
        a ``.clear()`` of this function), or None: then it is fixed by its hashed arguments
        until the whole cache is cleared. (``st.cache_data.clear()`` clears every cache at
        once, so it keeps caches built on one another consistent.)"""
        return self.memo(("entries_change", cached.node), lambda: self._entries_change(cached))

    def _entries_change(self, cached: CachedFunction) -> str | None:
        ttl = cached.option("ttl")
        if ttl is not None and not (isinstance(ttl, nodes.Const) and ttl.value is None):
            return f"its entries expire (ttl={ttl.as_string()})"
        for module in [cached.module, *self.project.importers(cached.module)]:
            for call in self.call_sites.calls_named(module, "clear"):
                func = call.func
                if isinstance(func, nodes.Attribute) and not call.args and any(
                        c.node is cached.node for c in self.cached_callees(func.expr)):
                    where = "" if module is cached.module else f" of {module.path.name}"
                    return f"it is cleared at line {call.lineno}{where}"
        return None

    def cached_callees(self, expr: nodes.NodeNG) -> list[CachedFunction]:
        """The cached functions an expression names (``load``, ``Loader.load``): what calling it runs."""
        found = []
        for value in self.inferrer.values(expr):
            node = getattr(value, "node", None) or getattr(getattr(value, "function", None), "node", None)
            cached = self.cached_function(node) if node is not None else None
            if cached is not None and cached not in found:
                found.append(cached)
        return found


class _Context:
    def __init__(self, analysis: Analysis):
        self.analysis = analysis
        self._memo: dict[Hashable, Any] = {}

    @property
    def inferrer(self) -> Inferrer:
        return self.analysis.inferrer

    @property
    def model(self) -> StreamlitModel:
        return self.analysis.model

    @property
    def project(self) -> Project:
        return self.analysis.project

    def memo(self, key: Hashable, compute: Callable[[], T]) -> T:
        """``compute()``, once per context and key: shared by the rules that ask."""
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]


class CachedContext(_Context):
    """One cached function, with what rules ask about it computed once."""

    def __init__(self, cached: CachedFunction, analysis: Analysis):
        super().__init__(analysis)
        self.cached = cached

    @property
    def module(self) -> Module:
        return self.cached.module

    @property
    def hashability(self) -> Hashability:
        return self.analysis.hashability

    @cached_property
    def sites(self) -> list[CallSite]:
        return self.analysis.call_sites.sites(self.cached)

    @cached_property
    def hash_funcs(self) -> list[HashFuncsEntry]:
        return entries(self.cached, self.inferrer)

    @cached_property
    def keys(self) -> HashFuncsKeys | None:
        return covered_keys(self.cached, self.inferrer)

    @cached_property
    def scope_modules(self) -> list[Module]:
        """Modules whose classes a name in this function's options may mean: the function's
        module, the modules that call it, and what these import (not other apps' scripts
        that happen to share the folder)."""
        modules: list[Module] = [self.cached.module]
        for site in self.sites:
            if site.module not in modules:
                modules.append(site.module)
        index = 0
        while index < len(modules) and len(modules) < MAX_SCOPE_MODULES:
            for imported in self.project.imports_of(modules[index]):
                if imported not in modules:
                    modules.append(imported)
            index += 1
        return modules

    @cached_property
    def body(self) -> Body:
        """What the cached body runs, through the app's own helpers."""
        return Body(self.cached.node, self.inferrer)


class ModuleContext(_Context):
    """One module, for rules about the module as a whole (removed APIs, options)."""

    def __init__(self, module: Module, analysis: Analysis, cached_functions: list[CachedFunction]):
        super().__init__(analysis)
        self.module = module
        self.cached_functions = cached_functions
