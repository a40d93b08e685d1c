"""``--format gitlab``: GitLab Code Quality (a Code Climate report), shown on merge requests.

    [{"description": "STC001: argument 'model' of cached 'predict' ...", "check_name": "STC001",
      "fingerprint": "3f2a...", "severity": "major", "type": "issue", "categories": ["Bug Risk"],
      "location": {"path": "app.py", "lines": {"begin": 10, "end": 10}}}]

Paths are relative to the repository: ``$CI_PROJECT_DIR`` when GitLab CI sets it, else
the git work tree holding the project, else the configuration root. Severities: an
error is ``major``, a warning ``minor``. The fingerprint hashes the code, the path and
the stripped text of the line (and its occurrence count), as the SARIF one: it survives
lines moving, so GitLab tells new findings from old ones.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any, TextIO

from cachelint.findings import Report
from cachelint.reporting import Options, display_path, line_text, rule_info
from cachelint.reporting.sarif import source_root

SEVERITIES = {"error": "major", "warning": "minor"}


def base_folder(report: Report) -> Path:
    project = os.environ.get("CI_PROJECT_DIR")
    return Path(project).resolve() if project else source_root(report.root)


def document(report: Report, options: Options) -> list[dict[str, Any]]:
    base = base_folder(report)
    seen: dict[tuple[str, str, str], int] = {}
    issues = []
    for finding in report.findings:
        try:
            path = finding.path.resolve().relative_to(base).as_posix()
        except (ValueError, OSError):
            path = display_path(finding.path, options.cwd)
        text = " ".join((line_text(report, finding.path, finding.line) or "").split())
        key = (finding.code, path, text)
        seen[key] = seen.get(key, 0) + 1
        digest = hashlib.sha256("\0".join((*key, str(seen[key]))).encode("utf-8", "surrogateescape")).hexdigest()
        issues.append({
            "description": f"{finding.code}: {finding.message}",
            "check_name": finding.code,
            "fingerprint": digest,
            "severity": SEVERITIES.get(rule_info(finding.code).severity, "major"),
            "type": "issue",
            "categories": ["Bug Risk"],
            "location": {"path": path, "lines": {"begin": finding.line, "end": max(finding.end_line, finding.line)}},
        })
    return issues


def render(report: Report, out: TextIO, options: Options) -> None:
    json.dump(document(report, options), out, indent=2, ensure_ascii=False)
    out.write("\n")
