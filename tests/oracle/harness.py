"""Run a fixture under real Streamlit (``AppTest``) and record what happened.

Nothing here relies on fixtures cooperating (no markers, no counters in the
apps): exceptions come from the app's exception elements, cache behaviour from
Streamlit's own per-function lookup metrics and its cache storage (read in
``internals``).
"""

from __future__ import annotations

import contextlib
import logging
import re
import sys
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from expectations import FIXTURES, Fixture
from oracle.internals import cache_entry_count, cache_never_hits, clear_caches, hash_funcs_spy, lookup_counts

TIMEOUT = 30.0  # seconds per script run

_PARAM = re.compile(r"Cannot hash argument '(?P<param>[^']+)'")


@dataclass(frozen=True)
class ShownError:
    """An exception element an app showed (uncaught, or via ``st.exception``)."""

    script: Path
    type: str  # last dotted component of the exception's class name
    message: str
    frames: tuple[tuple[Path, int], ...] = ()  # (file, line) of the stack trace, outermost first

    @property
    def param(self) -> str | None:
        """The parameter an ``UnhashableParamError`` names."""
        match = _PARAM.search(self.message)
        return match["param"] if match else None

    def __str__(self) -> str:
        first_line = self.message.strip().splitlines()[0] if self.message.strip() else ""
        return f"{self.script.name}: {self.type}: {first_line}"


@dataclass
class Run:
    """One ``at.run()`` of a script."""

    errors: list[ShownError]
    elements: int  # elements rendered (an app that failed to compile renders none)
    lookups: Counter[str]  # cache lookups during this run, by cached function
    misses: Counter[str]  # cache misses (the cached body ran) during this run
    entries: int  # cache entries (cache_data + cache_resource) after this run
    hash_funcs_keys: frozenset[str] = frozenset()  # keys of the hash_funcs tables Streamlit hashed with
    hash_funcs_calls: Counter[str] = field(default_factory=Counter)  # calls of each hash_funcs entry, by key
    shown: list[str] = field(default_factory=list)  # what the run rendered (``rendered``)


@dataclass
class ScriptResult:
    """A script of a fixture run once and then rerun with identical inputs."""

    script: Path
    runs: list[Run] = field(default_factory=list)

    @property
    def first(self) -> Run:
        return self.runs[0]

    @property
    def reruns(self) -> list[Run]:
        return self.runs[1:]

    @property
    def ran(self) -> bool:
        """The script really ran: it rendered something or used a cache."""
        return self.first.elements > 0 or sum(self.first.lookups.values()) > 0

    def rerun_misses(self) -> Counter[str]:
        """Cache misses on reruns (identical inputs), by cached function."""
        total: Counter[str] = Counter()
        for run in self.reruns:
            total.update(run.misses)
        return +total

    @property
    def entry_growth(self) -> int:
        """How many cache entries the reruns added."""
        return self.runs[-1].entries - self.first.entries


def scripts_of(fixture: Fixture) -> list[Path]:
    """The scripts Streamlit runs for a fixture: the entry, then each page."""
    return [fixture.entry, *fixture.pages]


def run_fixture(fixture: Fixture, reruns: int) -> list[ScriptResult]:
    """Run every script of a fixture (entry and pages), each as its own AppTest."""
    return [run_script(fixture, script, reruns) for script in scripts_of(fixture)]


def run_script(fixture: Fixture, script: Path, reruns: int) -> ScriptResult:
    """Run ``script`` once, then ``reruns`` more times with identical inputs; each run in a
    script thread with an id no earlier run had, as on a server (``new_thread_per_run``)."""
    from streamlit.testing.v1 import AppTest

    from oracle.tricks import new_thread_per_run

    result = ScriptResult(script)
    with isolated(import_root(fixture)), new_thread_per_run():
        clear_caches()
        at = AppTest.from_file(str(script), default_timeout=TIMEOUT)
        for _ in range(1 + reruns):
            before_lookups, before_misses = lookup_counts()
            with hash_funcs_spy() as spy:
                at.run()
            after_lookups, after_misses = lookup_counts()
            result.runs.append(
                Run(
                    errors=shown_errors(at, script),
                    elements=len(at.main.children) + len(at.sidebar.children),
                    lookups=+(after_lookups - before_lookups),
                    misses=+(after_misses - before_misses),
                    entries=cache_entry_count(),
                    hash_funcs_keys=frozenset(spy.keys),
                    hash_funcs_calls=spy.calls,
                    shown=comparable(at),
                )
            )
        clear_caches()
    return result


def shown_errors(at, script: Path) -> list[ShownError]:
    """The exception elements of the last run of ``at`` (a run of ``script``)."""
    return [
        ShownError(script, (element.proto.type or "").rsplit(".", 1)[-1], element.message,
                   _frames(element.proto.stack_trace))
        for element in at.exception
    ]


_FRAME = re.compile(r'File "(?P<file>[^"]+)", line (?P<line>\d+)')


def _frames(stack_trace) -> tuple[tuple[Path, int], ...]:
    """(file, line) of each frame of an exception element's stack trace."""
    found = []
    for entry in stack_trace:
        match = _FRAME.search(entry)
        if match:
            found.append((Path(match["file"]).resolve(), int(match["line"])))
    return tuple(found)


# ---------------------------------------------------------------------------
# What the app shows with and without its cache (stale results)


def rendered(at) -> list[str]:
    """Every element the app rendered (main area, then sidebar), as its proto text."""
    out: list[str] = []

    def walk(node) -> None:
        children = getattr(node, "children", None)
        if isinstance(children, dict):
            for key in sorted(children):
                walk(children[key])
            return
        out.append(f"{type(node).__name__}: {getattr(node, 'proto', '')}")

    walk(at.main)
    walk(at.sidebar)
    return out


def comparable(at) -> list[str]:
    """What the app rendered, as ``rendered`` lists it, with each data frame's Arrow bytes
    replaced by the table they hold (the bytes of one table differ from run to run)."""
    out: list[str] = []

    def walk(node) -> None:
        children = getattr(node, "children", None)
        if isinstance(children, dict):
            for key in sorted(children):
                walk(children[key])
            return
        proto = getattr(node, "proto", None)
        data = getattr(getattr(proto, "arrow_data", None), "data", None)
        if data:
            import pyarrow as pa

            table = pa.ipc.open_stream(data).read_all()
            out.append(f"{type(node).__name__}: {table.to_pydict()!r}")
            return
        out.append(f"{type(node).__name__}: {proto if proto is not None else ''}")

    walk(at.main)
    walk(at.sidebar)
    return out


def render_with_and_without_cache(fixture: Fixture, script: Path) -> tuple[list[str], list[str]]:
    """One fresh run of ``script`` with its cache, and one where the cache never hits."""
    from streamlit.testing.v1 import AppTest

    shown: list[list[str]] = []
    for defeat in (False, True):
        with isolated(import_root(fixture)):
            clear_caches()
            at = AppTest.from_file(str(script), default_timeout=TIMEOUT)
            with cache_never_hits() if defeat else contextlib.nullcontext():
                at.run()
            shown.append(comparable(at))
            clear_caches()
    return shown[0], shown[1]


# ---------------------------------------------------------------------------
# Import isolation: several fixtures have modules with the same name (utils.py).


def import_root(fixture: Fixture) -> Path:
    """The folder a fixture's scripts import their modules from."""
    return fixture.root if fixture.root.is_dir() else fixture.root.parent


@contextlib.contextmanager
def isolated(root: Path) -> Iterator[None]:
    """Run a fixture whose modules live in ``root``: it comes first on sys.path, and
    no module of another fixture (nor of an earlier run) stays imported."""
    saved_path = list(sys.path)
    saved_main = sys.modules.get("__main__")  # Streamlit installs the script as __main__
    _forget_fixture_modules(root)
    sys.path.insert(0, str(root))
    try:
        yield
    finally:
        sys.path[:] = saved_path
        _forget_fixture_modules(root)
        if saved_main is not None:
            sys.modules["__main__"] = saved_main


def _forget_fixture_modules(root: Path) -> None:
    """Drop every module imported from a fixture file (a module of an app), under
    tests/fixtures or under ``root``."""
    folders = {FIXTURES.resolve(), root.resolve()}
    for name, module in list(sys.modules.items()):
        if name == "__main__":
            continue
        if any(Path(path).resolve().is_relative_to(folder) for path in _module_paths(module) for folder in folders):
            del sys.modules[name]


def _module_paths(module) -> list[str]:
    """Where a module comes from: its file, or for a namespace package (no file) its folders."""
    path = getattr(module, "__file__", None)
    if path:
        return [path]
    try:
        return [str(folder) for folder in getattr(module, "__path__", None) or []]
    except Exception:  # a lazy or proxy module whose __path__ misbehaves
        return []


def quiet_streamlit_logs() -> None:
    """Streamlit logs every uncaught app exception with a full traceback; the
    oracle reads the exception elements instead."""
    for name in ("streamlit", "streamlit.runtime", "streamlit.runtime.scriptrunner"):
        logging.getLogger(name).setLevel(logging.CRITICAL)
