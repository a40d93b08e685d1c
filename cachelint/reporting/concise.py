"""One line per finding, ``path:line:col: CODE message`` (flake8's default format)."""

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
