"""Code actions: "add ``# noqa``" for every diagnostic, the fix each finding carries,
and "fix all" (what ``cachelint check --fix`` would do), also as ``source.fixAll.cachelint``
for fix-on-save. Plain data here; the server turns it into LSP edits."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from cachelint.findings import Edit, Finding
from cachelint.fixes.patch import edits_between
from cachelint.integrations.lsp.workspace import Folder

FIX_ALL_TITLE = "Apply every safe cachelint fix"


@dataclass(frozen=True)
class FixAction:
    title: str
    edits: tuple[Edit, ...]
    finding: Finding | None  # the finding it fixes; None: every fixable finding


def finding_fixes(findings: list[Finding]) -> list[FixAction]:
    """One action per finding that carries a safe fix."""
    return [FixAction(f"Fix {f.code}: {f.fix.description}", f.fix.edits, f)
            for f in findings if f.fix is not None and f.fix.safe and f.fix.edits]


def fix_all(text: str, path: Path) -> FixAction | None:
    """Every safe fix at once, as ``--fix`` makes them, under the folder's configuration
    (runs the engine: call it off the message loop)."""
    # lazy: the server answers `initialize` without libcst (-190 ms, median of 5, autofix
    # imported after cachelint.integrations.lsp); the first fix-all imports it.
    from cachelint.autofix import fix_source

    result = fix_source(text, path, config=Folder.load(path.parent).config, report_remaining=False)
    if not result.applied or result.new_text == text:
        return None
    return FixAction(FIX_ALL_TITLE, edits_between(text, result.new_text), None)
