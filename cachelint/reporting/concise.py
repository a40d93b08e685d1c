"""One line per finding, ``path:line:col: CODE [*] [severity] message``: flake8's default
format with, after the code, ruff's ``[*]`` when ``--fix`` would fix the finding, then the
severity. A flake8 parser (``%f:%l:%c: %m``, ``(.+):(\\d+):(\\d+): (\\w+) (.*)``) reads the
path, position and code as before; the message starts with ``[*] [error]``, ``[error]`` or
``[warning]``. No summary; ``--show-fixes`` adds its listing after the findings."""

from __future__ import annotations

from typing import TextIO

from cachelint.reporting import Options
from cachelint.findings import Report
from cachelint.reporting.text import fixes_listing, header, statistics


def render(report: Report, out: TextIO, options: Options) -> None:
    if options.statistics:
        statistics(report, out)
        return
    for finding in report.findings:
        out.write(header(finding, options) + "\n")
    listing = fixes_listing(report, options) if options.show_fixes and not options.quiet else []
    if listing:
        out.write("\n" * bool(report.findings) + "\n".join(listing) + "\n")
