"""``cachelint --fix``: fixes are exact, idempotent, keep formatting, encoding and line
endings, never produce code that does not parse, write files atomically, and turn
apps that die on current Streamlit into apps that run."""

from __future__ import annotations

import ast
import io
import os
import random
import re
import shutil
import stat
import sys
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as strategies

from cachelint import cli
from cachelint.autofix import fix_bytes, fix_file, fix_source
from cachelint.files import write_atomically
from expectations import FIXTURES, Fixture, discover

TESTS = Path(__file__).parent
PAIRS = sorted(p for p in (TESTS / "fixtures_fix").iterdir() if p.is_dir())
EXPECT = re.compile(r"[ \t]*#\s*expect:[^\r\n]*")


# -- before / after pairs -------------------------------------------------------------------------
def _expected(case: Path, unsafe: bool) -> bytes:
    unsafe_after = case / "after_unsafe.py"
    return (unsafe_after if unsafe and unsafe_after.exists() else case / "after.py").read_bytes()


@pytest.mark.parametrize("unsafe", [False, True], ids=["safe", "unsafe"])
@pytest.mark.parametrize("case", PAIRS, ids=[p.name for p in PAIRS])
def test_fix_gives_the_expected_file(case: Path, unsafe: bool) -> None:
    before = (case / "before.py").read_bytes()
    new, result = fix_bytes(before, case / "before.py", unsafe)
    assert new.decode("latin-1") == _expected(case, unsafe).decode("latin-1")
    assert new == _expected(case, unsafe)
    assert bool(result.applied) == (new != before)
    assert all(fix.safe for fix in result.applied) or unsafe


@pytest.mark.parametrize("case", PAIRS, ids=[p.name for p in PAIRS])
def test_after_files_need_no_more_fixes(case: Path) -> None:
    for name, unsafe in (("after.py", False), ("after_unsafe.py", True)):
        if (case / name).exists():
            data = (case / name).read_bytes()
            assert fix_bytes(data, case / name, unsafe, report_remaining=False)[0] == data


def test_unsafe_fixes_are_marked() -> None:
    before = (TESTS / "fixtures_fix" / "stc012_unsafe" / "before.py").read_text(encoding="utf-8")
    safe = fix_source(before, "app.py")
    assert safe.new_text == before and not safe.applied
    assert {f.code for f in safe.remaining} == {"STC012"}
    unsafe = fix_source(before, "app.py", unsafe=True)
    assert unsafe.applied and not any(f.safe for f in unsafe.applied)
    assert [f.line for f in unsafe.remaining] == [19]  # ttl="later": no fix whose intent is clear


def test_result_reports_what_was_fixed_and_what_remains() -> None:
    text = (TESTS / "fixtures_fix" / "unfixable" / "before.py").read_text(encoding="utf-8")
    result = fix_source(text + "\n@st.experimental_memo\ndef extra(x):\n    return x\n", "app.py")
    assert [(f.code, f.description) for f in result.applied] == [("STC011", "st.experimental_memo -> st.cache_data")]
    assert sorted((f.line, f.code) for f in result.remaining) == [(8, "STC011"), (13, "STC011"), (18, "STC011")]


# -- every fixture: idempotent, parses, untouched when nothing is flagged -----------------------------
def _all_sources() -> list[Path]:
    files = sorted(FIXTURES.rglob("*.py")) + [p / name for p in PAIRS for name in ("before.py", "after.py")]
    return [p for p in files if p.is_file()]


ALL_SOURCES = _all_sources()
_SERVICE = []  # one service per test process, as a --fix run shares one across files


def _service():
    if not _SERVICE:
        from cachelint.service import Service

        _SERVICE.append(Service())
    return _SERVICE[0]


@pytest.mark.parametrize("path", ALL_SOURCES, ids=[p.relative_to(TESTS).as_posix() for p in ALL_SOURCES])
def test_fixing_is_idempotent_and_output_parses(path: Path) -> None:
    data = path.read_bytes()
    for unsafe in (False, True):
        once, first = fix_bytes(data, path, unsafe, report_remaining=False, service=_service())
        if once == data:
            assert not first.applied
            continue
        ast.parse(once)  # bytes: the coding cookie / BOM is honoured
        twice, second = fix_bytes(once, path, unsafe, report_remaining=False, service=_service())
        assert twice == once, path
        assert not second.applied


def test_output_that_does_not_parse_is_never_returned(monkeypatch) -> None:
    from cachelint import autofix
    from cachelint.fixes import edits

    text = "import streamlit as st\n\n@st.cache\ndef f(x):\n    return x\n"
    broken = "import streamlit as st\n\n@st.cache_data(\ndef f(x):\n    return x\n"
    # A rule's fix whose result does not parse is never offered...
    monkeypatch.setattr(edits, "apply_edits", lambda module, planned: type("Broken", (), {"code": broken})())
    result = fix_source(text, "app.py")
    assert result.new_text == text and not result.applied
    assert [(f.code, f.fix) for f in result.remaining] == [("STC011", None)]
    monkeypatch.undo()
    # ... and fixes that together do not parse are not applied.
    monkeypatch.setattr(autofix, "apply", lambda source, planned: broken)
    result = fix_source(text, "app.py")
    assert result.new_text == text and not result.applied
    assert [f.code for f in result.remaining] == ["STC011"]


def test_guarded_and_noqa_findings_are_left_alone() -> None:
    text = ("import streamlit as st\n\n"
            "@st.cache  # noqa: STC011\ndef f(x):\n    return x\n\n"
            "@st.cache\ndef g(x):\n    return x\n")
    result = fix_source(text, "app.py")  # the same noqa that hides a finding keeps it unfixed
    assert result.new_text == text.replace("@st.cache\ndef g", "@st.cache_data\ndef g")


def test_findings_carry_their_fix_and_its_safety() -> None:
    from cachelint.service import Service

    text = ("import streamlit as st\n\n\n@st.cache(allow_output_mutation=True)\ndef model():\n    return object()\n"
            "\n\n@st.cache_data(ttl=\"3600\")\ndef load():\n    return 1\n")
    path = Path("app.py").resolve()
    first, second = Service().check(path, text)
    assert (first.code, first.fix.description, first.fix.safe) == (
        "STC011", "st.cache -> st.cache_resource (dropped allow_output_mutation)", True)
    assert [(e.line, e.col, e.end_line, e.end_col, e.text) for e in first.fix.edits] == [
        (4, 9, 4, 37, "_resource")]  # the smallest edit: "@st.cache(allow_output_mutation=True)" -> "@st.cache_resource"
    assert (second.code, second.fix.safe, second.fix.description) == ("STC012", False, 'ttl="3600" -> ttl=3600')


# -- the standard library: real modules are untouched, injected removed APIs are fixed -----------------
def _stdlib_files(count: int = 120, seed: int = 20240601) -> list[Path]:
    root = Path(ast.__file__).parent
    files = sorted(p for p in root.glob("*.py") if p.stat().st_size < 80_000)
    files += sorted(p for p in root.glob("*/*.py") if "test" not in p.parts[-2] and p.stat().st_size < 80_000
                    and "site-packages" not in p.parts)
    return sorted(random.Random(seed).sample(files, min(count, len(files))))


STDLIB = _stdlib_files()
SCRATCH = Path(tempfile.mkdtemp(prefix="cachelint-fix-"))  # a folder of its own: no neighbours to read


def _read(path: Path) -> str | None:
    try:
        text = path.read_text(encoding="utf-8")
        ast.parse(text)
    except (UnicodeDecodeError, SyntaxError, ValueError):
        return None
    return text


@settings(max_examples=40, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(strategies.sampled_from(STDLIB))
def test_stdlib_modules_are_left_unchanged(path: Path) -> None:
    text = _read(path)
    if text is None:
        return
    source = "import streamlit as st\n" + text  # so the analysis really runs
    result = fix_source(source, SCRATCH / "module.py", unsafe=True, report_remaining=False)
    assert result.new_text == source and not result.applied


DECORATORS = [
    ("@st.cache", "@st.cache_data"),
    ("@st.cache(allow_output_mutation=True, suppress_st_warning=True)", "@st.cache_resource"),
    ("@st.cache(ttl=60, max_entries=3)", "@st.cache_data(ttl=60, max_entries=3)"),
    ("@st.experimental_memo(ttl=600)", "@st.cache_data(ttl=600)"),
    ("@st.experimental_singleton", "@st.cache_resource"),
    ("@st.cache_data(suppress_st_warning=True)", "@st.cache_data"),
]


@settings(max_examples=40, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(strategies.sampled_from(STDLIB), strategies.data())
def test_injected_removed_apis_are_fixed_and_nothing_else_changes(path: Path, data) -> None:
    text = _read(path)
    if text is None:
        return
    lines = text.splitlines(keepends=True)
    defs = [n for n in ast.parse(text).body if isinstance(n, ast.FunctionDef)]
    if not defs:
        return
    chosen = data.draw(strategies.lists(strategies.sampled_from(defs), min_size=1, max_size=3, unique_by=id))
    picks = {fn.lineno: data.draw(strategies.sampled_from(DECORATORS)) for fn in chosen}
    injected, expected = [], []
    for number, line in enumerate(lines, 1):
        if number in picks:
            old, new = picks[number]
            injected.append(old + "\n")
            expected.append(new + "\n")
        injected.append(line)
        expected.append(line)
    source = "import streamlit as st\n" + "".join(injected)
    result = fix_source(source, SCRATCH / "module.py")
    assert result.new_text == "import streamlit as st\n" + "".join(expected)
    assert not [f for f in result.remaining if f.code in ("STC011", "STC012")]
    assert fix_source(result.new_text, SCRATCH / "module.py", report_remaining=False).new_text == result.new_text


# -- fixed apps run where the originals died ----------------------------------------------------------
# Apps that fail only over time (a persisted value outliving its ttl: the STC012 probe
# pauses past the ttl to show it), not within two quick runs.
FAIL_ONLY_OVER_TIME = frozenset({"api/stc012_persist_disk_ttl.py", "api/stc012_persist_true_ttl_string.py",
                                 "api/stc012_persist_timedelta_ttl.py"})


def _fixable_apps() -> list[Fixture]:
    return [f for f in discover("api") if any(e.code in ("STC011", "STC012") for e in f.expected())
            and f.name not in FAIL_ONLY_OVER_TIME]


def _fully_fixed_apps() -> list[Fixture]:
    """Apps whose every STC011/STC012 finding has a fix (the others keep a finding by design)."""
    return [fixture for fixture in _fixable_apps()
            if not [f for path in fixture.files
                    for f in fix_source(path.read_text(encoding="utf-8"), path, unsafe=True).remaining
                    if f.code in ("STC011", "STC012")]]


@pytest.mark.parametrize("fixture", _fully_fixed_apps(), ids=lambda f: f.name)
def test_fixed_app_runs_under_streamlit(fixture: Fixture, tmp_path: Path) -> None:
    import oracle
    from test_oracle import verify

    copy = tmp_path / fixture.root.name
    (shutil.copytree if fixture.root.is_dir() else shutil.copy)(fixture.root, copy)
    fixed = Fixture(copy, copy / "app.py" if copy.is_dir() else copy)
    remaining = []
    for path in fixed.files:
        _, new, result = fix_file(path, unsafe=True)
        remaining += [f for f in result.remaining if f.code in ("STC011", "STC012")]
        path.write_bytes(EXPECT.sub("", new.decode("utf-8")).encode("utf-8"))
    assert not remaining, remaining  # chosen by _fully_fixed_apps: the copy must fix the same

    original = oracle.run_fixture(fixture, 1)
    assert any(r.first.errors for r in original) or any(r.rerun_misses() for r in original), \
        "the original app should fail"
    problems = verify(fixed)
    assert not problems, "\n".join(problems)


def test_most_failing_apps_are_fixed() -> None:
    assert len(_fully_fixed_apps()) >= 20


# -- writing files ---------------------------------------------------------------------------------
def test_write_atomically_keeps_permissions_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    target = tmp_path / "app.py"
    target.write_bytes(b"old\n")
    os.chmod(target, 0o640)
    write_atomically(target, b"new\n")
    assert target.read_bytes() == b"new\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["app.py"]


@pytest.mark.skipif(sys.platform == "win32", reason="symbolic links")
def test_write_atomically_follows_symbolic_links(tmp_path: Path) -> None:
    real = tmp_path / "real.py"
    real.write_bytes(b"old\n")
    link = tmp_path / "link.py"
    link.symlink_to(real)
    write_atomically(link, b"new\n")
    assert link.is_symlink() and real.read_bytes() == b"new\n"


def test_a_failed_write_leaves_the_file_as_it_was(tmp_path: Path, monkeypatch) -> None:
    target = tmp_path / "app.py"
    target.write_bytes(b"old\n")

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken)
    with pytest.raises(OSError):
        write_atomically(target, b"new\n")
    assert target.read_bytes() == b"old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["app.py"]


# -- the command line -------------------------------------------------------------------------------
def _run(*args: str, cwd: Path, stdin: bytes = b"") -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = cli.run(list(args), stdout=out, stderr=err, stdin=io.BytesIO(stdin), cwd=cwd)
    return code, out.getvalue(), err.getvalue()


def _app(tmp_path: Path) -> Path:
    app = tmp_path / "app.py"
    app.write_text("import streamlit as st\n\n\n@st.cache(allow_output_mutation=True)\ndef model():\n"
                   "    return object()\n\n\n@st.cache_data(ttl='3600')\ndef rate():\n    return 1.0\n",
                   encoding="utf-8")
    return app


def test_cli_diff_shows_fixes_and_changes_nothing(tmp_path: Path) -> None:
    app = _app(tmp_path)
    before = app.read_bytes()
    code, out, err = _run("check", "--diff", "--no-cache", ".", cwd=tmp_path)
    assert code == 1
    assert "-@st.cache(allow_output_mutation=True)\n+@st.cache_resource\n" in out
    assert out.startswith("--- a/app.py\n+++ b/app.py\n")
    assert app.read_bytes() == before
    code, out, _ = _run("check", "--diff", "--unsafe-fixes", "--no-cache", ".", cwd=tmp_path)
    assert "+@st.cache_data(ttl=3600)\n" in out


def test_cli_fix_writes_safe_fixes_and_reports_what_is_left(tmp_path: Path) -> None:
    app = _app(tmp_path)
    code, out, err = _run("check", "--fix", "--no-cache", ".", cwd=tmp_path)
    assert "@st.cache_resource\ndef model" in app.read_text(encoding="utf-8")
    assert "Fixed 1 finding in 1 file" in err
    assert code == 1 and "STC012" in out and "STC011" not in out
    code, out, err = _run("check", "--fix", "--unsafe-fixes", "--no-cache", ".", cwd=tmp_path)
    assert code == 0 and "ttl=3600)" in app.read_text(encoding="utf-8")
    assert _run("check", "--diff", "--no-cache", ".", cwd=tmp_path)[0] == 0  # nothing left to fix


def test_cli_fix_honours_noqa_and_selection(tmp_path: Path) -> None:
    app = _app(tmp_path)
    app.write_text(app.read_text(encoding="utf-8").replace("=True)\n", "=True)  # noqa: STC011\n"), encoding="utf-8")
    before = app.read_bytes()
    assert _run("check", "--fix", "--no-cache", ".", cwd=tmp_path)[0] == 1
    assert app.read_bytes() == before
    assert _run("check", "--diff", "--unsafe-fixes", "--ignore", "STC012", "--no-cache", ".", cwd=tmp_path)[0] == 0


def test_cli_fix_from_stdin_prints_the_fixed_source(tmp_path: Path) -> None:
    source = b"import streamlit as st\n\n@st.experimental_memo\ndef f(x):\n    return x\n"
    code, out, _ = _run("check", "--fix", "-", cwd=tmp_path, stdin=source)
    assert code == 0 and out == source.decode().replace("experimental_memo", "cache_data")
    code, out, _ = _run("check", "--diff", "-", "--stdin-filename", "app.py", cwd=tmp_path, stdin=source)
    assert code == 1 and out.startswith("--- a/app.py\n") and "+@st.cache_data\n" in out


def test_cli_unsafe_fixes_alone_marks_them_and_changes_nothing(tmp_path: Path) -> None:
    app = _app(tmp_path)
    before = app.read_bytes()
    code, out, err = _run("check", "--unsafe-fixes", "--format", "concise", "--no-cache", ".", cwd=tmp_path)
    assert (code, err) == (1, "")
    assert [line.split(" ")[1:4] for line in out.splitlines()] == [["STC011", "[*]", "[error]"],
                                                                  ["STC012", "[*]", "[error]"]]
    assert app.read_bytes() == before
