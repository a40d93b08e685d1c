"""Output formats: each module renders a run's Report to a stream.

Columns: a Finding's ``col``/``end_col`` are 0-based offsets as Python's ``ast``
counts them (UTF-8 bytes of the line). ``path:line:col`` output adds 1, as flake8
does; SARIF converts to 1-based UTF-16 code units, as that format requires.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, TextIO

from cachelint import catalog
from cachelint.findings import Finding, Report
from cachelint.noqa import physical_lines

COMMAND_CODES = catalog.COMMAND_BY_CODE


def rule_info(code: str) -> catalog.Code:
    """The catalogue row of a code (an unknown code gets a row saying so)."""
    return catalog.BY_CODE.get(code) or COMMAND_CODES.get(code) or catalog.Code(code, "unknown", catalog.ERROR, code)


def severity_counts(report: Report) -> tuple[int, int]:
    """(errors, warnings) among the report's findings."""
    warnings = sum(1 for f in report.findings if rule_info(f.code).severity == catalog.WARNING)
    return len(report.findings) - warnings, warnings


@dataclass
class Options:
    """How to render (from the command line)."""

    cwd: Path
    color: bool = False
    statistics: bool = False
    show_source: bool = True
    quiet: bool = False  # the findings only: no summary
    unsafe_fixes: bool = False  # --unsafe-fixes: unsafe fixes count as available ([*], "fixable")
    fixing: bool = False  # a --fix run: what is left was not fixed, so nothing is marked [*]
    show_fixes: bool = False  # --show-fixes: list the fixes applied (--fix) or available
    fixed: dict[Path, list[str]] = field(default_factory=dict)  # --fix: the codes of the fixes applied, per file


def fix_available(finding: Finding, unsafe_fixes: bool) -> bool:
    """Would ``--fix`` (with ``--unsafe-fixes`` when ``unsafe_fixes``) apply the finding's fix?"""
    fix = finding.fix
    return fix is not None and bool(fix.edits) and (fix.safe or unsafe_fixes)


def fix_counts(report: Report, unsafe_fixes: bool) -> tuple[int, int]:
    """(available, hidden): the findings whose fix ``--fix`` would apply, and those whose
    fix is unsafe and not enabled (ruff's "hidden fixes")."""
    available = sum(1 for f in report.findings if fix_available(f, unsafe_fixes))
    hidden = sum(1 for f in report.findings
                 if f.fix is not None and f.fix.edits and not fix_available(f, unsafe_fixes))
    return available, hidden


def display_path(path: Path, cwd: Path) -> str:
    """The path relative to the working folder when it is under it, else as given."""
    try:
        return path.relative_to(cwd).as_posix()
    except ValueError:
        return path.as_posix()


def line_text(report: Report, path: Path, line: int) -> str | None:
    text = report.texts.get(path)
    if text is None:
        return None
    lines = physical_lines(text)
    return lines[line - 1].rstrip("\r\n") if 0 < line <= len(lines) else None


def char_offset(line: str, byte_offset: int) -> int:
    """The character index of a UTF-8 byte offset into ``line``."""
    encoded = line.encode("utf-8", "surrogatepass")
    return len(encoded[:byte_offset].decode("utf-8", "ignore"))


def utf16_offset(line: str, char_index: int) -> int:
    return len(line[:char_index].encode("utf-16-le", "surrogatepass")) // 2


def counts_by_code(report: Report) -> dict[str, int]:
    counts: dict[str, int] = {}
    for finding in report.findings:
        counts[finding.code] = counts.get(finding.code, 0) + 1
    return dict(sorted(counts.items()))


def use_color(stream: TextIO, choice: str = "auto") -> bool:
    if choice == "always":
        return True
    if choice == "never" or os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return hasattr(stream, "isatty") and stream.isatty() and os.environ.get("TERM") != "dumb"


Renderer = Callable[[Report, TextIO, Options], None]


def renderer(name: str) -> Renderer:
    # lazy: a run imports only the renderer of its format; all seven cost 28 ms, text alone
    # 1 ms (median of 9, python -X importtime / perf_counter after cachelint.reporting).
    if name == "text":
        from cachelint.reporting.text import render
    elif name == "concise":
        from cachelint.reporting.concise import render
    elif name == "json":
        from cachelint.reporting.json import render
    elif name == "sarif":
        from cachelint.reporting.sarif import render
    elif name == "github":
        from cachelint.reporting.github import render
    elif name == "gitlab":
        from cachelint.reporting.gitlab import render
    elif name == "junit":
        from cachelint.reporting.junit import render
    else:
        raise ValueError(f"unknown format {name!r}")
    return render


FORMATS = ("text", "concise", "json", "sarif", "github", "gitlab", "junit")
