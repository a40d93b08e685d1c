"""The default output: each finding with its source line and a caret range, then a summary.

    app.py:10:13: STC001 [error] argument 'model' of cached 'predict' has type 'Model', ...
       |
    10 | def predict(model: Model, x: int) -> int:
       |             ^^^^^^^^^^^^
       |

    Checked 3 files: found 1 error (STC001: 1).

The severity follows the code in brackets (``[error]``, ``[warning]``), as ruff puts its
``[*]``: ``path:line:col: CODE `` still starts every finding, as flake8 prints it.
"""

from __future__ import annotations

from typing import TextIO

from cachelint.findings import Finding
from cachelint.reporting import (Options, char_offset, counts_by_code, display_path, line_text, rule_info,
                                 severity_counts)
from cachelint.findings import Report

BOLD, RED, YELLOW, CYAN, BLUE, RESET = "\033[1m", "\033[31m", "\033[33m", "\033[36m", "\033[34m", "\033[0m"
TAB = "    "


def paint(text: str, *codes: str, on: bool) -> str:
    return f"{''.join(codes)}{text}{RESET}" if on and text else text


def header(finding: Finding, options: Options) -> str:
    on = options.color
    path = paint(display_path(finding.path, options.cwd), BOLD, on=on)
    severity = rule_info(finding.code).severity
    colour = RED if severity == "error" else YELLOW
    code = paint(finding.code, BOLD, colour, on=on)
    tag = paint(f"[{severity}]", colour, on=on)
    return f"{path}:{finding.line}:{finding.col + 1}: {code} {tag} {finding.message}"


def frame(finding: Finding, source: str, options: Options) -> list[str]:
    """The numbered source line with ``^`` under the finding's range (its first line)."""
    start = char_offset(source, finding.col)
    if finding.end_line == finding.line and finding.end_col > finding.col:
        end = char_offset(source, finding.end_col)
    elif finding.end_line > finding.line:
        end = len(source.rstrip())
    else:
        end = start + 1
    end = max(end, start + 1)
    shown = source.replace("\t", TAB)
    before = len(source[:start].replace("\t", TAB))
    width = max(1, len(source[start:end].replace("\t", TAB)))
    number = str(finding.line)
    gutter = " " * len(number)
    bar = paint("|", BLUE, BOLD, on=options.color)
    carets = paint("^" * width, RED, BOLD, on=options.color)
    return [
        f"{gutter} {bar}",
        f"{paint(number, BLUE, BOLD, on=options.color)} {bar} {shown}".rstrip(),
        f"{gutter} {bar} {' ' * before}{carets}",
        f"{gutter} {bar}",
    ]


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'s' if count != 1 else ''}"


def summary(report: Report) -> str:
    """``Checked 3 files: found 2 errors and 1 warning (STC001: 2, STC006: 1).``"""
    files = plural(report.files_checked, "file")
    importers = len(getattr(report, "importers", ()))
    if importers:
        files += f" (and {plural(importers, 'file')} importing {'it' if report.files_checked == 1 else 'them'})"
    if not report.findings:
        return f"Checked {files}: no findings."
    errors, warnings = severity_counts(report)
    found = " and ".join(plural(n, word) for n, word in ((errors, "error"), (warnings, "warning")) if n)
    by_code = ", ".join(f"{code}: {count}" for code, count in counts_by_code(report).items())
    return f"Checked {files}: found {found} ({by_code})."


def statistics(report: Report, out: TextIO) -> None:
    for code, count in counts_by_code(report).items():
        out.write(f"{count:>5}  {code}  {rule_info(code).name}\n")


def render(report: Report, out: TextIO, options: Options) -> None:
    if options.statistics:
        statistics(report, out)
    else:
        for finding in report.findings:
            out.write(header(finding, options) + "\n")
            source = line_text(report, finding.path, finding.line) if options.show_source else None
            if source is not None and source.strip():
                out.write("\n".join(frame(finding, source, options)) + "\n")
            out.write("\n")
    if not options.quiet:
        out.write(summary(report) + "\n")
