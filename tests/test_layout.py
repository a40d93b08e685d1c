"""The one import resolver: app roots, project tops, resolution, without astroid."""

from __future__ import annotations

from pathlib import Path

from cachelint.layout import Layout, absolute_names, import_statements


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def test_a_stray_script_above_does_not_make_its_folder_the_project(tmp_path: Path) -> None:
    # /tmp/dbg.py beside /tmp/app/: /tmp is not the app's project (it would be walked whole)
    write(tmp_path, {"dbg.py": "print('hi')\n", "app/app.py": "import streamlit as st\n"})
    assert Layout().project_top(str(tmp_path / "app" / "app.py")) == str(tmp_path / "app")


def test_a_script_importing_the_folder_as_a_package_makes_the_project(tmp_path: Path) -> None:
    write(tmp_path, {"main.py": "from src.utils import area\n", "src/utils.py": "def area(): pass\n"})
    layout = Layout()
    assert layout.project_top(str(tmp_path / "src" / "utils.py")) == str(tmp_path)
    assert layout.resolve(str(tmp_path / "main.py"), 0, "src.utils") == str(tmp_path / "src" / "utils.py")


def test_markers_make_the_project_top(tmp_path: Path) -> None:
    write(tmp_path, {"pyproject.toml": "", "myapp/app.py": "from myapp.utils.data import Gage\n",
                     "myapp/utils/data.py": "class Gage: pass\n"})
    layout = Layout()
    app = str(tmp_path / "myapp" / "app.py")
    assert layout.project_top(app) == str(tmp_path)
    assert layout.resolve(app, 0, "myapp.utils.data") == str(tmp_path / "myapp" / "utils" / "data.py")
    assert layout.module_names(str(tmp_path / "myapp" / "utils" / "data.py")) == [
        "data", "utils.data", "myapp.utils.data"]


def test_import_statements_and_absolute_names() -> None:
    text = "import a.b\nfrom . import c\nfrom ..d import e as f\n"
    assert import_statements(text) == [(0, "a.b"), (1, ""), (1, "c"), (2, "d"), (2, "d.e")]
    assert absolute_names(text, "pkg.sub") == {"a", "a.b", "pkg.sub", "pkg.sub.c", "pkg.d", "pkg.d.e"}
