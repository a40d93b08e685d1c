"""What the command says about fixes, through the real ``cachelint`` process: ruff's ``[*]``
on fixable findings, the "N fixable" / "N hidden fixes" summary line, ``--unsafe-fixes``
alone, ``--show-fixes`` with and without ``--fix``, and ``-q``."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

from cli_helpers import write

# On Streamlit 1.67: STC012 at 4:16 (its fix, "5 mins" -> "5min", is unsafe), STC011 at
# 9:2 and 14:2 in app.py and at 4:2 in pages/report.py (safe fixes).
APP = '''\
import streamlit as st


@st.cache_data(ttl="5 mins")
def rate(x):
    return x


@st.cache
def load(x):
    return x


@st.experimental_memo
def table(x):
    return x
'''

PAGE = '''\
import streamlit as st


@st.experimental_singleton
def connection():
    return object()
'''

TTL = ("app.py:4:16: STC012 {mark}[error] st.cache_data(ttl='5 mins') raises StreamlitBadTimeStringError when "
       "the decorator runs: pandas cannot read it as a duration (invalid unit abbreviation: 'mins'); write '5min'")
CACHE = ("app.py:9:2: STC011 {mark}[error] 'st.cache' raises AttributeError on Streamlit 1.67 (--target-streamlit), "
         "so the app dies when this line runs: it was removed in 1.62; use st.cache_data (cachelint --fix migrates it)")
MEMO = ("app.py:14:2: STC011 {mark}[error] 'st.experimental_memo' raises AttributeError on Streamlit 1.67 "
        "(--target-streamlit), so the app dies when this line runs: it was removed in 1.37; use st.cache_data "
        "(cachelint --fix migrates it)")
SINGLETON = ("pages/report.py:4:2: STC011 {mark}[error] 'st.experimental_singleton' raises AttributeError on "
             "Streamlit 1.67 (--target-streamlit), so the app dies when this line runs: it was removed in 1.37; use "
             "st.cache_resource (cachelint --fix migrates it)")
SUMMARY = "Checked 2 files: found 4 errors (STC011: 3, STC012: 1)."
HIDDEN = "1 hidden fix can be enabled with the `--unsafe-fixes` option"


def cachelint(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "cachelint", "check", "--no-cache", "--target-streamlit", "1.67",
                           *args], cwd=root, capture_output=True, text=True, timeout=120)


def project(root: Path) -> Path:
    write(root, {"app.py": APP, "pages/report.py": PAGE})
    return root


def blocks(*lines: str) -> list[str]:
    """Text output with --no-source: each finding, then an empty line."""
    return [part for line in lines for part in (line, "")]


def test_fixable_findings_are_marked_and_counted(tmp_path: Path) -> None:
    result = cachelint(project(tmp_path), "--no-source")
    assert result.returncode == 1, result.stderr
    assert result.stdout.splitlines() == [
        *blocks(TTL.format(mark=""), CACHE.format(mark="[*] "), MEMO.format(mark="[*] "),
                SINGLETON.format(mark="[*] ")),
        SUMMARY,
        f"[*] 3 fixable with `cachelint check --fix` ({HIDDEN}).",
    ]
    concise = cachelint(tmp_path, "--format", "concise")
    assert concise.stdout.splitlines() == [TTL.format(mark=""), CACHE.format(mark="[*] "),
                                           MEMO.format(mark="[*] "), SINGLETON.format(mark="[*] ")]


def test_unsafe_fixes_alone_counts_them_as_available_and_changes_nothing(tmp_path: Path) -> None:
    project(tmp_path)
    result = cachelint(tmp_path, "--no-source", "--unsafe-fixes")
    assert (result.returncode, result.stderr) == (1, "")
    assert result.stdout.splitlines() == [
        *blocks(TTL.format(mark="[*] "), CACHE.format(mark="[*] "), MEMO.format(mark="[*] "),
                SINGLETON.format(mark="[*] ")),
        SUMMARY,
        "[*] 4 fixable with `cachelint check --fix --unsafe-fixes`.",
    ]
    assert (tmp_path / "app.py").read_text() == APP and (tmp_path / "pages/report.py").read_text() == PAGE
    # JSON and SARIF say the same with or without it: each fix and its safety.
    assert cachelint(tmp_path, "--format", "json", "--unsafe-fixes").stdout == \
        cachelint(tmp_path, "--format", "json").stdout
    sarif = json.loads(cachelint(tmp_path, "--format", "sarif").stdout)
    assert [(r["ruleId"], r["fixes"][0]["properties"]["applicability"]) for r in sarif["runs"][0]["results"]] == [
        ("STC012", "unsafe"), ("STC011", "safe"), ("STC011", "safe"), ("STC011", "safe")]


def test_only_unsafe_fixes_left_says_no_fixes_available(tmp_path: Path) -> None:
    project(tmp_path)
    result = cachelint(tmp_path, "--no-source", "--select", "STC012")
    assert result.stdout.splitlines() == [
        *blocks(TTL.format(mark="")),
        "Checked 2 files: found 1 error (STC012: 1).",
        f"No fixes available ({HIDDEN}).",
    ]


def test_show_fixes_without_fix_lists_the_fixes_available(tmp_path: Path) -> None:
    project(tmp_path)
    result = cachelint(tmp_path, "--no-source", "--show-fixes")
    assert result.returncode == 1
    assert result.stdout.splitlines()[-8:] == [
        "Fixes available for 3 findings:",
        "- app.py:",
        "    2 × STC011 (removed-cache-api)",
        "- pages/report.py:",
        "    1 × STC011 (removed-cache-api)",
        "",
        SUMMARY,
        f"[*] 3 fixable with `cachelint check --fix` ({HIDDEN}).",
    ]
    unsafe = cachelint(tmp_path, "--no-source", "--show-fixes", "--unsafe-fixes")
    assert unsafe.stdout.splitlines()[-9:-5] == [
        "Fixes available for 4 findings:",
        "- app.py:",
        "    2 × STC011 (removed-cache-api)",
        "    1 × STC012 (invalid-cache-option)",
    ]


def test_fix_with_show_fixes_lists_what_was_fixed_and_the_files_round_trip(tmp_path: Path) -> None:
    project(tmp_path)
    fixed = cachelint(tmp_path, "--no-source", "--fix", "--show-fixes")
    assert fixed.returncode == 1  # STC012 is left: its fix is unsafe
    assert fixed.stderr == "cachelint: Fixed 3 findings in 2 files\n"
    assert fixed.stdout.splitlines() == [
        *blocks(TTL.format(mark="")),
        "Fixed 3 findings:",
        "- app.py:",
        "    2 × STC011 (removed-cache-api)",
        "- pages/report.py:",
        "    1 × STC011 (removed-cache-api)",
        "",
        "Checked 2 files: found 1 error (STC012: 1).",
        f"No fixes available ({HIDDEN}).",
    ]
    app, page = (tmp_path / "app.py").read_text(), (tmp_path / "pages/report.py").read_text()
    assert app == APP.replace("@st.cache\n", "@st.cache_data\n").replace("experimental_memo", "cache_data")
    assert page == PAGE.replace("experimental_singleton", "cache_resource")
    ast.parse(app)
    ast.parse(page)
    again = json.loads(cachelint(tmp_path, "--format", "json").stdout)
    assert [(f["path"], f["code"]) for f in again["findings"]] == [("app.py", "STC012")]

    unsafe = cachelint(tmp_path, "--fix", "--unsafe-fixes", "--show-fixes")
    assert (unsafe.returncode, unsafe.stderr) == (0, "cachelint: Fixed 1 finding in 1 file\n")
    assert unsafe.stdout.splitlines() == [
        "Fixed 1 finding:",
        "- app.py:",
        "    1 × STC012 (invalid-cache-option)",
        "",
        "Checked 2 files: no findings.",
    ]
    assert '@st.cache_data(ttl="5min")\n' in (tmp_path / "app.py").read_text()
    clean = cachelint(tmp_path)
    assert (clean.returncode, clean.stdout) == (0, "Checked 2 files: no findings.\n")


def test_quiet_prints_the_findings_only(tmp_path: Path) -> None:
    project(tmp_path)
    quiet = cachelint(tmp_path, "-q", "--no-source", "--show-fixes", "--unsafe-fixes")
    assert (quiet.returncode, quiet.stderr) == (1, "")
    assert quiet.stdout.splitlines() == blocks(TTL.format(mark="[*] "), CACHE.format(mark="[*] "),
                                               MEMO.format(mark="[*] "), SINGLETON.format(mark="[*] "))
    fixed = cachelint(tmp_path, "-q", "--no-source", "--fix", "--show-fixes")
    assert (fixed.returncode, fixed.stderr) == (1, "")
    assert fixed.stdout.splitlines() == blocks(TTL.format(mark=""))
