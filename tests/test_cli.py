"""The command: exact outputs on small apps, exit codes, stdin, rule docs, parallel runs."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from cli_helpers import BAD_APP, CLEAN_APP, IDENTITY_APP, as_flake8, run, write
from cachelint.layout import Layout

MESSAGE = ("argument 'model' of cached 'predict' has type 'Model', which Streamlit cannot hash "
           "(UnhashableParamError); add hash_funcs={Model: ...} or rename it '_model'")


def test_text_output_shows_the_line_with_a_caret_range_and_a_summary(tmp_path: Path) -> None:
    write(tmp_path, {"app.py": BAD_APP})
    result = run(tmp_path, "check", "app.py", "--no-cache")
    assert result.code == 1
    assert result.out == (
        f"app.py:10:13: STC001 [error] {MESSAGE}\n"
        "   |\n"
        "10 | def predict(model: Model, x: float) -> float:\n"
        "   |             ^^^^^^^^^^^^\n"
        "   |\n"
        "\n"
        "Checked 1 file: found 1 error (STC001: 1).\n"
    )
    assert result.err == ""


def test_concise_output_is_flake8s_format_with_the_severity(tmp_path: Path) -> None:
    write(tmp_path, {"app.py": BAD_APP, "shop.py": IDENTITY_APP, "clean.py": CLEAN_APP})
    result = run(tmp_path, "check", ".", "--format", "concise", "--no-cache")
    assert result.code == 1
    assert result.out.splitlines() == [
        f"app.py:10:13: STC001 [error] {MESSAGE}",
        "shop.py:9:36: STC003 [error] hash_funcs entry for 'Basket' hashes by identity (id): the app builds new "
        "objects on every rerun, so cached 'count' never hits and its cache grows without bound; hash the "
        "value instead, e.g. lambda o: o.items",
    ]


def test_same_findings_as_the_flake8_plugin(tmp_path: Path) -> None:
    write(tmp_path, {"app.py": BAD_APP, "shop.py": IDENTITY_APP, "clean.py": CLEAN_APP})
    flake8 = subprocess.run([sys.executable, "-m", "flake8", "--select", "STC", "."], cwd=tmp_path,
                            capture_output=True, text=True)
    ours = run(tmp_path, "check", "--format", "concise", "--no-cache")
    assert sorted(as_flake8(ours.out).splitlines()) == sorted(
        line.removeprefix("./") for line in flake8.stdout.splitlines())


def test_clean_run_exits_zero(tmp_path: Path) -> None:
    write(tmp_path, {"app.py": CLEAN_APP, "lib/helpers.py": "def f():\n    return 1\n"})
    result = run(tmp_path, "check", "--no-cache")
    assert (result.code, result.out) == (0, "Checked 2 files: no findings.\n")


def test_shorthand_and_exit_zero(tmp_path: Path) -> None:
    write(tmp_path, {"app.py": BAD_APP})
    assert run(tmp_path, "app.py", "--no-cache", "--format", "concise").code == 1
    result = run(tmp_path, "app.py", "--no-cache", "--format", "concise", "--exit-zero")
    assert result.code == 0 and "STC001" in result.out


def test_statistics(tmp_path: Path) -> None:
    write(tmp_path, {"a.py": BAD_APP, "b.py": BAD_APP, "c.py": IDENTITY_APP})
    result = run(tmp_path, "check", "--statistics", "--no-cache")
    assert result.out == ("    2  STC001  unhashable-argument\n"
                          "    1  STC003  identity-hash-func\n"
                          "Checked 3 files: found 3 errors (STC001: 2, STC003: 1).\n")
    assert result.code == 1


def test_unparsable_and_undecodable_files_are_reported_not_fatal(tmp_path: Path) -> None:
    write(tmp_path, {"broken.py": "import streamlit as st\n\ndef f(:\n    pass\n", "app.py": BAD_APP})
    (tmp_path / "latin.py").write_bytes(b"import streamlit as st\nname = '\xe9'\n")
    result = run(tmp_path, "check", "--format", "concise", "--no-cache")
    lines = as_flake8(result.out).splitlines()
    assert result.code == 1
    assert lines[0].startswith("app.py:10:13: STC001")
    assert lines[1].startswith("broken.py:3:7: STC900 cannot parse the file")
    # reported where Python itself stops (PEP 263), not at 1:1
    assert lines[2].startswith("latin.py:2:9: STC900 cannot read the file as Python source: byte 0xe9 on line 2 "
                               "is not utf-8 and no encoding declared (PEP 263)")
    assert len(lines) == 3


def test_a_missing_path_is_an_error_that_says_so(tmp_path: Path) -> None:
    write(tmp_path, {"app.py": BAD_APP})
    result = run(tmp_path, "check", "nowhere.py", "app.py", "gone/", "--format", "concise", "--no-cache")
    assert (result.code, result.out) == (2, "")
    assert result.err == "cachelint: error: nowhere.py, gone: no such file or folder\n"
    # the shorthand (no command): the word may have been meant as a command
    bare = run(tmp_path, "nowhere")
    assert bare.code == 2
    assert bare.err == ("cachelint: error: nowhere: no such file or folder (and 'nowhere' is not a command: "
                        "check, rule, rules, lsp)\n")


def test_stdin_with_filename(tmp_path: Path) -> None:
    result = run(tmp_path, "check", "-", "--stdin-filename", "pages/app.py", "--format", "concise",
                 stdin=BAD_APP.encode())
    assert (result.code, result.out) == (1, f"pages/app.py:10:13: STC001 [error] {MESSAGE}\n")


def test_stdin_without_filename_is_shown_as_stdin(tmp_path: Path) -> None:
    result = run(tmp_path, "check", "-", stdin=BAD_APP.encode())
    assert result.code == 1
    assert result.out.startswith(f"stdin:10:13: STC001 [error] {MESSAGE}\n   |\n10 | def predict(")
    clean = run(tmp_path, "check", "-", "--format", "concise", stdin=CLEAN_APP.encode())
    assert (clean.code, clean.out) == (0, "")


def test_usage_errors_exit_two(tmp_path: Path) -> None:
    assert run(tmp_path, "check", "--format", "xml").code == 2
    assert run(tmp_path, "check", "--jobs", "-1").code == 2
    assert run(tmp_path, "check", "a.py", "--stdin-filename", "b.py").code == 2
    result = run(tmp_path, "check", "--select", "E501")
    assert result.code == 2 and "'E501' is not a cachelint code" in result.err


def test_fix_is_accepted(tmp_path: Path) -> None:
    write(tmp_path, {"app.py": CLEAN_APP})
    result = run(tmp_path, "check", "--fix", "--format", "concise", "--no-cache")
    assert (result.code, result.out) == (0, "")
    assert (tmp_path / "app.py").read_text() == CLEAN_APP


def test_internal_error_exits_two(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from cachelint import engine

    def boom(self, path, text=None):
        raise RuntimeError("kaboom")

    monkeypatch.setattr(engine.Engine, "check_file", boom)
    write(tmp_path, {"app.py": BAD_APP})
    result = run(tmp_path, "check", "--format", "concise", "--no-cache", "-j1")
    assert result.code == 2
    assert result.out.startswith("app.py:1:1: STC901 [error] internal error while checking this file")


def test_rule_and_rules(tmp_path: Path) -> None:
    from cachelint import catalog

    result = run(tmp_path, "rule", "STC001")
    assert result.code == 0
    assert result.out.startswith("# unhashable-argument (STC001)\n\nSeverity: error\nFix: none\nStatus: stable\n\n")
    for section in ("## What it does", "## Why is this bad?", "## Example", "## Use instead"):
        assert section in result.out
    assert run(tmp_path, "rule", "stc003").out.startswith("# identity-hash-func (STC003)")
    assert run(tmp_path, "rule", "unhashable-self").out.startswith("# unhashable-self (STC002)")
    assert "Fix: sometimes (safe, unsafe)" in run(tmp_path, "rule", "STC012").out
    for code in ("STC900", "STC901", "STC902"):  # documented like the rules, not just named
        about_file = run(tmp_path, "rule", code)
        assert about_file.code == 0 and "## Why is this bad?" in about_file.out, code
    missing = run(tmp_path, "rule", "STC999")
    assert missing.code == 2 and "no rule 'STC999'" in missing.err

    header, *listing = run(tmp_path, "rules").out.splitlines()
    assert header.split()[:5] == ["code", "name", "severity", "fix", "summary"]
    assert [line.split()[0] for line in listing] == [c.code for c in catalog.CODES]
    assert listing[0].split()[1] == "unhashable-argument"
    assert [line.split()[0] for line in listing if "  sometimes  " in line] == ["STC011", "STC012", "STC015", "STC025"]
    marked = {line.split()[0]: line for line in listing if line.endswith(")")}
    assert [code for code, line in marked.items() if line.endswith(" (preview)")] == ["STC021", "STC022", "STC024", "STC026"]
    assert marked["STC023"].endswith(" (preview, opt-in)")
    assert "Status: preview, opt-in" in run(tmp_path, "rule", "STC023").out


def test_no_arguments_prints_help(tmp_path: Path) -> None:
    result = run(tmp_path)
    assert result.code == 2 and "check" in result.out


def test_python_dash_m_and_console_script(tmp_path: Path) -> None:
    write(tmp_path, {"app.py": BAD_APP})
    env = dict(os.environ, NO_COLOR="1")
    module = subprocess.run([sys.executable, "-m", "cachelint", "app.py", "--no-cache", "--format", "concise"],
                            cwd=tmp_path, capture_output=True, text=True, env=env)
    assert (module.returncode, module.stdout) == (1, f"app.py:10:13: STC001 [error] {MESSAGE}\n")
    assert module.stderr == ""  # no progress bar when not on a terminal
    script = Path(sys.executable).with_name("cachelint")
    if script.exists():
        version = subprocess.run([str(script), "--version"], capture_output=True, text=True)
        assert version.returncode == 0 and version.stdout.startswith("cachelint ")


def test_color_only_when_asked_or_on_a_terminal(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path, {"app.py": BAD_APP})
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    assert "\033[" not in run(tmp_path, "app.py", "--no-cache").out  # StringIO is not a terminal
    assert "\033[" in run(tmp_path, "app.py", "--no-cache", "--color", "always").out
    monkeypatch.setenv("NO_COLOR", "1")
    from cachelint.reporting import use_color

    class Terminal:
        def isatty(self) -> bool:
            return True

    assert not use_color(Terminal())
    monkeypatch.delenv("NO_COLOR")
    assert use_color(Terminal())


def test_progress_bar_only_on_a_terminal_after_a_delay() -> None:
    import io

    from cachelint.runner import ProgressBar

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    assert ProgressBar.if_terminal(io.StringIO()) is None
    quick = ProgressBar(Terminal())
    quick(5, 10)
    assert quick.stream.getvalue() == ""  # under a second: nothing
    slow = ProgressBar(Terminal(), delay=0)
    slow(10, 10)
    slow.close()
    assert "10/10 files" in slow.stream.getvalue()


def test_parallel_run_gives_the_same_output_as_one_job(tmp_path: Path) -> None:
    import shutil

    fixtures = tmp_path / "fixtures"  # a snapshot: fixtures may be edited while tests run
    shutil.copytree(Path(__file__).parent / "fixtures", fixtures)
    one = run(tmp_path, "check", str(fixtures), "--format", "json", "--no-cache", "-j1")
    two = run(tmp_path, "check", str(fixtures), "--format", "json", "--no-cache", "-j2")
    assert one.code == two.code == 1
    assert one.out == two.out
    assert one.out.count('"code"') >= 20


def test_output_is_sorted_by_path_line_column_code(tmp_path: Path) -> None:
    write(tmp_path, {"b.py": BAD_APP, "a.py": IDENTITY_APP + "\n\n" + BAD_APP.replace("import streamlit as st\n", "")})
    lines = run(tmp_path, "check", "--format", "concise", "--no-cache").out.splitlines()
    keys = [(line.split(":")[0], int(line.split(":")[1]), int(line.split(":")[2])) for line in lines]
    assert keys == sorted(keys) and len(keys) == 3


def test_output_file(tmp_path: Path) -> None:
    write(tmp_path, {"app.py": BAD_APP})
    result = run(tmp_path, "check", "--format", "concise", "--no-cache", "-o", str(tmp_path / "out.txt"))
    assert result.code == 1 and result.out == ""
    assert (tmp_path / "out.txt").read_text() == f"app.py:10:13: STC001 [error] {MESSAGE}\n"


def test_units_do_not_depend_on_the_number_of_jobs(tmp_path: Path) -> None:
    from cachelint import runner

    write(tmp_path, {f"app{i}/pages/p{j}.py": "" for i in range(3) for j in range(3)})
    write(tmp_path, {f"flat/s{i:03d}.py": "" for i in range(runner.UNIT_FILES + 5)})
    paths = sorted(tmp_path.rglob("*.py"))
    units = runner.units(paths)
    assert [len(u) for u in units] == [3, 3, 3, runner.UNIT_FILES, 5]
    assert sorted(p for u in units for p in u) == paths
    assert {Path(Layout().app_root(str(p))) for p in units[0]} == {tmp_path / "app0"}


def test_utf16_file_is_reported_even_without_streamlit_in_its_bytes(tmp_path: Path) -> None:
    (tmp_path / "wide.py").write_bytes("import streamlit as st\n".encode("utf-16"))
    result = run(tmp_path, "check", "--format", "concise", "--no-cache")
    assert result.code == 1 and result.out.startswith("wide.py:1:1: STC900")
