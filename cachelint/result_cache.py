"""cachelint's result cache (not Streamlit's): a file whose inputs did not change is not
analysed again.

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
import tempfile
import time
from functools import lru_cache
from pathlib import Path
from typing import Callable, Iterable

from cachelint import __version__
from cachelint.findings import Finding
from cachelint.layout import Layout, absolute_names

CACHE_DIR = ".cachelint_cache"
FORMAT = 2
MAX_ENTRIES = 50_000
MAX_DEPENDENCIES = 2000


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


class Dependencies:
    """The app modules each file's findings may depend on, from the layout's import
    resolver (the one the analysis uses) over the files' text.

    A file's findings depend on the modules it imports (transitively), on the modules
    that import it (their calls of its cached functions) and on what those import.
    Importers are found by name, as the analysis finds them, over every spelling the
    module can be imported by.
    """

    def __init__(self, read: Callable[[str], bytes | None], layout: Layout | None = None):
        self._read = read
        self.layout = layout or Layout()
        self._imports: dict[str, list[str]] = {}
        self._importers: dict[str, dict[str, list[str]]] = {}  # folder tree -> module name -> importers

    def _text(self, path: str) -> str | None:
        data = self._read(path)
        if data is None or b"import" not in data:
            return None
        return data.decode("utf-8", "replace")

    def imports(self, path: str) -> list[str]:
        """Project modules ``path`` imports."""
        found = self._imports.get(path)
        if found is None:
            text = self._text(path)
            found = self._imports[path] = self.layout.imports(path, text) if text is not None else []
        return found

    def importers(self, path: str) -> list[str]:
        """Files of the app (and of its project, as the analysis looks there too) that import it."""
        names = self.layout.module_names(path)
        found: list[str] = []
        for root in dict.fromkeys((self.layout.app_root(path), self.layout.project_top(path))):
            by_name = self._importers.get(root)
            if by_name is None:
                by_name = self._importers[root] = {}
                for file in self.layout.python_files(root):
                    text = self._text(file)
                    if text is None:
                        continue
                    dotted = self.layout.dotted_name(file)
                    package = dotted if file.endswith("__init__.py") else dotted.rpartition(".")[0]
                    for name in absolute_names(text, package):
                        by_name.setdefault(name, []).append(file)
            for name in names:
                found += [f for f in by_name.get(name, []) if f not in found and f != path]
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

    def __init__(self, root: Path, config_token: str, layout: Layout | None = None):
        self.folder = root / CACHE_DIR
        self.file = self.folder / f"results-v{FORMAT}.json"
        self._token = config_token
        self._contents: dict[str, bytes | None] = {}
        self._digests: dict[str, str] = {}
        self.dependencies = Dependencies(self.read, layout)
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
            found = [Finding.from_json(path, item) for item in stored]
        except (ValueError, TypeError):
            return None
        self._entries[key] = self._entries.pop(key)  # most recently used last
        return found

    def put(self, key: str, findings: Iterable[Finding]) -> None:
        self._load()
        self._entries.pop(key, None)
        self._entries[key] = [f.to_json() for f in findings]
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
