"""What every rule shares: its identity (from the catalogue), its docs and examples, how
it reports, and which other findings it makes redundant."""

from __future__ import annotations

import inspect
from dataclasses import dataclass
from typing import ClassVar, Iterator

from astroid import nodes

from cachelint import catalog
from cachelint.analysis.context import CachedContext, ModuleContext
from cachelint.findings import Confidence, Finding, Fix, Related


@dataclass(frozen=True)
class Example:
    """A runnable example of a rule: an app's source.

    An invalid example marks each line the rule reports with ``# expect: STC0NN`` (as
    the fixtures do); a valid one has no marker. ``fixed`` is the source ``cachelint
    check --fix`` makes of it (``unsafe_fixed`` with ``--unsafe-fixes``).
    ``target_streamlit`` runs it against another release than the latest.
    """

    source: str
    fixed: str | None = None
    unsafe_fixed: str | None = None
    target_streamlit: str | None = None

    @property
    def text(self) -> str:
        return inspect.cleandoc(self.source) + "\n"


class _CatalogField:
    """A class attribute read from the catalogue row of the rule's code."""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, instance: object, owner: type) -> str:
        return getattr(catalog.BY_CODE[owner.code], self.name)


class Rule:
    """Base of all rules. The docstring of a rule is its published documentation.

    A rule implements ``check`` (called once per cached function, for functions of
    the file and of the app modules it imports) and/or ``check_module`` (called once
    per checked file). It reports through ``report``, with the fix when it has one.
    ``supersedes`` names codes whose findings about the same subject (``report(...,
    subject=...)``) this rule's finding makes redundant: the engine drops them, in one
    place, and runs this rule whenever one of them is selected.
    """

    code: ClassVar[str]
    name = _CatalogField()
    severity = _CatalogField()
    summary = _CatalogField()
    supersedes: ClassVar[frozenset[str]] = frozenset()
    VALID: ClassVar[tuple[Example, ...]] = ()
    INVALID: ClassVar[tuple[Example, ...]] = ()

    def check(self, ctx: CachedContext) -> Iterator[Finding]:
        return iter(())

    def check_module(self, ctx: ModuleContext) -> Iterator[Finding]:
        return iter(())

    def check_quickly(self, ctx: CachedContext) -> Iterator[Finding]:
        """What the rule can tell without inference, for a function whose analysis ran past
        its budget (the engine calls it instead of ``check`` then)."""
        return iter(())

    def report(self, ctx: CachedContext | ModuleContext, node: nodes.NodeNG, message: str,
               confidence: Confidence = Confidence.HIGH, line: int | None = None, col: int | None = None, *,
               fix: Fix | None = None, related: tuple[Related, ...] = (),
               subject: nodes.NodeNG | None = None) -> Finding:
        module = ctx.project.module_of(node) or ctx.module
        line = line or node.lineno or 1
        col = node.col_offset or 0 if col is None else col
        return Finding(module.path, line, col, self.code, message,
                       end_line=getattr(node, "end_lineno", None) or line,
                       end_col=getattr(node, "end_col_offset", None) or col, confidence=confidence,
                       fix=fix, related=related, subject=_subject_key(subject) if subject is not None else "")

    @classmethod
    def docs(cls) -> str:
        return inspect.cleandoc(cls.__doc__ or "")


def _subject_key(node: nodes.NodeNG) -> str:
    """A picklable name for the node a finding is about (for ``supersedes``)."""
    return f"{node.root().file}:{node.lineno}:{node.col_offset}:{type(node).__name__}"
