"""``--format json``: the schema is docs/json-schema.json (schema_version 1).

    {"schema_version": 1, "tool": {"name": "cachelint", "version": "0.1.0"},
     "files_checked": 3, "importers_checked": 0,
     "findings": [{"path": "app.py", "code": "STC001", "name": "unhashable-argument",
                   "severity": "error", "preview": false, "confidence": "high", "message": "...",
                   "location": {"line": 10, "column": 13},
                   "end_location": {"line": 10, "column": 25},
                   "fix": null, "related": []}],
     "counts": {"STC001": 1}, "severity_counts": {"error": 1, "warning": 0},
     "target": {"streamlit": {"version": "1.25.0", "modelled": "1.25", "source": "pin", ...},
                "pandas": {...}, "folders": []}}

Lines and columns are 1-based; columns count as flake8's do (UTF-8 bytes of the
line, from Python's ast); ``end_location`` is just past the end. With
``--statistics`` the document is a list of {"code", "name", "count"}. ``target`` is the
Streamlit release the run was checked against and why (``cachelint.target``); app
folders whose own pin gave another release are listed in ``target.folders``.
"""

from __future__ import annotations

import json
from typing import Any, TextIO

from cachelint import __version__
from cachelint.reporting import Options, counts_by_code, display_path, rule_info, severity_counts
from cachelint.findings import Report

SCHEMA_VERSION = 1


def document(report: Report, options: Options) -> dict[str, Any]:
    findings = []
    for finding in report.findings:
        info = rule_info(finding.code)
        end_line = max(finding.end_line, finding.line)
        end_col = finding.end_col if (end_line, finding.end_col) > (finding.line, finding.col) else finding.col
        findings.append({
            "path": display_path(finding.path, options.cwd),
            "code": finding.code,
            "name": info.name,
            "severity": info.severity,
            "preview": info.preview,
            "confidence": finding.confidence.value,
            "message": finding.message,
            "location": {"line": finding.line, "column": finding.col + 1},
            "end_location": {"line": end_line, "column": end_col + 1},
            "fix": fix_document(finding),
            "related": [{"path": display_path(r.path, options.cwd), "line": r.line, "column": r.col + 1,
                         "message": r.message} for r in finding.related],
        })
    errors, warnings = severity_counts(report)
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "cachelint", "version": __version__},
        "files_checked": report.files_checked,
        "importers_checked": len(getattr(report, "importers", ())),
        "findings": findings,
        "counts": counts_by_code(report),
        "severity_counts": {"error": errors, "warning": warnings},
        "target": target_document(report, options),
    }


def target_document(report: Report, options: Options) -> dict[str, Any] | None:
    """The release modelled, where it came from (file, line, the pin as written) and how
    a range was resolved; the app folders that got another one."""
    target = getattr(report, "target", None)
    if target is None:
        return None
    folders = [{"folder": display_path(folder, options.cwd), **other.to_json(options.cwd)}
               for folder, other in getattr(report, "folder_targets", {}).items()]
    return {**target.to_json(options.cwd), "folders": folders}


def fix_document(finding) -> dict[str, Any] | None:
    """The fix a finding carries, as ruff writes it: applicability, message, edits with
    1-based rows and columns (columns in characters)."""
    if finding.fix is None:
        return None
    return {
        "applicability": "safe" if finding.fix.safe else "unsafe",
        "message": finding.fix.description,
        "edits": [{"content": e.text, "location": {"row": e.line, "column": e.col + 1},
                   "end_location": {"row": e.end_line, "column": e.end_col + 1}} for e in finding.fix.edits],
    }


def render(report: Report, out: TextIO, options: Options) -> None:
    if options.statistics:
        data: Any = [{"code": code, "name": rule_info(code).name, "count": count}
                     for code, count in counts_by_code(report).items()]
    else:
        data = document(report, options)
    json.dump(data, out, indent=2, ensure_ascii=False)
    out.write("\n")
