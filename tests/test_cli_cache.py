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


# -- freshness from size and mtime (read a file again only when those changed) ---------------

HOUR_AGO = 3600


def age(root: Path, seconds: int = HOUR_AGO) -> None:
    """Set every file's and folder's mtime to ``seconds`` ago: records written now are
    trusted (a file changed just before a run is hashed again, see RACY_SECONDS)."""
    import os
    import time

    then = time.time() - seconds
    for path in sorted(root.rglob("*"), key=lambda p: len(p.parts), reverse=True):
        if CACHE_DIR not in path.parts:
            os.utime(path, (then, then))
    os.utime(root, (then, then))


class Counting:
    """Wraps the runner's ResultCache to count the files read and how the keys were got."""

    def __init__(self, monkeypatch) -> None:
        from cachelint import result_cache

        self.caches: list = []
        outer = self

        class Recording(result_cache.ResultCache):
            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
                outer.caches.append(self)

        monkeypatch.setattr(runner, "ResultCache", Recording)

    @property
    def stats(self) -> dict:
        cache = self.caches[-1]
        return {**cache.stats, "layout_changed": cache._layout_changed}


def test_unchanged_files_are_not_read_and_keys_are_reused(tmp_path: Path, monkeypatch) -> None:
    write(tmp_path, {"app.py": APP, "models.py": MODELS, "other.py": "x = 1\n", "pages/one.py": BAD_APP})
    # The cache folder made before the project is aged: its creation by the first run would
    # change the project folder's mtime, a listing change when it falls in a later clock tick.
    (tmp_path / CACHE_DIR).mkdir()
    age(tmp_path)
    counting = Counting(monkeypatch)
    first = check(tmp_path)
    assert counting.stats["hashed"] == 4 and counting.stats["keys_computed"] == 3
    again = check(tmp_path)
    assert summary(again) == summary(first) == [("app.py", 6, "STC001"), ("one.py", 10, "STC001")]
    assert (again.analysed, again.cached) == (0, 3)
    assert counting.stats == {"read": 0, "hashed": 0, "keys_reused": 3, "keys_computed": 0,
                              "layout_changed": False}


def test_a_change_of_same_size_and_mtime_is_caught_when_the_mtime_is_recent(tmp_path: Path) -> None:
    import os

    write(tmp_path, {"app.py": BAD_APP})
    before = os.stat(tmp_path / "app.py")
    assert summary(check(tmp_path)) == [("app.py", 10, "STC001")]
    # Same length, same mtime (a second write within one tick of the file system's clock).
    changed = BAD_APP.replace("def predict(model: Model", "def predict(_odel: Model")
    assert len(changed) == len(BAD_APP)
    (tmp_path / "app.py").write_text(changed)
    os.utime(tmp_path / "app.py", ns=(before.st_atime_ns, before.st_mtime_ns))
    assert os.stat(tmp_path / "app.py").st_size == before.st_size
    again = check(tmp_path)
    assert (again.analysed, summary(again)) == (1, [])


def test_a_change_of_size_or_mtime_is_caught_even_when_old(tmp_path: Path) -> None:
    import os

    write(tmp_path, {"app.py": BAD_APP, "models.py": MODELS})
    age(tmp_path)
    check(tmp_path)
    # Same size, other mtime (older still: a checkout of an older commit, `cp -p`).
    changed = BAD_APP.replace("def predict(model: Model", "def predict(_odel: Model")
    (tmp_path / "app.py").write_text(changed)
    age(tmp_path, 2 * HOUR_AGO)
    assert summary(check(tmp_path)) == []
    # Other size, mtime set back to what was recorded.
    recorded = os.stat(tmp_path / "app.py")
    (tmp_path / "app.py").write_text(BAD_APP + "\n")
    os.utime(tmp_path / "app.py", ns=(recorded.st_atime_ns, recorded.st_mtime_ns))
    assert summary(check(tmp_path)) == [("app.py", 10, "STC001")]


def test_a_touched_file_is_hashed_not_analysed(tmp_path: Path, monkeypatch) -> None:
    write(tmp_path, {"app.py": APP, "models.py": MODELS})
    age(tmp_path)
    counting = Counting(monkeypatch)
    check(tmp_path)
    (tmp_path / "models.py").touch()  # new mtime, same content (or a fresh checkout)
    again = check(tmp_path)
    assert (again.analysed, again.cached, summary(again)) == (0, 2, [("app.py", 6, "STC001")])
    assert counting.stats["hashed"] == 1 and counting.stats["keys_reused"] == 2


def test_an_edit_reads_only_the_edited_file(tmp_path: Path, monkeypatch) -> None:
    write(tmp_path, {"app.py": APP, "models.py": MODELS, "pages/one.py": "import streamlit as st\nst.write(1)\n",
                     "lib/__init__.py": "", "lib/util.py": "import os\n"})
    age(tmp_path)
    counting = Counting(monkeypatch)
    check(tmp_path)
    write(tmp_path, {"models.py": HASHABLE_MODELS})
    age(tmp_path / "models.py", 2 * HOUR_AGO)  # (a record is trusted when older than the run)
    again = check(tmp_path)
    assert summary(again) == []
    assert again.analysed == 1  # app.py: models.py no longer mentions Streamlit
    stats = counting.stats
    assert stats["read"] == 0 and stats["hashed"] == 1 and not stats["layout_changed"]
    assert stats["keys_computed"] == 2  # from the import facts remembered for the other files


def test_a_new_file_is_seen_even_with_the_folder_mtime_put_back(tmp_path: Path) -> None:
    import os

    write(tmp_path, {"models.py": KEYED})
    age(tmp_path)
    assert [code for *_, code in summary(check(tmp_path))] == ["STC005"]
    folder = os.stat(tmp_path)
    write(tmp_path, {"app.py": "import streamlit as st\nfrom models import Model, predict\n\n"
                               "st.write(predict(Model(2.0), 3.0))\n"})
    os.utime(tmp_path, ns=(folder.st_atime_ns, folder.st_mtime_ns))  # as `rsync -a` might leave it
    assert summary(check(tmp_path)) == []


def test_a_new_importer_outside_the_checked_paths_is_seen(tmp_path: Path) -> None:
    # Only models.py is checked; the importer that makes its key match appears beside it.
    write(tmp_path, {"models.py": KEYED})
    age(tmp_path)
    config = load(tmp_path, cwd=tmp_path)
    assert [f.code for f in runner.run([tmp_path / "models.py"], config).findings] == ["STC005"]
    assert [f.code for f in runner.run([tmp_path / "models.py"], config).findings] == ["STC005"]
    write(tmp_path, {"app.py": "import streamlit as st\nfrom models import Model, predict\n\n"
                               "st.write(predict(Model(2.0), 3.0))\n"})
    assert runner.run([tmp_path / "models.py"], config).findings == []


def test_a_removed_importer_is_seen(tmp_path: Path) -> None:
    write(tmp_path, {"models.py": KEYED, "app.py": "import streamlit as st\nfrom models import Model, predict\n\n"
                                                   "st.write(predict(Model(2.0), 3.0))\n"})
    age(tmp_path)
    assert summary(check(tmp_path)) == []
    check(tmp_path)
    (tmp_path / "app.py").unlink()
    assert [code for *_, code in summary(check(tmp_path))] == ["STC005"]


def test_an_editor_swap_file_does_not_invalidate_the_keys(tmp_path: Path, monkeypatch) -> None:
    write(tmp_path, {"app.py": APP, "models.py": MODELS})
    age(tmp_path)
    counting = Counting(monkeypatch)
    check(tmp_path)
    (tmp_path / ".app.py.swp").write_bytes(b"\0vim swap")
    (tmp_path / "notes.txt").write_text("x")
    again = check(tmp_path)
    assert (again.analysed, again.cached) == (0, 2)
    assert not counting.stats["layout_changed"] and counting.stats["read"] == 0


def test_a_new_package_folder_changes_what_an_import_finds(tmp_path: Path) -> None:
    # `from models import Model` found models.py; a new package models/ would shadow it
    # for the import resolver only if it existed first; here: a new module in a sub-folder
    # that an existing import names (lib.models) appears.
    write(tmp_path, {"app.py": APP.replace("from models import Model", "from lib.models import Model"),
                     "lib/__init__.py": ""})
    age(tmp_path)
    assert summary(check(tmp_path)) == []  # lib.models does not exist: Model is unknown
    write(tmp_path, {"lib/models.py": MODELS})
    assert summary(check(tmp_path)) == [("app.py", 6, "STC001")]


def test_keys_from_remembered_facts_equal_keys_from_text(tmp_path: Path) -> None:
    """After an edit, keys rebuilt from the remembered import facts are the keys a cache
    with no memory derives from every file's text."""
    from cachelint.result_cache import ResultCache

    write(tmp_path, {"pyproject.toml": "", "app.py": "import streamlit as st\nimport lib.models\nfrom pages import x\n",
                     "lib/__init__.py": "from . import db\n", "lib/models.py": "from .db import Base\nimport streamlit\n",
                     "lib/db.py": "import streamlit as st\n", "pages/x.py": "from lib.models import Thing\nimport streamlit\n",
                     "pages/y.py": "import streamlit as st\nfrom app import z\n", "tools/t.py": "import lib.db\n"})
    age(tmp_path)
    paths = sorted(p for p in tmp_path.rglob("*.py"))
    first = ResultCache(tmp_path, "token")
    for path in paths:
        first.read_file(path)
        first.note(path, True)
    before = {p: first.key(p) for p in paths}
    first.save()
    write(tmp_path, {"lib/models.py": "from .db import Base\nimport streamlit\nimport tools.t\n"})
    age(tmp_path / "lib" / "models.py", 2 * HOUR_AGO)
    remembered = ResultCache(tmp_path, "token")
    for path in paths:
        if remembered.known(path) is None:
            remembered.read_file(path)
    after = {p: remembered.key(p) for p in paths}
    assert remembered.stats["read"] == 0 and not remembered._layout_changed
    fresh = ResultCache(tmp_path / "elsewhere", "token")
    assert after == {p: fresh.key(p) for p in paths}
    assert after != before


def test_noqa_is_applied_to_cached_findings_without_tokenizing(tmp_path: Path, monkeypatch) -> None:
    silenced = BAD_APP.replace("def predict(model: Model, x: float) -> float:",
                               "def predict(model: Model, x: float) -> float:  # noqa: STC001")
    write(tmp_path, {"app.py": silenced, "other.py": BAD_APP})
    assert summary(check(tmp_path)) == [("other.py", 10, "STC001")]

    def no_tokenizing(*args, **kwargs):
        raise AssertionError("a warm run tokenized a file for # noqa")

    monkeypatch.setattr(runner, "Noqa", no_tokenizing)
    again = check(tmp_path)
    assert (again.cached, summary(again)) == (2, [("other.py", 10, "STC001")])


def test_import_facts_written_by_another_run_are_not_used(tmp_path: Path, monkeypatch) -> None:
    # Two runs at once: the index of one and the facts of the other must not be mixed.
    write(tmp_path, {"app.py": APP, "models.py": MODELS, "other.py": "import models\n"})
    age(tmp_path)
    counting = Counting(monkeypatch)
    check(tmp_path)
    facts = next((tmp_path / CACHE_DIR).glob("facts-*.json"))
    data = json.loads(facts.read_text())
    data["id"] = "another run"
    facts.write_text(json.dumps(data))
    write(tmp_path, {"models.py": HASHABLE_MODELS})
    age(tmp_path / "models.py", 2 * HOUR_AGO)
    assert summary(check(tmp_path)) == []
    assert counting.stats["read"] > 0  # derived from the files' text again
