"""GitHub Actions workflow commands: one annotation per finding.

    ::error title=cachelint (STC001),file=app.py,line=10,col=13,endLine=10,endColumn=25::app.py:10:13: STC001 ...

``col``/``endColumn`` are given only when the finding starts and ends on the same
line (GitHub ignores them otherwise). Escaping as @actions/core does it.
"""

from __future__ import annotations

from typing import TextIO

from cachelint.reporting import Options, display_path, rule_info
from cachelint.findings import Report


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render(report: Report, out: TextIO, options: Options) -> None:
    for finding in report.findings:
        path = display_path(finding.path, options.cwd)
        level = "warning" if rule_info(finding.code).severity == "warning" else "error"
        end_line = max(finding.end_line, finding.line)
        props = [("title", f"cachelint ({finding.code})"), ("file", path), ("line", str(finding.line))]
        if end_line == finding.line:
            end_col = max(finding.end_col, finding.col + 1)
            props += [("col", str(finding.col + 1)), ("endLine", str(end_line)), ("endColumn", str(end_col + 1))]
        else:
            props += [("endLine", str(end_line))]
        rendered = ",".join(f"{key}={escape_property(value)}" for key, value in props)
        message = f"{path}:{finding.line}:{finding.col + 1}: {finding.code} {finding.message}"
        out.write(f"::{level} {rendered}::{escape_data(message)}\n")
