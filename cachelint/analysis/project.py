"""Files of the app being checked, parsed once with astroid, and how they import each other.

Streamlit runs an app's entry script as ``__main__`` with the script's folder on
``sys.path``; its pages run as ``__main__`` too. Every other module is named by its
dotted path from that folder (``utils``, ``lib.models``). Class names in ``hash_funcs``
and in Streamlit's error messages follow these names, so the model keeps them.
"""

from __future__ import annotations

import functools
import os
import re
import time
from dataclasses import dataclass, field
from typing import Callable
from pathlib import Path

from astroid import nodes
from astroid.builder import AstroidBuilder
from astroid.exceptions import AstroidSyntaxError
from astroid.manager import AstroidManager

from cachelint.source import read_source

# Folders that never hold the app's own code.
SKIPPED_DIRS = frozenset(
    {".git", ".hg", ".svn", ".venv", "venv", "env", ".env", "node_modules", "__pycache__",
     "build", "dist", ".tox", ".nox", ".mypy_cache", ".pytest_cache", ".cachelint_cache",
     "site-packages", ".eggs"}
)
MAX_PROJECT_FILES = 5000  # files indexed per app folder when looking for importers
MAX_CALLER_FILE_BYTES = 1_000_000
MAX_CALLER_MODULES = 100  # importers parsed to find the calls of one module's cached functions


class ParseFailure(Exception):
    """The file is not Python that this interpreter can parse."""

    def __init__(self, path: Path, line: int, col: int, reason: str):
        super().__init__(reason)
        self.path, self.line, self.col, self.reason = path, line, col, reason


@dataclass(eq=False)
class Module:
    path: Path
    name: str  # the dotted name other modules import it by
    is_entry: bool  # Streamlit runs it as __main__ (entry script or page)
    tree: nodes.Module
    text: str

    @property
    def runtime_name(self) -> str:
        """``type(obj).__module__`` of a class defined here, as the running app sees it."""
        return "__main__" if self.is_entry else self.name


def build_tree(text: str, modname: str, path: Path) -> nodes.Module:
    """Parse with astroid without its post-build steps.

    astroid's post-build resolves every ``obj.attr = ...`` and ``from x import *`` by
    inference, which would import streamlit or pandas themselves (seconds each). The
    rebuilt tree already has scopes and locals, which is all the analysis needs.
    """
    builder = AstroidBuilder(AstroidManager(), apply_transforms=False)
    try:
        module, rebuilder = builder._data_build(text, modname, str(path))
    except AstroidSyntaxError as exc:
        error = exc.error
        line = getattr(error, "lineno", None) or 1
        col = max((getattr(error, "offset", None) or 1) - 1, 0)
        reason = getattr(error, "msg", None) or str(error)
        raise ParseFailure(path, line, col, reason) from None
    # The one post-build step that needs no inference: bind ``from m import x`` names.
    # (``import *`` would import the module: those names stay unknown.)
    for from_node, global_names in rebuilder._import_from_nodes:
        if from_node.modname == "__future__":
            module.future_imports.update(name for name, _ in from_node.names)
        for name, alias in from_node.names:
            if name == "*":
                continue
            bound = alias or name
            owner = module if bound in global_names else from_node.parent
            owner.set_local(bound, from_node)
            owner.scope().locals[bound].sort(key=lambda n: n.fromlineno or 0)
    return module


def app_root(path: Path) -> Path:
    """The folder Streamlit puts on sys.path for the app that holds ``path``."""
    return _app_root_of_folder(path.parent)


@functools.lru_cache(maxsize=4096)  # asked for every import: the file system answers once per folder
def _app_root_of_folder(folder: Path) -> Path:
    while (folder / "__init__.py").exists() and folder.parent != folder:
        folder = folder.parent
    if folder.name == "pages" and folder.parent != folder:
        folder = folder.parent
    return folder


PROJECT_MARKERS = ("pyproject.toml", "setup.py", "setup.cfg", ".git")


def project_top(path: Path) -> Path:
    return _project_top_of_folder(path.parent)


@functools.lru_cache(maxsize=4096)
def _project_top_of_folder(start: Path, levels: int = 6) -> Path:
    """The project's top folder (pyproject.toml, setup.py, .git...), above the app folder.

    Apps that import their modules through folders without ``__init__.py`` (namespace
    packages: ``from myapp.utils.data import Gage``) are run with that folder on
    sys.path; without a marker, the app folder itself.
    """
    folder = _app_root_of_folder(start)
    for _ in range(levels):
        if _has_marker(folder):
            return folder
        parent = folder.parent
        # Go up only into a folder that is part of the project: it has a marker, or a
        # script that may import us (``app.py`` beside ``src/``).
        if parent == folder or not (_has_marker(parent) or any(parent.glob("*.py"))):
            return folder
        folder = parent
    return folder


def _has_marker(folder: Path) -> bool:
    return any((folder / marker).exists() for marker in PROJECT_MARKERS)


def python_files(root: Path, limit: int = MAX_PROJECT_FILES) -> list[Path]:
    """Python files under ``root``, skipping virtualenvs, caches and build folders."""
    found: list[Path] = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in SKIPPED_DIRS and not d.startswith("."))
        for name in sorted(files):
            if name.endswith(".py"):
                found.append(Path(folder, name))
                if len(found) >= limit:
                    return found
    return found


@dataclass
class _Folder:
    """What one app folder holds: its files and, for each module name, the files importing it."""

    files: list[Path]
    importers: dict[str, list[Path]] = field(default_factory=dict)


_IMPORT_FROM = re.compile(r"^[ \t]*from[ \t]+(\.*)([\w.]*)[ \t]+import[ \t]+(?:\(([^)]*)\)|([\w \t,]+))", re.MULTILINE)
_IMPORT = re.compile(r"^[ \t]*import[ \t]+([\w., \t]+)", re.MULTILINE)


def imported_names(text: str, package: str) -> set[str]:
    """Module names a file imports (``from pkg import mod`` counts as ``pkg`` and ``pkg.mod``).

    A regular expression over the text, not a parse: it runs over every file of an
    app folder and only needs to be generous (a false match costs one parse later).
    """
    names: set[str] = set()
    for dots, base, in_parens, plain in _IMPORT_FROM.findall(text):
        imported = in_parens or plain
        if dots:
            parts = package.split(".") if package else []
            parts = parts[: len(parts) - (len(dots) - 1)] if len(dots) > 1 else parts
            base = ".".join([*parts, base] if base else parts)
        if base:
            names.add(base)
        for name in re.split(r"[\s,\\]+", imported):
            if name and name != "as" and name.isidentifier():
                names.add(f"{base}.{name}" if base else name)
    for group in _IMPORT.findall(text):
        for part in group.split(","):
            name = part.strip().split(" ")[0]
            if name:
                names.add(name)
                while "." in name:
                    name = name.rpartition(".")[0]
                    names.add(name)
    return names


class Project:
    """Parses files on demand and answers questions that span modules.

    One instance serves a whole run (or a flake8 worker); parsed modules are kept so
    that a module imported by many pages is parsed once.
    """

    def __init__(self, entry_scripts: frozenset[Path] = frozenset()):
        self._modules: dict[Path, Module | ParseFailure] = {}
        self._texts: dict[Path, str | None] = {}
        self._folders: dict[Path, _Folder] = {}
        self._entry_scripts = entry_scripts
        self.overrides: dict[Path, str] = {}  # unsaved text (stdin, editor buffers)
        self.parse_seconds = 0.0  # time spent parsing, which analysis budgets do not count
        self._resolved: dict[tuple[Path, str, int], Path | None] = {}  # imports already looked up on disk

    # -- files ---------------------------------------------------------------------
    def text(self, path: Path) -> str | None:
        path = path.resolve() if path not in self.overrides else path
        if path in self.overrides:
            return self.overrides[path]
        if path not in self._texts:
            try:
                if path.stat().st_size > MAX_CALLER_FILE_BYTES:
                    self._texts[path] = None
                else:
                    self._texts[path] = read_source(path)
            except (OSError, UnicodeDecodeError, SyntaxError, LookupError):
                self._texts[path] = None
        return self._texts[path]

    def module(self, path: Path, text: str | None = None) -> Module:
        """The parsed module at ``path``; raises ParseFailure if it does not parse."""
        key = path if path in self.overrides else path.resolve()
        if text is not None:
            self.overrides[key] = text
            parsed = self._modules.get(key)
            # Same text: keep the parsed module, whose nodes other modules' inference already refers to.
            if not (isinstance(parsed, Module) and parsed.text == text):
                self._modules.pop(key, None)
        cached = self._modules.get(key)
        if cached is None:
            source = self.text(key)
            if source is None:
                cached = ParseFailure(key, 1, 0, "cannot read the file as Python source")
            else:
                started = time.monotonic()
                try:
                    name = self.import_name(key)
                    cached = Module(key, name, self.is_entry(key), build_tree(source, name, key), source)
                except ParseFailure as failure:
                    cached = failure
                except (RecursionError, MemoryError, ValueError) as exc:
                    cached = ParseFailure(key, 1, 0, f"too deeply nested to parse ({type(exc).__name__})")
                self.parse_seconds += time.monotonic() - started
            self._modules[key] = cached
        if isinstance(cached, ParseFailure):
            raise cached
        return cached

    def forget(self, path: Path) -> None:
        """Drop what was read and parsed for ``path`` (it changed on disk or in an editor)
        and index its imports again, from its override if it has one, else from the disk.

        Its override, if any, stays: set or delete ``overrides[path]`` before calling this.
        """
        resolved = path.resolve()
        self._resolved.clear()  # a new file can change what an import finds
        _app_root_of_folder.cache_clear()
        _project_top_of_folder.cache_clear()
        for key in {path, resolved}:
            self._modules.pop(key, None)
            self._texts.pop(key, None)
        folder = self._folders.get(app_root(resolved))
        if folder is not None and resolved in folder.files:
            for name in [n for n, files in folder.importers.items() if resolved in files]:
                folder.importers[name].remove(resolved)
                if not folder.importers[name]:
                    del folder.importers[name]
            self._index_imports(folder, resolved)

    def try_module(self, path: Path) -> Module | None:
        try:
            return self.module(path)
        except ParseFailure:
            return None

    def loaded_modules(self) -> list[Module]:
        return [m for m in self._modules.values() if isinstance(m, Module)]

    def module_of(self, node: nodes.NodeNG) -> Module | None:
        root = node.root()
        if not isinstance(root, nodes.Module) or not root.file:
            return None
        path = Path(root.file)
        cached = self._modules.get(path) or self._modules.get(path.resolve())
        return cached if isinstance(cached, Module) else None

    # -- names ---------------------------------------------------------------------
    def dotted_name(self, path: Path) -> str:
        root = app_root(path)
        try:
            parts = list(path.with_suffix("").relative_to(root).parts)
        except ValueError:
            parts = [path.stem]
        if parts and parts[-1] == "__init__":
            parts.pop()
        return ".".join(parts) or path.stem

    def _folder(self, root: Path) -> _Folder:
        if root not in self._folders:
            folder = _Folder(python_files(root))
            for file in folder.files:
                self._index_imports(folder, file)
            self._folders[root] = folder
        return self._folders[root]

    def _index_imports(self, folder: _Folder, file: Path) -> None:
        text = self._peek(file)
        if not text or "import" not in text:
            return
        package = self.dotted_name(file).rpartition(".")[0] if file.name != "__init__.py" else \
            self.dotted_name(file)
        for name in imported_names(text, package):
            folder.importers.setdefault(name, []).append(file)

    def _peek(self, path: Path) -> str | None:
        """A file's text for a one-off look (not kept: an app folder can be large)."""
        if path in self.overrides:
            return self.overrides[path]
        if path in self._texts:
            return self._texts[path]
        try:
            if path.stat().st_size > MAX_CALLER_FILE_BYTES:
                return None
            return path.read_bytes().decode("utf-8", errors="replace")
        except OSError:
            return None

    def module_names(self, path: Path) -> list[str]:
        """Every dotted spelling a module could be imported by, shortest first:
        from its app folder, then through the namespace folders up to the project top."""
        names = [self.dotted_name(path)]
        top = project_top(path)
        try:
            parts = list(path.with_suffix("").relative_to(top).parts)
        except ValueError:
            return names
        if parts and parts[-1] == "__init__":
            parts.pop()
        for start in range(len(parts) - 1, -1, -1):
            name = ".".join(parts[start:])
            if name and name not in names:
                names.append(name)
        return names

    def import_name(self, path: Path) -> str:
        """The dotted name the app's other modules import ``path`` by."""
        names = self.module_names(path)
        if names[0] in self._folder(app_root(path)).importers:
            return names[0]
        top_importers = self._folder(project_top(path)).importers
        for name in names[1:]:
            if "." in name and name in top_importers:
                return name
        return names[0]

    def _importers_of(self, path: Path, name: str) -> list[Path]:
        found = list(self._folder(app_root(path)).importers.get(name, []))
        if "." in name and project_top(path) != app_root(path):
            found += [p for p in self._folder(project_top(path)).importers.get(name, []) if p not in found]
        return found

    def is_entry(self, path: Path) -> bool:
        """Does Streamlit run this file as ``__main__``? (entry script or page)"""
        if path in self._entry_scripts:
            return True
        root = app_root(path)
        if path.parent.name == "pages" and path.parent.parent == root:
            return True
        return not self._importers_of(path, self.import_name(path))

    def resolve_import(self, modname: str, importer: Module, level: int = 0) -> Module | None:
        """The project module ``modname`` refers to when imported from ``importer``."""
        if level:
            base = importer.path.parent
            for _ in range(level - 1):
                base = base.parent
            roots = [base]
        else:
            roots = [importer.path.parent, app_root(importer.path)]
            top = project_top(importer.path)
            folder = roots[-1]
            while folder != top and top in folder.parents:  # namespace folders up to the top
                folder = folder.parent
                roots.append(folder)
        key = (importer.path.parent, modname, level)
        if key not in self._resolved:
            self._resolved[key] = self._find_module_file(modname, roots)
        found = self._resolved[key]
        return self.try_module(found) if found is not None else None

    def imports_of(self, module: Module) -> list[Module]:
        """The app modules ``module`` imports (``from pkg import mod`` counts ``pkg`` and ``pkg.mod``)."""
        found: list[Module] = []
        for node in module.tree.nodes_of_class((nodes.Import, nodes.ImportFrom)):
            if isinstance(node, nodes.Import):
                targets = [(name, 0) for name, _ in node.names]
            else:
                targets = [(node.modname, node.level or 0)]
                targets += [(f"{node.modname}.{name}" if node.modname else name, node.level or 0)
                            for name, _ in node.names if name != "*"]
            for name, level in targets:
                imported = self.resolve_import(name, module, level)
                if imported is not None and imported is not module and imported not in found:
                    found.append(imported)
        return found

    @staticmethod
    def _find_module_file(modname: str, roots: list[Path]) -> Path | None:
        parts = modname.split(".") if modname else []
        for root in dict.fromkeys(roots):
            candidate = root.joinpath(*parts)
            for path in (candidate.with_suffix(".py") if parts else None, candidate / "__init__.py"):
                if path is not None and path.is_file():
                    return path
        return None

    def callers(self, module: Module, names: set[str], on_each: Callable[[], None] = lambda: None) -> list[Module]:
        """The module itself and the modules of its app that import it and mention one of ``names``.

        ``on_each`` runs before each file is read (the analysis budget checks there).
        """
        words = re.compile(r"\b(?:%s)\b" % "|".join(map(re.escape, sorted(names))))
        found = []
        for path in self._importers_of(module.path, module.name):
            on_each()
            if path.resolve() == module.path:
                continue
            text = self.text(path)
            if text and words.search(text):
                parsed = self.try_module(path)
                if parsed is not None and parsed not in found:
                    found.append(parsed)
                    if len(found) >= MAX_CALLER_MODULES:
                        break  # bounded work and memory: a library imported everywhere is not an app
        return [module, *found]
