"""The default output: each finding with its source line and a caret range, then a summary.

    app.py:10:13: STC001 [error] argument 'model' of cached 'predict' has type 'Model', ...
       |
    10 | def predict(model: Model, x: int) -> int:
       |             ^^^^^^^^^^^^
       |

    Checked 3 files: found 1 error (STC001: 1).

The severity follows the code in brackets (``[error]``, ``[warning]``); a finding that
``--fix`` would fix has ruff's ``[*]`` before it (``STC011 [*] [error] ...``; with
``--unsafe-fixes`` unsafe fixes count too): ``path:line:col: CODE `` still starts every
finding, as flake8 prints it. The summary ends as ruff's does:

    [*] 1 fixable with `cachelint check --fix` (1 hidden fix can be enabled with the `--unsafe-fixes` option).

``--show-fixes`` lists, before the summary, the fixes a ``--fix`` run applied (or, without
``--fix``, the fixes available) by file and code, as ruff's ``--show-fixes`` does.
"""

from __future__ import annotations

from collections import Counter
from typing import TextIO

from cachelint.findings import Finding, Report
from cachelint.reporting import (Options, char_offset, counts_by_code, display_path, fix_available, fix_counts,
                                 line_text, rule_info, severity_counts)

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
    return f"{path}:{finding.line}:{finding.col + 1}: {code} {fix_marker(finding, options)}{tag} {finding.message}"


def fix_marker(finding: Finding, options: Options) -> str:
    """``[*] `` before a finding that ``--fix`` would fix. Not after a ``--fix`` run, as ruff
    does not: what is left there is what the fixes could not do."""
    if options.fixing or not fix_available(finding, options.unsafe_fixes):
        return ""
    return f"[{paint('*', CYAN, on=options.color)}] "


def fix_hint(report: Report, options: Options) -> str | None:
    """ruff's last line: how many findings ``--fix`` would fix, and how many more
    ``--unsafe-fixes`` would."""
    available, hidden = fix_counts(report, options.unsafe_fixes)
    command = "cachelint check --fix --unsafe-fixes" if options.unsafe_fixes else "cachelint check --fix"
    star = f"[{paint('*', CYAN, on=options.color)}]"
    hidden_fixes = f"{hidden} hidden fix{'es' * (hidden != 1)} can be enabled with the `--unsafe-fixes` option"
    if available and hidden:
        return f"{star} {available} fixable with `{command}` ({hidden_fixes})."
    if available:
        return f"{star} {available} fixable with `{command}`."
    if hidden:
        return f"No fixes available ({hidden_fixes})."
    return None


def fixes_listing(report: Report, options: Options) -> list[str]:
    """``--show-fixes``: the fixes applied (a ``--fix`` run) or available, by file and code:

        Fixed 2 findings:
        - app.py:
            1 × STC011 (removed-cache-api)
            1 × STC012 (invalid-cache-option)
    """
    if options.fixing:
        codes_by_file = {path: codes for path, codes in options.fixed.items() if codes}
    else:
        codes_by_file = {}
        for finding in report.findings:
            if fix_available(finding, options.unsafe_fixes):
                codes_by_file.setdefault(finding.path, []).append(finding.code)
    total = sum(len(codes) for codes in codes_by_file.values())
    if not total:
        return []
    counts_by_file = {path: Counter(codes) for path, codes in codes_by_file.items()}
    width = len(str(max(max(counts.values()) for counts in counts_by_file.values())))
    findings = plural(total, "finding")
    lines = [f"Fixed {findings}:" if options.fixing else f"Fixes available for {findings}:"]
    for path, counts in sorted(counts_by_file.items(), key=lambda item: display_path(item[0], options.cwd)):
        lines.append(f"- {display_path(path, options.cwd)}:")
        for code, count in sorted(counts.items(), key=lambda item: (-item[1], item[0])):  # most first
            lines.append(f"    {count:>{width}} × {code} ({rule_info(code).name})")
    return lines


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
    if options.quiet:
        return
    if options.show_fixes:
        listing = fixes_listing(report, options)
        if listing:
            out.write("\n".join(listing) + "\n\n")
    out.write(summary(report) + "\n")
    hint = fix_hint(report, options)
    if hint:
        out.write(hint + "\n")
