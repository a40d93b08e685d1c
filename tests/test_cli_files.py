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


def test_named_paths_are_checked_even_if_excluded_unless_force_exclude(tmp_path: Path) -> None:
    """As ruff: exclude applies to what a folder holds; a path named on the command line
    is checked anyway, unless --force-exclude (what the pre-commit hook passes)."""
    make(tmp_path)
    finder = FileFinder(tmp_path, exclude=["generated"])
    assert names(tmp_path, finder.find([tmp_path / "notes.txt", tmp_path / "app.py"])) == ["app.py", "notes.txt"]
    assert names(tmp_path, finder.find([tmp_path / "generated/big.py"])) == ["generated/big.py"]
    assert names(tmp_path, finder.find([tmp_path / "generated"])) == ["generated/big.py"]
    forced = FileFinder(tmp_path, exclude=["generated"], force_exclude=True)
    assert forced.find([tmp_path / "generated/big.py"]) == forced.find([tmp_path / "generated"]) == []
    assert names(tmp_path, forced.find([tmp_path / "app.py"])) == ["app.py"]


def test_exclude_still_applies_inside_a_named_excluded_folder(tmp_path: Path) -> None:
    write_tree(tmp_path, ["legacy/a.py", "legacy/old_x.py", "legacy/sub/b.py", "apps/old/c.py", "apps/old/gen/d.py"])
    finder = FileFinder(tmp_path, exclude=["legacy", "old_*.py", "apps/old/gen"])
    assert names(tmp_path, finder.find([tmp_path / "legacy"])) == ["legacy/a.py", "legacy/sub/b.py"]
    assert names(tmp_path, finder.find([tmp_path])) == ["apps/old/c.py"]
    finder = FileFinder(tmp_path, exclude=["apps/old"])
    assert names(tmp_path, finder.find([tmp_path / "apps/old"])) == ["apps/old/c.py", "apps/old/gen/d.py"]


def test_a_named_folder_gitignore_covers_is_checked(tmp_path: Path) -> None:
    make(tmp_path)
    write_tree(tmp_path, ["scratch/a.py", "scratch/sub/b.py", "scratch/.venv/c.py"])
    (tmp_path / ".gitignore").write_text("scratch/\nignored_by_git.py\n")
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    finder = FileFinder(tmp_path)
    assert "scratch/a.py" not in names(tmp_path, finder.find([tmp_path]))  # inside a folder: honoured
    assert names(tmp_path, finder.find([tmp_path / "scratch"])) == ["scratch/a.py", "scratch/sub/b.py"]
    assert names(tmp_path, finder.find([tmp_path / "scratch/sub"])) == ["scratch/sub/b.py"]
    # --no-respect-gitignore: folders are walked, .gitignore or not
    unfiltered = FileFinder(tmp_path, use_git=False)
    assert "ignored_by_git.py" in names(tmp_path, unfiltered.find([tmp_path]))


def write_tree(root: Path, files: list[str]) -> None:
    for name in files:
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text("")


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
