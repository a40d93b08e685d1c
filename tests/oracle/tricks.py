"""AppTest tricks: make failures visible that a plain ``at.run(); at.run()`` hides.

* ``session_id``: runs in the block belong to their own session (every AppTest
  otherwise shares "test session id"), for ``scope="session"`` and for two users.
* ``new_thread_per_run``: each run's script thread gets a thread id no earlier
  run of the block had (glibc hands a new thread the id of the one that just
  ended), for resources bound to the thread that made them.
* ``disk_caches`` / ``forget_cache_objects``: ``persist="disk"`` writes to disk
  as on a server, and a "restart" that keeps only what is on disk.
* ``count_bodies``: one line in a scratch file per execution of a function of
  the fixture, without touching the fixture.
* ``run_pages``: one session clicking through a multipage app
  (``at.switch_page``), caches kept across pages.

Each is proven on a tiny app of its own in tests/test_oracle_harness.py.
"""

from __future__ import annotations

import ast
import contextlib
import dis
import functools
import inspect
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from expectations import Fixture
from oracle.harness import TIMEOUT, ShownError, import_root, isolated, rendered, shown_errors
from oracle.internals import SCRIPT_THREAD_NAME, clear_caches, disk_caches, forget_cache_objects, session_id

__all__ = ["session_id", "disk_caches", "forget_cache_objects", "new_thread_per_run", "ScriptThreads",
           "count_bodies", "BodyLog", "run_pages", "PageRun"]


# ---------------------------------------------------------------------------
# Thread ids


@dataclass
class ScriptThreads:
    """The script threads the runs of a ``new_thread_per_run`` block ran in, in order."""

    threads: list[threading.Thread] = field(default_factory=list)
    idle: list[threading.Thread] = field(default_factory=list)  # threads kept alive to hold earlier ids

    @property
    def idents(self) -> list[int | None]:
        return [thread.ident for thread in self.threads]


@contextlib.contextmanager
def new_thread_per_run(settle: float = 2.0) -> Iterator[ScriptThreads]:
    """Every AppTest run inside the block runs its script in a thread whose id
    (``threading.get_ident()``) no earlier run of the block had.

    Each ``run()`` starts a new script thread, but glibc gives it the id (the stack
    address) of the thread that ended last, so two plain runs look like one thread
    to ``sqlite3`` and anything else that checks the thread id. A real server always
    has other live threads. Before a script thread starts, this waits for the
    earlier ones to end and starts idle threads until they hold every earlier id
    (waiting up to ``settle`` seconds for an id to be freed); the idle threads wait
    until the block ends. A script thread that still gets an earlier id raises
    ``RuntimeError``: the proof would be void. Open the block before the first run.
    """
    record = ScriptThreads()
    held: set[int | None] = set()
    stop = threading.Event()
    original = threading.Thread.start

    def hold(ident: int | None) -> None:
        deadline = time.monotonic() + settle
        while ident not in held and time.monotonic() < deadline:
            idle = threading.Thread(target=stop.wait, name="cachelint-oracle-idle", daemon=True)
            original(idle)
            record.idle.append(idle)
            held.add(idle.ident)
            if ident not in held:
                time.sleep(0.001)  # the ended thread's stack is freed a moment after it ends

    def start(thread: threading.Thread, *args, **kwargs):
        if thread.name != SCRIPT_THREAD_NAME:
            return original(thread, *args, **kwargs)
        earlier = {t.ident for t in record.threads}
        for previous in record.threads:
            previous.join(settle)
            hold(previous.ident)
        result = original(thread, *args, **kwargs)
        record.threads.append(thread)
        if thread.ident in earlier:
            raise RuntimeError(f"the script thread got an earlier run's id {thread.ident} although idle threads "
                               f"hold {len(held)} ids: cannot give this run a new thread id")
        return result

    threading.Thread.start = start
    try:
        yield record
    finally:
        threading.Thread.start = original
        stop.set()
        for idle in record.idle:
            idle.join()


# ---------------------------------------------------------------------------
# Counting body executions


@dataclass
class BodyLog:
    """One line per execution of a watched function: ``file.py:qualname``."""

    path: Path  # the scratch file

    def lines(self) -> list[str]:
        return self.path.read_text(encoding="utf-8").splitlines() if self.path.exists() else []

    def count(self, qualname: str | None = None) -> int:
        """Executions of the function ``qualname`` (any file), or of every watched function."""
        return sum(1 for line in self.lines() if qualname is None or line.split(":", 1)[1] == qualname)


_RESUMABLE = inspect.CO_GENERATOR | inspect.CO_COROUTINE | inspect.CO_ASYNC_GENERATOR


@contextlib.contextmanager
def count_bodies(fixture: Fixture, scratch: Path | None = None) -> Iterator[BodyLog]:
    """Append a line to a scratch file each time a function of the fixture's files
    starts running in a thread started inside the block (AppTest's script threads).

    Script globals reset every run, so a counter inside the app cannot count
    across runs, and fixtures carry no oracle code: a profile hook on the script
    thread writes the line instead. A cache that never hits gives one line per
    run; a cache hit, none; a key collision, fewer lines than distinct inputs. A
    generator or coroutine counts once, when its body starts (not per resume).
    Module-level code (``<module>``) is not counted.
    """
    folder = Path(tempfile.mkdtemp(prefix="cachelint-oracle-bodies-")) if scratch is None else scratch
    log = BodyLog(folder / "bodies.log")
    log.path.touch()
    names: dict[str, dict[int, str]] = {}  # code file name -> {first line: qualname}
    for path in fixture.files:
        qualnames = _qualnames_by_line(path)
        names[str(path)] = names[str(path.resolve())] = qualnames

    def hook(frame, event, arg):
        if event != "call":
            return
        code = frame.f_code
        by_line = names.get(code.co_filename)
        if code.co_name.startswith("<"):  # a lambda or comprehension on a def or decorator line
            return
        if by_line is None or code.co_firstlineno not in by_line or not _starting(frame):
            return
        with log.path.open("a", encoding="utf-8") as out:
            out.write(f"{Path(code.co_filename).name}:{by_line[code.co_firstlineno]}\n")

    previous = threading.getprofile()
    threading.setprofile(hook)
    try:
        yield log
    finally:
        threading.setprofile(previous)


def _qualnames_by_line(path: Path) -> dict[int, str]:
    """Qualified name of each function of a file, by the first line of its code
    object (its first decorator, or its ``def``)."""
    found: dict[int, str] = {}

    def visit(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                qualname = prefix + child.name
                found[child.lineno] = qualname
                if child.decorator_list:
                    found[min(d.lineno for d in child.decorator_list)] = qualname
                visit(child, qualname + ".<locals>.")
            elif isinstance(child, ast.ClassDef):
                visit(child, prefix + child.name + ".")
            else:
                visit(child, prefix)

    visit(ast.parse(path.read_text(encoding="utf-8")), "")
    return found


def _starting(frame) -> bool:
    """Is this "call" event a body starting (not a generator or coroutine resuming)?"""
    code = frame.f_code
    return not code.co_flags & _RESUMABLE or frame.f_lasti <= _first_resume(code)


@functools.lru_cache(maxsize=None)
def _first_resume(code) -> int:
    """Offset of the RESUME a fresh generator frame starts at (3.11+); -1 before 3.11,
    where a generator that has not started has ``f_lasti == -1``."""
    return next((i.offset for i in dis.get_instructions(code) if i.opname == "RESUME"), -1)


# ---------------------------------------------------------------------------
# Pages


@dataclass
class PageRun:
    """What one page showed when a session switched to it."""

    page: str  # as given to ``at.switch_page`` ("" for the entry script)
    elements: list[str]  # as ``harness.rendered`` lists them
    errors: list[ShownError]
    texts: list[str]  # the value of every markdown/text element, in order


def run_pages(fixture: Fixture, pages: Sequence[str]) -> list[PageRun]:
    """One session runs the fixture's entry script, then switches to each page in
    turn (``at.switch_page(page).run()``, paths relative to the entry script), as
    a user clicking through a multipage app. Caches are cleared before and after,
    and kept across pages: each page runs as ``__main__``, as under a server."""
    from streamlit.testing.v1 import AppTest

    shown: list[PageRun] = []
    with isolated(import_root(fixture)):
        clear_caches()
        at = AppTest.from_file(str(fixture.entry), default_timeout=TIMEOUT)
        for page in ["", *pages]:
            if page:
                at.switch_page(page)
            at.run()
            script = fixture.entry.parent / page if page else fixture.entry
            shown.append(PageRun(page, rendered(at), shown_errors(at, script),
                                 [str(e.value) for e in list(at.markdown) + list(at.text)]))
        clear_caches()
    return shown
