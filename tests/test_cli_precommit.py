"""The pre-commit hook, through real pre-commit: fails on a bad app, passes once it is fixed.

``pre-commit try-repo`` installs this checkout (copied into a temporary git repo, so
that uncommitted work is what is tested) into its own virtualenv, as a user's
pre-commit would install a tagged release.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from cli_helpers import BAD_APP

REPO = Path(__file__).resolve().parent.parent

FIXED_APP = BAD_APP.replace("def predict(model: Model", "def predict(_model: Model").replace(
    "return model.weight", "return _model.weight")


def git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


def copy_checkout(target: Path) -> None:
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info")
    shutil.copytree(REPO / "cachelint", target / "cachelint", ignore=ignore)
    for name in ("pyproject.toml", "README.md", ".pre-commit-hooks.yaml", "LICENSE"):
        if (REPO / name).exists():
            shutil.copy2(REPO / name, target / name)


def hooks_repository(tmp_path: Path) -> Path:
    """This checkout as a git repository of hooks, for ``pre-commit try-repo``."""
    hooks = tmp_path / "hooks"
    hooks.mkdir()
    copy_checkout(hooks)
    git(hooks, "init", "-q")
    git(hooks, "add", "-A")
    git(hooks, "-c", "commit.gpgsign=false", "commit", "-q", "-m", "checkout")
    return hooks


def try_repo(hooks: Path, app: Path, env: dict[str, str]) -> subprocess.Popen:
    """``pre-commit try-repo`` of the cachelint hook on ``app``, in its own pre-commit home
    (each run installs the hook into a fresh virtualenv: start them together)."""
    return subprocess.Popen(
        [sys.executable, "-m", "pre_commit", "try-repo", str(hooks), "cachelint", "--verbose"],
        cwd=app, env=dict(env, PRE_COMMIT_HOME=str(app.parent / f"home-{app.name}")),
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(GIT_AUTHOR_NAME="t",
               GIT_AUTHOR_EMAIL="t@example.com", GIT_COMMITTER_NAME="t", GIT_COMMITTER_EMAIL="t@example.com",
               NO_COLOR="1")
    env.pop("PRE_COMMIT", None)
    return env


def test_hooks_file_declares_both_hooks() -> None:
    import yaml

    hooks = {hook["id"]: hook for hook in yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())}
    assert set(hooks) == {"cachelint", "cachelint-fix"}
    for hook in hooks.values():
        assert hook["language"] == "python"
        assert hook["types_or"] == ["python", "pyi"]
        assert hook["require_serial"] is True
        assert hook["entry"].startswith("cachelint check")


def test_pre_commit_hook_fails_on_bad_app_then_passes(tmp_path: Path, env: dict[str, str]) -> None:
    pytest.importorskip("pre_commit")
    hooks = hooks_repository(tmp_path)

    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "streamlit_app.py").write_text(BAD_APP)
    git(bad, "init", "-q")
    git(bad, "add", "streamlit_app.py")
    # The same app, fixed by hand. Both are checked at once: each try-repo installs the
    # hook into a fresh virtualenv, which is most of the time this test takes.
    fixed = tmp_path / "fixed"
    shutil.copytree(bad, fixed)
    (fixed / "streamlit_app.py").write_text(FIXED_APP)
    git(fixed, "add", "streamlit_app.py")

    runs = [try_repo(hooks, bad, env), try_repo(hooks, fixed, env)]
    (failed_out, _), (passed_out, _) = (run.communicate(timeout=300) for run in runs)
    assert runs[0].returncode == 1, failed_out
    assert "streamlit_app.py:10:13: STC001 [error] argument 'model' of cached 'predict'" in failed_out
    assert runs[1].returncode == 0, passed_out
    assert "STC001" not in passed_out


def test_pre_commit_reads_the_pin_of_the_app(tmp_path: Path, env: dict[str, str]) -> None:
    """The hook's environment has no Streamlit: the app's requirements.txt decides. Pinned
    to 1.25, the legacy decorators are deprecation warnings (STC025); with the target set
    to 1.67 in [tool.cachelint] they are the errors that kill the app there (STC011)."""
    pytest.importorskip("pre_commit")
    from test_versions import LEGACY_APP

    hooks = hooks_repository(tmp_path)

    pinned = tmp_path / "pinned"
    pinned.mkdir()
    (pinned / "streamlit_app.py").write_text(LEGACY_APP)
    (pinned / "requirements.txt").write_text("streamlit==1.25.0\n")
    git(pinned, "init", "-q")
    git(pinned, "add", "streamlit_app.py", "requirements.txt")
    upgrade = tmp_path / "upgrade"
    shutil.copytree(pinned, upgrade)
    (upgrade / "pyproject.toml").write_text('[tool.cachelint]\ntarget-streamlit = "1.67"\n')
    git(upgrade, "add", "pyproject.toml")

    runs = [try_repo(hooks, pinned, env), try_repo(hooks, upgrade, env)]
    (pinned_out, _), (upgrade_out, _) = (run.communicate(timeout=300) for run in runs)
    assert runs[0].returncode == 1, pinned_out
    assert "streamlit_app.py:4:2: STC025" in pinned_out and "streamlit_app.py:9:2: STC025" in pinned_out
    assert "'st.cache' works on Streamlit 1.25 (your pin in requirements.txt)" in pinned_out
    assert "STC011" not in pinned_out
    assert runs[1].returncode == 1, upgrade_out
    assert "streamlit_app.py:4:2: STC011" in upgrade_out and "streamlit_app.py:9:2: STC011" in upgrade_out
    assert "'st.experimental_memo' raises AttributeError on Streamlit 1.67" in upgrade_out


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

st.write(load(Thing(2), 3))
'''


def test_pre_commit_reports_what_a_staged_file_breaks_in_an_unstaged_one(tmp_path: Path,
                                                                         env: dict[str, str]) -> None:
    """Only helpers.py is staged (``_thing`` renamed ``thing``); the page that passes a
    Thing() is not: the hook still fails, at the page's call, as the app would raise."""
    pytest.importorskip("pre_commit")
    hooks = hooks_repository(tmp_path)
    rev = subprocess.run(["git", "rev-parse", "HEAD"], cwd=hooks, check=True, capture_output=True,
                         text=True).stdout.strip()

    app = tmp_path / "app"
    (app / "pages").mkdir(parents=True)
    (app / "streamlit_app.py").write_text("import streamlit as st\n\nst.title('shop')\n")
    (app / "helpers.py").write_text(HELPERS)
    (app / "pages" / "page.py").write_text(PAGE)
    (app / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {hooks}\n    rev: {rev}\n    hooks:\n      - id: cachelint\n")
    git(app, "init", "-q")
    git(app, "add", "-A")
    git(app, "-c", "commit.gpgsign=false", "commit", "-q", "-m", "a working app")

    def pre_commit_run() -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "pre_commit", "run", "--verbose"], cwd=app,
                              env=dict(env, PRE_COMMIT_HOME=str(tmp_path / "home")), capture_output=True, text=True,
                              timeout=600)

    (app / "helpers.py").write_text(HELPERS.replace("_thing", "thing"))
    git(app, "add", "helpers.py")
    broken = pre_commit_run()
    assert broken.returncode == 1, broken.stdout + broken.stderr
    assert "Failed" in broken.stdout
    assert ("pages/page.py:5:15: STC001 [error] argument 'thing' of cached 'load' has type 'Thing', which "
            "Streamlit cannot hash (UnhashableParamError)") in broken.stdout
    assert "Checked 1 file (and 1 file importing it): found 1 error (STC001: 1)." in broken.stdout

    # Fixed in helpers.py alone (Thing gets a hash function): the hook passes.
    (app / "helpers.py").write_text(HELPERS.replace("_thing", "thing").replace(
        "@st.cache_data\n", "@st.cache_data(hash_funcs={Thing: lambda t: t.n})\n"))
    git(app, "add", "helpers.py")
    fixed = pre_commit_run()
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr
    assert "Passed" in fixed.stdout and "STC001" not in fixed.stdout
