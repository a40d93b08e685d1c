"""One line per finding, ``path:line:col: CODE [severity] message``: flake8's default format
with the severity after the code, as ruff puts its ``[*]`` there. A flake8 parser
(``%f:%l:%c: %m``, ``(.+):(\\d+):(\\d+): (\\w+) (.*)``) reads the path, position and code as
before; the message starts with ``[error]`` or ``[warning]``."""

from __future__ import annotations

from typing import TextIO

from cachelint.reporting import Options
from cachelint.reporting.text import header, statistics
from cachelint.findings import Report


def render(report: Report, out: TextIO, options: Options) -> None:
    if options.statistics:
        statistics(report, out)
        return
    for finding in report.findings:
        out.write(header(finding, options) + "\n")
