"""How an app's files are laid out and import each other, without parsing them.

Streamlit runs an app's entry script as ``__main__`` with the script's folder on
``sys.path`` (the *app root*; a ``pages/`` folder belongs to the app above it, and a
package folder, one with ``__init__.py``, to the folder above the package). Apps that
import their modules through folders without ``__init__.py`` (namespace packages:
``from myapp.utils.data import Gage``) run with a folder above on ``sys.path``: the
*project top*, marked by ``pyproject.toml``, ``setup.py``, ``.git``...

This is the one import resolver of cachelint. The project model (which parses with
astroid) and the result cache (which must not: a warm run never imports astroid) both
ask it, so that the files a finding depends on are the files the analysis read. Folder
listings are read once per ``Layout``; paths are plain strings inside, for speed.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

# Folder names that never hold an app's own code.
SKIPPED_DIRS = frozenset(
    {".git", ".hg", ".svn", ".bzr", "CVS", ".venv", "venv", ".env", "env", "virtualenv",
     "node_modules", "__pycache__", "__pypackages__", "build", "dist", "_build", ".tox", ".nox",
     ".mypy_cache", ".pytest_cache", ".ruff_cache", ".cachelint_cache", "site-packages", ".eggs",
     ".ipynb_checkpoints"}
)
PROJECT_MARKERS = ("pyproject.toml", "setup.py", "setup.cfg", ".git")
MAX_FOLDER_FILES = 5000  # files listed per folder tree when looking for importers
MAX_TOP_LEVELS = 6  # folders the project top may be above the app root
MAX_SCRIPTS_LOOKED_AT = 50  # scripts of a folder read to see whether they import the folder below
MAX_SCRIPT_BYTES = 200_000

_IMPORT = re.compile(
    r"^[ \t]*(?:from[ \t]+(?P<dots>\.*)[ \t]*(?P<module>[\w.]*)[ \t]+import[ \t]+"
    r"(?P<names>\([^)]*\)|[^\n#;]*)|import[ \t]+(?P<imports>[^\n#;]*))",
    re.MULTILINE,
)


def skipped_dir(name: str) -> bool:
    return name in SKIPPED_DIRS or name.startswith(".") or name.endswith(".egg-info")


def import_statements(text: str) -> list[tuple[int, str]]:
    """(level, dotted name) of every module an import statement of ``text`` may load:
    ``from pkg import mod`` gives ``pkg`` and ``pkg.mod`` (``mod`` may be a module).

    A regular expression over the text, not a parse: it runs over every file of an app
    folder and only needs to be generous (a false match costs one parse later)."""
    found: list[tuple[int, str]] = []
    for match in _IMPORT.finditer(text):
        if match["imports"] is not None:
            for part in match["imports"].split(","):
                name = part.strip().split(" as ")[0].strip()
                if name and all(p.isidentifier() for p in name.split(".")):
                    found.append((0, name))
            continue
        level, module = len(match["dots"]), match["module"]
        found.append((level, module))
        for part in match["names"].strip("()").replace("\\", " ").split(","):
            name = part.strip().split(" as ")[0].strip()
            if name and name != "*" and name.isidentifier():
                found.append((level, f"{module}.{name}" if module else name))
    return found


def absolute_names(text: str, package: str) -> set[str]:
    """The absolute dotted names ``text`` imports, for a file in ``package``; every parent
    package of an ``import a.b.c`` counts too (it is imported as well)."""
    names: set[str] = set()
    for level, name in import_statements(text):
        if level:
            parts = package.split(".") if package else []
            parts = parts[: len(parts) - (level - 1)] if level > 1 else parts
            name = ".".join([*parts, name] if name else parts)
        while name:
            names.add(name)
            name = name.rpartition(".")[0] if level == 0 else ""
    return names


class Layout:
    """Folder listings, app roots, project tops and import resolution, each read once."""

    def __init__(self) -> None:
        self._listings: dict[str, tuple[frozenset[str], frozenset[str]]] = {}  # folder -> (files, dirs)
        self._roots: dict[str, str] = {}
        self._tops: dict[str, str] = {}
        self._trees: dict[str, list[str]] = {}

    def forget(self) -> None:
        """Files were created or removed: read the folders again."""
        self._listings.clear()
        self._roots.clear()
        self._tops.clear()
        self._trees.clear()

    # -- folders ---------------------------------------------------------------------
    def listing(self, folder: str) -> tuple[frozenset[str], frozenset[str]]:
        found = self._listings.get(folder)
        if found is None:
            files, dirs = set(), set()
            try:
                with os.scandir(folder) as entries:
                    for entry in entries:
                        try:
                            if entry.is_dir():
                                dirs.add(entry.name)
                            elif entry.is_file():
                                files.add(entry.name)
                        except OSError:
                            continue
            except OSError:
                pass
            found = self._listings[folder] = (frozenset(files), frozenset(dirs))
        return found

    def _has(self, folder: str, name: str) -> bool:
        files, dirs = self.listing(folder)
        return name in files or name in dirs

    def app_root(self, path: str) -> str:
        """The folder Streamlit puts on ``sys.path`` for the app holding ``path``."""
        folder = os.path.dirname(path)
        root = self._roots.get(folder)
        if root is None:
            root = folder
            while "__init__.py" in self.listing(root)[0] and os.path.dirname(root) != root:
                root = os.path.dirname(root)
            if os.path.basename(root) == "pages" and os.path.dirname(root) != root:
                root = os.path.dirname(root)
            self._roots[folder] = root
        return root

    def project_top(self, path: str) -> str:
        """The project's top folder: the nearest folder at or above the app root with a
        marker (``pyproject.toml``, ``.git``...), at most MAX_TOP_LEVELS up; without one, the
        folders above that a script imports the folder below from (``app.py`` beside
        ``src/`` doing ``from src.utils import x``); else the app root. A folder that merely
        holds some other script (``/tmp/dbg.py``, ``~/notes.py``) is never the app's."""
        start = self.app_root(path)
        top = self._tops.get(start)
        if top is None:
            top = self._marked_above(start) or self._imported_above(start)
            self._tops[start] = top
        return top

    def _marked_above(self, start: str) -> str | None:
        folder = start
        for _ in range(MAX_TOP_LEVELS + 1):
            if any(self._has(folder, marker) for marker in PROJECT_MARKERS):
                return folder
            parent = os.path.dirname(folder)
            if parent == folder:
                return None
            folder = parent
        return None

    def _imported_above(self, start: str) -> str:
        folder = start
        for _ in range(MAX_TOP_LEVELS):
            parent = os.path.dirname(folder)
            if parent == folder or not self._imports_folder(parent, os.path.basename(folder)):
                break
            folder = parent
        return folder

    def _imports_folder(self, parent: str, name: str) -> bool:
        """Does a script directly in ``parent`` import ``name`` (a folder of it) as a package,
        or through it (``from myapp.utils.data import x`` for ``utils``)?"""
        pattern = re.compile(rf"^[ \t]*(?:from|import)[ \t]+(?:[\w.]+\.)?{re.escape(name)}\b", re.MULTILINE)
        for file in sorted(f for f in self.listing(parent)[0] if f.endswith(".py"))[:MAX_SCRIPTS_LOOKED_AT]:
            try:
                with open(os.path.join(parent, file), "rb") as handle:
                    text = handle.read(MAX_SCRIPT_BYTES).decode("utf-8", "replace")
            except OSError:
                continue
            if pattern.search(text):
                return True
        return False

    def python_files(self, root: str) -> list[str]:
        """Python files under ``root`` (skipped folders left out, at most MAX_FOLDER_FILES), sorted."""
        found = self._trees.get(root)
        if found is None:
            found = []
            for folder, dirs, files in os.walk(root):
                self._listings.setdefault(folder, (frozenset(files), frozenset(dirs)))
                dirs[:] = sorted(d for d in dirs if not skipped_dir(d))
                for name in sorted(files):
                    if name.endswith(".py"):
                        found.append(os.path.join(folder, name))
                        if len(found) >= MAX_FOLDER_FILES:
                            break
                if len(found) >= MAX_FOLDER_FILES:
                    break
            self._trees[root] = found
        return found

    # -- names -------------------------------------------------------------------------
    def dotted_name(self, path: str) -> str:
        """The module name of ``path`` from its app root (``lib.models``; ``pkg`` for its ``__init__``)."""
        relative = os.path.relpath(os.path.splitext(path)[0], self.app_root(path))
        parts = [p for p in relative.split(os.sep) if p not in ("", ".")]
        if parts and parts[-1] == "__init__":
            parts.pop()
        if not parts or parts[0] == "..":
            return Path(path).stem
        return ".".join(parts)

    def imported_names(self, path: str, text: str) -> set[str]:
        """The absolute dotted names the file ``path`` (whose content is ``text``) imports."""
        dotted = self.dotted_name(path)
        package = dotted if os.path.basename(path) == "__init__.py" else dotted.rpartition(".")[0]
        return absolute_names(text, package)

    def module_names(self, path: str) -> list[str]:
        """Every dotted spelling a module could be imported by, shortest first: from its
        app root, then through the namespace folders up to the project top."""
        names = [self.dotted_name(path)]
        top = self.project_top(path)
        relative = os.path.relpath(os.path.splitext(path)[0], top)
        parts = [p for p in relative.split(os.sep) if p not in ("", ".")]
        if not parts or parts[0] == "..":
            return names
        if parts[-1] == "__init__":
            parts.pop()
        for start in range(len(parts) - 1, -1, -1):
            name = ".".join(parts[start:])
            if name and name not in names:
                names.append(name)
        return names

    # -- imports -----------------------------------------------------------------------
    def search_roots(self, importer: str, level: int) -> list[str]:
        """The folders an import in ``importer`` searches: its package for a relative
        import; else its own folder, its app root and the folders up to the project top."""
        if level:
            base = os.path.dirname(importer)
            for _ in range(level - 1):
                base = os.path.dirname(base)
            return [base]
        roots = [os.path.dirname(importer), self.app_root(importer)]
        top, folder = self.project_top(importer), roots[-1]
        while folder != top and folder.startswith(top + os.sep):
            folder = os.path.dirname(folder)
            roots.append(folder)
        return list(dict.fromkeys(roots))

    def resolve(self, importer: str, level: int, name: str) -> str | None:
        """The project file ``import name`` (at ``level`` dots) in ``importer`` loads, if any."""
        parts = [p for p in name.split(".") if p]
        for root in self.search_roots(importer, level):
            folder = root
            for part in parts[:-1]:
                if part not in self.listing(folder)[1]:
                    break
                folder = os.path.join(folder, part)
            else:
                files, dirs = self.listing(folder)
                if not parts:
                    if "__init__.py" in files:
                        return os.path.join(folder, "__init__.py")
                    continue
                last = parts[-1]
                if last + ".py" in files:
                    return os.path.join(folder, last + ".py")
                if last in dirs and "__init__.py" in self.listing(os.path.join(folder, last))[0]:
                    return os.path.join(folder, last, "__init__.py")
        return None

    def imports(self, importer: str, text: str) -> list[str]:
        """Project files ``text`` (the content of ``importer``) imports, in order, once each."""
        found: list[str] = []
        for level, name in import_statements(text):
            names = [name]
            while level == 0 and "." in name:  # ``import a.b`` runs a/__init__.py too
                name = name.rpartition(".")[0]
                names.append(name)
            for each in names:
                path = self.resolve(importer, level, each)
                if path is not None and path != importer and path not in found:
                    found.append(path)
        return found
