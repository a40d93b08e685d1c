"""Runs the rules over files: parse once, discover cached functions, report per file.

Findings about a cached function can land in another file (a call in ``app.py`` that
passes an unhashable value to a function of ``utils.py``), so a file is checked with
the cached functions it defines and those of the app modules it imports; each
function is analysed once per run and its findings are handed to the file they are in.
"""

from __future__ import annotations

import gc
import traceback
from pathlib import Path

from astroid import nodes

from cachelint.analysis.context import Analysis, CachedContext, ModuleContext
from cachelint.analysis.discovery import CachedFunction, discover
from cachelint.analysis.infer import BudgetExceeded
from cachelint.analysis.project import Module, ParseFailure, Project
from cachelint.catalog import BUDGET_EXCEEDED, INTERNAL_ERROR, SYNTAX_ERROR
from cachelint.findings import Finding
from cachelint.registry import rules_for
from cachelint.rules.base import Rule
from cachelint.config import AnalysisSettings
from cachelint.source import mentions_streamlit
from cachelint.streamlit_model import model_for


class Engine:
    def __init__(self, settings: AnalysisSettings = AnalysisSettings(), project: Project | None = None):
        _tune_gc()
        self.settings = settings
        self.rules = rules_for(settings.select, settings.ignore, settings.preview)
        self.project = project or Project(frozenset(p.resolve() for p in settings.entry_scripts))
        model = model_for(settings.target_streamlit, settings.target_pandas, settings.target_origin)
        self.analysis = Analysis(self.project, model, settings.hashable_types, settings.unhashable_types)
        self._discovered: dict[Module, list[CachedFunction]] = {}
        self._findings: dict[nodes.NodeNG, list[Finding]] = {}

    def check_file(self, path: Path, text: str) -> list[Finding]:
        """Findings located in ``path``, whose content is ``text`` (read by the caller:
        ``cachelint.service`` reads, prefilters and contains failures)."""
        try:
            module = self.project.module(path, text)
        except ParseFailure as failure:
            return [Finding(path, failure.line, failure.col, SYNTAX_ERROR,
                            f"cannot parse the file, so it was not checked: {failure.reason}")]
        self.analysis.inferrer.start_budget(self.settings.file_budget_seconds)
        try:
            return self._check_module_and_functions(module)
        except BudgetExceeded:
            return [self._over_budget(module.path, 1, 0, "this file")]
        finally:
            self.analysis.inferrer.start_budget(None)

    def _check_module_and_functions(self, module: Module) -> list[Finding]:
        found: list[Finding] = []
        try:
            functions = self.cached_functions_seen_from(module)
        except BudgetExceeded:
            raise
        except Exception as exc:  # noqa: BLE001 - a bug in discovery must not stop the run
            return [Finding(module.path, 1, 0, INTERNAL_ERROR,
                            f"internal error while finding cached functions, please report it: {_describe(exc)}")]
        for cached in functions:
            found.extend(f for f in self._check_function(cached) if f.path == module.path)
        found.extend(self._check_module(module, [c for c in functions if c.module is module]))
        return sorted(set(found))

    def _check_module(self, module: Module, functions: list[CachedFunction]) -> list[Finding]:
        ctx = ModuleContext(module, self.analysis, functions)
        found: list[Finding] = []
        for rule in self.rules:
            try:
                found.extend(f for f in rule.check_module(ctx) if f.path == module.path)
            except BudgetExceeded:
                raise
            except RecursionError:
                found.append(Finding(module.path, 1, 0, INTERNAL_ERROR,
                                     f"internal error in rule {rule.code} ({rule.name}): inference recursed too deeply"))
            except Exception as exc:  # noqa: BLE001 - one rule's bug must not stop the run
                found.append(Finding(module.path, 1, 0, INTERNAL_ERROR,
                                     f"internal error in rule {rule.code} ({rule.name}), please report it: "
                                     f"{_describe(exc)}"))
        return self._without_superseded(found)

    def cached_functions_seen_from(self, module: Module) -> list[CachedFunction]:
        """Cached functions defined in ``module`` or in the app modules it imports."""
        functions = list(self.discover(module))
        for imported in self.project.imports_of(module):
            if mentions_streamlit(imported.text):
                functions.extend(self.discover(imported))
        return functions

    def discover(self, module: Module) -> list[CachedFunction]:
        if module not in self._discovered:
            self._discovered[module] = discover(module, self.analysis.inferrer)
        return self._discovered[module]

    def _check_function(self, cached: CachedFunction) -> list[Finding]:
        if cached.node not in self._findings:
            ctx = CachedContext(cached, self.analysis)
            found: list[Finding] = []
            for rule in self.rules:
                try:
                    found.extend(rule.check(ctx))
                except BudgetExceeded:
                    found.append(self._over_budget(cached.module.path, cached.node.lineno, cached.node.col_offset,
                                                   f"cached '{cached.name}'"))
                    break
                except RecursionError:
                    found.append(self._internal_error(cached, rule, "inference recursed too deeply"))
                except Exception as exc:  # noqa: BLE001 - one rule's bug must not stop the run
                    found.append(self._internal_error(cached, rule, _describe(exc)))
            self._findings[cached.node] = self._without_superseded(found)
        return self._findings[cached.node]

    def _without_superseded(self, found: list[Finding]) -> list[Finding]:
        """Drop the findings another finding about the same subject makes redundant
        (a hash_funcs key that never matches: what its function would do is moot)."""
        superseded = {(code, f.subject) for f in found if f.subject
                      for rule in self.rules if rule.code == f.code for code in rule.supersedes}
        return [f for f in found if (f.code, f.subject) not in superseded]

    def _over_budget(self, path: Path, line: int, col: int, what: str) -> Finding:
        return Finding(path, line, col, BUDGET_EXCEEDED,
                       f"analysis budget exceeded ({self.settings.file_budget_seconds:g} s) on {what}: "
                       f"its findings may be incomplete")

    @staticmethod
    def _internal_error(cached: CachedFunction, rule: Rule, detail: str) -> Finding:
        return Finding(cached.module.path, cached.node.lineno, cached.node.col_offset, INTERNAL_ERROR,
                       f"internal error in rule {rule.code} ({rule.name}) on '{cached.name}', "
                       f"please report it: {detail}")


def _describe(exc: BaseException) -> str:
    where = traceback.extract_tb(exc.__traceback__)[-1] if exc.__traceback__ else None
    place = f" ({Path(where.filename).name}:{where.lineno})" if where else ""
    return f"{type(exc).__name__}: {exc}{place}"


def _tune_gc() -> None:
    """astroid allocates millions of small objects that live for the whole run; with
    CPython's default thresholds the collector rescans them constantly (measured: a
    third of the run). Collect young objects far less often; cycles are still freed."""
    if gc.get_threshold()[0] < 50_000:
        gc.set_threshold(50_000, 10, 10)
