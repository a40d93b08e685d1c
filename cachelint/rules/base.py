"""What every rule shares: its identity, its docs, and how it reports."""

from __future__ import annotations

import inspect
from dataclasses import dataclass
from functools import cached_property
from typing import ClassVar, Iterator

from astroid import nodes

from cachelint.analysis.body import Body
from cachelint.analysis.callsites import CallSite, CallSiteIndex
from cachelint.analysis.discovery import CachedFunction
from cachelint.analysis.hash_funcs import HashFuncsEntry, covered_keys, entries
from cachelint.analysis.hashability import Hashability, HashFuncsKeys
from cachelint.analysis.infer import Inferrer
from cachelint.analysis.project import Module, Project
from cachelint.findings import Confidence, Finding
from cachelint.streamlit_model.hashing import HasherModel


class Analysis:
    """The state one run shares between files: parsed modules, inference, call sites."""

    def __init__(self, project: Project, model: HasherModel, hashable_types: frozenset[str] = frozenset(),
                 unhashable_types: frozenset[str] = frozenset()):
        self.project = project
        self.inferrer = Inferrer(project)
        self.hashability = Hashability(self.inferrer, model, hashable_types, unhashable_types)
        self.call_sites = CallSiteIndex(project, self.inferrer)


@dataclass
class CachedContext:
    """One cached function, with what rules ask about it computed once."""

    cached: CachedFunction
    analysis: Analysis

    @property
    def inferrer(self) -> Inferrer:
        return self.analysis.inferrer

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
    def body(self) -> Body:
        """What the cached body runs, through the app's own helpers."""
        return Body(self.cached.node, self.inferrer)


@dataclass
class ModuleContext:
    """One module, for rules about the module as a whole (removed APIs, imports)."""

    module: Module
    analysis: Analysis
    cached_functions: list[CachedFunction]

    @property
    def inferrer(self) -> Inferrer:
        return self.analysis.inferrer


class Rule:
    """Base of all rules. The docstring of a rule is its published documentation.

    A rule implements ``check`` (called once per cached function, for functions of
    the file and of the app modules it imports) and/or ``check_module`` (called once
    per checked file).
    """

    code: ClassVar[str]
    name: ClassVar[str]
    severity: ClassVar[str] = "error"  # "error" or "warning"
    summary: ClassVar[str]

    def check(self, ctx: CachedContext) -> Iterator[Finding]:
        return iter(())

    def check_module(self, ctx: ModuleContext) -> Iterator[Finding]:
        return iter(())

    def report(self, ctx: CachedContext | ModuleContext, node: nodes.NodeNG, message: str,
               confidence: Confidence = Confidence.HIGH, line: int | None = None,
               col: int | None = None) -> Finding:
        module = ctx.analysis.project.module_of(node) or getattr(ctx, "module", None) or ctx.cached.module
        line = line or node.lineno or 1
        col = node.col_offset or 0 if col is None else col
        return Finding(module.path, line, col, self.code, message,
                       end_line=getattr(node, "end_lineno", None) or line,
                       end_col=getattr(node, "end_col_offset", None) or col, confidence=confidence)

    @classmethod
    def docs(cls) -> str:
        return inspect.cleandoc(cls.__doc__ or "")
