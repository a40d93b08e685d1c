"""One run of the command: files -> cache -> engine (in worker processes) -> filtered findings.

Files that never mention Streamlit are only read. The others are looked up in the
result cache, and the misses are analysed, in this process or in ``jobs`` worker
processes. The work is cut into units (the files of one app folder, at most
UNIT_FILES of them), each analysed by a fresh engine: the units depend only on the
list of files, so the result is the same for any number of workers, and it is sorted.
"""

from __future__ import annotations

import gc
import hashlib
import os
import re
import sys
import threading
import time
from dataclasses import dataclass, field
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Callable, Sequence

from cachelint import catalog
from cachelint.catalog import INTERNAL_ERROR, SYNTAX_ERROR
from cachelint.config import Config
from cachelint.files import FileFinder, relative_posix
from cachelint.findings import Finding, Report
from cachelint.layout import Layout, absolute_names
from cachelint.noqa import UNUSED_NOQA, Noqa
from cachelint.result_cache import ResultCache
from cachelint.service import Service
from cachelint.source import MENTIONS_BYTES, Unreadable, decode
from cachelint.target import Resolver

PARALLEL_MIN_FILES = 8  # fewer files to analyse than this: no worker processes


Progress = Callable[[int, int], None]  # (done, total)

# How each file of a run was answered (``-v``).
ANALYSED, CACHED, NOT_STREAMLIT, UNREADABLE = "analysed", "cached", "no Streamlit code", "unreadable"


@dataclass
class RunReport(Report):
    """A run's ``Report`` with what the command shows besides findings (``-v``, junit)."""

    files: list[Path] = field(default_factory=list)  # the files checked (the paths named, expanded)
    # Files that import a file named on the command line, checked for the findings it causes there.
    importers: list[Path] = field(default_factory=list)
    status: dict[Path, str] = field(default_factory=dict)  # file -> ANALYSED, CACHED...
    cache_folder: Path | None = None


def run(paths: Sequence[Path], config: Config, jobs: int = 1, use_cache: bool = True,
        progress: Progress | None = None, importers: bool = True, unused_noqa: bool = False) -> RunReport:
    """Check ``paths`` (files and folders).

    ``importers``: for each file named in ``paths`` (not found in a folder), also check the
    project files that import it, and report there the findings it causes: those whose
    message names a function or class the named file defines (a call of its cached
    function that passes an unhashable value, a parameter typed with its class).
    ``unused_noqa``: report ``# noqa: STCxxx`` codes that silence nothing (STC100).
    """
    finder = FileFinder.for_config(config)
    files = finder.find(paths)
    layout = Layout()
    cache = ResultCache(config.root, config.cache_token(), layout) if use_cache else None
    targets = Targets(config, layout)
    causes: dict[Path, list[Path]] = {}  # importer -> the named files it imports
    if importers:
        named = [p for p in (given.resolve() for given in paths) if p in set(files) and p.is_file()]
        causes = importers_of(named, set(files), layout, finder, cache)
    raw: dict[Path, list[Finding]] = {}
    quiet: dict[Path, list[bool]] = {}  # for each finding: does the file's ``# noqa`` silence it?
    contents: dict[Path, bytes] = {}  # Streamlit files read in this run: decoded only if they have findings
    noqa_texts: dict[Path, bytes] = {}  # --report-unused-noqa: files with a noqa comment
    relevant: list[Path] = []
    misses: list[Path] = []
    keys: dict[Path, str] = {}
    status: dict[Path, str] = {}
    hits = 0
    every = [*files, *sorted(causes)]
    total = len(every)
    # First every file's prefilter (an unchanged file is not read: the cache knows its
    # verdict), then the keys: the cache must have seen every file before it can tell
    # whether anything the remembered keys depend on changed.
    for path in every:
        wants_text = unused_noqa and path not in causes  # every file's noqa comments are read
        mentions = cache.known(path) if cache is not None and not wants_text else None
        if mentions is None:
            try:
                data = cache.read_file(path) if cache is not None else path.read_bytes()
            except OSError as exc:
                reason = exc.strerror or type(exc).__name__
                raw[path] = [Finding(path, 1, 0, SYNTAX_ERROR, f"cannot read the file: {reason}")]
                status[path] = UNREADABLE
                continue
            if wants_text and _NOQA_BYTES.search(data):
                noqa_texts[path] = data
            # (UTF-16 text is for the engine to report)
            mentions = MENTIONS_BYTES.search(data) is not None or b"\0" in data
            if cache is not None:
                cache.note(path, mentions)
            if mentions:
                contents[path] = data
        if mentions:
            relevant.append(path)
        else:
            status[path] = NOT_STREAMLIT
    for path in relevant:
        targets.config_for(path)  # the release this file's app is checked against
        if cache is not None:
            keys[path] = targets.key(path, cache.key(path))
            found = cache.get(keys[path], path)
            if found is not None:
                raw[path], quiet[path] = found
                status[path] = CACHED
                hits += 1
                continue
        misses.append(path)
        status[path] = ANALYSED
    done = total - len(misses)
    if progress:
        progress(done, total)

    def finished(path: Path, found: list[Finding]) -> None:
        nonlocal done
        raw[path] = found
        quiet[path] = _silenced(found, contents.get(path) or _read(path))
        if cache is not None and not any(f.code == INTERNAL_ERROR for f in found):
            cache.put(keys[path], found, quiet[path])
        done += 1
        if progress:
            progress(done, total)

    work = units(misses, layout)
    if jobs > 1 and len(work) > 1 and len(misses) >= PARALLEL_MIN_FILES:
        _analyse_in_workers(work, config, jobs, finished)
    elif misses:
        _tune_gc()
        for unit in work:
            for path, found in _check_unit(config, unit):
                finished(path, found)
    if cache is not None:
        cache.save()

    findings = []
    shower = Service(config)
    defined: dict[Path, frozenset[str]] = {}
    for path in sorted(set(raw) | set(noqa_texts)):
        found = raw.get(path, [])
        silenced = quiet.get(path) or [False] * len(found)
        shown = shower.shown(path, [f for f, q in zip(found, silenced) if not q], None)
        if path in causes:
            for named in causes[path]:
                if named not in defined:
                    defined[named] = defined_names(_text(_read(named) or b""))
            names = frozenset().union(*(defined[named] for named in causes[path]))
            shown = [f for f in shown if caused_by(f, names, causes[path])]
        if path in noqa_texts:
            shown.extend(unused_noqa_findings(path, _text(noqa_texts[path]), found, config))
        findings.extend(shown)
    findings.sort()
    return targets.tell(RunReport(findings, len(files), config.root, _Texts({f.path for f in findings}, contents),
                                  analysed=len(misses), cached=hits, notes=config_notes(config), files=files,
                                  importers=sorted(causes), status=status,
                                  cache_folder=cache.folder if cache else None))


# -- findings a named file causes in the files that import it ------------------------------
_DEFINITION = re.compile(r"^[ \t]*(?:(?:async[ \t]+)?def|class)[ \t]+(\w+)|^(\w+)[ \t]*(?::[^=\n]*)?=(?!=)",
                         re.MULTILINE)
_QUOTED = re.compile(r"'([A-Za-z_][\w.]*)'")
_NOQA_BYTES = re.compile(rb"# noqa", re.IGNORECASE)


def importers_of(named: Sequence[Path], checked: set[Path], layout: Layout, finder: FileFinder,
                 cache: ResultCache | None = None) -> dict[Path, list[Path]]:
    """Project files that import one of ``named`` (and are not checked anyway) -> the named
    files they import: the files whose calls the analysis reads as call sites of a named
    file's cached functions (``Project.callers``), found the same way, by name, with the
    one import resolver (``Layout``): importers in the file's app folder by its module
    name, else in the project by a dotted name."""
    read = cache.read if cache is not None else _read
    indexes: dict[str, dict[str, list[str]]] = {}

    def index(root: str) -> dict[str, list[str]]:
        if root not in indexes:
            by_name: dict[str, list[str]] = {}
            for file in layout.python_files(root):
                data = read(file)
                if not data or b"import" not in data:
                    continue
                dotted = layout.dotted_name(file)
                package = dotted if file.endswith("__init__.py") else dotted.rpartition(".")[0]
                for name in absolute_names(data.decode("utf-8", "replace"), package):
                    by_name.setdefault(name, []).append(file)
            indexes[root] = by_name
        return indexes[root]

    found: dict[Path, list[Path]] = {}
    for path in named:
        names = layout.module_names(str(path))
        root, top = layout.app_root(str(path)), layout.project_top(str(path))
        name = names[0]
        if name not in index(root):
            name = next((n for n in names[1:] if "." in n and n in index(top)), name)
        files = list(index(root).get(name, []))
        if "." in name and top != root:
            files += [f for f in index(top).get(name, []) if f not in files]
        for importer in files:
            importer_path = Path(importer)
            if importer_path == path or importer_path in checked or finder.excluded(importer_path):
                continue
            found.setdefault(importer_path, []).append(path)
    return found


def defined_names(text: str) -> frozenset[str]:
    """Names a file defines: functions and classes (at any depth), module-level assignments
    (``load = st.cache_data(_load)``)."""
    return frozenset(m.group(1) or m.group(2) for m in _DEFINITION.finditer(text))


def caused_by(finding: Finding, names: frozenset[str], named: Sequence[Path]) -> bool:
    """Is a finding in an importer about something a named file defines? Its message names
    it (the cached function called, the class of an argument), or a related location is in
    a named file."""
    if any(related.path in named for related in finding.related):
        return True
    for quoted in _QUOTED.findall(finding.message):
        if any(part in names for part in quoted.split(".")):
            return True
    return False


def unused_noqa_findings(path: Path, text: str, found: list[Finding], config: Config) -> list[Finding]:
    """STC100 findings for the ``# noqa: STCxxx`` codes of ``text`` that silence none of
    ``found`` (the file's findings before ``# noqa``) among the codes the configuration
    reports for this file."""
    relative = relative_posix(path, config.root)
    reported = [c.code for c in catalog.CODES if config.reports(c.code, relative)]
    selected = [(f.line, f.code) for f in found if config.reports(f.code, relative)]
    unused = Noqa(text).unused(selected, lambda prefix: any(code.startswith(prefix) for code in reported))
    return [Finding(path, u.line, u.col, UNUSED_NOQA, u.message, u.line, u.end_col) for u in unused]


def config_notes(config: Config) -> list[str]:
    """What ``-v`` tells about the configuration of a run (``Report.notes``).

    The hook for what else a run wants the user to know: the Streamlit version modelled
    (and where that choice came from) belongs here."""
    notes = [f"configuration: {config.source}" if config.source else
             f"configuration: none found (defaults; project root {config.root})"]
    if config.target is not None:  # the release, from which file and line, how a range was read
        notes += config.target.describe(config.root)
    else:
        target = config.settings.target_streamlit
        notes.append(f"Streamlit target: {target}" if target else "Streamlit target: the latest version cachelint knows")
    return notes


def _read(path: str | Path) -> bytes | None:
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except OSError:
        return None


class _Texts(Mapping):
    """The text of each file with findings (to show their lines), decoded when first asked
    for: a warm run printed in a format without source lines decodes nothing."""

    def __init__(self, paths: set[Path], contents: dict[Path, bytes]):
        self._paths = paths
        self._contents = contents
        self._decoded: dict[Path, str | None] = {}

    def _get(self, path: Path) -> str | None:
        if path not in self._decoded:
            data = self._contents.get(path)
            if data is None:
                try:
                    data = path.read_bytes()
                except OSError:
                    data = None
            self._decoded[path] = _text(data) if data is not None else None
        return self._decoded[path]

    def __getitem__(self, path: Path) -> str:
        text = self._get(path) if path in self._paths else None
        if text is None:
            raise KeyError(path)
        return text

    def __iter__(self) -> Iterator[Path]:
        return (p for p in sorted(self._paths) if self._get(p) is not None)

    def __len__(self) -> int:
        return sum(1 for _ in self)

    def __contains__(self, path: object) -> bool:
        return path in self._paths and self._get(path) is not None  # type: ignore[arg-type]


def run_text(path: Path, text: str, config: Config, unused_noqa: bool = False) -> RunReport:
    """Check text that is not on disk (stdin) as if it were the file ``path``."""
    path = path.resolve()
    targets = Targets(config, Layout())
    service = Service(targets.config_for(path))
    found = service.analyse(path, text)
    findings = service.shown(path, found, text)
    if unused_noqa:
        findings += unused_noqa_findings(path, text, found, config)
    return targets.tell(RunReport(sorted(findings), 1, config.root, {path: text}, analysed=1,
                                  notes=config_notes(config), files=[path], status={path: ANALYSED}))


class Targets:
    """The Streamlit release each app folder is checked against (``cachelint.target``):
    each unit of work is one app folder, with that app's own pin. Gives the result cache
    key of a file its target, and tells the report (``-v``, JSON) which targets were used."""

    def __init__(self, config: Config, layout: Layout):
        self.config = config
        self.layout = layout
        self.resolver = Resolver(config.target.streamlit) if config.target is not None else None
        self.used: dict[Path, Config] = {}  # app folder -> its configuration

    def config_for(self, path: Path) -> Config:
        folder = Path(self.layout.app_root(str(path)))
        found = self.used.get(folder)
        if found is None:
            found = self.used[folder] = self.config.for_folder(folder, self.resolver)
        return found

    def key(self, path: Path, key: str) -> str:
        """The result cache key of ``path``, with the target of its app folder in it."""
        own = self.config_for(path)
        if own is self.config:
            return key
        return hashlib.sha256(f"{key}\0{own.cache_token()}".encode("utf-8", "surrogateescape")).hexdigest()

    def tell(self, report: Report) -> Report:
        """``report.target`` (the run's), ``report.folder_targets`` (app folders with another
        one), and the ``-v`` notes of those folders (the run's own are in ``config_notes``)."""
        report.target = self.config.target
        report.folder_targets = {folder: own.target for folder, own in sorted(self.used.items())
                                 if own is not self.config and own.target is not None}
        for folder, target in report.folder_targets.items():
            where = relative_posix(folder, self.config.root)
            report.notes.extend(f"{where}: {line}" for line in target.describe(self.config.root))
        return report


def _silenced(found: list[Finding], data: bytes | None) -> list[bool]:
    """For each finding: does a ``# noqa`` comment of the file silence it? (Kept in the result
    cache with the findings: it depends only on the text, and tokenizing a large file for
    its logical lines costs more than the rest of a warm run.)"""
    if not found or data is None:
        return [False] * len(found)
    noqa = Noqa(_text(data))
    return [noqa.suppresses(f.line, f.code) for f in found]


def _text(data: bytes) -> str:
    try:
        return decode(data)
    except Unreadable:
        return data.decode("latin-1")  # for showing lines only; the engine reports the encoding


# -- the engine, here or in workers ----------------------------------------------------------
UNIT_FILES = 64  # most files one engine analyses (a fixed number: the split must not depend on -j)
_worker_config: Config | None = None


def units(paths: list[Path], layout: Layout | None = None) -> list[list[Path]]:
    """The files, grouped by app folder and cut into slices of at most UNIT_FILES.

    Each unit is analysed by a fresh engine, whichever process runs it. An engine keeps
    what it parsed and inferred for the next file, and two apps (or two entry scripts,
    both ``__main__``) may define classes of the same name: with one engine per unit,
    and units that depend only on the list of files, ``-j 8`` gives exactly what
    ``-j 1`` gives, and an app's modules are still parsed once per unit.
    """
    layout = layout or Layout()
    groups: dict[str, list[Path]] = {}
    for path in sorted(paths):
        groups.setdefault(layout.app_root(str(path)), []).append(path)
    found: list[list[Path]] = []
    for root in sorted(groups):
        files = groups[root]
        found.extend(files[i:i + UNIT_FILES] for i in range(0, len(files), UNIT_FILES))
    return found


def _tune_gc() -> None:
    # astroid builds many small objects that live for the whole run: collecting them over
    # and over is most of the time spent (PERFORMANCE.md), so collect rarely.
    gc.collect()
    gc.freeze()
    gc.set_threshold(100_000, 50, 1000)


def _check_unit(config: Config, paths: list[Path]) -> list[tuple[Path, list[Finding]]]:
    # A fresh engine per unit (the result depends only on the unit), for the release the
    # unit's app folder targets (its own pin: cachelint.target).
    service = Service(Targets(config, Layout()).config_for(paths[0]))
    return [(path, service.analyse(path)) for path in paths]


def _init_worker(config: Config) -> None:
    global _worker_config
    _worker_config = config
    _tune_gc()


def _check_in_worker(paths: list[str]) -> list[tuple[str, list[Finding]]]:
    return [(str(path), found) for path, found in _check_unit(_worker_config, [Path(p) for p in paths])]


def _analyse_in_workers(work: list[list[Path]], config: Config, jobs: int,
                        finished: Callable[[Path, list[Finding]], None]) -> None:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed

    if "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1:
        context = multiprocessing.get_context("fork")
        import cachelint.engine  # noqa: F401 - imported once, before the workers fork
    else:  # Windows, macOS, or a host with threads (forking a threaded process may deadlock)
        context = multiprocessing.get_context("spawn")
    # Largest units first, so that a big app does not start last.
    order = sorted(work, key=len, reverse=True)
    with ProcessPoolExecutor(max_workers=min(jobs, len(work)), mp_context=context,
                             initializer=_init_worker, initargs=(config,)) as pool:
        futures = [pool.submit(_check_in_worker, [str(p) for p in unit]) for unit in order]
        for future in as_completed(futures):
            for path, found in future.result():
                finished(Path(path), found)


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


class ProgressBar:
    """``[#####     ] 120/2000 files`` on stderr, only on a terminal and after a second."""

    def __init__(self, stream=None, delay: float = 1.0):
        self.stream = stream or sys.stderr
        self.start = time.monotonic()
        self.delay = delay
        self.shown = False
        self._last = 0.0

    @classmethod
    def if_terminal(cls, stream=None) -> ProgressBar | None:
        stream = stream or sys.stderr
        return cls(stream) if stream.isatty() else None

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if now - self.start < self.delay or (now - self._last < 0.1 and done < total):
            return
        self._last = now
        width = 30
        filled = int(width * done / total) if total else width
        self.stream.write(f"\r[{'#' * filled}{' ' * (width - filled)}] {done}/{total} files")
        self.stream.flush()
        self.shown = True

    def close(self) -> None:
        if self.shown:
            self.stream.write("\r\033[K")
            self.stream.flush()
