"""``--format sarif``: SARIF 2.1.0, as GitHub code scanning reads it.

Every rule is listed with its summary, the "What it does" section as full
description and the whole rule doc as help (text and markdown). Locations are
relative to ``%SRCROOT%`` (the git work tree holding the project, else the
configuration root) so that alerts match across runs; lines and columns are
1-based, columns in UTF-16 code units. ``partialFingerprints`` holds a hash of
the code, path and the stripped text of the line (and its occurrence count), so
an alert survives lines moving.
"""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, TextIO
from urllib.parse import quote

from cachelint import __version__
from cachelint.findings import Finding
from cachelint import catalog
from cachelint.reporting import COMMAND_CODES, Options, char_offset, line_text, rule_info, utf16_offset
from cachelint.findings import Report

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
LEVELS = {"error": "error", "warning": "warning"}


def section(doc: str, title: str) -> str:
    """The text of one ``## title`` section of a rule doc."""
    match = re.search(rf"^## {re.escape(title)}\s*\n(.*?)(?=^## |\Z)", doc, re.MULTILINE | re.DOTALL)
    return match.group(1).strip() if match else ""


def rules(extra: Iterable[str] = ()) -> list[dict[str, Any]]:
    """Every code of the catalogue, then the command's own codes in ``extra`` (STC100).

    No ``helpUri``: SARIF 2.1.0 wants an absolute URI there (the schema's ``"format": "uri"``,
    spec 3.49.12), and the docs have no public address yet; a relative ``docs/rules.md#...``
    is not allowed. The whole rule documentation is in ``help`` instead."""
    found = []
    for code in [*catalog.CODES, *(COMMAND_CODES[c] for c in sorted(set(extra)) if c in COMMAND_CODES)]:
        doc = code.documentation
        what = section(doc, "What it does") or code.summary
        found.append({
            "id": code.code,
            "name": code.name,
            "shortDescription": {"text": code.summary},
            "fullDescription": {"text": " ".join(what.split())},
            "help": {"text": doc, "markdown": doc},
            "defaultConfiguration": {"level": LEVELS[code.severity]},
            "properties": {"tags": ["streamlit", "caching", "cachelint" if code.about_file else "correctness"]
                           + (["preview"] if code.preview else []) + (["opt-in"] if code.opt_in else []),
                           "precision": "medium" if code.preview else "high", "preview": code.preview},
        })
    return found


@lru_cache(maxsize=8)
def source_root(root: Path) -> Path:
    """The git work tree holding ``root``, else ``root``."""
    try:
        result = subprocess.run(["git", "rev-parse", "--show-toplevel"], cwd=root, capture_output=True,
                                text=True, timeout=30)
        if result.returncode == 0 and result.stdout.strip():
            return Path(result.stdout.strip()).resolve()
    except (OSError, subprocess.SubprocessError):
        pass
    return root


def uri(path: Path, base: Path) -> tuple[str, bool]:
    """(URI, relative to %SRCROOT%?)"""
    try:
        return quote(path.relative_to(base).as_posix()), True
    except ValueError:
        return path.as_uri(), False


def region(finding: Finding, report: Report) -> dict[str, int]:
    line = line_text(report, finding.path, finding.line)
    start = char_offset(line, finding.col) if line is not None else finding.col
    start16 = utf16_offset(line, start) if line is not None else start
    found = {"startLine": finding.line, "startColumn": start16 + 1}
    end_line = max(finding.end_line, finding.line)
    if end_line == finding.line and finding.end_col <= finding.col:
        return found  # a point: GitHub shows the line
    end_text = line if end_line == finding.line else line_text(report, finding.path, end_line)
    end = char_offset(end_text, finding.end_col) if end_text is not None else finding.end_col
    end16 = utf16_offset(end_text, end) if end_text is not None else end
    found.update(endLine=end_line, endColumn=end16 + 1)
    return found


def related_location(index: int, related, report: Report, base: Path) -> dict[str, Any]:
    location, relative = uri(related.path, base)
    artifact: dict[str, Any] = {"uri": location}
    if relative:
        artifact["uriBaseId"] = "%SRCROOT%"
    line = line_text(report, related.path, related.line)
    column = utf16_offset(line, char_offset(line, related.col)) + 1 if line is not None else related.col + 1
    return {"id": index, "message": {"text": related.message},
            "physicalLocation": {"artifactLocation": artifact,
                                 "region": {"startLine": related.line, "startColumn": column}}}


def fix_object(finding: Finding, report: Report, artifact: dict[str, Any]) -> dict[str, Any]:
    """SARIF's ``fix``: the finding's edits as replacements (columns in UTF-16 code units);
    its safety in the description and, for programs, as ``properties.applicability``
    (``safe``, or ``unsafe``: applied only with ``--unsafe-fixes``), as JSON has it."""
    def column(line: int, col: int) -> int:
        text = line_text(report, finding.path, line)
        return (utf16_offset(text, col) if text is not None else col) + 1

    replacements = [{
        "deletedRegion": {"startLine": e.line, "startColumn": column(e.line, e.col),
                          "endLine": e.end_line, "endColumn": column(e.end_line, e.end_col)},
        "insertedContent": {"text": e.text},
    } for e in finding.fix.edits]
    safety = "safe" if finding.fix.safe else "unsafe: applied only with --unsafe-fixes"
    return {"description": {"text": f"{finding.fix.description} ({safety})"},
            "artifactChanges": [{"artifactLocation": artifact, "replacements": replacements}],
            "properties": {"applicability": "safe" if finding.fix.safe else "unsafe"}}


def document(report: Report, options: Options) -> dict[str, Any]:
    rule_list = rules(f.code for f in report.findings if f.code not in catalog.BY_CODE)
    index = {rule["id"]: i for i, rule in enumerate(rule_list)}
    base = source_root(report.root)
    seen: dict[tuple[str, str, str], int] = {}
    results = []
    for finding in report.findings:
        location, relative = uri(finding.path, base)
        artifact: dict[str, Any] = {"uri": location}
        if relative:
            artifact["uriBaseId"] = "%SRCROOT%"
        text = " ".join((line_text(report, finding.path, finding.line) or "").split())
        occurrence_key = (finding.code, location, text)
        seen[occurrence_key] = seen.get(occurrence_key, 0) + 1
        digest = hashlib.sha256("\0".join(occurrence_key).encode("utf-8", "surrogateescape")).hexdigest()[:16]
        result: dict[str, Any] = {
            "ruleId": finding.code,
            "level": LEVELS.get(rule_info(finding.code).severity, "warning"),
            "message": {"text": finding.message},
            "locations": [{"physicalLocation": {"artifactLocation": artifact,
                                                "region": region(finding, report)}}],
            "partialFingerprints": {"primaryLocationLineHash": f"{digest}:{seen[occurrence_key]}"},
            "properties": {"confidence": finding.confidence.value},
        }
        if finding.code in index:
            result["ruleIndex"] = index[finding.code]
        if finding.related:
            result["relatedLocations"] = [related_location(i, r, report, base) for i, r in enumerate(finding.related)]
        if finding.fix is not None:
            result["fixes"] = [fix_object(finding, report, artifact)]
        results.append(result)
    return {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "cachelint",
                "version": __version__,
                "semanticVersion": __version__,
                "rules": rule_list,
            }},
            "originalUriBaseIds": {"%SRCROOT%": {"uri": base.as_uri().rstrip("/") + "/"}},
            "invocations": [{"executionSuccessful": not report.internal_error}],
            "columnKind": "utf16CodeUnits",
            "results": results,
        }],
    }


def render(report: Report, out: TextIO, options: Options) -> None:
    json.dump(document(report, options), out, indent=2, ensure_ascii=False)
    out.write("\n")
