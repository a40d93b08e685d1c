"""Every private Streamlit name the oracle touches, in one place.

The oracle reads Streamlit's own bookkeeping (lookup metrics, stored entries, the
hasher's ``hash_funcs`` table) and steers a few of its internals (session ids,
cache storage, cache keys). None of that is public API. Each name is checked
when this module is imported (``PRIVATE_NAMES``), so a Streamlit upgrade that
renames one stops the oracle at collection with a message naming it, instead
of letting it prove nothing. Attributes that only exist on instances are
checked where they are read (``_private``) and exercised by
tests/test_oracle_harness.py.

Written against Streamlit ``TESTED_WITH``. Nothing outside this module imports
a private Streamlit name.
"""

from __future__ import annotations

import contextlib
import functools
import inspect
import itertools
import shutil
import tempfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from unittest import mock

import streamlit
from streamlit.runtime.caching import cache_data_api, cache_metrics, cache_resource_api, cache_utils, hashing
from streamlit.runtime.caching.cache_type import CacheType
from streamlit.runtime.caching.storage import local_disk_cache_storage
from streamlit.runtime.scriptrunner import script_runner
from streamlit.testing.v1 import app_test

TESTED_WITH = "1.67.0"


class StreamlitChanged(AssertionError):
    """A Streamlit internal the oracle relies on is gone or has changed."""


def _changed(what: str, why: str) -> StreamlitChanged:
    return StreamlitChanged(
        f"Streamlit {streamlit.__version__}: {what} (the oracle was written against {TESTED_WITH} and needs it "
        f"to {why}); update tests/oracle/internals.py"
    )


# (module, dotted attribute path, what the oracle needs it for)
PRIVATE_NAMES: list[tuple[ModuleType, str, str]] = [
    (app_test, "MemoryCacheStorageManager", "swap in disk storage as a server has it (disk_caches)"),
    (local_disk_cache_storage, "LocalDiskCacheStorageManager", "swap in disk storage (disk_caches)"),
    (local_disk_cache_storage, "get_cache_folder_path", "keep disk caches in a scratch folder (disk_caches)"),
    (cache_utils, "_make_value_key", "make every cached call miss (cache_never_hits)"),
    (hashing, "_CacheFuncHasher", "spy on the hash_funcs table and its calls (hash_funcs_spy)"),
    (cache_data_api, "_data_caches._caches_lock", "count stored entries (cache_entry_count)"),
    (cache_data_api, "_data_caches._function_caches", "count entries, forget cache objects"),
    (cache_resource_api, "_resource_caches._caches_lock", "count stored entries (cache_entry_count)"),
    (cache_resource_api, "_resource_caches._function_caches", "count entries, forget cache objects"),
    (cache_resource_api, "ResourceCache", "tell resource caches from data caches (cache_entry_count)"),
    (cache_metrics, "get_cache_metrics", "read per-function lookups and misses (lookup_counts)"),
    (cache_metrics, "CACHE_LOOKUPS_FAMILY", "read per-function lookups and misses (lookup_counts)"),
    (script_runner, "ScriptRunner.__init__", "give each session its own id (session_id)"),
]

SCRIPT_THREAD_NAME = "ScriptRunner.scriptThread"  # the thread a script runs in (tricks.new_thread_per_run)


def _resolve(module: ModuleType, dotted: str) -> object:
    owner: object = module
    seen = module.__name__
    for part in dotted.split("."):
        if not hasattr(owner, part):
            raise _changed(f"{seen} has no attribute {part!r}", dict((d, w) for _, d, w in PRIVATE_NAMES)[dotted])
        owner = getattr(owner, part)
        seen += "." + part
    return owner


def check_private_names() -> None:
    """Fail loudly if Streamlit lost (or reshaped) a name the oracle uses."""
    for module, dotted, _ in PRIVATE_NAMES:
        _resolve(module, dotted)
    if "session_id" not in inspect.signature(script_runner.ScriptRunner.__init__).parameters:
        raise _changed("ScriptRunner.__init__ takes no session_id", "give each session its own id (session_id)")
    if f'"{SCRIPT_THREAD_NAME}"' not in inspect.getsource(script_runner):
        raise _changed(f"no script thread is named {SCRIPT_THREAD_NAME!r}", "tell script threads apart")
    hasher = hashing._CacheFuncHasher(CacheType.DATA, {"key": id})
    if not isinstance(getattr(hasher, "_hash_funcs", None), dict):
        raise _changed("_CacheFuncHasher keeps no _hash_funcs dict", "spy on hash_funcs (hash_funcs_spy)")


check_private_names()


def _private(owner: object, name: str, why: str) -> object:
    """An instance attribute of Streamlit's, or a loud error naming it."""
    try:
        return getattr(owner, name)
    except AttributeError:
        raise _changed(f"{type(owner).__name__} has no attribute {name!r}", why) from None


# ---------------------------------------------------------------------------
# Streamlit's caches


def clear_caches() -> None:
    streamlit.cache_data.clear()
    streamlit.cache_resource.clear()


def lookup_counts() -> tuple[Counter[str], Counter[str]]:
    """Process-wide (lookups, misses) per cached function, from Streamlit's metrics.

    The counters never reset, so callers take differences. A cached function is
    named ``module.qualname`` (``__main__.load`` for a function in the script).
    """
    lookups: Counter[str] = Counter()
    misses: Counter[str] = Counter()
    stats = cache_metrics.get_cache_metrics().get_stats([cache_metrics.CACHE_LOOKUPS_FAMILY])
    for stat in stats.get(cache_metrics.CACHE_LOOKUPS_FAMILY, []):
        name = f"{stat.labels['cache_type']}:{stat.labels['cache']}"
        lookups[name] += stat.value
        if stat.labels["result"] == "miss":
            misses[name] += stat.value
    return lookups, misses


def _registries() -> tuple[object, object]:
    return cache_data_api._data_caches, cache_resource_api._resource_caches


def cache_entry_count() -> int:
    """Entries currently stored by every st.cache_data and st.cache_resource function."""
    total = 0
    for registry in _registries():
        with registry._caches_lock:
            caches = [c for per_session in registry._function_caches.values() for c in per_session.values()]
        for cache in caches:
            if isinstance(cache, cache_resource_api.ResourceCache):
                store = _private(cache, "_mem_cache", "count stored entries")
            else:  # DataCache: its in-memory storage wrapper
                store = _private(_private(cache, "storage", "count stored entries"), "_mem_cache",
                                 "count stored entries")
            total += len(store)
    return total


def forget_cache_objects() -> None:
    """Streamlit forgets every cache object and its in-memory entries, as a server
    restart does; what ``persist="disk"`` wrote stays on disk (see ``disk_caches``)."""
    for registry in _registries():
        with registry._caches_lock:
            registry._function_caches.clear()


@contextlib.contextmanager
def cache_never_hits() -> Iterator[None]:
    """Every cached call computes afresh (a unique cache key per call): what the
    app would show if its functions were not cached, with Streamlit's caching
    machinery (pickling, replay) still in place."""
    original = cache_utils._make_value_key
    counter = itertools.count()

    def unique_key(*args, **kwargs) -> str:
        return f"{original(*args, **kwargs)}-{next(counter)}"

    cache_utils._make_value_key = unique_key
    try:
        yield
    finally:
        cache_utils._make_value_key = original


@dataclass
class HashFuncsSpy:
    keys: set[str] = field(default_factory=set)  # as Streamlit names them (``get_fqn`` of a class key)
    calls: Counter[str] = field(default_factory=Counter)


@contextlib.contextmanager
def hash_funcs_spy() -> Iterator[HashFuncsSpy]:
    """Record which ``hash_funcs`` entries Streamlit's hasher holds and which it calls.

    Streamlit builds a ``_CacheFuncHasher`` per hashed argument with the table keyed
    by qualified name; each hash function is wrapped (same name, same exceptions)
    to count its calls. An entry held but never called was ignored.
    """
    spy = HashFuncsSpy()
    original = hashing._CacheFuncHasher.__init__

    def counted(key: str, func):
        @functools.wraps(func)
        def wrapper(obj):
            spy.calls[key] += 1
            return func(obj)

        return wrapper

    def init(self, *args, **kwargs) -> None:
        original(self, *args, **kwargs)
        spy.keys.update(self._hash_funcs)
        self._hash_funcs = {key: counted(key, func) for key, func in self._hash_funcs.items()}

    hashing._CacheFuncHasher.__init__ = init
    try:
        yield spy
    finally:
        hashing._CacheFuncHasher.__init__ = original


# ---------------------------------------------------------------------------
# Sessions and storage as a server has them


@contextlib.contextmanager
def session_id(value: str) -> Iterator[None]:
    """Runs of AppTest inside this block belong to session ``value``.

    ``LocalScriptRunner`` passes the fixed id "test session id" to
    ``ScriptRunner``; scope="session" caches are keyed by it.
    """
    original = script_runner.ScriptRunner.__init__

    def init(self, *args, **kwargs):
        kwargs["session_id"] = value
        original(self, *args, **kwargs)

    with mock.patch.object(script_runner.ScriptRunner, "__init__", init):
        yield


@contextlib.contextmanager
def disk_caches() -> Iterator[Path]:
    """Cache storage as on a real server (memory in front of disk), in a scratch
    folder (yielded): ``persist="disk"`` writes its ``.memo`` files there.

    AppTest swaps in ``MemoryCacheStorageManager``, which never writes to disk;
    this puts the production manager back for AppTests created or run inside the
    block. Cache objects created before the block keep their storage: clear (or
    forget) the caches first.
    """
    folder = tempfile.mkdtemp(prefix="cachelint-oracle-")
    try:
        with mock.patch.object(app_test, "MemoryCacheStorageManager",
                               local_disk_cache_storage.LocalDiskCacheStorageManager), \
                mock.patch.object(local_disk_cache_storage, "get_cache_folder_path", lambda: folder):
            yield Path(folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
