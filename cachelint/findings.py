"""What a check reports: findings, the fixes they carry, and a run's report.

Plain data, no heavy imports: the result cache stores findings as JSON, worker
processes pickle them, every output reads them.

Positions: ``line`` is 1-based; ``col``/``end_col`` are 0-based offsets in UTF-8 bytes
of the line, as Python's ``ast`` and flake8 count them. Edits of a fix count columns
in characters (code points), which is what applying them to a text needs.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cachelint.catalog import INTERNAL_ERROR


class Confidence(enum.Enum):
    """How sure a finding is, as pylint states it."""

    HIGH = "high"  # the signature alone shows it
    INFERENCE = "inference"  # inferred from call sites or values


@dataclass(frozen=True, order=True)
class Edit:
    """Replace the text from (line, col) to (end_line, end_col) with ``text``.

    Lines are 1-based, columns 0-based code points; an insertion has start == end.
    """

    line: int
    col: int
    end_line: int
    end_col: int
    text: str


@dataclass(frozen=True)
class Fix:
    """The change that resolves a finding."""

    description: str  # "st.cache -> st.cache_resource"
    edits: tuple[Edit, ...]
    safe: bool = True  # False: the intent is a guess; applied only with --unsafe-fixes


@dataclass(frozen=True, order=True)
class Related:
    """Another place that belongs to a finding (another read of the same leak...)."""

    path: Path
    line: int
    col: int
    message: str


@dataclass(frozen=True, order=True)
class Finding:
    path: Path
    line: int  # 1-based
    col: int  # 0-based UTF-8 byte offset, like flake8
    code: str
    message: str
    end_line: int = 0
    end_col: int = 0
    confidence: Confidence = field(default=Confidence.HIGH, compare=False)
    fix: Fix | None = field(default=None, compare=False)
    related: tuple[Related, ...] = field(default=(), compare=False)
    # What the finding is about (a hash_funcs entry...), for rules that supersede others
    # on the same subject; the engine's business only, not stored.
    subject: str = field(default="", compare=False, repr=False)
    # One root cause reached from several places of a file (a helper's read that many
    # cached functions reach): the engine keeps the first and lists the others as related.
    group: str = field(default="", compare=False, repr=False)

    def flake8_text(self) -> str:
        return f"{self.code} {self.message}"

    # -- the result cache's JSON ---------------------------------------------------------
    def to_json(self) -> list[Any]:
        fix = None
        if self.fix is not None:
            fix = [self.fix.description, self.fix.safe,
                   [[e.line, e.col, e.end_line, e.end_col, e.text] for e in self.fix.edits]]
        related = [[str(r.path), r.line, r.col, r.message] for r in self.related]
        return [self.line, self.col, self.code, self.message, self.end_line, self.end_col,
                self.confidence.value, fix, related]

    @classmethod
    def from_json(cls, path: Path, data: list[Any]) -> Finding:
        line, col, code, message, end_line, end_col, confidence, fix, related = data
        if fix is not None:
            description, safe, edits = fix
            fix = Fix(description, tuple(Edit(*e) for e in edits), safe)
        return cls(path, line, col, code, message, end_line, end_col, Confidence(confidence), fix,
                   tuple(Related(Path(p), li, co, m) for p, li, co, m in related))


@dataclass
class Report:
    """What a run found, with what the outputs need to show it."""

    findings: list[Finding]
    files_checked: int
    root: Path  # configuration root: paths in SARIF are relative to it (or to the git root)
    texts: dict[Path, str] = field(default_factory=dict)  # file -> text, for files with findings
    analysed: int = 0  # files the engine ran on (cache misses)
    cached: int = 0  # files answered by the cache
    notes: list[str] = field(default_factory=list)  # what the run wants the user to know (-v)

    @property
    def internal_error(self) -> bool:
        return any(f.code == INTERNAL_ERROR for f in self.findings)
