"""Bad input never crashes cachelint, work is bounded, and output is deterministic."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from cachelint.config import AnalysisSettings, Config
from cachelint.service import Service
from expectations import FIXTURES

BAD = FIXTURES / "bad"

# What each committed nasty input gives: the codes reported in it.
BAD_EXPECTED = {
    "syntax_error.py": ["STC900"],
    "null_bytes.py": ["STC900"],
    "utf16.py": ["STC900"],
    "py312_syntax.py": ["STC900"],  # `type X = ...` needs Python 3.12; this runs on 3.10/3.11
    "latin1_cookie.py": [],
    "bom_crlf.py": ["STC001"],
    "empty.py": [],
    "not_python.py": [],
    "missing_modules.py": [],  # types from modules that are not there: unknown, not reported
    "recursive_inference.py": [],
    "metaclass_tricks.py": [],  # a metaclass may answer anything: unknown, not reported
    "cyclic/__init__.py": [],
    "cyclic/a.py": [],
    "cyclic/b.py": [],
}


def codes(findings) -> list[str]:
    return [f.code for f in findings]


@pytest.mark.parametrize("name", sorted(BAD_EXPECTED))
def test_nasty_inputs_give_a_diagnostic_not_a_crash(name: str) -> None:
    if name == "py312_syntax.py" and sys.version_info >= (3, 12):
        pytest.skip("valid syntax from Python 3.12 on")  # the file parses there: nothing to prove
    findings = Service().analyse((BAD / name).resolve())
    assert codes(findings) == BAD_EXPECTED[name], findings


def test_every_committed_bad_input_is_covered() -> None:
    committed = {p.relative_to(BAD).as_posix() for p in BAD.rglob("*.py")}
    assert committed == set(BAD_EXPECTED)


def test_bom_and_crlf_keep_exact_positions() -> None:
    [finding] = Service().analyse((BAD / "bom_crlf.py").resolve())
    assert (finding.line, finding.col) == (7, 6)


def test_flake8_survives_every_bad_input() -> None:
    # flake8 parses each file itself and reports what it cannot parse as E902/E999
    # without calling plugins; everything else reaches cachelint.
    result = subprocess.run([sys.executable, "-m", "flake8", "--select", "STC,E9", str(BAD)],
                            capture_output=True, text=True, timeout=300)
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode == 1
    assert "E999" in result.stdout and "STC001" in result.stdout and "STC901" not in result.stdout


def _app(tmp_path: Path, name: str, body: str) -> Path:
    path = tmp_path / name
    path.write_text("import streamlit as st\n" + body, encoding="utf-8")
    return path.resolve()


def test_deeply_nested_expressions(tmp_path: Path) -> None:
    parens = _app(tmp_path, "parens.py", "x = " + "(" * 400 + "1" + ")" * 400 + "\n")
    chain = _app(tmp_path, "chain.py", "x = " + " + ".join(["1"] * 30000) + "\n")
    lists = _app(tmp_path, "lists.py", "x = " + "[" * 90 + "]" * 90 + "\n@st.cache_data\ndef f(a):\n    return a\nf(x)\n")
    for path in (parens, chain, lists):
        assert set(codes(Service().analyse(path))) <= {"STC900"}


def test_very_long_line(tmp_path: Path) -> None:
    values = ", ".join(str(i) for i in range(40000))
    path = _app(tmp_path, "long.py", f"DATA = [{values}]\n@st.cache_data\ndef f(a):\n    return a\nf(DATA)\n")
    assert Service().analyse(path) == []


def test_huge_generated_file_is_skipped_quickly(tmp_path: Path) -> None:
    body = "".join(f"def helper_{i}(x):\n    return x + {i}\n\n" for i in range(300000))  # ~10 MB
    path = _app(tmp_path, "huge.py", body)
    assert path.stat().st_size > 9_000_000
    [finding] = Service().analyse(path)
    assert finding.code == "STC902" and "bytes is over the 2,000,000 limit" in finding.message


def test_analysis_budget_gives_stc902(tmp_path: Path) -> None:
    classes = "".join(f"class C{i}(C{i - 1}):\n    pass\n" for i in range(1, 400))
    calls = "".join(f"f(C{i}())\n" for i in range(400))
    path = _app(tmp_path, "slow.py", "class C0:\n    pass\n" + classes + "@st.cache_data\ndef f(a):\n    return a\n" + calls)
    findings = Service(Config(AnalysisSettings(step_budget=50), Path.cwd())).analyse(path)
    assert codes(findings) == ["STC902"], findings
    assert findings[0].message.startswith("analysis budget of 50 inference steps exceeded on cached 'f' (STC001")
    assert set(codes(Service().analyse(path))) == {"STC001"}  # the real budget is far above what this takes


def _many_cached_functions(count: int) -> str:
    """A large generated app: cached functions reaching per-session state through helpers,
    unhashable arguments, hidden globals, each a little different."""
    parts = ["import streamlit as st\n\nlevel = st.slider('level', 0, 10)\n\n\nclass Box:\n"
             "    def __init__(self, v):\n        self.v = v\n\n"]
    for i in range(count):
        parts.append(f"\ndef helper_{i}(x):\n    return x + st.session_state.get('k{i}', {i})\n\n\n"
                     f"@st.cache_data\ndef cached_{i}(box, n):\n    return helper_{i}(n) + level + box.v\n\n\n"
                     f"st.write(cached_{i}(Box({i}), {i}))\n")
    return "".join(parts)


def test_the_same_findings_under_any_load_and_any_jobs(tmp_path: Path) -> None:
    """A tight step budget cuts the analysis of some functions short: which ones depends only
    on the code, never on the machine, the order of files or the number of workers."""
    from cli_helpers import run

    (tmp_path / "pyproject.toml").write_text("[tool.cachelint]\nstep-budget = 20\n")
    for name in ("big_a.py", "big_b.py", "pages/big_c.py"):
        path = tmp_path / name
        path.parent.mkdir(exist_ok=True)
        path.write_text(_many_cached_functions(60))
    def check(*args: str) -> list[str]:
        result = run(tmp_path, "check", "--format", "concise", "--no-cache", "--no-importers", *args)
        return [line for line in result.out.splitlines() if ": STC" in line]

    full = check("-j", "1", ".")
    assert check("-j", "2", ".") == full
    assert check("-j", "2", ".") == full
    # a file's findings do not depend on which other files the run checks, nor their order
    assert check("big_b.py", "big_a.py") == [line for line in full if line.startswith(("big_a", "big_b"))]
    assert check("pages") == [line for line in full if line.startswith("pages/")]
    out = "\n".join(full)
    assert "STC902" in out and "STC001" in out and "STC009" in out  # some cut short, some not


def test_unreadable_paths(tmp_path: Path) -> None:
    folder = tmp_path / "looks_like.py"
    folder.mkdir()
    assert codes(Service().analyse(folder.resolve())) == ["STC900"]
    missing = tmp_path / "gone.py"
    assert codes(Service().analyse(missing)) == ["STC900"]


def test_symlink_loop_in_app_folder(tmp_path: Path) -> None:
    (tmp_path / "loop").symlink_to(tmp_path, target_is_directory=True)
    app = _app(tmp_path, "app.py", "class A:\n    pass\n@st.cache_data\ndef f(a):\n    return 1\nf(A())\n")
    assert codes(Service().analyse(app)) == ["STC001"]


def _flake8(paths: list[str], seed: str, jobs: str) -> str:
    env = dict(os.environ, PYTHONHASHSEED=seed)
    result = subprocess.run([sys.executable, "-m", "flake8", "--select", "STC", "-j", jobs, "--exclude", "bad", *paths],
                            capture_output=True, text=True, env=env, timeout=600)
    assert "Traceback" not in result.stderr
    return result.stdout


def test_output_does_not_depend_on_hash_seed_jobs_or_file_order() -> None:
    files = sorted(str(p) for p in FIXTURES.rglob("*.py") if "bad" not in p.parts)
    # flake8 prints files in the order it was given them; the findings must be the same.
    first = sorted(_flake8(files, "1", "1").splitlines())
    assert first
    assert sorted(_flake8(list(reversed(files)), "2", "2").splitlines()) == first
    assert sorted(_flake8(files[::2] + files[1::2], "3", "1").splitlines()) == first


def test_engine_results_do_not_depend_on_check_order() -> None:
    files = sorted(p.resolve() for p in FIXTURES.rglob("*.py") if "bad" not in p.parts)
    forward, backward = Service(), Service()
    ahead = {p: forward.analyse(p) for p in files}
    behind = {p: backward.analyse(p) for p in reversed(files)}
    assert ahead == behind


HELPER_READ_TWICE = '''\
import streamlit as st


def use_mirror():
    return st.session_state.get("mirror", False)


def search(index, field):
    return [index, field, use_mirror()]


@st.cache_data
def choices():
{calls}
    return rows


st.session_state.mirror = st.toggle("Mirror")
st.write(choices())
'''


def test_the_path_named_does_not_depend_on_hash_seeds(tmp_path: Path) -> None:
    """One read reached through several calls of one cached function: the finding names the
    first call, whatever order Python's sets happen to hold the paths in."""
    calls = "\n".join(f"    rows = search('inventory', 'field_{i}')" for i in range(8))
    (tmp_path / "app.py").write_text(HELPER_READ_TWICE.replace("{calls}", calls))
    outputs = set()
    for seed in ("0", "1", "2", "3", "4", "5", "6", "7"):
        result = subprocess.run([sys.executable, "-m", "cachelint", "check", "--preview", "--no-cache", "--isolated",
                                 "--format", "concise", "app.py"], cwd=tmp_path, capture_output=True, text=True,
                                env={**os.environ, "PYTHONHASHSEED": seed})
        outputs.add(result.stdout)
    [output] = outputs
    assert output.startswith("app.py:14:12: STC026 ")  # the first of the eight calls
