"""The layers of cachelint, as stated in pyproject.toml's ``[tool.importlinter]`` contracts:

    __main__ -> cli -> integrations | pylint_plugin -> runner | autofix -> service -> engine
    -> config | result_cache | reporting | docs -> target -> registry -> rules -> analysis | fixes
    -> files | noqa | source -> layout -> streamlit_model | findings -> catalog

``lint-imports`` checks them (a module imports only from the layers below its own), that
no rule imports another, and that the catalogue, configuration, result cache and
reporting import neither astroid nor libcst. The contract file itself is checked too, so that the test cannot pass by the
contracts going missing or shrinking; and a warm run is checked in a real process.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

import pytest
from cli_helpers import BAD_APP, write

from cachelint import catalog

ROOT = Path(__file__).resolve().parent.parent

LAYERS = [
    "__main__",
    "cli",
    "integrations | pylint_plugin",
    "runner | autofix",
    "service",
    "engine",
    "config | result_cache | reporting | docs",
    "target",
    "registry",
    "rules",
    "analysis | fixes",
    "files | noqa | source",
    "layout",
    "streamlit_model | findings",
    "catalog",
]
LIGHT = {"cachelint.catalog", "cachelint.findings", "cachelint.config", "cachelint.target", "cachelint.result_cache",
         "cachelint.reporting", "cachelint.docs", "cachelint.files", "cachelint.layout", "cachelint.noqa",
         "cachelint.source", "cachelint.streamlit_model"}


def _contracts() -> dict[str, dict]:
    with (ROOT / "pyproject.toml").open("rb") as handle:
        table = tomllib.load(handle)["tool"]["importlinter"]
    assert table["root_package"] == "cachelint" and table["include_external_packages"] is True
    return {contract["id"]: contract for contract in table["contracts"]}


def _lint_imports() -> list[str]:
    beside_python = Path(sys.executable).parent / "lint-imports"
    found = beside_python if beside_python.exists() else shutil.which("lint-imports")
    assert found, "lint-imports is not installed (pip install -e '.[test]')"
    return [str(found), "--no-cache"]


@pytest.mark.skipif(sys.version_info < (3, 11), reason="import-linter 2.16 needs Python 3.11 (the full suite's)")
def test_the_import_contracts_are_kept() -> None:
    result = subprocess.run(_lint_imports(), cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 4 kept, 0 broken." in result.stdout, result.stdout


def test_the_contracts_state_the_layers() -> None:
    contracts = _contracts()
    assert set(contracts) == {"layers", "rules-own-their-logic", "light", "warm-path"}
    layers = contracts["layers"]
    assert layers["type"] == "layers" and layers["containers"] == ["cachelint"]
    assert layers["layers"] == LAYERS
    # Every module of cachelint/ has a layer: lint-imports fails on one that is not listed.
    assert layers["exhaustive"] is True
    package = ROOT / "cachelint"
    modules = {p.stem for p in package.glob("*.py") if p.stem != "__init__"} | \
        {p.parent.name for p in package.glob("*/__init__.py")}
    listed = {name.strip() for layer in LAYERS for name in layer.split("|")}
    assert modules == listed

    rules = contracts["rules-own-their-logic"]
    assert rules["type"] == "independence" and rules["modules"] == ["cachelint.rules.*"]
    shared = {"base", "messages", "legacy_api"}
    halves = {  # a preview rule that is the inferred half of a stable one shares its analysis
        "cachelint.rules.stc026_session_state_in_cache_indirect -> cachelint.rules.stc009_session_state_in_cache"}
    assert set(rules["ignore_imports"]) == {f"cachelint.rules.* -> cachelint.rules.{name}" for name in shared} | halves
    rule_modules = {p.stem for p in (package / "rules").glob("stc*.py")}
    assert {p.stem for p in (package / "rules").glob("*.py")} == rule_modules | shared | {"__init__"}
    assert {c.module for c in catalog.CODES if not c.about_file} == rule_modules

    light = contracts["light"]
    assert light["type"] == "forbidden" and set(light["source_modules"]) == LIGHT
    assert set(light["forbidden_modules"]) == {"astroid", "libcst"}
    assert not light.get("ignore_imports") and not light.get("allow_indirect_imports")

    warm = contracts["warm-path"]
    assert warm["type"] == "forbidden"
    assert set(warm["source_modules"]) == {"cachelint.cli", "cachelint.runner", "cachelint.service"}
    assert set(warm["forbidden_modules"]) == {"astroid", "libcst", "pygls", "lsprotocol"}
    # Only the measured lazy imports are left out (each says what it saves where it is made).
    assert set(warm["ignore_imports"]) == {"cachelint.service -> cachelint.engine",
                                           "cachelint.runner -> cachelint.engine",
                                           "cachelint.cli -> cachelint.autofix",
                                           "cachelint.cli -> cachelint.integrations.lsp"}


def test_a_warm_run_imports_neither_astroid_nor_libcst(tmp_path: Path) -> None:
    """What the warm-path contract's ignored imports promise, in a real process: a check
    the result cache answers never imports the engine."""
    write(tmp_path, {"app.py": BAD_APP})
    script = ("import sys; from cachelint import cli\n"
              "code = cli.run(['check', '--format', 'json', 'app.py'])\n"
              "print(code, sorted({'astroid', 'libcst', 'pygls'} & set(sys.modules)), file=sys.stderr)")
    runs = [subprocess.run([sys.executable, "-c", script], cwd=tmp_path, capture_output=True, text=True)
            for _ in range(2)]
    cold, warm = (run.stderr.strip().splitlines()[-1] for run in runs)
    assert cold == "1 ['astroid', 'libcst']", runs[0].stderr
    assert warm == "1 []", runs[1].stderr
    assert runs[0].stdout == runs[1].stdout and '"STC001"' in runs[1].stdout
