"""[tool.cachelint] in pyproject.toml, command-line precedence, and the flake8 options."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from cli_helpers import BAD_APP, IDENTITY_APP, run, write
from cachelint.config import ConfigError, Overrides, installed_streamlit, load

LIB_APP = '''\
import streamlit as st
from somelib import Thing


@st.cache_data
def load(thing: Thing) -> int:
    return 1
'''


def codes(result) -> list[str]:
    return [line.split(": ")[1].split()[0] for line in result.out.splitlines()]


def test_config_is_found_by_walking_up_from_the_paths(tmp_path: Path) -> None:
    write(tmp_path, {"pyproject.toml": '[tool.cachelint]\nignore = ["STC001"]\n',
                     "src/apps/app.py": BAD_APP, "src/apps/shop.py": IDENTITY_APP})
    result = run(tmp_path / "src", "check", "apps", "--format", "concise", "--no-cache")
    assert codes(result) == ["STC003"]


def test_pyproject_without_our_table_is_skipped(tmp_path: Path) -> None:
    write(tmp_path, {"pyproject.toml": '[tool.cachelint]\nignore = ["STC001"]\n',
                     "app/pyproject.toml": "[project]\nname = 'x'\n", "app/app.py": BAD_APP})
    assert codes(run(tmp_path, "check", "app", "--format", "concise", "--no-cache")) == []


def test_select_extend_select_and_ignore(tmp_path: Path) -> None:
    write(tmp_path, {"pyproject.toml": '[tool.cachelint]\nselect = ["STC003"]\n',
                     "app.py": BAD_APP, "shop.py": IDENTITY_APP})
    assert codes(run(tmp_path, "check", "--format", "concise", "--no-cache")) == ["STC003"]
    # a flag replaces the key from the file
    assert codes(run(tmp_path, "check", "--format", "concise", "--no-cache", "--select", "STC001")) == ["STC001"]
    both = run(tmp_path, "check", "--format", "concise", "--no-cache", "--extend-select", "STC001")
    assert codes(both) == ["STC001", "STC003"]
    assert codes(run(tmp_path, "check", "--format", "concise", "--no-cache", "--select", "STC",
                     "--ignore", "STC00")) == []
    assert codes(run(tmp_path, "check", "--format", "concise", "--no-cache", "--isolated")) == ["STC001", "STC003"]


@pytest.mark.parametrize("flags, shown", [
    (["--select", "STC001", "--ignore", "STC0"], ["STC001"]),  # the more specific selector wins, as in flake8
    (["--select", "STC0", "--ignore", "STC001"], ["STC003"]),
    (["--select", "STC00", "--ignore", "STC00"], []),  # a tie: ignored, as in flake8
    (["--ignore", "STC003"], ["STC001"]),
    (["--select", "ALL", "--ignore", "STC0"], []),
])
def test_the_most_specific_selector_wins(tmp_path: Path, flags: list[str], shown: list[str]) -> None:
    write(tmp_path, {"app.py": BAD_APP, "shop.py": IDENTITY_APP})
    assert codes(run(tmp_path, "check", "--format", "concise", "--no-cache", "--isolated", *flags)) == shown


@pytest.mark.parametrize("flag", ["--select", "--ignore", "--extend-select"])
def test_unknown_codes_are_an_error(tmp_path: Path, flag: str) -> None:
    write(tmp_path, {"app.py": BAD_APP})
    result = run(tmp_path, "check", "--no-cache", "--isolated", flag, "STC999")
    assert result.code == 2 and "'STC999' matches no cachelint code" in result.err
    assert result.out == ""


def test_per_file_ignores_and_exclude(tmp_path: Path) -> None:
    write(tmp_path, {
        "pyproject.toml": '[tool.cachelint]\nexclude = ["legacy"]\n'
                          '[tool.cachelint.per-file-ignores]\n"pages/*.py" = ["STC001"]\n',
        "app.py": BAD_APP, "pages/one.py": BAD_APP, "legacy/old.py": BAD_APP,
    })
    result = run(tmp_path, "check", "--format", "concise", "--no-cache")
    assert [line.split(":")[0] for line in result.out.splitlines()] == ["app.py"]
    flag = run(tmp_path, "check", "--format", "concise", "--no-cache", "--per-file-ignores", "app.py:STC",
               "--exclude", "nothing")
    assert [line.split(":")[0] for line in flag.out.splitlines()] == ["legacy/old.py", "pages/one.py"]


def test_declared_types_from_config_and_flags(tmp_path: Path) -> None:
    write(tmp_path, {"app.py": LIB_APP})
    assert codes(run(tmp_path, "check", "--format", "concise", "--no-cache")) == []
    (tmp_path / "pyproject.toml").write_text('[tool.cachelint]\nunhashable-types = ["somelib.Thing"]\n')
    assert codes(run(tmp_path, "check", "--format", "concise", "--no-cache")) == ["STC001"]
    assert codes(run(tmp_path, "check", "--format", "concise", "--no-cache", "--unhashable-types", "x.Y")) == []


def test_unknown_key_is_an_error_naming_it(tmp_path: Path) -> None:
    write(tmp_path, {"pyproject.toml": '[tool.cachelint]\nselct = ["STC001"]\n', "app.py": BAD_APP})
    result = run(tmp_path, "check", "--no-cache")
    assert result.code == 2
    assert "unknown key 'selct' (did you mean 'select'?)" in result.err
    assert result.out == ""


@pytest.mark.parametrize("body, message", [
    ('select = "STC001"', "'select' must be a list of strings"),
    ('target-streamlit = 1.67', "'target-streamlit' must be a string"),
    ('target-streamlit = "latest"', "'latest' is not a version"),
    ('per-file-ignores = ["x"]', "'per-file-ignores' must be a table"),
    ('ignore = ["W605"]', "'W605' is not a cachelint code"),
    ('select = ["STC999"]', "'STC999' matches no cachelint code"),
    ('[tool.cachelint.per-file-ignores]\n"a.py" = ["STC95"]', "'STC95' matches no cachelint code"),
    ('select = [', "not valid TOML"),
])
def test_bad_values_are_errors(tmp_path: Path, body: str, message: str) -> None:
    write(tmp_path, {"pyproject.toml": f"[tool.cachelint]\n{body}\n"})
    with pytest.raises(ConfigError, match=message.replace("(", r"\(").replace(")", r"\)")):
        load(tmp_path)


def test_paths_in_config_are_relative_to_it_and_flags_to_the_working_folder(tmp_path: Path) -> None:
    write(tmp_path, {"pyproject.toml": '[tool.cachelint]\nentry-scripts = ["apps/main.py"]\n'})
    (tmp_path / "sub").mkdir()
    config = load(tmp_path / "sub", cwd=tmp_path / "sub")
    assert config.settings.entry_scripts == frozenset({(tmp_path / "apps/main.py").resolve()})
    assert config.root == tmp_path.resolve()
    flagged = load(tmp_path / "sub", Overrides(entry_scripts=["run.py"]), cwd=tmp_path / "sub")
    assert flagged.settings.entry_scripts == frozenset({(tmp_path / "sub/run.py").resolve()})


def test_target_streamlit_defaults_to_the_installed_version(tmp_path: Path) -> None:
    from importlib import metadata

    try:
        installed = metadata.version("streamlit")
    except metadata.PackageNotFoundError:  # Python 3.10: Streamlit 1.67 needs 3.11; the latest model applies
        installed = None
    assert load(tmp_path, isolated=True).settings.target_streamlit == installed
    assert installed_streamlit() == installed
    write(tmp_path, {"pyproject.toml": '[tool.cachelint]\ntarget-streamlit = "1.40"\n'})
    assert load(tmp_path).settings.target_streamlit == "1.40"
    assert load(tmp_path, Overrides(target_streamlit="1.50")).settings.target_streamlit == "1.50"


def test_explicit_config_file(tmp_path: Path) -> None:
    write(tmp_path, {"conf/settings.toml": '[tool.cachelint]\nignore = ["STC001"]\n', "app.py": BAD_APP})
    result = run(tmp_path, "check", "--config", "conf/settings.toml", "--format", "concise", "--no-cache")
    assert (result.code, result.out) == (0, "")
    assert run(tmp_path, "check", "--config", "missing.toml").code == 2


def test_flake8_takes_the_same_settings_as_options(tmp_path: Path) -> None:
    write(tmp_path, {"app.py": LIB_APP})

    def flake8(*args: str) -> str:
        return subprocess.run([sys.executable, "-m", "flake8", "--select", "STC", *args, "app.py"],
                              cwd=tmp_path, capture_output=True, text=True).stdout

    assert flake8() == ""
    assert "STC001 argument 'thing'" in flake8("--cachelint-unhashable-types", "somelib.Thing")
    (tmp_path / "setup.cfg").write_text("[flake8]\ncachelint-unhashable-types = other.X, somelib.Thing\n")
    assert "STC001 argument 'thing'" in flake8()
    assert flake8("--cachelint-unhashable-types", "other.X") == ""


def test_flake8_option_parsing_builds_settings(tmp_path: Path) -> None:
    from argparse import Namespace

    from cachelint.integrations.flake8 import CachelintChecker, _services

    write(tmp_path, {"pyproject.toml": '[tool.cachelint]\nhashable-types = ["x.Y"]\ntarget-streamlit = "1.40"\n'
                                       'ignore = ["STC010"]\n', "app.py": BAD_APP})
    try:
        CachelintChecker.parse_options(Namespace(
            cachelint_hashable_types=["a.B"], cachelint_unhashable_types=["c.D"],
            cachelint_entry_scripts=["/srv/app/main.py"], cachelint_target_streamlit="1.50"))
        config = _services.for_file(tmp_path / "app.py", CachelintChecker.overrides).config
        settings = config.settings
        # a flake8 option replaces the key of [tool.cachelint]; the other keys apply
        assert settings.hashable_types == {"a.B"} and settings.unhashable_types == {"c.D"}
        assert settings.entry_scripts == {Path("/srv/app/main.py")}
        assert settings.target_streamlit == "1.50"
        assert settings.ignore == {"STC010"}
    finally:
        CachelintChecker.parse_options(Namespace())
    plain = _services.for_file(tmp_path / "app.py", CachelintChecker.overrides).config.settings
    assert plain.hashable_types == {"x.Y"} and plain.target_streamlit == "1.40"


def test_flake8_and_pylint_honour_the_pyproject_table(tmp_path: Path) -> None:
    write(tmp_path, {"pyproject.toml": '[tool.cachelint]\nunhashable-types = ["somelib.Thing"]\n', "app.py": LIB_APP})
    flake8 = subprocess.run([sys.executable, "-m", "flake8", "--select", "STC", "app.py"],
                            cwd=tmp_path, capture_output=True, text=True)
    assert "app.py:6:10: STC001 argument 'thing'" in flake8.stdout, flake8.stdout + flake8.stderr
    pylint = subprocess.run([sys.executable, "-m", "pylint", "--load-plugins=cachelint.pylint_plugin",
                             "--disable=all", "--enable=unhashable-argument", "app.py"],
                            cwd=tmp_path, capture_output=True, text=True)
    assert "app.py:6:9: E9501: argument 'thing'" in pylint.stdout, pylint.stdout + pylint.stderr
    write(tmp_path, {"pyproject.toml": '[tool.cachelint]\nunhashable-types = ["somelib.Thing"]\nselct = 1\n'})
    broken = subprocess.run([sys.executable, "-m", "flake8", "--select", "STC", "app.py"],
                            cwd=tmp_path, capture_output=True, text=True)
    assert broken.stdout == "" and "unknown key 'selct'" in broken.stderr and "using the defaults" in broken.stderr


UNBOUNDED_APP = '''\
import streamlit as st


@st.cache_data
def answer(question):
    return question.encode() * 1000


st.cache_data.clear()
st.write(len(answer(st.text_input("Ask"))))
'''


def test_preview_rules_and_the_opt_in_rule(tmp_path: Path) -> None:
    """Preview rules run only with --preview; the opt-in STC023 also needs its code selected."""
    write(tmp_path, {"app/app.py": UNBOUNDED_APP})

    def found(*args: str) -> list[str]:
        return codes(run(tmp_path, "check", "app", "--format", "concise", "--no-cache", *args))

    assert found() == []
    assert found("--preview") == ["STC021"]
    assert found("--preview", "--select", "STC,STC023") == ["STC023", "STC021"]
    assert found("--preview", "--select", "STC02") == ["STC021"]  # a prefix does not opt in
    assert found("--select", "STC023") == []  # nor does a selection without --preview
    write(tmp_path, {"app/pyproject.toml": '[tool.cachelint]\npreview = true\nextend-select = ["STC023"]\n'})
    assert found() == ["STC023", "STC021"]
