"""The result cache: a file whose inputs did not change is not analysed again.

A file's findings depend on more than its own text: on the app modules it imports
(the cached functions and classes it uses), on the modules that import it (their
calls of its cached functions, and whether Streamlit runs it as ``__main__``), and
on those modules' own imports. The key of a file hashes its path and content, the
paths and contents of all those modules (found from import statements in their
text, resolved the way the engine resolves them), the configuration and the
cachelint version (and a hash of cachelint's own source, so that a development
checkout never reuses results of older code). Entries live in ``.cachelint_cache/``
under the project root. Internal errors (STC901) are not kept.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
import time
from functools import lru_cache
from pathlib import Path
from typing import Callable, Iterable

from cachelint import __version__
from cachelint.files import SKIPPED_DIRS
from cachelint.findings import Confidence, Finding

CACHE_DIR = ".cachelint_cache"
FORMAT = 1
MAX_ENTRIES = 50_000
MAX_FOLDER_FILES = 5000  # as the engine: files looked at when searching a folder for importers
MAX_DEPENDENCIES = 2000
PROJECT_MARKERS = ("pyproject.toml", "setup.py", "setup.cfg", ".git")  # as the engine's project_top

_IMPORT = re.compile(
    r"^[ \t]*(?:from[ \t]+(?P<dots>\.*)[ \t]*(?P<module>[\w.]*)[ \t]+import[ \t]+"
    r"(?P<names>\([^)]*\)|[^\n#;]*)|import[ \t]+(?P<imports>[^\n#;]*))",
    re.MULTILINE,
)


@lru_cache(maxsize=1)
def package_fingerprint() -> str:
    """A hash of cachelint's own source: results of an edited checkout are not reused."""
    digest = hashlib.sha256(__version__.encode())
    package = Path(__file__).resolve().parent
    for folder, dirs, files in sorted(os.walk(package)):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(files):
            if name.endswith(".py"):
                path = os.path.join(folder, name)
                digest.update(os.path.relpath(path, package).encode() + b"\0")
                try:
                    with open(path, "rb") as handle:
                        digest.update(handle.read())
                except OSError:
                    continue
    return digest.hexdigest()


def app_root(path: Path) -> Path:
    """The folder Streamlit puts on sys.path for the app holding ``path``.

    The same rule as ``cachelint.analysis.project.app_root``, repeated here so that a
    warm run does not import astroid.
    """
    folder = path.parent
    while (folder / "__init__.py").exists() and folder.parent != folder:
        folder = folder.parent
    if folder.name == "pages" and folder.parent != folder:
        folder = folder.parent
    return folder


def imported_names(text: str) -> list[tuple[int, str]]:
    """(level, dotted name) of every module an import statement may load."""
    found: list[tuple[int, str]] = []
    for match in _IMPORT.finditer(text):
        if match["imports"] is not None:
            for part in match["imports"].split(","):
                name = part.strip().split(" as ")[0].strip()
                if name:
                    found.append((0, name))
            continue
        level, module = len(match["dots"]), match["module"]
        found.append((level, module))
        for part in match["names"].strip("()").replace("\\", " ").split(","):
            name = part.strip().split(" as ")[0].strip()
            if name and name != "*":
                found.append((level, f"{module}.{name}" if module else name))
    return found


class Dependencies:
    """The app modules each file's findings may depend on, from a cheap text index.

    Paths are plain strings here and folder listings are read once: a warm run
    computes this for every Streamlit file, so it has to cost little more than reading.
    """

    def __init__(self, read: Callable[[str], bytes | None]):
        self._read = read
        self._imports: dict[str, list[str]] = {}
        self._importers: dict[str, dict[str, list[str]]] = {}  # app root -> module -> importers
        self._listings: dict[str, tuple[frozenset[str], frozenset[str]]] = {}  # folder -> (files, dirs)
        self._roots: dict[str, str] = {}
        self._tops: dict[str, str] = {}

    def _listing(self, folder: str) -> tuple[frozenset[str], frozenset[str]]:
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

    def app_root(self, path: str) -> str:
        """As ``app_root`` above, with the folder listings this index keeps."""
        folder = os.path.dirname(path)
        root = self._roots.get(folder)
        if root is None:
            root = folder
            while "__init__.py" in self._listing(root)[0] and os.path.dirname(root) != root:
                root = os.path.dirname(root)
            if os.path.basename(root) == "pages" and os.path.dirname(root) != root:
                root = os.path.dirname(root)
            self._roots[folder] = root
        return root

    def _has_marker(self, folder: str) -> bool:
        files, dirs = self._listing(folder)
        return any(marker in files or marker in dirs for marker in PROJECT_MARKERS)

    def project_top(self, path: str) -> str:
        """As ``cachelint.analysis.project.project_top``: the project's top folder above the app."""
        start = self.app_root(path)
        top = self._tops.get(start)
        if top is None:
            top = folder = start
            for _ in range(6):
                if self._has_marker(folder):
                    break
                parent = os.path.dirname(folder)
                if parent == folder or not (self._has_marker(parent)
                                            or any(f.endswith(".py") for f in self._listing(parent)[0])):
                    break
                folder = parent
            top = self._tops[start] = folder
        return top

    def imports(self, path: str) -> list[str]:
        """Project modules ``path`` imports (and the packages they are in)."""
        found = self._imports.get(path)
        if found is None:
            data = self._read(path)
            found = []
            if data is not None and b"import" in data:
                text = data.decode("utf-8", "replace")
                for level, name in imported_names(text):
                    for module in self._resolve(path, level, name):
                        if module not in found and module != path:
                            found.append(module)
            self._imports[path] = found
        return found

    def _resolve(self, importer: str, level: int, name: str) -> list[str]:
        if level:
            base = os.path.dirname(importer)
            for _ in range(level - 1):
                base = os.path.dirname(base)
            roots = [base]
        else:
            roots = [os.path.dirname(importer), self.app_root(importer)]
            top, folder = self.project_top(importer), roots[-1]
            while folder != top and folder.startswith(top + os.sep):  # namespace folders up to the top
                folder = os.path.dirname(folder)
                roots.append(folder)
        parts = [p for p in name.split(".") if p]
        found: list[str] = []
        for root in dict.fromkeys(roots):
            if not parts and "__init__.py" in self._listing(root)[0]:
                found.append(os.path.join(root, "__init__.py"))
            folder = root
            for part in parts:
                files, dirs = self._listing(folder)
                if part + ".py" in files:
                    found.append(os.path.join(folder, part + ".py"))
                if part not in dirs:
                    break
                folder = os.path.join(folder, part)
                if "__init__.py" in self._listing(folder)[0]:
                    found.append(os.path.join(folder, "__init__.py"))
        return found

    def importers(self, path: str) -> list[str]:
        """Files of the app (and of its project, as the engine looks there too) that import it."""
        found: list[str] = []
        for root in dict.fromkeys((self.app_root(path), self.project_top(path))):
            reverse = self._importers.get(root)
            if reverse is None:
                reverse = {}
                for file in self._python_files(root):
                    for module in self.imports(file):
                        reverse.setdefault(module, []).append(file)
                self._importers[root] = reverse
            found += [f for f in reverse.get(path, []) if f not in found]
        return found

    def _python_files(self, root: str) -> list[str]:
        """As the engine lists an app's files (same skipped folders, same limit)."""
        found: list[str] = []
        for folder, dirs, files in os.walk(root):
            self._listings.setdefault(folder, (frozenset(files), frozenset(dirs)))
            dirs[:] = sorted(d for d in dirs if d not in SKIPPED_DIRS and not d.startswith("."))
            for name in sorted(files):
                if name.endswith(".py"):
                    found.append(os.path.join(folder, name))
                    if len(found) >= MAX_FOLDER_FILES:
                        return found
        return found

    def paths_of(self, path: str) -> list[str]:
        seen: set[str] = {path}
        queue = [*self.imports(path), *self.importers(path)]
        while queue and len(seen) < MAX_DEPENDENCIES:
            module = queue.pop()
            if module in seen:
                continue
            seen.add(module)
            queue.extend(self.imports(module))
        seen.discard(path)
        return sorted(seen)

    def of(self, path: Path) -> list[Path]:
        """Every module whose content may change ``path``'s findings (``path`` excluded)."""
        return [Path(p) for p in self.paths_of(str(path))]


class ResultCache:
    """Findings by key, in one JSON file read at the start and written at the end of a run."""

    def __init__(self, root: Path, config_token: str):
        self.folder = root / CACHE_DIR
        self.file = self.folder / f"results-v{FORMAT}.json"
        self._token = config_token
        self._contents: dict[str, bytes | None] = {}
        self._digests: dict[str, str] = {}
        self.dependencies = Dependencies(self.read)
        self._entries: dict[str, list[list]] = {}
        self._dirty = False
        self._loaded = False

    # -- inputs ------------------------------------------------------------------------
    def read(self, path: str) -> bytes | None:
        if path not in self._contents:
            try:
                with open(path, "rb") as handle:
                    self._contents[path] = handle.read()
            except OSError:
                self._contents[path] = None
        return self._contents[path]

    def remember(self, path: Path, data: bytes) -> None:
        """The content of a file the run has read already."""
        self._contents[str(path)] = data

    def _digest(self, path: str) -> str:
        if path not in self._digests:
            data = self.read(path)
            self._digests[path] = hashlib.sha256(data).hexdigest() if data is not None else "missing"
        return self._digests[path]

    def key(self, path: Path) -> str:
        digest = hashlib.sha256()
        for part in (package_fingerprint(), str(FORMAT), self._token, str(path), self._digest(str(path))):
            digest.update(part.encode("utf-8", "surrogateescape") + b"\0")
        for module in self.dependencies.paths_of(str(path)):
            digest.update(f"{module}\0{self._digest(module)}\0".encode("utf-8", "surrogateescape"))
        return digest.hexdigest()

    # -- entries -----------------------------------------------------------------------
    def _load(self) -> None:
        if self._loaded:
            return
        self._loaded = True
        try:
            data = json.loads(self.file.read_text("utf-8"))
            if data.get("format") == FORMAT and data.get("version") == __version__:
                self._entries = data["entries"]
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            self._entries = {}

    def get(self, key: str, path: Path) -> list[Finding] | None:
        self._load()
        stored = self._entries.get(key)
        if stored is None:
            return None
        try:
            found = [Finding(path, line, col, code, message, end_line, end_col, Confidence(confidence))
                     for line, col, code, message, end_line, end_col, confidence in stored]
        except (ValueError, TypeError):
            return None
        self._entries[key] = self._entries.pop(key)  # most recently used last
        return found

    def put(self, key: str, findings: Iterable[Finding]) -> None:
        self._load()
        self._entries.pop(key, None)
        self._entries[key] = [[f.line, f.col, f.code, f.message, f.end_line, f.end_col, f.confidence.value]
                              for f in findings]
        self._dirty = True

    def save(self) -> None:
        if not self._dirty:
            return
        entries = self._entries
        if len(entries) > MAX_ENTRIES:
            entries = dict(list(entries.items())[-MAX_ENTRIES:])
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            ignore = self.folder / ".gitignore"
            if not ignore.exists():
                ignore.write_text("# Created by cachelint\n*\n", "utf-8")
            tag = self.folder / "CACHEDIR.TAG"
            if not tag.exists():
                tag.write_text("Signature: 8a477f597d28d172789f06886806bc55\n"
                               "# This file is a cache directory tag created by cachelint.\n", "utf-8")
            data = {"format": FORMAT, "version": __version__, "written": time.time(), "entries": entries}
            handle, temporary = tempfile.mkstemp(dir=self.folder, prefix=".results-", suffix=".tmp")
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                json.dump(data, out, separators=(",", ":"))
            os.replace(temporary, self.file)
        except OSError:
            pass  # a read-only checkout still gets its findings; only the cache is lost
        self._dirty = False
