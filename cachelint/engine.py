"""Runs the rules over files: parse once, discover cached functions, report per file.

Findings about a cached function can land in another file (a call in ``app.py`` that
passes an unhashable value to a function of ``utils.py``), so a file is checked with
the cached functions it defines and those of the app modules it imports, and keeps the
findings located in it.

Same input, same findings, on any machine and with any ``-j``: parsed modules are kept
for the whole run (parsing does not change what is found), but each checked file gets
analysis state of its own (inference memo, call sites), so what one file finds never
depends on which files were checked before it; and the work spent on one cached
function is bounded in inference *steps* (``STEP_BUDGET``), never in seconds. A
function over its budget gets an STC902 finding naming it, and the rules' cheap checks
(``Rule.check_quickly``: no inference) still run for it; module rules (removed APIs,
options) never depend on a function's budget.
"""

from __future__ import annotations

import gc
import traceback
from dataclasses import replace
from pathlib import Path

from cachelint.analysis.context import Analysis, CachedContext, ModuleContext
from cachelint.analysis.discovery import CachedFunction, discover
from cachelint.analysis.infer import BudgetExceeded
from cachelint.analysis.project import Module, ParseFailure, Project
from cachelint.catalog import BUDGET_EXCEEDED, INTERNAL_ERROR, SYNTAX_ERROR
from cachelint.config import AnalysisSettings
from cachelint.findings import Finding, Related
from cachelint.registry import rules_for
from cachelint.rules.base import Rule
from cachelint.source import mentions_streamlit
from cachelint.streamlit_model import model_for


class Engine:
    def __init__(self, settings: AnalysisSettings = AnalysisSettings(), project: Project | None = None):
        _tune_gc()
        self.settings = settings
        self.rules = rules_for(settings.select, settings.ignore, settings.preview)
        self.project = project or Project(frozenset(p.resolve() for p in settings.entry_scripts))
        self.model = model_for(settings.target_streamlit, settings.target_pandas, settings.target_origin)
        self.analysis = self.new_analysis()

    def new_analysis(self) -> Analysis:
        return Analysis(self.project, self.model, self.settings.hashable_types, self.settings.unhashable_types)

    def check_file(self, path: Path, text: str) -> list[Finding]:
        """Findings located in ``path``, whose content is ``text`` (read by the caller:
        ``cachelint.service`` reads, prefilters and contains failures)."""
        try:
            if not self.project.reaches_caching(path, text):
                return []  # nothing it holds or imports spells Streamlit's caching: nothing to find
            module = self.project.module(path, text)
        except ParseFailure as failure:
            return [Finding(path, failure.line, failure.col, SYNTAX_ERROR,
                            f"cannot parse the file, so it was not checked: {failure.reason}")]
        self.analysis = self.new_analysis()  # nothing carried over from the files before
        found: list[Finding] = []
        try:
            functions = self.cached_functions_seen_from(module)
        except BudgetExceeded:
            functions = []
            found.append(self._over_budget(module.path, 1, 0, "finding the cached functions of this file"))
        except Exception as exc:  # noqa: BLE001 - a bug in discovery must not stop the run
            return [Finding(module.path, 1, 0, INTERNAL_ERROR,
                            f"internal error while finding cached functions, please report it: {_describe(exc)}")]
        self.analysis.memo(("cached-functions",), lambda: list(functions))
        for cached in functions:
            found.extend(f for f in self._check_function(cached) if f.path == module.path)
        found.extend(self._check_module(module, [c for c in functions if c.module is module]))
        return one_per_group(sorted(set(found)))

    def _check_module(self, module: Module, functions: list[CachedFunction]) -> list[Finding]:
        ctx = ModuleContext(module, self.analysis, functions)
        found: list[Finding] = []
        for rule in self.rules:
            self.analysis.inferrer.set_budget(self.settings.step_budget)
            try:
                found.extend(f for f in rule.check_module(ctx) if f.path == module.path)
            except BudgetExceeded:
                found.append(self._over_budget(module.path, 1, 0, f"this module's {rule.code} checks"))
            except RecursionError:
                found.append(Finding(module.path, 1, 0, INTERNAL_ERROR,
                                     f"internal error in rule {rule.code} ({rule.name}): inference recursed too deeply"))
            except Exception as exc:  # noqa: BLE001 - one rule's bug must not stop the run
                found.append(Finding(module.path, 1, 0, INTERNAL_ERROR,
                                     f"internal error in rule {rule.code} ({rule.name}), please report it: "
                                     f"{_describe(exc)}"))
            finally:
                self.analysis.inferrer.set_budget(None)
        return self._without_superseded(found)

    def cached_functions_seen_from(self, module: Module) -> list[CachedFunction]:
        """Cached functions defined in ``module`` or in the app modules it imports."""
        functions = list(discover(module, self.analysis.inferrer))
        for imported in self.project.imports_of(module):
            if mentions_streamlit(imported.text):
                functions.extend(discover(imported, self.analysis.inferrer))
        return functions

    def _check_function(self, cached: CachedFunction) -> list[Finding]:
        ctx = CachedContext(cached, self.analysis)
        found: list[Finding] = []
        self.analysis.inferrer.set_budget(self.settings.step_budget)
        try:
            for position, rule in enumerate(self.rules):
                try:
                    found.extend(rule.check(ctx))
                except BudgetExceeded:
                    found.append(self._over_budget(cached.module.path, cached.node.lineno, cached.node.col_offset,
                                                   f"cached '{cached.name}'", self.rules[position:]))
                    found.extend(self._quick_checks(ctx, self.rules[position:]))
                    break
                except RecursionError:
                    found.append(self._internal_error(cached, rule, "inference recursed too deeply"))
                except Exception as exc:  # noqa: BLE001 - one rule's bug must not stop the run
                    found.append(self._internal_error(cached, rule, _describe(exc)))
        finally:
            self.analysis.inferrer.set_budget(None)
        return self._without_superseded(found)

    def _quick_checks(self, ctx: CachedContext, rules: list[Rule]) -> list[Finding]:
        """What the rules left unchecked can still tell without inference."""
        found: list[Finding] = []
        for rule in rules:
            try:
                found.extend(rule.check_quickly(ctx))
            except Exception as exc:  # noqa: BLE001 - one rule's bug must not stop the run
                found.append(self._internal_error(ctx.cached, rule, _describe(exc)))
        return found

    def _without_superseded(self, found: list[Finding]) -> list[Finding]:
        """Drop the findings another finding about the same subject makes redundant
        (a hash_funcs key that never matches: what its function would do is moot)."""
        superseded = {(code, f.subject) for f in found if f.subject
                      for rule in self.rules if rule.code == f.code for code in rule.supersedes}
        return [f for f in found if (f.code, f.subject) not in superseded]

    def _over_budget(self, path: Path, line: int, col: int, what: str, rules: list[Rule] = ()) -> Finding:
        skipped = f" ({', '.join(r.code for r in rules)} not run)" if rules else ""
        return Finding(path, line, col, BUDGET_EXCEEDED,
                       f"analysis budget of {self.settings.step_budget:,} inference steps exceeded on {what}"
                       f"{skipped}: its findings may be incomplete")

    @staticmethod
    def _internal_error(cached: CachedFunction, rule: Rule, detail: str) -> Finding:
        return Finding(cached.module.path, cached.node.lineno, cached.node.col_offset, INTERNAL_ERROR,
                       f"internal error in rule {rule.code} ({rule.name}) on '{cached.name}', "
                       f"please report it: {detail}")


def one_per_group(found: list[Finding]) -> list[Finding]:
    """Keep the first finding of each root cause (``group``); the others become its related
    locations, so that one helper's read reached from twenty cached functions is one finding."""
    first: dict[tuple[str, str], int] = {}
    kept: list[Finding] = []
    for finding in found:
        key = (finding.code, finding.group)
        if not finding.group or key not in first:
            first.setdefault(key, len(kept))
            kept.append(finding)
            continue
        index = first[key]
        head = kept[index]
        also = Related(finding.path, finding.line, finding.col, "also: " + finding.message.split(", ")[0])
        kept[index] = replace(head, related=(*head.related, also))
    return kept


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
