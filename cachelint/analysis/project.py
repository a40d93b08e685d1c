"""Files of the app being checked, parsed once with astroid, and how they import each other.

Streamlit runs an app's entry script as ``__main__`` with the script's folder on
``sys.path``; its pages run as ``__main__`` too. Every other module is named by its
dotted path from that folder (``utils``, ``lib.models``). Class names in ``hash_funcs``
and in Streamlit's error messages follow these names, so the model keeps them.
"""

from __future__ import annotations

import ast
import os
import re
import sys
from dataclasses import dataclass, field
from typing import Callable
from pathlib import Path

from astroid import nodes
from astroid.builder import AstroidBuilder, _parse_string
from astroid.rebuilder import TreeRebuilder
from astroid.exceptions import AstroidSyntaxError
from astroid.manager import AstroidManager

from cachelint.analysis.walk import nodes_in
from cachelint.layout import Layout
from cachelint.noqa import physical_lines
from cachelint.source import Unreadable, python_312_syntax, read_source

MAX_CALLER_FILE_BYTES = 1_000_000
MAX_CALLER_MODULES = 100  # importers parsed to find the calls of one module's cached functions
# What any use of Streamlit's caching spells somewhere: the decorators (and the modules that
# define their aliases), the legacy APIs (st.cache, experimental_memo/_singleton), clear().
CACHING_WORDS = re.compile(r"cach|memo|singleton")
SHALLOW_DEPTH = 100  # deeper syntax trees are left to astroid (its rebuild recurses per level)


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


def _failure(path: Path, error: BaseException, text: str) -> ParseFailure:
    line = getattr(error, "lineno", None) or 1
    col = max((getattr(error, "offset", None) or 1) - 1, 0)
    reason = getattr(error, "msg", None) or str(error)
    if sys.version_info < (3, 12):
        reason = newer_syntax_reason(text, line, reason)
    return ParseFailure(path, line, col, reason)


def parse_python(text: str, path: Path) -> ast.Module:
    """Python's own parse of ``text``, exactly as astroid parses it (type comments, the same
    retry), failing with the same ParseFailure as ``build_tree``."""
    try:
        return _parse_string(text, type_comments=True)
    except (TypeError, ValueError, SyntaxError, MemoryError) as error:  # what astroid wraps
        raise _failure(path, error, text) from None


def build_tree(text: str, modname: str, path: Path, parsed: ast.Module | None = None) -> nodes.Module:
    """Parse with astroid without its post-build steps (``parsed``: ``parse_python(text)``,
    already done).

    astroid's post-build resolves every ``obj.attr = ...`` and ``from x import *`` by
    inference, which would import streamlit or pandas themselves (seconds each). The
    rebuilt tree already has scopes and locals, which is all the analysis needs.
    """
    builder = AstroidBuilder(AstroidManager(), apply_transforms=False)
    if parsed is None:
        try:
            module, rebuilder = builder._data_build(text, modname, str(path))
        except AstroidSyntaxError as exc:
            raise _failure(path, exc.error, text) from None
    else:  # the rest of AstroidBuilder._data_build
        package = os.path.splitext(os.path.basename(path))[0] == "__init__"
        if modname.endswith(".__init__"):
            modname, package = modname[:-9], True
        rebuilder = TreeRebuilder(builder._manager, text)
        module = rebuilder.visit_module(parsed, modname, os.path.abspath(path), package)
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
        self._parsed: dict[Path, tuple[str, ast.Module]] = {}  # (text, its parse by Python), for module()
        self._import_lists: dict[Path, list[tuple[str, int]] | None] = {}  # (name, level); None: unparsable

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

    def _override(self, path: Path, text: str | None) -> Path:
        """The key of ``path``; with ``text``, that is its content from now on."""
        key = path if path in self.overrides else path.resolve()
        if text is not None:
            self.overrides[key] = text
            parsed = self._modules.get(key)
            # Same text: keep the parsed module, whose nodes other modules' inference already refers to.
            if not (isinstance(parsed, Module) and parsed.text == text):
                self._modules.pop(key, None)
                self._import_lists.pop(key, None)
        return key

    def module(self, path: Path, text: str | None = None) -> Module:
        """The parsed module at ``path``; raises ParseFailure if it does not parse."""
        key = self._override(path, text)
        cached = self._modules.get(key)
        if cached is None:
            source = self.text(key)
            if source is None:
                cached = ParseFailure(key, 1, 0, "cannot read the file as Python source")
            else:
                try:
                    name = self.import_name(key)
                    early, parsed = self._parsed.pop(key, (None, None))
                    parsed = parsed if early is source else None
                    cached = Module(key, name, self.is_entry(key), build_tree(source, name, key, parsed), source)
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
            self._parsed.pop(key, None)
            self._import_lists.pop(key, None)
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
        found = self._resolve_path(importer.path, modname, level)
        return self.try_module(found) if found is not None else None

    def _resolve_path(self, importer: Path, modname: str, level: int) -> Path | None:
        key = (importer.parent, modname, level)
        if key not in self._resolved:
            found = self.layout.resolve(str(importer), level, modname)
            self._resolved[key] = Path(found) if found is not None else None
        return self._resolved[key]

    def reaches_caching(self, path: Path, text: str) -> bool:
        """Can the analysis of ``path`` (content ``text``) find anything? False only when
        neither its text nor that of any project module it imports, directly or not,
        spells a word of Streamlit's caching (``CACHING_WORDS``): then it defines no
        cached function, calls none, and uses no caching API, and is not parsed with
        astroid. Raises ParseFailure, as ``module`` would, if Python cannot parse it.

        Decided on Python's own parse (~13x cheaper than astroid's), kept for ``module``
        when the answer is True; an unusually deep tree is left to astroid (True).
        """
        key = self._override(path, text)
        if CACHING_WORDS.search(text):
            return True
        try:
            parsed = parse_python(text, key)
        except (RecursionError, MemoryError):
            return True  # module() fails the same way, and says so
        deep, self._import_lists[key] = _shape(parsed, SHALLOW_DEPTH)
        if deep:
            self._parsed[key] = (text, parsed)
            return True
        seen = {key}
        stack = [key]
        while stack:
            importer = stack.pop()
            for name, level in self._import_lists[importer] or ():
                found = self._resolve_path(importer, name, level)
                if found is None or found in seen:
                    continue
                seen.add(found)
                source = self.text(found)
                if source is None:
                    continue  # not a module the analysis could read either
                if CACHING_WORDS.search(source):
                    self._parsed[key] = (text, parsed)
                    return True
                if found not in self._import_lists:
                    try:
                        self._import_lists[found] = _shape(parse_python(source, found), None)[1]
                    except (ParseFailure, RecursionError, MemoryError):
                        self._import_lists[found] = None  # not a module for the analysis either
                stack.append(found)
        return False

    def imports_of(self, module: Module) -> list[Module]:
        """The app modules ``module`` imports (``from pkg import mod`` counts ``pkg`` and ``pkg.mod``)."""
        found: list[Module] = []
        for node in nodes_in(module.tree, (nodes.Import, nodes.ImportFrom)):
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


def _shape(tree: ast.Module, limit: int | None) -> tuple[bool, list[tuple[str, int]]]:
    """Is ``tree`` deeper than ``limit``? And (dotted name, level) of its imports, read as
    ``Project.imports_of`` reads them (complete only when not deeper)."""
    imports: list[tuple[str, int]] = []
    children = ast.iter_child_nodes
    stack = [(tree, 0)]
    while stack:
        node, depth = stack.pop()
        if limit is not None and depth > limit:
            return True, imports
        if isinstance(node, ast.Import):
            imports.extend((alias.name, 0) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            modname, level = node.module or "", node.level or 0
            imports.append((modname, level))
            imports.extend((f"{modname}.{alias.name}" if modname else alias.name, level)
                           for alias in node.names if alias.name != "*")
        depth += 1
        stack.extend((child, depth) for child in children(node))
    return False, imports
