"""Which files a run checks: .gitignore, virtualenvs, node_modules, build folders, exclude."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from cachelint.files import FileFinder, matches

LAYOUT = {
    "app.py": "", "pages/one.py": "", "lib/util.py": "", "notes.txt": "",
    ".venv/lib/site.py": "", "env2/pyvenv.cfg": "", "env2/lib/x.py": "",
    "node_modules/pkg/a.py": "", "build/lib/b.py": "", "dist/c.py": "", "pkg.egg-info/d.py": "",
    "__pycache__/e.py": "", "generated/big.py": "", "ignored_by_git.py": "",
}
EXPECTED = ["app.py", "lib/util.py", "pages/one.py"]


def make(root: Path) -> None:
    for name, text in LAYOUT.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    (root / ".gitignore").write_text("ignored_by_git.py\n")


def names(root: Path, found: list[Path]) -> list[str]:
    return [p.relative_to(root.resolve()).as_posix() for p in found]


def test_walk_outside_git(tmp_path: Path) -> None:
    make(tmp_path)
    found = FileFinder(tmp_path, exclude=["generated"]).find([tmp_path])
    assert names(tmp_path, found) == sorted(EXPECTED + ["ignored_by_git.py"])  # no git: no .gitignore


def test_git_work_tree_honours_gitignore(tmp_path: Path) -> None:
    make(tmp_path)
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    subprocess.run(["git", "add", "app.py"], cwd=tmp_path, check=True)
    found = FileFinder(tmp_path, exclude=["generated/"]).find([tmp_path])
    assert names(tmp_path, found) == EXPECTED
    sub = FileFinder(tmp_path).find([tmp_path / "pages"])
    assert names(tmp_path, sub) == ["pages/one.py"]


def test_explicit_files_are_checked_unless_excluded(tmp_path: Path) -> None:
    make(tmp_path)
    finder = FileFinder(tmp_path, exclude=["generated"])
    assert names(tmp_path, finder.find([tmp_path / "notes.txt", tmp_path / "app.py"])) == ["app.py", "notes.txt"]
    assert finder.find([tmp_path / "generated/big.py"]) == []


@pytest.mark.parametrize("pattern, path, expected", [
    ("legacy_*.py", "apps/legacy_one.py", True),
    ("generated", "a/generated/b.py", True),
    ("apps/old", "apps/old/x.py", True),
    ("apps/old/*.py", "apps/old/x.py", True),
    ("apps/old", "other/apps/old/x.py", False),
    ("./tests/", "tests/test_a.py", True),
    ("*.py", "x/y.py", True),
    ("y.pyc", "x/y.py", False),
])
def test_patterns(pattern: str, path: str, expected: bool) -> None:
    assert matches(pattern, path) is expected
