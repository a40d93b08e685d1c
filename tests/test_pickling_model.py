"""The pickling model (streamlit_model/pickling.py) checked against real pickle and Streamlit.

Every class the model calls unpicklable is built for real and must fail
``pickle.dumps`` with the error the model says Streamlit shows; every look-alike
the model keeps out must pickle. Class names are checked too: each canonical name
must be ``type(obj).__module__ + "." + __qualname__`` of the object (or a
documented spelling of it), so the analysis and Python agree.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import io
import logging
import pickle
import queue
import re
import socket
import sqlite3
import tempfile
import threading
from collections.abc import Callable, Iterator

import pytest

from cachelint.streamlit_model import awaitables, library, pickling


def _generator() -> Iterator[int]:
    yield 1


async def _coroutine() -> None:
    return None


def _sqlalchemy(kind: str):
    sqlalchemy = pytest.importorskip("sqlalchemy")
    from sqlalchemy.orm import Session, sessionmaker

    engine = sqlalchemy.create_engine("sqlite://")
    return {"engine": engine, "connection": engine.connect(), "session": Session(engine),
            "sessionmaker": sessionmaker(bind=engine)}[kind]


# One real object per name of the model.
FACTORIES: dict[str, Callable[[], object]] = {
    "_thread.lock": threading.Lock,
    "_thread.RLock": threading.RLock,
    "threading.Lock": threading.Lock,
    "threading.RLock": threading.RLock,
    "threading.Condition": threading.Condition,
    "threading.Semaphore": threading.Semaphore,
    "threading.BoundedSemaphore": threading.BoundedSemaphore,
    "threading.Event": threading.Event,
    "threading.Barrier": lambda: threading.Barrier(2),
    "threading.Thread": lambda: threading.Thread(target=print),
    "threading.Timer": lambda: threading.Timer(1, print),
    "_thread._local": threading.local,
    "threading.local": threading.local,
    "queue.Queue": queue.Queue,
    "queue.LifoQueue": queue.LifoQueue,
    "queue.PriorityQueue": queue.PriorityQueue,
    "_queue.SimpleQueue": queue.SimpleQueue,
    "concurrent.futures.thread.ThreadPoolExecutor": concurrent.futures.ThreadPoolExecutor,
    "concurrent.futures.process.ProcessPoolExecutor": concurrent.futures.ProcessPoolExecutor,
    "concurrent.futures._base.Future": concurrent.futures.Future,
    "sqlite3.Connection": lambda: sqlite3.connect(":memory:"),
    "sqlite3.Cursor": lambda: sqlite3.connect(":memory:").cursor(),
    "sqlalchemy.engine.base.Engine": lambda: _sqlalchemy("engine"),
    "sqlalchemy.engine.base.Connection": lambda: _sqlalchemy("connection"),
    "sqlalchemy.orm.session.Session": lambda: _sqlalchemy("session"),
    "sqlalchemy.orm.session.sessionmaker": lambda: _sqlalchemy("sessionmaker"),
    "io.TextIOWrapper": lambda: open(__file__, encoding="utf-8"),  # noqa: SIM115
    "io.BufferedReader": lambda: open(__file__, "rb"),  # noqa: SIM115
    "io.BufferedWriter": lambda: open(tempfile.mktemp(), "wb"),  # noqa: SIM115, S306
    "io.BufferedRandom": tempfile.TemporaryFile,
    "io.FileIO": lambda: io.FileIO(__file__),
    "tempfile._TemporaryFileWrapper": tempfile.NamedTemporaryFile,
    "socket.socket": socket.socket,
    "builtins.generator": _generator,
    "builtins.coroutine": _coroutine,
    "builtins.memoryview": lambda: memoryview(b"x"),
}

LOOKALIKES: dict[str, Callable[[], object]] = {
    "requests.Session": lambda: pytest.importorskip("requests").Session(),
    "logging.Logger": lambda: logging.getLogger("cachelint.test"),
    "io.StringIO": lambda: io.StringIO("x"),
    "io.BytesIO": lambda: io.BytesIO(b"x"),
    "re.Pattern": lambda: re.compile("x"),
}

# Names that are spellings of another class (annotations, factory functions).
ALIASES = {"threading.Lock": "_thread.lock", "threading.RLock": "_thread.RLock", "threading.local": "_thread._local"}


def _real_name(obj: object) -> str:
    cls = type(obj)
    module = {"_io": "io"}.get(cls.__module__, cls.__module__)  # io's classes live in _io
    return f"{module}.{cls.__qualname__}"


def test_every_entry_has_a_real_object() -> None:
    assert set(FACTORIES) == set(pickling.UNPICKLABLE)
    assert set(LOOKALIKES) == set(pickling.PICKLABLE_LOOKALIKES)
    assert not set(pickling.UNPICKLABLE) & pickling.PICKLABLE_LOOKALIKES


@pytest.mark.parametrize("name", sorted(FACTORIES))
def test_unpicklable(name: str) -> None:
    obj = FACTORIES[name]()
    try:
        expected = ALIASES.get(name, name)
        assert _real_name(obj) in (expected, library.canonical(expected)), _real_name(obj)
        with pytest.raises(Exception) as caught:  # noqa: PT011 - the type is checked below
            pickle.dumps(obj)
        error = pickling.ERRORS.get(name, pickling.DEFAULT_ERROR)
        if error.startswith("AttributeError"):
            # Python < 3.14: AttributeError; 3.14 made it a PicklingError
            assert isinstance(caught.value, (AttributeError, pickle.PicklingError)), caught.value
            assert "local object" in str(caught.value)
        else:
            # Streamlit translates these two into its own error (cache_data_api._pickle_result)
            assert isinstance(caught.value, (TypeError, pickle.PicklingError)), caught.value
    finally:
        for method in ("close", "shutdown"):
            if hasattr(obj, method) and not isinstance(obj, threading.Thread):
                try:
                    getattr(obj, method)()
                except Exception:  # noqa: BLE001,S110 - best-effort cleanup
                    pass


@pytest.mark.parametrize("name", sorted(LOOKALIKES))
def test_lookalike_pickles(name: str) -> None:
    obj = LOOKALIKES[name]()
    assert pickle.loads(pickle.dumps(obj)) is not None


def test_awaitable_names_are_awaitables() -> None:
    import inspect

    async def run() -> None:
        coro = _coroutine()
        future = asyncio.get_running_loop().create_future()
        task = asyncio.ensure_future(_coroutine())
        for obj, name in ((coro, "builtins.coroutine"), (future, "asyncio.Future"), (task, "asyncio.Task")):
            assert inspect.isawaitable(obj)
            assert name in awaitables.AWAITABLE_TYPES
            assert isinstance(obj, eval(name.replace("builtins.coroutine", "type(coro)")))  # noqa: S307
        await task
        coro.close()
        future.cancel()

    asyncio.run(run())
