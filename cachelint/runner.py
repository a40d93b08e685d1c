"""One run of the command: files -> cache -> engine (in worker processes) -> filtered findings.

Files that never mention Streamlit are only read. The others are looked up in the
result cache, and the misses are analysed, in this process or in ``jobs`` worker
processes. The work is cut into units (the files of one app folder, at most
UNIT_FILES of them), each analysed by a fresh engine: the units depend only on the
list of files, so the result is the same for any number of workers, and it is sorted.
"""

from __future__ import annotations

import gc
import os
import sys
import time
from pathlib import Path
from collections.abc import Iterator, Mapping
from typing import Callable, Sequence

from cachelint.catalog import INTERNAL_ERROR, SYNTAX_ERROR
from cachelint.config import Config
from cachelint.files import FileFinder
from cachelint.findings import Finding, Report
from cachelint.layout import Layout
from cachelint.noqa import Noqa
from cachelint.result_cache import ResultCache
from cachelint.service import Service
from cachelint.source import MENTIONS_BYTES, Unreadable, decode

PARALLEL_MIN_FILES = 8  # fewer files to analyse than this: no worker processes


Progress = Callable[[int, int], None]  # (done, total)


def run(paths: Sequence[Path], config: Config, jobs: int = 1, use_cache: bool = True,
        progress: Progress | None = None) -> Report:
    files = FileFinder(config.root, config.exclude).find(paths)
    layout = Layout()
    cache = ResultCache(config.root, config.cache_token(), layout) if use_cache else None
    raw: dict[Path, list[Finding]] = {}
    quiet: dict[Path, list[bool]] = {}  # for each finding: does the file's ``# noqa`` silence it?
    contents: dict[Path, bytes] = {}  # Streamlit files read in this run
    relevant: list[Path] = []
    misses: list[Path] = []
    keys: dict[Path, str] = {}
    hits = 0
    total = len(files)
    # First every file's prefilter (an unchanged file is not read: the cache knows its
    # verdict), then the keys: the cache must have seen every file before it can tell
    # whether anything the remembered keys depend on changed.
    for path in files:
        mentions = cache.known(path) if cache is not None else None
        if mentions is None:
            try:
                data = cache.read_file(path) if cache is not None else path.read_bytes()
            except OSError as exc:
                reason = exc.strerror or type(exc).__name__
                raw[path] = [Finding(path, 1, 0, SYNTAX_ERROR, f"cannot read the file: {reason}")]
                continue
            # (UTF-16 text is for the engine to report)
            mentions = MENTIONS_BYTES.search(data) is not None or b"\0" in data
            if cache is not None:
                cache.note(path, mentions)
            if mentions:
                contents[path] = data
        if mentions:
            relevant.append(path)
    for path in relevant:
        if cache is not None:
            keys[path] = cache.key(path)
            found = cache.get(keys[path], path)
            if found is not None:
                raw[path], quiet[path] = found
                hits += 1
                continue
        misses.append(path)
    done = total - len(misses)
    if progress:
        progress(done, total)

    def finished(path: Path, found: list[Finding]) -> None:
        nonlocal done
        raw[path] = found
        quiet[path] = _silenced(found, contents.get(path))
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
    for path, found in raw.items():
        if found:
            silenced = quiet.get(path) or [False] * len(found)
            findings.extend(shower.shown(path, [f for f, q in zip(found, silenced) if not q], None))
    findings.sort()
    return Report(findings, total, config.root, _Texts({f.path for f in findings}, contents),
                  analysed=len(misses), cached=hits)


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


def run_text(path: Path, text: str, config: Config) -> Report:
    """Check text that is not on disk (stdin) as if it were the file ``path``."""
    path = path.resolve()
    service = Service(config)
    findings = service.shown(path, service.analyse(path, text), text)
    return Report(sorted(findings), 1, config.root, {path: text}, analysed=1)


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
    service = Service(config)  # a fresh engine per unit: the result depends only on the unit
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

    if "fork" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("fork")
        import cachelint.engine  # noqa: F401 - imported once, before the workers fork
    else:  # pragma: no cover - Windows and macOS defaults
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
