"""The result cache: reused when nothing changed, invalidated by every input that matters."""

from __future__ import annotations

import json
from pathlib import Path

from cli_helpers import BAD_APP, CLEAN_APP, run, write
from cachelint import runner
from cachelint.layout import import_statements
from cachelint.result_cache import CACHE_DIR, Dependencies
from cachelint.config import load

MODELS = '''\
import streamlit as st


class Model:
    def __init__(self, weight):
        self.weight = weight
'''
HASHABLE_MODELS = '''\
from dataclasses import dataclass


@dataclass(frozen=True)
class Model:
    weight: float
'''
APP = '''\
import streamlit as st
from models import Model


@st.cache_data
def predict(model: Model, x: float) -> float:
    return model.weight * x
'''
# Alone, models.py is the script Streamlit runs: its class is '__main__.Model' and the
# string key does not match (STC005). Once app.py imports it, the key matches.
KEYED = '''\
import streamlit as st


class Model:
    def __init__(self, weight):
        self.weight = weight


@st.cache_data(hash_funcs={"models.Model": lambda m: m.weight})
def predict(model: Model, x: float) -> float:
    return model.weight * x
'''


def check(root: Path, **overrides):
    from cachelint.config import Overrides

    config = load(root, Overrides(**overrides), cwd=root)
    return runner.run([root], config, jobs=1, use_cache=True)


def summary(report) -> list[tuple[str, int, str]]:
    return [(f.path.name, f.line, f.code) for f in report.findings]


def test_unchanged_files_are_not_analysed_again(tmp_path: Path) -> None:
    write(tmp_path, {"app.py": BAD_APP, "clean.py": CLEAN_APP, "other.py": "x = 1\n"})
    first = check(tmp_path)
    assert (first.analysed, first.cached) == (2, 0)
    second = check(tmp_path)
    assert (second.analysed, second.cached) == (0, 2)
    assert summary(second) == summary(first) == [("app.py", 10, "STC001")]
    assert (tmp_path / CACHE_DIR / ".gitignore").read_text().strip().endswith("*")


def test_changing_the_file_invalidates_it(tmp_path: Path) -> None:
    write(tmp_path, {"app.py": BAD_APP, "clean.py": CLEAN_APP})
    check(tmp_path)
    write(tmp_path, {"app.py": BAD_APP.replace("def predict(model", "def predict(_model")})
    again = check(tmp_path)
    assert (again.analysed, again.cached) == (1, 1)
    assert summary(again) == []


def test_changing_an_imported_module_invalidates_the_importer(tmp_path: Path) -> None:
    write(tmp_path, {"app.py": APP, "models.py": MODELS})
    assert summary(check(tmp_path)) == [("app.py", 6, "STC001")]
    write(tmp_path, {"models.py": HASHABLE_MODELS})
    again = check(tmp_path)
    assert summary(again) == []
    assert again.analysed == 1  # app.py (models.py no longer mentions Streamlit)


def test_a_new_importer_invalidates_the_imported_module(tmp_path: Path) -> None:
    write(tmp_path, {"models.py": KEYED})
    assert [code for *_, code in summary(check(tmp_path))] == ["STC005"]
    write(tmp_path, {"app.py": "import streamlit as st\nfrom models import Model, predict\n\n"
                               "st.write(predict(Model(2.0), 3.0))\n"})
    again = check(tmp_path)
    assert summary(again) == []
    assert again.cached == 0


def test_changing_config_invalidates_everything(tmp_path: Path) -> None:
    write(tmp_path, {"app.py": "import streamlit as st\nfrom somelib import Thing\n\n\n"
                               "@st.cache_data\ndef load(thing: Thing) -> int:\n    return 1\n"})
    assert summary(check(tmp_path)) == []
    write(tmp_path, {"pyproject.toml": '[tool.cachelint]\nunhashable-types = ["somelib.Thing"]\n'})
    report = check(tmp_path)
    assert (report.analysed, summary(report)) == (1, [("app.py", 6, "STC001")])
    # back to the first run's settings (by a flag): its entry is still there
    back = check(tmp_path, unhashable_types=[])
    assert (back.analysed, back.cached, summary(back)) == (0, 1, [])
    assert check(tmp_path, target_streamlit="1.40").analysed == 1


def test_cachelint_version_is_part_of_the_key(tmp_path: Path, monkeypatch) -> None:
    write(tmp_path, {"app.py": BAD_APP})
    check(tmp_path)
    import cachelint.result_cache

    monkeypatch.setattr(cachelint.result_cache, "package_fingerprint", lambda: "another version")
    assert check(tmp_path).analysed == 1


def test_noqa_and_per_file_ignores_apply_to_cached_findings(tmp_path: Path) -> None:
    write(tmp_path, {"app.py": BAD_APP})
    assert len(check(tmp_path).findings) == 1
    write(tmp_path, {"pyproject.toml": '[tool.cachelint.per-file-ignores]\n"app.py" = ["STC001"]\n'})
    assert check(tmp_path).findings == []


def test_no_cache_neither_reads_nor_writes(tmp_path: Path) -> None:
    write(tmp_path, {"app.py": BAD_APP})
    assert run(tmp_path, "check", "--no-cache", "--format", "concise").code == 1
    assert not (tmp_path / CACHE_DIR).exists()
    assert run(tmp_path, "check", "--format", "concise").code == 1
    assert (tmp_path / CACHE_DIR).is_dir()


def test_corrupt_cache_is_ignored(tmp_path: Path) -> None:
    write(tmp_path, {"app.py": BAD_APP})
    check(tmp_path)
    for file in (tmp_path / CACHE_DIR).glob("results-*.json"):
        file.write_text("{not json")
    report = check(tmp_path)
    assert (report.analysed, summary(report)) == (1, [("app.py", 10, "STC001")])
    data = json.loads(next((tmp_path / CACHE_DIR).glob("results-*.json")).read_text())
    assert len(data["entries"]) == 1


def test_import_statements_found_in_text() -> None:
    text = ("import a, b.c as d\nfrom . import e\nfrom .f import (g,\n    h as i)\n"
            "  from j.k import *\nx = 'import nothing'\n")
    assert import_statements(text) == [(0, "a"), (0, "b.c"), (1, ""), (1, "e"), (1, "f"), (1, "f.g"), (1, "f.h"),
                                    (0, "j.k")]


def test_dependencies_follow_imports_both_ways(tmp_path: Path) -> None:
    write(tmp_path, {"app.py": "import lib.models\n", "lib/__init__.py": "", "lib/models.py": "from . import db\n",
                     "lib/db.py": "", "pages/one.py": "from lib.models import X\n", "unrelated.py": "x = 1\n"})
    deps = Dependencies(lambda p: Path(p).read_bytes() if Path(p).exists() else None)
    root = tmp_path
    assert deps.of(root / "app.py") == sorted([root / "lib/__init__.py", root / "lib/models.py",
                                               root / "lib/db.py"])
    # models.py: what it imports, who imports it, and what those import
    assert deps.of(root / "lib/models.py") == sorted([root / "app.py", root / "lib/__init__.py",
                                                      root / "lib/db.py", root / "pages/one.py"])


def test_internal_errors_are_not_cached(tmp_path: Path, monkeypatch) -> None:
    from cachelint import engine

    write(tmp_path, {"app.py": BAD_APP})
    real = engine.Engine.check_file
    monkeypatch.setattr(engine.Engine, "check_file", lambda self, path, text=None: 1 / 0)
    assert [f.code for f in check(tmp_path).findings] == ["STC901"]
    monkeypatch.setattr(engine.Engine, "check_file", real)
    report = check(tmp_path)
    assert (report.analysed, summary(report)) == (1, [("app.py", 10, "STC001")])


def test_package_fingerprint_follows_the_source() -> None:
    from cachelint.result_cache import package_fingerprint

    assert len(package_fingerprint()) == 64 and package_fingerprint() == package_fingerprint()


def test_namespace_package_import_up_to_the_project_top_invalidates(tmp_path: Path) -> None:
    # myapp/ has no __init__.py: `from myapp.utils.data import Gage` resolves from the
    # project's top folder (it has pyproject.toml), as the engine resolves it.
    write(tmp_path, {
        "pyproject.toml": "",
        "myapp/app.py": "import streamlit as st\nfrom myapp.utils.data import Gage\n\n\n"
                        "@st.cache_data\ndef level(gage: Gage) -> float:\n    return gage.value\n",
        "myapp/utils/data.py": "class Gage:\n    def __init__(self, value):\n        self.value = value\n",
    })
    assert summary(check(tmp_path)) == [("app.py", 6, "STC001")]
    write(tmp_path, {"myapp/utils/data.py": "from dataclasses import dataclass\n\n\n@dataclass(frozen=True)\n"
                                            "class Gage:\n    value: float\n"})
    again = check(tmp_path)
    assert (again.analysed, summary(again)) == (1, [])
