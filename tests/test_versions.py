"""Version-exact findings: the target release is read from the project, and findings follow it.

* ``cachelint.target``: every pin file format, ``-r`` / ``-c`` includes, ranges (the
  highest release they admit), the nearest folder first (monorepos), lock files first,
  the repository root as the top, the installed / latest fallbacks, the pandas major;
* every host gets the target of the app's folder: ``config.load``, the CLI runner per
  app folder (and its result cache), flake8;
* an app pinned to ``streamlit==1.25.0`` gets deprecation findings (STC025), not errors;
  the same app with ``--target-streamlit 1.67`` gets the errors (STC011) and the fixes;
* the README's "Can I bump Streamlit?" output is what cachelint prints.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from cachelint import target as targets
from cachelint.autofix import fix_source
from cachelint.config import AnalysisSettings, Config, Overrides, load
from cachelint.service import Service, Services
from cachelint.streamlit_model import releases
from cli_helpers import run, write

ROOT = Path(__file__).resolve().parent.parent
LATEST = releases.releases()[-1]

LEGACY_APP = '''\
import streamlit as st


@st.cache(allow_output_mutation=True)
def model():
    return {"weights": [1, 2]}


@st.experimental_memo(ttl=600)
def prices():
    return [1, 2]


st.write(model(), prices())
'''

MIGRATED_APP = '''\
import streamlit as st


@st.cache_resource
def model():
    return {"weights": [1, 2]}


@st.cache_data(ttl=600)
def prices():
    return [1, 2]


st.write(model(), prices())
'''


def never_installed(_name: str) -> str | None:
    return None


def resolve(folder: Path, **kwargs) -> targets.Target:
    return targets.resolve(folder, installed=kwargs.pop("installed", never_installed), **kwargs)


def repo(tmp_path: Path, files: dict[str, str]) -> Path:
    """A repository (``.git`` marks its top) holding ``files``."""
    (tmp_path / ".git").mkdir(exist_ok=True)
    write(tmp_path, files)
    return tmp_path


# --- pin files ---------------------------------------------------------------------------


@pytest.mark.parametrize("line,version,how", [
    ("streamlit==1.25.0", "1.25.0", "exact pin"),
    ("Streamlit == 1.25.0  # the release we deploy", "1.25.0", "exact pin"),
    ("streamlit[charts]==1.30.0 ; python_version >= '3.9'", "1.30.0", "exact pin"),
    ("streamlit==1.30.*", "1.30", "exact pin"),
    ("streamlit~=1.30.0", "1.30", "exact pin"),
    ("streamlit~=1.30", LATEST, "a range"),
    ("streamlit>=1.30,<1.40", "1.39", "a range"),
    ("streamlit >=1.20, !=1.39.*, <1.40", "1.38", "a range"),
    ("streamlit<=1.26.1", "1.26", "a range"),
    ("streamlit>1.60", LATEST, "a range"),
    ("streamlit", LATEST, "not pinned"),
    ("streamlit==1.25.0 --hash=sha256:0123", "1.25.0", "exact pin"),
])
def test_requirements_lines(tmp_path: Path, line: str, version: str, how: str) -> None:
    repo(tmp_path, {"requirements.txt": f"pandas\n{line}\naltair<5\n"})
    choice = resolve(tmp_path).streamlit
    assert (choice.version, choice.source, choice.line) == (version, targets.PIN, 2)
    assert choice.how.startswith(how), choice.how
    assert choice.file == (tmp_path / "requirements.txt").resolve()


def test_range_reports_both_ends_and_checks_the_highest(tmp_path: Path) -> None:
    repo(tmp_path, {"requirements.txt": "streamlit>=1.30,<1.40\n"})
    target = resolve(tmp_path)
    assert (target.streamlit.lowest, target.streamlit.highest, target.modelled) == ("1.30", "1.39", "1.39")
    notes = "\n".join(target.describe(tmp_path))
    assert "admits 1.30 to 1.39; checked against 1.39" in notes and "--target-streamlit 1.30" in notes
    assert target.origin(tmp_path) == "the newest release your pin 'streamlit>=1.30,<1.40' in requirements.txt admits"
    assert target.to_json(tmp_path)["streamlit"]["admits"] == ["1.30", "1.39"]


def test_unbounded_range_says_newer_releases_are_modelled_as_the_latest(tmp_path: Path) -> None:
    repo(tmp_path, {"requirements.txt": "streamlit>=1.20\n"})
    choice = resolve(tmp_path).streamlit
    assert choice.version == LATEST and f"releases after {LATEST} are modelled as {LATEST}" in choice.how


def test_releases_cachelint_has_not_measured(tmp_path: Path) -> None:
    repo(tmp_path, {"requirements.txt": "streamlit==1.12.0\n"})
    target = resolve(tmp_path)
    assert target.streamlit.version == "1.12.0" and target.modelled == releases.releases()[0]
    assert "modelled as 1.18" in target.describe(tmp_path)[0]


def test_requirements_includes_and_constraints(tmp_path: Path) -> None:
    repo(tmp_path, {
        "requirements.txt": "-r requirements/base.txt\n--constraint constraints.txt\n-e .\n",
        "requirements/base.txt": "# base\nstreamlit>=1.20 \\\n    ; python_version > '3.8'\npandas\n",
        "constraints.txt": "streamlit<1.33\n",
    })
    choice = resolve(tmp_path).streamlit
    assert choice.version == "1.32" and choice.lowest == "1.20"
    assert choice.file == (tmp_path / "requirements" / "base.txt").resolve() and choice.line == 2


def test_include_cycles_end(tmp_path: Path) -> None:
    repo(tmp_path, {"requirements.txt": "-r other.txt\n", "other.txt": "-r requirements.txt\nstreamlit==1.40.0\n"})
    assert resolve(tmp_path).streamlit.version == "1.40.0"


def test_other_distributions_are_not_streamlit(tmp_path: Path) -> None:
    repo(tmp_path, {"requirements.txt": "streamlit-aggrid==0.3.4\nstreamlit_extras>=0.2\n"})
    assert resolve(tmp_path).streamlit.source == targets.LATEST


def test_pyproject_pep621_and_poetry(tmp_path: Path) -> None:
    write(tmp_path, {"pep621/pyproject.toml": '[project]\nname = "a"\ndependencies = [\n  "pandas",\n'
                                              '  "streamlit>=1.28,<1.30",\n]\n',
                     "poetry/pyproject.toml": '[tool.poetry.dependencies]\npython = "^3.10"\n'
                                              'streamlit = {version = "~1.31", extras = ["charts"]}\n',
                     "caret/pyproject.toml": '[tool.poetry.dependencies]\nstreamlit = "^1.45.1"\n'})
    (tmp_path / ".git").mkdir()
    pep621 = resolve(tmp_path / "pep621").streamlit
    assert (pep621.version, pep621.line, pep621.pin) == ("1.29", 5, "streamlit>=1.28,<1.30")
    poetry = resolve(tmp_path / "poetry").streamlit
    assert (poetry.version, poetry.line) == ("1.31", 3)
    caret = resolve(tmp_path / "caret").streamlit
    assert (caret.version, caret.lowest) == (LATEST, "1.45")


def test_optional_dependencies_are_not_the_apps_pin(tmp_path: Path) -> None:
    repo(tmp_path, {"pyproject.toml": '[project]\nname = "lib"\ndependencies = []\n'
                                      '[project.optional-dependencies]\ntest = ["streamlit==1.20.0"]\n'})
    assert resolve(tmp_path).streamlit.source == targets.LATEST


def test_pipfile_and_lock_files(tmp_path: Path) -> None:
    write(tmp_path, {
        "pipfile/Pipfile": '[packages]\npandas = "*"\nstreamlit = "==1.26.0"\n',
        "pipfile_star/Pipfile": '[packages]\nstreamlit = "*"\n',
        "pipenv/Pipfile": '[packages]\nstreamlit = "*"\n',
        "pipenv/Pipfile.lock": json.dumps({"default": {"streamlit": {"version": "==1.33.0"}}}, indent=4),
        "uv/pyproject.toml": '[project]\nname = "a"\ndependencies = ["streamlit>=1.20"]\n',
        "uv/uv.lock": 'version = 1\n\n[[package]]\nname = "pandas"\nversion = "2.2.3"\n\n'
                      '[[package]]\nname = "streamlit"\nversion = "1.44.1"\n',
        "poetry/poetry.lock": '[[package]]\nname = "streamlit"\nversion = "1.36.0"\n',
    })
    (tmp_path / ".git").mkdir()
    assert resolve(tmp_path / "pipfile").streamlit.version == "1.26.0"
    assert resolve(tmp_path / "pipfile_star").streamlit.version == LATEST
    locked = resolve(tmp_path / "pipenv").streamlit
    assert (locked.version, locked.source, locked.file.name) == ("1.33.0", targets.LOCK, "Pipfile.lock")
    uv = resolve(tmp_path / "uv")
    assert (uv.streamlit.version, uv.streamlit.source, uv.streamlit.line) == ("1.44.1", targets.LOCK, 9)
    assert uv.pandas_major == 2 and uv.origin(tmp_path) == "locked in uv/uv.lock"
    assert resolve(tmp_path / "poetry").streamlit.version == "1.36.0"


def test_environment_yml(tmp_path: Path) -> None:
    write(tmp_path, {
        "conda/environment.yml": "name: app\nchannels:\n  - conda-forge\ndependencies:\n  - python=3.11\n"
                                 "  - conda-forge::streamlit=1.32\n  - pandas>=2,<3\n",
        "pip/environment.yaml": "name: app\ndependencies:\n  - python=3.11\n  - pip\n  - pip:\n"
                                "      - streamlit==1.41.1  # deployed\n",
        "build/environment.yml": "dependencies:\n  - 'streamlit=1.27.2=pyhd8ed1ab_0'\n",
    })
    (tmp_path / ".git").mkdir()
    conda = resolve(tmp_path / "conda")
    assert (conda.streamlit.version, conda.streamlit.line, conda.pandas_major) == ("1.32", 6, 2)
    pip = resolve(tmp_path / "pip").streamlit
    assert (pip.version, pip.line) == ("1.41.1", 6)
    assert resolve(tmp_path / "build").streamlit.version == "1.27"


def test_lock_file_before_manifest_in_one_folder(tmp_path: Path) -> None:
    repo(tmp_path, {"requirements.txt": "streamlit>=1.20\n",
                    "poetry.lock": '[[package]]\nname = "streamlit"\nversion = "1.35.0"\n'})
    assert resolve(tmp_path).streamlit.version == "1.35.0"


def test_monorepo_nearest_file_wins(tmp_path: Path) -> None:
    repo(tmp_path, {
        "requirements.txt": "streamlit==1.30.0\n",
        "apps/a/requirements.txt": "streamlit==1.25.0\n",
        "apps/b/pyproject.toml": '[project]\nname = "b"\ndependencies = ["streamlit==1.40.0"]\n',
        "apps/c/app.py": "import streamlit as st\n",
        "apps/d/requirements.txt": "pandas==1.5.3\n",  # names no Streamlit: passed over
        "apps/b/pages/page.py": "import streamlit as st\n",
    })
    versions = {name: resolve(tmp_path / "apps" / name).streamlit.version for name in "abcd"}
    assert versions == {"a": "1.25.0", "b": "1.40.0", "c": "1.30.0", "d": "1.30.0"}
    assert resolve(tmp_path / "apps" / "b" / "pages").streamlit.version == "1.40.0"
    assert resolve(tmp_path / "apps" / "d").pandas_major == 1


def test_the_repository_root_is_the_top(tmp_path: Path) -> None:
    write(tmp_path, {"requirements.txt": "streamlit==1.20.0\n", "project/app.py": "import streamlit\n"})
    (tmp_path / "project" / ".git").mkdir()
    assert resolve(tmp_path / "project").streamlit.source == targets.LATEST


def test_outside_a_repository_only_project_folders_count(tmp_path: Path) -> None:
    write(tmp_path, {"requirements.txt": "streamlit==1.20.0\n", "loose/app.py": "import streamlit\n",
                     "project/setup.cfg": "", "project/src/app.py": ""})
    assert resolve(tmp_path / "loose").streamlit.version == "1.20.0"  # the folder above has a pin file
    inner = tmp_path / "deeper" / "x"
    inner.mkdir(parents=True)
    assert resolve(inner).streamlit.source == targets.LATEST  # "deeper" holds nothing of a project


def test_order_explicit_pin_installed_latest(tmp_path: Path) -> None:
    repo(tmp_path, {"requirements.txt": "streamlit==1.25.0\n"})
    assert resolve(tmp_path, explicit="1.67").streamlit.source == targets.COMMAND_LINE
    config = resolve(tmp_path, explicit="1.50", explicit_source=targets.CONFIG,
                     explicit_file=tmp_path / "pyproject.toml")
    assert config.origin(tmp_path) == "target-streamlit in pyproject.toml"
    assert resolve(tmp_path).streamlit.version == "1.25.0"
    empty = tmp_path / "empty"
    (empty / ".git").mkdir(parents=True)
    installed = resolve(empty, installed=lambda name: {"streamlit": "1.44.0", "pandas": "2.2.0"}[name])
    assert (installed.streamlit.version, installed.streamlit.source, installed.pandas_major) == (
        "1.44.0", targets.INSTALLED, 2)
    latest = resolve(empty)
    assert (latest.streamlit.version, latest.streamlit.source, latest.modelled) == (None, targets.LATEST, LATEST)
    assert latest.pandas_major is None and "pandas target: unknown" in latest.describe()[-1]


@pytest.mark.parametrize("line,major", [("pandas<3", 2), ("pandas>=2", 3), ("pandas==1.5.3", 1),
                                        ("pandas~=2.1", 2), ("pandas>=1.3,<2.3", 2)])
def test_pandas_major(tmp_path: Path, line: str, major: int) -> None:
    repo(tmp_path, {"requirements.txt": f"{line}\nstreamlit==1.40.0\n"})
    assert resolve(tmp_path).pandas_major == major


def test_target_module_imports_nothing_heavy() -> None:
    code = ("import sys; from pathlib import Path; import cachelint.target as t, cachelint.config as c; "
            "t.resolve(Path('.')); c.load(Path('.')); "
            "print(sorted({'astroid', 'libcst', 'streamlit', 'pandas'} & set(sys.modules)))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip() == "[]"


# --- every host gets the target of the app's folder --------------------------------------


def test_config_load_reads_the_pin_and_explicit_settings_win(tmp_path: Path) -> None:
    repo(tmp_path, {"app/requirements.txt": "streamlit==1.25.0\n"})
    config = load(tmp_path / "app", cwd=tmp_path)
    assert config.settings.target_streamlit == "1.25.0"
    assert config.settings.target_origin == "your pin in app/requirements.txt"
    assert load(tmp_path / "app", Overrides(target_streamlit="1.67"), cwd=tmp_path).settings.target_streamlit == "1.67"
    write(tmp_path, {"pyproject.toml": '[tool.cachelint]\ntarget-streamlit = "1.40"\n'})
    from_table = load(tmp_path / "app", cwd=tmp_path)
    assert from_table.settings.target_streamlit == "1.40" and from_table.target.explicit
    assert from_table.for_folder(tmp_path / "app") is from_table  # explicit: no folder has its own


def test_flake8_and_pylint_hosts_get_each_folders_pin(tmp_path: Path) -> None:
    repo(tmp_path, {"a/requirements.txt": "streamlit==1.25.0\n", "b/requirements.txt": "streamlit==1.67.0\n",
                    "a/app.py": LEGACY_APP, "b/app.py": LEGACY_APP})
    services = Services()
    assert services.for_file(tmp_path / "a" / "app.py").settings.target_streamlit == "1.25.0"
    assert services.for_file(tmp_path / "b" / "app.py").settings.target_streamlit == "1.67.0"
    flake8 = subprocess.run([sys.executable, "-m", "flake8", "--select", "STC", "a/app.py", "b/app.py"],
                            cwd=tmp_path, capture_output=True, text=True)
    codes = sorted(re.findall(r"^(\w)/app.py:(\d+):\d+: (STC\d+)", flake8.stdout, re.MULTILINE))
    assert codes == [("a", "4", "STC025"), ("a", "9", "STC025"), ("b", "4", "STC011"), ("b", "9", "STC011")], \
        flake8.stdout + flake8.stderr


def test_one_run_over_a_monorepo_checks_each_app_against_its_pin(tmp_path: Path) -> None:
    repo(tmp_path, {"apps/old/requirements.txt": "streamlit==1.25.0\n", "apps/old/app.py": LEGACY_APP,
                    "apps/new/requirements.txt": "streamlit>=1.40\n", "apps/new/app.py": LEGACY_APP})
    result = run(tmp_path, "check", "--format", "json", "-j", "2", ".")
    document = json.loads(result.out)
    found = sorted((f["path"], f["location"]["line"], f["code"]) for f in document["findings"])
    assert found == [("apps/new/app.py", 4, "STC011"), ("apps/new/app.py", 9, "STC011"),
                     ("apps/old/app.py", 4, "STC025"), ("apps/old/app.py", 9, "STC025")]
    assert document["target"]["streamlit"]["source"] in (targets.INSTALLED, targets.LATEST)
    folders = {f["folder"]: f["streamlit"] for f in document["target"]["folders"]}
    assert folders["apps/old"]["version"] == "1.25.0" and folders["apps/old"]["file"] == "apps/old/requirements.txt"
    assert folders["apps/new"]["admits"] == ["1.40", LATEST]
    new = next(f for f in document["findings"] if f["path"] == "apps/new/app.py")
    assert f"the newest release your pin 'streamlit>=1.40' in apps/new/requirements.txt admits" in new["message"]


def test_the_result_cache_follows_the_pin(tmp_path: Path) -> None:
    repo(tmp_path, {"app/requirements.txt": "streamlit==1.25.0\n", "app/app.py": LEGACY_APP})
    first = run(tmp_path, "check", "--format", "concise", "app")
    assert first.out.count("STC025") == 2
    write(tmp_path, {"app/requirements.txt": "streamlit==1.67.0\n"})
    second = run(tmp_path, "check", "--format", "concise", "app")
    assert second.out.count("STC011") == 2 and "STC025" not in second.out
    write(tmp_path, {"app/requirements.txt": "streamlit==1.25.0\n"})
    assert run(tmp_path, "check", "--format", "concise", "app").out == first.out


def test_notes_say_which_release_and_why(tmp_path: Path) -> None:
    from cachelint import runner

    repo(tmp_path, {"requirements.txt": "streamlit>=1.30,<1.40\npandas<3\n", "app.py": LEGACY_APP})
    report = runner.run([tmp_path], load(tmp_path, cwd=tmp_path), use_cache=False)
    notes = "\n".join(report.notes)
    assert "Streamlit target: 1.39 (a range: the highest release it admits (what a fresh install gets); " \
           "requirements.txt:1: streamlit>=1.30,<1.40)" in notes
    assert "the pin admits 1.30 to 1.39" in notes
    assert "pandas target: 2 (the highest major version the pin admits; requirements.txt:2: pandas<3)" in notes


# --- one app, two targets ---------------------------------------------------------------------


def _check(path: Path, target: str | None) -> list:
    return Service(Config(AnalysisSettings(target_streamlit=target), path.parent)).check(path)


def test_one_app_two_targets_two_answers(tmp_path: Path) -> None:
    path = tmp_path / "app.py"
    path.write_text(LEGACY_APP)
    old, new = _check(path, "1.25"), _check(path, "1.67")
    assert [(f.line, f.code) for f in old] == [(4, "STC025"), (9, "STC025")]
    assert [(f.line, f.code) for f in new] == [(4, "STC011"), (9, "STC011")]
    assert "works on Streamlit 1.25" in old[1].message and "removed in 1.37" in old[1].message
    assert "raises AttributeError on Streamlit 1.67" in new[1].message and "removed in 1.37" in new[1].message
    # The same migration either way, each one valid on its release.
    assert [f.fix for f in old] == [f.fix for f in new] and all(f.fix and f.fix.safe for f in new)
    config = Config(AnalysisSettings(target_streamlit="1.67"), tmp_path)
    assert fix_source(LEGACY_APP, path, config=config).new_text == MIGRATED_APP


def test_range_admitting_the_removal_is_an_error(tmp_path: Path) -> None:
    repo(tmp_path, {"requirements.txt": "streamlit>=1.20\n", "app.py": LEGACY_APP})
    result = run(tmp_path, "check", "--format", "concise", "--no-cache", "app.py")
    assert result.out.count("STC011") == 2, result.out
    assert f"on Streamlit {LATEST} (the newest release your pin 'streamlit>=1.20' in requirements.txt admits)" \
        in result.out


def test_pinned_app_gets_deprecations_then_errors_and_fixes_on_upgrade(tmp_path: Path) -> None:
    repo(tmp_path, {"requirements.txt": "streamlit==1.25.0\n", "app.py": LEGACY_APP})
    pinned = run(tmp_path, "check", "--format", "concise", "--no-cache", "app.py")
    assert pinned.code == 1
    assert [line.split()[1] for line in pinned.out.splitlines()] == ["STC025", "STC025"]
    assert "your pin in requirements.txt" in pinned.out
    flake8 = subprocess.run([sys.executable, "-m", "flake8", "--select", "STC", "app.py"], cwd=tmp_path,
                            capture_output=True, text=True)
    assert re.findall(r"STC\d+", flake8.stdout) == ["STC025", "STC025"], flake8.stdout + flake8.stderr
    upgrade = run(tmp_path, "check", "--format", "json", "--no-cache", "--target-streamlit", "1.67", "app.py")
    document = json.loads(upgrade.out)
    assert [f["code"] for f in document["findings"]] == ["STC011", "STC011"]
    assert all(f["fix"] and f["fix"]["applicability"] == "safe" for f in document["findings"])
    assert document["target"]["streamlit"]["source"] == targets.COMMAND_LINE
    fixed = run(tmp_path, "check", "--fix", "--no-cache", "--target-streamlit", "1.67", "app.py")
    assert fixed.code == 0, fixed.out + fixed.err
    assert (tmp_path / "app.py").read_text() == MIGRATED_APP


MEMO_TTL_STRING_APP = '''\
import streamlit as st


@st.experimental_memo(ttl="1h")
def prices():
    return [1, 2]


st.write(prices())
'''


def test_fix_migrates_each_app_of_a_monorepo_by_its_own_pin(tmp_path: Path) -> None:
    """``--fix`` reads each app folder's pin, as the check does. On 1.22 st.experimental_memo
    still works (STC025) but st.cache_data reads no ttl strings before 1.23, so the migrated
    decorator also gets its ttl in seconds; on 1.67 (STC011) ttl="1h" is kept."""
    repo(tmp_path, {"old/requirements.txt": "streamlit==1.22.0\n", "old/app.py": MEMO_TTL_STRING_APP,
                    "new/requirements.txt": "streamlit==1.67.0\n", "new/app.py": MEMO_TTL_STRING_APP})
    checked = run(tmp_path, "check", "--format", "concise", "--no-cache", ".")
    assert re.findall(r"^(\w+)/app.py:(\d+):\d+: (STC\d+)", checked.out, re.MULTILINE) == \
        [("new", "4", "STC011"), ("old", "4", "STC025")], checked.out
    fixed = run(tmp_path, "check", "--fix", "--no-cache", ".")
    assert fixed.code == 0, fixed.out + fixed.err
    assert "Fixed 3 findings in 2 files" in fixed.err
    assert (tmp_path / "old" / "app.py").read_text() == MEMO_TTL_STRING_APP.replace(
        '@st.experimental_memo(ttl="1h")', "@st.cache_data(ttl=3600)")
    assert (tmp_path / "new" / "app.py").read_text() == MEMO_TTL_STRING_APP.replace(
        '@st.experimental_memo(ttl="1h")', '@st.cache_data(ttl="1h")')
    # stdin is fixed for the app folder --stdin-filename names.
    for folder, decorator in (("old", "@st.cache_data(ttl=3600)"), ("new", '@st.cache_data(ttl="1h")')):
        piped = run(tmp_path, "check", "--fix", "--no-cache", "-", "--stdin-filename", f"{folder}/app.py",
                    stdin=MEMO_TTL_STRING_APP.encode())
        assert piped.out == MEMO_TTL_STRING_APP.replace('@st.experimental_memo(ttl="1h")', decorator), folder


def test_app_pinned_before_the_new_decorators_is_told_when_to_migrate_and_not_fixed(tmp_path: Path) -> None:
    """Pinned to 1.14 (older than every measured release): st.cache_data does not exist there,
    so the finding says which release stands for the pin, offers no fix, and --fix leaves the
    app as it is (it still runs on 1.14)."""
    repo(tmp_path, {"requirements.txt": "streamlit==1.14.0\n", "app.py": LEGACY_APP})
    result = run(tmp_path, "check", "--format", "json", "--no-cache", "app.py")
    findings = json.loads(result.out)["findings"]
    assert [(f["code"], f["fix"]) for f in findings] == [("STC025", None), ("STC025", None)]
    assert findings[1]["message"].startswith(
        "'st.experimental_memo' works on Streamlit 1.14.0 (your pin in requirements.txt; checked as 1.18, the "
        "nearest release cachelint has measured), but st.experimental_memo is removed in 1.37, and the "
        "replacements arrived in 1.18: when upgrading, use st.cache_data")
    fixed = run(tmp_path, "check", "--fix", "--no-cache", "app.py")
    assert fixed.code == 1 and (tmp_path / "app.py").read_text() == LEGACY_APP


def test_readme_upgrade_check_is_what_cachelint_prints() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Can I bump Streamlit?"):]
    block = section[section.index("```\n") + 4:section.index("\n```", section.index("```\n") + 4)]
    for command in re.split(r"\n(?=\$ )", block.strip()):
        head, *shown = command.splitlines()
        args = head.removeprefix("$ cachelint ").split()
        result = run(ROOT, *args, "--no-cache", "--color", "never")
        assert result.out.strip().splitlines() == [line for line in shown], head


def test_json_target_object_matches_the_schema(tmp_path: Path) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    repo(tmp_path, {"requirements.txt": "streamlit~=1.30.0\npandas==2.2.0\n", "app.py": LEGACY_APP})
    document = json.loads(run(tmp_path, "check", "--format", "json", "--no-cache", "app.py").out)
    schema = json.loads((ROOT / "docs" / "json-schema.json").read_text())
    jsonschema.validate(document, schema)
    streamlit = document["target"]["streamlit"]
    assert (streamlit["version"], streamlit["modelled"], streamlit["file"], streamlit["line"], streamlit["pin"]) == (
        "1.30", "1.30", "requirements.txt", 1, "streamlit~=1.30.0")
    assert document["target"]["pandas"]["major"] == 2


def test_suggested_fixes_work_on_the_target(tmp_path: Path) -> None:
    """STC009 suggests scope="session" only where the release has scope (1.53+)."""
    path = tmp_path / "app.py"
    path.write_text("import streamlit as st\n\n\n@st.cache_data\ndef orders():\n"
                    "    return f\"orders of {st.session_state['customer']}\"\n\n\n"
                    "st.session_state['customer'] = st.text_input('Customer')\nst.write(orders())\n")
    old = [f.message for f in _check(path, "1.52") if f.code == "STC009"]
    new = [f.message for f in _check(path, "1.53") if f.code == "STC009"]
    assert len(old) == len(new) == 1
    assert "scope=" not in old[0] and 'or use scope="session"' in new[0]
