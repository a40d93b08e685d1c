"""Files of the app being checked, parsed once with astroid, and how they import each other.

Streamlit runs an app's entry script as ``__main__`` with the script's folder on
``sys.path``; its pages run as ``__main__`` too. Every other module is named by its
dotted path from that folder (``utils``, ``lib.models``). Class names in ``hash_funcs``
and in Streamlit's error messages follow these names, so the model keeps them.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from typing import Callable
from pathlib import Path

from astroid import nodes
from astroid.builder import AstroidBuilder
from astroid.exceptions import AstroidSyntaxError
from astroid.manager import AstroidManager

from cachelint.layout import Layout
from cachelint.noqa import physical_lines
from cachelint.source import Unreadable, python_312_syntax, read_source

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
        if sys.version_info < (3, 12):
            raise ParseFailure(path, line, col, newer_syntax_reason(text, line, reason)) from None
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


def newer_syntax_reason(text: str, line: int, reason: str) -> str:
    """Python's ``reason`` for not parsing ``text`` at ``line``, or, when that line uses
    syntax from Python 3.12 (which this older Python does not parse), a reason saying so."""
    lines = physical_lines(text)
    feature = python_312_syntax(lines[line - 1] if 0 < line <= len(lines) else "", reason)
    if feature is None:
        return reason
    running = f"{sys.version_info.major}.{sys.version_info.minor}"
    return (f"it uses syntax from Python 3.12 ({feature}), which Python {running} cannot parse ({reason}); "
            "run cachelint on Python 3.12+ to check this file")


@dataclass
class _Folder:
    """What one app folder holds: its files and, for each module name, the files importing it."""

    files: list[Path]
    importers: dict[str, list[Path]] = field(default_factory=dict)


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
        self.layout = Layout()
        self.overrides: dict[Path, str] = {}  # unsaved text (stdin, editor buffers)
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
            except (OSError, Unreadable):
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
                try:
                    name = self.import_name(key)
                    cached = Module(key, name, self.is_entry(key), build_tree(source, name, key), source)
                except ParseFailure as failure:
                    cached = failure
                except (RecursionError, MemoryError, ValueError) as exc:
                    cached = ParseFailure(key, 1, 0, f"too deeply nested to parse ({type(exc).__name__})")
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
        self.layout.forget()
        for key in {path, resolved}:
            self._modules.pop(key, None)
            self._texts.pop(key, None)
        folder = self._folders.get(self.app_root(resolved))
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
    def app_root(self, path: Path) -> Path:
        return Path(self.layout.app_root(str(path)))

    def project_top(self, path: Path) -> Path:
        return Path(self.layout.project_top(str(path)))

    def dotted_name(self, path: Path) -> str:
        return self.layout.dotted_name(str(path))

    def _folder(self, root: Path) -> _Folder:
        if root not in self._folders:
            folder = _Folder([Path(p) for p in self.layout.python_files(str(root))])
            for file in folder.files:
                self._index_imports(folder, file)
            self._folders[root] = folder
        return self._folders[root]

    def _index_imports(self, folder: _Folder, file: Path) -> None:
        text = self._peek(file)
        if not text or "import" not in text:
            return
        for name in self.layout.imported_names(str(file), text):
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
        """Every dotted spelling a module could be imported by, shortest first."""
        return self.layout.module_names(str(path))

    def import_name(self, path: Path) -> str:
        """The dotted name the app's other modules import ``path`` by."""
        names = self.module_names(path)
        if names[0] in self._folder(self.app_root(path)).importers:
            return names[0]
        top_importers = self._folder(self.project_top(path)).importers
        for name in names[1:]:
            if "." in name and name in top_importers:
                return name
        return names[0]

    def _importers_of(self, path: Path, name: str) -> list[Path]:
        found = list(self._folder(self.app_root(path)).importers.get(name, []))
        if "." in name and self.project_top(path) != self.app_root(path):
            found += [p for p in self._folder(self.project_top(path)).importers.get(name, []) if p not in found]
        return found

    def is_entry(self, path: Path) -> bool:
        """Does Streamlit run this file as ``__main__``? (entry script or page)"""
        if path in self._entry_scripts:
            return True
        root = self.app_root(path)
        if path.parent.name == "pages" and path.parent.parent == root:
            return True
        return not self._importers_of(path, self.import_name(path))

    def resolve_import(self, modname: str, importer: Module, level: int = 0) -> Module | None:
        """The project module ``modname`` refers to when imported from ``importer``."""
        key = (importer.path.parent, modname, level)
        if key not in self._resolved:
            found = self.layout.resolve(str(importer.path), level, modname)
            self._resolved[key] = Path(found) if found is not None else None
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

    def importers(self, module: Module) -> list[Module]:
        """The app's modules that import ``module``."""
        found = []
        for path in self._importers_of(module.path, module.name):
            parsed = self.try_module(path) if path.resolve() != module.path else None
            if parsed is not None and parsed not in found:
                found.append(parsed)
        return found

    def callers(self, module: Module, names: set[str], on_each: Callable[[], None] = lambda: None) -> list[Module]:
        """The module itself and the modules of its app that import it and mention one of ``names``.

        ``on_each`` runs before each file is read (the analysis budget counts there).
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
