"""The release and CI set-up agree with each other and with the README.

What the build makes (sdist, wheel, fresh installs) is checked by scripts/check_dist.py, which
.ci/run runs; these are the quick consistency checks between the files that describe it.
"""

from __future__ import annotations

import ast
import importlib.util
import os
import re
import sys
from pathlib import Path

import pytest

import conftest

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
CI = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
TOX = (ROOT / "tox.ini").read_text(encoding="utf-8")
SUPPORTED = ["3.10", "3.11", "3.12", "3.13"]


def readme_commands() -> list[str]:
    """The commands of the README's first code block (its comment lines left out)."""
    block = re.search(r"```bash\n(.*?)```", README, re.DOTALL)
    assert block
    return [line for line in block[1].splitlines() if line.strip() and not line.startswith("#")]


def test_readme_starts_with_the_two_newcomer_commands() -> None:
    install_and_run, install_and_test = readme_commands()
    assert install_and_run.startswith("python3 -m venv .venv && .venv/bin/pip install")
    assert "examples/" in install_and_run
    assert install_and_test == ('python3 -m venv .venv && .venv/bin/pip install -e ".[test]" '
                                "&& .venv/bin/python -m pytest -n 2")


def test_ci_runs_the_readme_test_command_verbatim() -> None:
    _, install_and_test = readme_commands()
    assert install_and_test in CI
    assert "set -euo pipefail" in CI


def test_ci_runs_the_dist_check_and_the_other_pythons() -> None:
    assert "scripts/check_dist.py" in CI
    for version in ("3.10", "3.13"):
        assert f"static_cli {version}" in CI
    assert "-m static_cli" in CI


@pytest.mark.parametrize("path", [".ci/run", "scripts/action_run.sh"])
def test_scripts_are_executable(path: str) -> None:
    assert os.access(ROOT / path, os.X_OK)


def test_python_versions_agree() -> None:
    project = PYPROJECT["project"]
    assert project["requires-python"] == ">=3.10"
    listed = [c.rsplit(" :: ", 1)[1] for c in project["classifiers"]
              if re.fullmatch(r"Programming Language :: Python :: 3\.\d+", c)]
    assert listed == SUPPORTED
    envlist = re.search(r"^envlist\s*=\s*(.+)$", TOX, re.MULTILINE)
    assert envlist and [e.strip() for e in envlist[1].split(",")] == [f"py{v.replace('.', '')}" for v in SUPPORTED]


def test_package_metadata() -> None:
    project = PYPROJECT["project"]
    assert project["name"] == "streamlit-cachelint"
    assert project["license"] == "MIT" and project["license-files"] == ["LICENSE"]
    assert (ROOT / "LICENSE").read_text().startswith("MIT License")
    assert "version" in project["dynamic"]
    assert PYPROJECT["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "cachelint.__version__"}
    assert project["scripts"] == {"cachelint": "cachelint.cli:main"}
    assert "Framework :: Flake8" in project["classifiers"]


def test_markers_are_registered() -> None:
    markers = {m.split(":")[0] for m in PYPROJECT["tool"]["pytest"]["ini_options"]["markers"]}
    assert markers >= {"oracle", "slow", "static_cli"}


def _test_names(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name.startswith("test"):
            names.add(node.name)
        elif isinstance(node, ast.ClassDef):
            names |= {f"{node.name}::{item.name}" for item in node.body
                      if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)) and item.name.startswith("test")}
    return names


@pytest.mark.parametrize("entry", sorted(conftest.ORACLE_TESTS | conftest.SLOW_TESTS))
def test_marked_tests_exist(entry: str) -> None:
    """A renamed test would silently lose its marker (and slow down the inner loop)."""
    file, name = entry.split("::", 1)
    assert name in _test_names(ROOT / "tests" / file), f"tests/conftest.py names {entry}, which does not exist"


def test_oracle_marker_by_location() -> None:
    tests = ROOT / "tests"
    assert conftest.is_oracle(tests / "test_oracle.py", "test_anything")
    assert conftest.is_oracle(tests / "test_oracle_runtime.py", "test_anything")
    assert conftest.is_oracle(tests / "oracle" / "test_hash_funcs.py", "test_anything")
    assert not conftest.is_oracle(tests / "oracle.py", "test_anything")
    assert not conftest.is_oracle(tests / "test_static.py", "test_flake8_reports_exactly_the_expected_findings")
    assert conftest.is_oracle(tests / "test_fixes.py", "test_fixed_app_runs_under_streamlit")
    assert conftest.is_static_cli(tests / "test_cli_formats.py")
    assert not conftest.is_static_cli(tests / "test_lsp.py")


def test_dist_check_reads_the_readme() -> None:
    spec = importlib.util.spec_from_file_location("check_dist", ROOT / "scripts" / "check_dist.py")
    assert spec and spec.loader
    check_dist = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(check_dist)
    findings = check_dist.readme_findings()
    assert len(findings) == 3 and all(f.startswith("examples/shop/app.py:") for f in findings)
    codes = check_dist.readme_codes()
    from cachelint import catalog

    assert codes == [c.code for c in catalog.CODES]  # every rule and file diagnostic, in order
    line = "examples/shop/app.py:16:5: STC002 [*] [error] cached method 'total'"
    assert check_dist._untagged(line) == "examples/shop/app.py:16:5: STC002 cached method 'total'"
