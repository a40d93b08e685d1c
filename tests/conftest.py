"""Shared pytest set-up: the test helpers' import path, and the ``oracle`` marker by location.

The ``oracle`` marker (registered in pyproject.toml) is on every test that runs an app under
Streamlit's ``streamlit.testing.v1.AppTest``: they are most of the suite's time. The fast
inner loop leaves them out::

    .venv/bin/python -m pytest -m "not oracle" -n 2

The marker is given here, by where a test lives, so that the files that hold the oracle
tests need not know about it (and tests moved among them stay marked):

* every test in ``tests/test_oracle*.py`` or in the ``tests/oracle/`` package;
* the tests listed in ``ORACLE_TESTS`` below, that run AppTest from other files
  (a node id without its ``[parameter]`` part, relative to ``tests/``).

A new test that runs AppTest outside those files belongs in ``ORACLE_TESTS``.

The ``slow`` marker is on the other tests that take several seconds each (``SLOW_TESTS``:
real-world corpora, whole-fixture-set runs through pylint, flake8 or pre-commit, the
widest generated inputs). The inner loop that stays under 30 s on 2 cores is::

    .venv/bin/python -m pytest -m "not oracle and not slow" -n 2

Measure with ``--durations=20`` when it grows, and list here what became slow.

The ``static_cli`` marker is on the static and command-line tests (``STATIC_CLI_FILES``: real
flake8 and pylint over the fixtures, the CLI through subprocesses, the rule docs), which need
no Streamlit installed. CI runs them on Python 3.10 (where Streamlit 1.67 does not install)
and 3.13 besides the whole suite on 3.11::

    .venv-py310/bin/python -m pytest -m static_cli -n 2

Temporary files: ``tempfile`` (and ``TMPDIR`` for subprocesses) point at a folder of this test
process's own, removed at exit. A test app written to ``/tmp/tmpXYZ/app.py`` would otherwise
have ``/tmp`` as its project when ``/tmp`` holds a stray ``*.py`` (cachelint climbs into a parent
folder holding scripts that may import the app) and the analysis would read all of ``/tmp``:
the fuzz test took 60 s instead of 5 on a shared machine. pytest's own ``tmp_path`` stays where
it was (``PYTEST_DEBUG_TEMPROOT``).
"""
from __future__ import annotations

import atexit
import fnmatch
import functools
import importlib.util
import os
import shutil
import sys
import tempfile
from pathlib import Path

import pytest

# Python 3.10 has no Streamlit 1.67 (it needs 3.11): the oracle's modules import it, so they are
# not collected there (the static and CLI tests, which CI runs on 3.10, need no Streamlit).
collect_ignore = [] if importlib.util.find_spec("streamlit") else [
    "test_oracle.py", "test_oracle_harness.py", "test_oracle_registry.py"]


def _streamlit_minor() -> str | None:
    from importlib import metadata

    try:
        return ".".join(metadata.version("streamlit").split(".")[:2])
    except metadata.PackageNotFoundError:
        return None


# The version fixtures' oracle needs their own release: collected only under it (CI's
# old-release stage, scripts/ci_old_streamlit.sh), never a skipped test elsewhere.
if _streamlit_minor() not in {p.name for p in (Path(__file__).parent / "fixtures_versions").iterdir() if p.is_dir()}:
    collect_ignore.append("test_fixtures_versions_runtime.py")

TESTS = Path(__file__).resolve().parent
sys.path.insert(0, str(TESTS))


def _private_tempdir() -> None:
    os.environ.setdefault("PYTEST_DEBUG_TEMPROOT", tempfile.gettempdir())
    private = tempfile.mkdtemp(prefix="cachelint-tests-")
    atexit.register(shutil.rmtree, private, True)
    tempfile.tempdir = private
    os.environ["TMPDIR"] = private


_private_tempdir()

ORACLE_TESTS = frozenset({
    "test_fixes.py::test_fixed_app_runs_under_streamlit",  # runs the app before and after --fix
    "test_widget_model.py::test_command_warns_exactly_when_modelled_as_widget",  # one app per command
    "test_widget_model.py::test_conditional_widget",
})


SLOW_TESTS = frozenset({
    "test_real_world.py::test_sample_of_real_world_files_runs_crash_free",  # 400 real files
    "test_real_world.py::test_streamlit_package_itself_runs_crash_free",
    "test_fixes.py::test_injected_removed_apis_are_fixed_and_nothing_else_changes",
    "test_pylint_plugin.py::test_pylint_findings_match_flake8_on_the_core_fixtures",
    "test_cli_precommit.py::test_pre_commit_hook_fails_on_bad_app_then_passes",  # real git + pre-commit
    "test_reliability.py::test_output_does_not_depend_on_hash_seed_jobs_or_file_order",  # 3 flake8 runs
    "test_durations_model.py::test_generated_strings",  # hypothesis
    "test_action.py::test_install_step_for_real_then_check",  # pip installs the checkout
    "test_cli.py::test_parallel_run_gives_the_same_output_as_one_job",  # process pools
    "test_cli_config.py::test_flake8_takes_the_same_settings_as_options",  # several flake8 runs
    "test_editors.py::test_neovim_recipes_get_the_diagnostics",  # a real Neovim and language server per recipe
    "test_hosts_agree.py::test_the_four_hosts_report_the_same_findings_on_every_fixture_file",  # 4 hosts, ~85 s
})


STATIC_CLI_FILES = ("test_static.py", "test_cli*.py", "test_pylint_plugin.py", "test_rule_docs.py")


@functools.lru_cache(maxsize=None)  # once per test file, not per test
def _relative(path: Path) -> Path | None:
    try:
        return path.resolve().relative_to(TESTS)
    except ValueError:
        return None


def is_oracle(path: Path, name: str) -> bool:
    """Does the test ``name`` of the file ``path`` run Streamlit's AppTest?

    ``name`` is the node id after the file, without its ``[parameter]`` part
    (``test_x`` or ``TestClass::test_x``).
    """
    relative = _relative(path)
    if relative is None:
        return False
    if relative.parts[0] == "oracle" and len(relative.parts) > 1:
        return True
    if len(relative.parts) == 1 and relative.name.startswith("test_oracle") and relative.suffix == ".py":
        return True
    return f"{relative.as_posix()}::{name}" in ORACLE_TESTS


def is_slow(path: Path, name: str) -> bool:
    """Is the test ``name`` (as for ``is_oracle``) of the file ``path`` one of ``SLOW_TESTS``?"""
    relative = _relative(path)
    return relative is not None and f"{relative.as_posix()}::{name}" in SLOW_TESTS


def is_static_cli(path: Path) -> bool:
    """Is the test file ``path`` one of the static and command-line tests?"""
    relative = _relative(path)
    return (relative is not None and len(relative.parts) == 1
            and any(fnmatch.fnmatchcase(relative.name, pattern) for pattern in STATIC_CLI_FILES))


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        _, _, name = item.nodeid.partition("::")
        name = name.partition("[")[0]
        if is_oracle(Path(item.path), name):
            item.add_marker(pytest.mark.oracle)
        if is_slow(Path(item.path), name):
            item.add_marker(pytest.mark.slow)
        if is_static_cli(Path(item.path)):
            item.add_marker(pytest.mark.static_cli)
