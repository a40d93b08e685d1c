"""``--format junit``: JUnit XML, for CI systems that show test reports (GitLab, Jenkins, Azure).

    <testsuites name="cachelint" tests="2" failures="1" errors="0">
      <testsuite name="cachelint" tests="2" failures="1" errors="0" skipped="0">
        <testcase name="app.py" classname="cachelint">
          <failure message="STC001: argument 'model' ..." type="STC001">app.py:10:13: STC001 [error] ...</failure>
        </testcase>
        <testcase name="lib/util.py" classname="cachelint"/>
      </testsuite>
    </testsuites>

One test case per file checked (a file with no finding passes), one ``<failure>`` per
finding; ``failures`` counts the files with findings. Files that import a file named
on the command line are test cases only when they have findings.
"""

from __future__ import annotations

from typing import TextIO
from xml.etree import ElementTree

from cachelint.findings import Report
from cachelint.reporting import Options, display_path, rule_info


def render(report: Report, out: TextIO, options: Options) -> None:
    by_file: dict = {path: [] for path in getattr(report, "files", [])}
    for finding in report.findings:
        by_file.setdefault(finding.path, []).append(finding)
    cases = sorted(by_file.items(), key=lambda item: display_path(item[0], options.cwd))
    failing = sum(1 for _, found in cases if found)
    counts = {"tests": str(len(cases)), "failures": str(failing), "errors": "0"}
    root = ElementTree.Element("testsuites", {"name": "cachelint", **counts})
    suite = ElementTree.SubElement(root, "testsuite", {"name": "cachelint", **counts, "skipped": "0"})
    for path, found in cases:
        shown = display_path(path, options.cwd)
        case = ElementTree.SubElement(suite, "testcase", {"name": shown, "classname": "cachelint", "file": shown})
        for finding in found:
            severity = rule_info(finding.code).severity
            failure = ElementTree.SubElement(case, "failure", {"message": f"{finding.code}: {finding.message}",
                                                                "type": finding.code})
            failure.text = (f"{shown}:{finding.line}:{finding.col + 1}: {finding.code} [{severity}] "
                            f"{finding.message}")
    ElementTree.indent(root)
    out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    out.write(ElementTree.tostring(root, encoding="unicode"))
    out.write("\n")
