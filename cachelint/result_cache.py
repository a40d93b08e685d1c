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

**Freshness without reading** (as ruff and mypy decide it). The cache remembers, for
every file it read, its size, modification time and content hash; a file whose size
and mtime are unchanged is taken to have the same content and is not read again. A
file's record is trusted only when its mtime was at least ``RACY_SECONDS`` older
than the start of the run that recorded it: a file written just before or during a
run may change again within one tick of the file system's clock with the same size
and mtime (git's "racily clean" problem), so it is read and hashed again next time.
When the size or mtime differ, the file is hashed: same hash, same entry (a ``touch``
or a fresh checkout costs a hash, not an analysis).

The key of each file (its import neighbourhood) is remembered too, with what the key
was computed from: the per-file import facts (valid while the file's hash is the
same) and the folder listings the import resolver looked at (their mtimes, and a
hash of the names that matter to it, so that an editor's swap file does not count).
A warm run where no remembered file and no listed folder changed reuses every key
without reading a file; when some files changed, only those are read, and the keys
are rebuilt from the remembered facts; when a folder's listing changed (a file was
added, removed or renamed), everything is derived again from the files' text.

The index (``results-v3.json``: records, keys, findings) is read with ``json`` only:
a warm run never imports astroid or libcst. The import facts (``facts-v3.json``) are
read only when a key must be computed. Each finding is stored with whether the
file's ``# noqa`` comments silence it (a function of the text, so of the key), so a
warm run does not tokenize files to apply them.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat as stat_module
import time
from functools import lru_cache
from pathlib import Path
from typing import Callable, Iterable

from cachelint import __version__
from cachelint.files import write_atomically
from cachelint.findings import Finding
from cachelint.layout import PROJECT_MARKERS, Layout

CACHE_DIR = ".cachelint_cache"
FORMAT = 3
MAX_ENTRIES = 50_000
MAX_DEPENDENCIES = 2000
RACY_SECONDS = 2.0  # a record of a file modified this shortly before the run is not trusted
MISSING = "missing"


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


def _visible(name: str, is_dir: bool) -> bool:
    if is_dir:
        return (not name.startswith(".") and name != "__pycache__") or name == ".git"
    return name.endswith(".py") or name in PROJECT_MARKERS


def view_digest(files: Iterable[str], dirs: Iterable[str]) -> str:
    """A hash of what the import resolver can see of a folder listing (``Layout.listing``):
    its sub-folders (hidden ones and ``__pycache__`` left out, ``.git`` kept) and its
    ``*.py`` and project-marker files. An editor's swap file or a new ``data.csv`` does
    not change it."""
    shown_dirs = sorted(d for d in dirs if _visible(d, True))
    shown_files = sorted(f for f in files if _visible(f, False))
    return hashlib.sha256(("/".join(shown_dirs) + "\0" + "/".join(shown_files)).encode("utf-8", "surrogateescape")
                          ).hexdigest()


def listing_digest(folder: str) -> str:
    """``view_digest`` of the folder as it is now (classified as ``Layout.listing`` does)."""
    return view_digest(*Layout().listing(folder))


class Dependencies:
    """The app modules each file's findings may depend on, from the layout's import
    resolver (the one the analysis uses) over the files' text.

    A file's findings depend on the modules it imports (transitively), on the modules
    that import it (their calls of its cached functions) and on what those import.
    Importers are found by name, as the analysis finds them, over every spelling the
    module can be imported by.

    What is derived from one file's text (the modules it imports, the names it imports)
    is kept by content hash (``digest``); with ``known`` (those facts from an earlier
    run whose folder listings are unchanged) a file whose hash is unchanged is not read.
    """

    def __init__(self, read: Callable[[str], bytes | None], layout: Layout | None = None,
                 digest: Callable[[str], str] | None = None):
        self._read = read
        self.layout = layout or Layout()
        self._digest = digest or (lambda path: "")
        # From an earlier run, valid only while the folder listings are unchanged:
        self.known_imports: dict[str, list] = {}  # path -> [digest, imported paths]
        self.known_names: dict[str, list] = {}  # path -> [digest, absolute names it imports]
        self.known_roots: dict[str, list[str]] = {}  # folder -> its python files
        self.known_modules: dict[str, list] = {}  # path -> [app root, project top, module names]
        # Derived in this run:
        self.imported: dict[str, list] = {}
        self.names: dict[str, list] = {}
        self.roots: dict[str, list[str]] = {}
        self.modules: dict[str, list] = {}
        self._importers: dict[str, dict[str, list[str]]] = {}  # folder tree -> module name -> importers

    def _text(self, path: str) -> str | None:
        data = self._read(path)
        if data is None or b"import" not in data:
            return None
        return data.decode("utf-8", "replace")

    def imports(self, path: str) -> list[str]:
        """Project modules ``path`` imports."""
        return self._of_content(path, self.imported, self.known_imports,
                                lambda text: self.layout.imports(path, text))

    def _names(self, path: str) -> list[str]:
        return self._of_content(path, self.names, self.known_names,
                                lambda text: sorted(self.layout.imported_names(path, text)))

    def _of_content(self, path: str, derived: dict[str, list], known: dict[str, list],
                    compute: Callable[[str], list[str]]) -> list[str]:
        """What ``compute`` derives from a file's text (``[]`` for a file that imports
        nothing): once per run, and from an earlier run while the file's digest is the same."""
        found = derived.get(path)
        if found is None:
            digest = self._digest(path)
            found = known.get(path)
            if found is None or found[0] != digest:
                text = self._text(path)
                found = [digest, compute(text) if text is not None else []]
            derived[path] = found
        return found[1]

    def _module(self, path: str) -> list:
        found = self.modules.get(path)
        if found is None:
            found = self.known_modules.get(path)
            if found is None:
                found = [self.layout.app_root(path), self.layout.project_top(path), self.layout.module_names(path)]
            self.modules[path] = found
        return found

    def _python_files(self, root: str) -> list[str]:
        found = self.roots.get(root)
        if found is None:
            found = self.known_roots.get(root)
            if found is None:
                found = self.layout.python_files(root)
            self.roots[root] = found
        return found

    def importers(self, path: str) -> list[str]:
        """Files of the app (and of its project, as the analysis looks there too) that import it."""
        app_root, project_top, names = self._module(path)
        found: list[str] = []
        for root in dict.fromkeys((app_root, project_top)):
            by_name = self._importers.get(root)
            if by_name is None:
                by_name = self._importers[root] = {}
                for file in self._python_files(root):
                    for name in self._names(file):
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
    """Findings by key, in one JSON file read at the start and written at the end of a run.

    Use: ``known(path)`` (is an unchanged file relevant? None: read it), else
    ``read_file(path)`` then ``note(path, relevant)``; ``key(path)``; ``get``/``put``;
    ``save()``.
    """

    def __init__(self, root: Path, config_token: str, layout: Layout | None = None):
        self.folder = root / CACHE_DIR
        self.file = self.folder / f"results-v{FORMAT}.json"
        self.facts_file = self.folder / f"facts-v{FORMAT}.json"
        self._token = config_token
        self._started = time.time_ns()
        self._racy = self._started - int(RACY_SECONDS * 1e9)
        self._contents: dict[str, bytes | None] = {}
        self._digests: dict[str, str] = {}
        self.dependencies = Dependencies(self.read, layout, self._digest)
        self._entries: dict[str, dict] = {}
        self._records: dict[str, list] = {}  # path -> [size, mtime_ns, digest, relevant (-1: unknown)]
        self._folders: dict[str, list] = {}  # folder -> [mtime_ns, listing digest]
        self._keys: dict[str, str] = {}  # path -> key, from the last run with this token
        self._facts_id = ""  # the facts file that goes with the index (both written by one run)
        self._new_keys: dict[str, str] = {}
        self._checked: set[str] = set()  # records compared with the file system in this run
        self._changed = False  # a remembered file's content changed (or a new file appeared)
        self._layout_changed = False  # a listed folder changed, or a file appeared or disappeared
        self._validated = False
        self._facts_loaded = False
        self._dirty = False
        self._records_dirty = False
        self._loaded = False
        self.stats = {"read": 0, "hashed": 0, "keys_reused": 0, "keys_computed": 0}

    # -- the index ---------------------------------------------------------------------
    def _load(self) -> None:
        if self._loaded:
            return
        self._loaded = True
        try:
            with open(self.file, "rb") as handle:
                data = json.loads(handle.read())
            if data.get("format") != FORMAT or data.get("version") != __version__:
                return
            self._entries = data["entries"]
            if data.get("fingerprint") == package_fingerprint():
                self._records = data["files"]
                self._folders = data["folders"]
                self._facts_id = data.get("facts", "")
                if data.get("token") == self._token:
                    self._keys = data["keys"]
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            self._entries, self._records, self._folders, self._keys = {}, {}, {}, {}

    # -- files ---------------------------------------------------------------------------
    def _stat(self, path: str) -> os.stat_result | None:
        try:
            found = os.stat(path)
        except OSError:
            return None
        return found if stat_module.S_ISREG(found.st_mode) else None

    def _check(self, path: str) -> list | None:
        """The record of ``path`` if the file is unchanged (same size and mtime, recorded
        long enough after its last change), else None. Compares each path once a run."""
        self._load()
        record = self._records.get(path)
        if path in self._checked:
            return record if path in self._digests else None
        self._checked.add(path)
        if record is None:
            self._appeared()  # a file the last run did not see
            return None
        found = self._stat(path)
        if found is None:
            if record[2] == MISSING:
                self._digests[path] = MISSING
                return record
            self._appeared()  # removed
            return None
        if record[2] != MISSING and found.st_size == record[0] and found.st_mtime_ns == record[1] \
                and record[1] < self._racy_limit(record):
            self._digests[path] = record[2]
            return record
        return None

    @staticmethod
    def _racy_limit(record: list) -> int:
        return record[4] if len(record) > 4 else 0

    def _appeared(self) -> None:
        """A file appeared or disappeared: the folder listings changed. (Decided before the
        first key; later, a file read for the first time was simply not needed before.)"""
        if not self._validated:
            self._layout_changed = True

    def known(self, path: Path) -> bool | None:
        """For an unchanged file: does it mention Streamlit (the runner's prefilter)?
        None when the file must be read (changed, new, or never prefiltered)."""
        record = self._check(str(path))
        if record is None or record[3] < 0:
            return None
        return bool(record[3])

    def read_file(self, path: Path) -> bytes:
        """Read a file (raises OSError), recording its size, mtime and hash."""
        key = str(path)
        before = os.stat(key)
        with open(key, "rb") as handle:
            data = handle.read()
        self._record(key, before, data)
        return data

    def note(self, path: Path, relevant: bool) -> None:
        """The runner's prefilter verdict on a file it read with ``read_file``."""
        record = self._records.get(str(path))
        if record is not None and record[3] != int(relevant):
            record[3] = int(relevant)
            self._records_dirty = True

    def _record(self, path: str, before: os.stat_result | None, data: bytes | None) -> None:
        self._load()
        self._contents[path] = data
        digest = hashlib.sha256(data).hexdigest() if data is not None else MISSING
        self.stats["hashed"] += 1
        old = self._records.get(path)
        self._checked.add(path)
        self._digests[path] = digest
        if old is None:
            self._appeared()
        elif old[2] != digest:
            self._changed = True
        relevant = old[3] if old is not None and old[2] == digest else -1
        if data is None:
            record = [-1, -1, MISSING, -1, 0]
        elif before is None:  # read, but could not be stat'ed: nothing to compare next time
            if old is not None:
                del self._records[path]
                self._records_dirty = True
            return
        else:
            record = [before.st_size, before.st_mtime_ns, digest, relevant, self._racy]
        if old != record:
            self._records[path] = record
            self._records_dirty = True

    def read(self, path: str) -> bytes | None:
        """A file's content (None if it cannot be read), read at most once a run."""
        if path not in self._contents:
            self.stats["read"] += 1
            before = self._stat(path)
            try:
                with open(path, "rb") as handle:
                    data = handle.read()
            except OSError:
                data = None
            self._record(path, before, data)
        return self._contents[path]

    def _digest(self, path: str) -> str:
        found = self._digests.get(path)
        if found is None:
            if self._check(path) is None:
                self.read(path)
            found = self._digests[path]
        return found

    # -- keys --------------------------------------------------------------------------
    def _validate(self) -> None:
        """Before the first key: did anything the remembered keys were computed from change?"""
        if self._validated:
            return
        self._load()
        if not self._records:
            self._layout_changed = True
        for path in list(self._records):
            if path not in self._checked and self._check(path) is None:
                self._digest(path)  # read and hashed: the same content is no change
        if not self._layout_changed:
            for folder, (mtime, digest) in list(self._folders.items()):
                try:
                    now = os.stat(folder).st_mtime_ns
                except OSError:
                    now = -1
                if now == mtime and mtime >= 0:
                    continue
                if listing_digest(folder) != digest:
                    self._layout_changed = True
                    break
                if 0 <= now < self._racy:
                    self._folders[folder] = [now, digest]
                    self._records_dirty = True
        self._validated = True  # from here on, what changed is settled
        if self._layout_changed or self._changed:
            self._keys = {}

    def _load_facts(self) -> None:
        if self._facts_loaded:
            return
        self._facts_loaded = True
        if self._layout_changed:
            return
        try:
            with open(self.facts_file, "rb") as handle:
                data = json.loads(handle.read())
            if data.get("format") != FORMAT or data.get("id") != self._facts_id or not self._facts_id:
                return  # (another run's facts, written while this index was: not the listings recorded here)
            deps = self.dependencies
            deps.known_imports, deps.known_names = data["imports"], data["names"]
            deps.known_roots, deps.known_modules = data["roots"], data["modules"]
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            pass

    def key(self, path: Path) -> str:
        self._validate()
        name = str(path)
        found = self._keys.get(name)
        if found is not None:
            self.stats["keys_reused"] += 1
            self._new_keys[name] = found
            return found
        self._load_facts()
        self.stats["keys_computed"] += 1
        self._records_dirty = True
        digest = hashlib.sha256()
        for part in (package_fingerprint(), str(FORMAT), self._token, name, self._digest(name)):
            digest.update(part.encode("utf-8", "surrogateescape") + b"\0")
        for module in self.dependencies.paths_of(name):
            digest.update(f"{module}\0{self._digest(module)}\0".encode("utf-8", "surrogateescape"))
        found = self._new_keys[name] = digest.hexdigest()
        return found

    # -- entries -----------------------------------------------------------------------
    def get(self, key: str, path: Path) -> tuple[list[Finding], list[bool]] | None:
        """The findings stored under ``key``, and for each whether ``# noqa`` silences it."""
        self._load()
        stored = self._entries.get(key)
        if stored is None:
            return None
        try:
            found = [Finding.from_json(path, item) for item in stored["findings"]]
            quiet = [bool(q) for q in stored["noqa"]]
            if len(quiet) != len(found):
                return None
        except (ValueError, TypeError, KeyError):
            return None
        self._entries[key] = self._entries.pop(key)  # most recently used last
        return found, quiet

    def put(self, key: str, findings: Iterable[Finding], quiet: Iterable[bool]) -> None:
        self._load()
        self._entries.pop(key, None)
        self._entries[key] = {"findings": [f.to_json() for f in findings], "noqa": [int(q) for q in quiet]}
        self._dirty = True

    def save(self) -> None:
        if not (self._dirty or self._records_dirty):
            return
        entries = self._entries
        if len(entries) > MAX_ENTRIES:
            entries = dict(list(entries.items())[-MAX_ENTRIES:])
        facts = None
        if self.stats["keys_computed"]:
            facts = self._facts()
        keys = {**self._keys, **self._new_keys}  # (the remembered ones are empty when anything changed)
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            ignore = self.folder / ".gitignore"
            if not ignore.exists():
                ignore.write_text("# Created by cachelint\n*\n", "utf-8")
            tag = self.folder / "CACHEDIR.TAG"
            if not tag.exists():
                tag.write_text("Signature: 8a477f597d28d172789f06886806bc55\n"
                               "# This file is a cache directory tag created by cachelint.\n", "utf-8")
            if facts is not None:
                self._facts_id = facts["id"] = os.urandom(8).hex()
                self._write(self.facts_file, facts)
            self._write(self.file, {"format": FORMAT, "version": __version__, "fingerprint": package_fingerprint(),
                                    "token": self._token, "written": time.time(), "facts": self._facts_id,
                                    "files": self._records,
                                    "folders": self._folders, "keys": keys, "entries": entries})
        except OSError:
            pass  # a read-only checkout still gets its findings; only the cache is lost
        self._dirty = self._records_dirty = False

    def _write(self, target: Path, data: dict) -> None:
        write_atomically(target, json.dumps(data, separators=(",", ":")).encode("utf-8"), durable=False)

    def _facts(self) -> dict:
        """The import facts of this run (and, with unchanged listings, the earlier ones), and
        the listings they were derived from."""
        deps = self.dependencies
        keep = not self._layout_changed
        imports = {**deps.known_imports, **deps.imported} if keep else dict(deps.imported)
        names = {**deps.known_names, **deps.names} if keep else dict(deps.names)
        roots = {**deps.known_roots, **deps.roots} if keep else dict(deps.roots)
        modules = {**deps.known_modules, **deps.modules} if keep else dict(deps.modules)
        folders = dict(self._folders) if keep else {}
        for folder, view in deps.layout._listings.items():
            if folder not in folders:
                folders[folder] = self._folder_record(folder, view)
        self._folders = folders
        return {"format": FORMAT, "id": "", "imports": imports, "names": names,
                "roots": roots, "modules": modules}

    def _folder_record(self, folder: str, view: tuple) -> list:
        """[mtime, digest of the listing the resolver used]. The mtime is kept only when it
        is older than this run (else -1): a folder changed during the run may no longer
        hold what was listed, so next time its listing is compared with the digest."""
        try:
            mtime = os.stat(folder).st_mtime_ns
        except OSError:
            mtime = -1
        return [mtime if mtime < self._racy else -1, view_digest(*view)]
