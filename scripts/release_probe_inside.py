"""Measure one Streamlit release's caching API with its own code; print one JSON object.

Run by ``scripts/probe_releases.py`` with the interpreter of a venv that has exactly one
Streamlit release installed (plus pydantic 2). Standard library and that Streamlit only:
nothing of cachelint is importable here. Every value printed is what this process saw;
what could not be run is reported as ``"unmeasured: <why>"``, never guessed.

Scripts that need a real ``ScriptRunContext`` (deprecation messages shown in the page,
widgets in cached functions, ``scope="session"``) run under the release's own test
harness: ``streamlit.testing.v1.AppTest`` (1.28+) or, before it,
``streamlit.testing.local_script_runner.LocalScriptRunner`` (a real ``ScriptRunner``).
Both run the script in a thread of this process, so the messages sent to the browser are
read by wrapping ``ForwardMsgQueue.enqueue``, and the script reports its own results
through the ``_probe_capture`` module.
"""

from __future__ import annotations

import ast
import asyncio
import importlib
import importlib.util
import inspect
import json
import logging
import os
import platform
import sys
import tempfile
import textwrap
import time
import types
import warnings
from pathlib import Path

HERE = Path(__file__).resolve().parent
HASHER_CASES_FILE = HERE.parent / "tests" / "test_hasher_model.py"
WORK = Path(tempfile.mkdtemp(prefix="stprobe-"))

# --- capture of what the release shows, logs and warns ---------------------------------

CAP = types.ModuleType("_probe_capture")
CAP.msgs = []  # summaries of forward messages: ("exception", type, is_warning, text) ...
CAP.logs = []  # (logger, level, message) of streamlit loggers, WARNING and up
CAP.warns = []  # (category, message) of Python warnings
CAP.results = {}  # what a probe script reports about itself
CAP.counter = {}  # call counters kept across script runs
CAP.session_id = None  # the session id the next script run gets
sys.modules["_probe_capture"] = CAP


def _summarise(msg) -> None:
    try:
        if msg.WhichOneof("type") != "delta" or msg.delta.WhichOneof("type") != "new_element":
            return
        element = msg.delta.new_element
        kind = element.WhichOneof("type")
        if kind == "exception":
            ex = element.exception
            CAP.msgs.append(("exception", ex.type, bool(getattr(ex, "is_warning", False)), ex.message[:300]))
        elif kind == "alert":
            CAP.msgs.append(("alert", int(element.alert.format), False, element.alert.body[:300]))
        else:
            CAP.msgs.append(("element", kind, False, ""))
    except Exception as exc:  # noqa: BLE001 - never break the app under test
        CAP.msgs.append(("probe-error", type(exc).__name__, False, str(exc)[:200]))


def _install_capture() -> None:
    from streamlit.runtime.forward_msg_queue import ForwardMsgQueue

    original = ForwardMsgQueue.enqueue

    def enqueue(self, msg):
        _summarise(msg)
        return original(self, msg)

    ForwardMsgQueue.enqueue = enqueue

    original_call_handlers = logging.Logger.callHandlers

    def call_handlers(self, record):
        if record.name.startswith("streamlit") and record.levelno >= logging.WARNING:
            CAP.logs.append((record.name, record.levelname, record.getMessage()[:300]))
        return original_call_handlers(self, record)

    logging.Logger.callHandlers = call_handlers
    warnings.simplefilter("always")

    def showwarning(message, category, filename, lineno, file=None, line=None):
        CAP.warns.append((category.__name__, str(message)[:300]))

    warnings.showwarning = showwarning


def _marks() -> tuple[int, int, int]:
    return len(CAP.msgs), len(CAP.logs), len(CAP.warns)


def _since(marks: tuple[int, int, int]) -> dict:
    m, lg, w = marks
    return {"msgs": CAP.msgs[m:], "logs": CAP.logs[lg:], "warns": CAP.warns[w:]}


# --- running a script with a real ScriptRunContext -------------------------------------

HARNESS = "none"


def _patch_session_ids() -> None:
    """Let a probe give each script run its own session id (the harnesses hard-code one)."""
    from streamlit.runtime.scriptrunner import script_runner

    original = script_runner.ScriptRunner.__init__

    def __init__(self, *args, **kwargs):
        if CAP.session_id is not None and "session_id" in kwargs:
            kwargs["session_id"] = CAP.session_id
        original(self, *args, **kwargs)

    script_runner.ScriptRunner.__init__ = __init__


STORAGE = "release default"


def _use_disk_storage() -> str:
    """Give st.cache_data the storage ``streamlit run`` gives it.

    Under the test harnesses there is no real Runtime: AppTest's mock runtime hands out a
    MemoryCacheStorageManager and, with no runtime at all, ``DataCaches`` falls back to
    it, so ``persist="disk"`` would never touch the disk. A real server's runtime holds a
    LocalDiskCacheStorageManager (``create_default_cache_storage_manager``); this hands
    the same class to ``DataCaches``. Releases without a storage layer (1.18, 1.19) read
    and write the disk themselves.
    """
    try:
        from streamlit.runtime.caching import cache_data_api
        from streamlit.runtime.caching.storage.local_disk_cache_storage import LocalDiskCacheStorageManager
    except ImportError:
        return "release reads/writes the disk itself (no storage layer)"
    manager = LocalDiskCacheStorageManager()
    cache_data_api.DataCaches.get_storage_manager = lambda self: manager
    return "LocalDiskCacheStorageManager (as under streamlit run)"


def _pick_harness() -> str:
    global HARNESS
    try:
        from streamlit.testing.v1 import AppTest  # noqa: F401

        HARNESS = "AppTest"
    except ImportError:
        try:
            from streamlit.testing.local_script_runner import LocalScriptRunner  # noqa: F401

            HARNESS = "LocalScriptRunner"
        except ImportError:
            HARNESS = "none"
    if HARNESS != "none":
        _patch_session_ids()
    return HARNESS


_SCRIPT_COUNT = [0]


def write_script(body: str) -> Path:
    _SCRIPT_COUNT[0] += 1
    path = WORK / f"probe_script_{_SCRIPT_COUNT[0]}.py"
    prelude = ("import _probe_capture as CAP\nimport streamlit as st\nR = CAP.results\n"
               f"R['__script__'] = {path.name!r}\n")
    path.write_text(prelude + textwrap.dedent(body), encoding="utf-8")
    return path


def _mock_runtime() -> None:
    """The Runtime a LocalScriptRunner needs, set up as AppTest (1.28+) sets up its own.

    A script run asks the Runtime for its media file manager; without a server there is
    none, so, like AppTest and Streamlit's own tests of that era, a mock Runtime carries a
    real in-memory MediaFileManager. The caches do not go through it (see
    ``_use_disk_storage``).
    """
    from unittest.mock import MagicMock

    from streamlit.runtime import Runtime
    from streamlit.runtime.media_file_manager import MediaFileManager
    from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage

    runtime = MagicMock(spec=Runtime)
    runtime.media_file_mgr = MediaFileManager(MemoryMediaFileStorage("/mock/media"))
    Runtime._instance = runtime


def run_script(path: Path, session_id: str | None = None, timeout: float = 120) -> dict:
    """Run the script once under the harness; what it reported, showed and logged."""
    CAP.results = {}
    CAP.session_id = session_id
    marks = _marks()
    error = None
    try:  # a release caches the pages of the first main script it saw (source_util)
        from streamlit import source_util

        source_util.invalidate_pages_cache()
    except (ImportError, AttributeError):
        pass
    try:
        if HARNESS == "AppTest":
            from streamlit.testing.v1 import AppTest

            AppTest.from_file(str(path), default_timeout=timeout).run()
        elif HARNESS == "LocalScriptRunner":
            from streamlit.runtime.scriptrunner import RerunData
            from streamlit.testing.local_script_runner import LocalScriptRunner

            _mock_runtime()
            runner = LocalScriptRunner(str(path))
            runner.request_rerun(RerunData())
            runner.start()
            deadline = time.monotonic() + timeout
            while not runner.script_stopped() and time.monotonic() < deadline:
                thread = getattr(runner, "_script_thread", None)
                if thread is not None and not thread.is_alive():
                    break
                time.sleep(0.02)
            if not runner.script_stopped():
                error = "the script thread ended without finishing the script"
            if not runner.script_stopped():
                error = "timeout"
            runner.request_stop()
            runner.join()
        else:
            raise RuntimeError("no harness")
    except Exception as exc:  # noqa: BLE001
        error = f"{type(exc).__name__}: {str(exc)[:200]}"
    out = _since(marks)
    out["results"] = dict(CAP.results)
    if error is None and out["results"].pop("__script__", None) != path.name:
        error = "the harness did not run this script"
    out["harness_error"] = error
    CAP.session_id = None
    return out


# --- small helpers ---------------------------------------------------------------------


def exc_name(exc: BaseException) -> str:
    return type(exc).__name__


def deprecation_channels(seen: dict, words: tuple[str, ...]) -> list[str]:
    """How a deprecation was shown: st.warning / st.exception element, log, Python warning."""
    channels = set()
    for kind, name, _is_warning, text in seen["msgs"]:
        low = text.lower()
        if "deprecat" in low and any(w in text for w in words):
            channels.add("st.warning" if kind == "alert" else f"st.{kind}:{name}")
    for _logger, _level, text in seen["logs"]:
        if "deprecat" in text.lower() and any(w in text for w in words):
            channels.add("log")
    for category, text in seen["warns"]:
        if "deprecat" in text.lower() and any(w in text for w in words):
            channels.add(f"warning:{category}")
    return sorted(channels)


# --- API ---------------------------------------------------------------------------------

APIS = ("cache", "experimental_memo", "experimental_singleton", "cache_data", "cache_resource")
NEW_NAME = {"cache": "cache_data", "experimental_memo": "cache_data", "experimental_singleton": "cache_resource"}


def probe_api(st) -> dict:
    facts: dict[str, object] = {}
    for name in APIS:
        # from streamlit import X (no script context needed: an import)
        marks = _marks()
        try:
            exec(f"from streamlit import {name}", {})
            channels = deprecation_channels(_since(marks), (name,))
            facts[f"api.{name}.from_import"] = "deprecated:" + "+".join(channels) if channels else "works"
        except Exception as exc:  # noqa: BLE001
            facts[f"api.{name}.from_import"] = f"raises:{exc_name(exc)}"

        if HARNESS == "none":
            facts[f"api.{name}"] = "unmeasured: no script harness in this release"
            continue
        # Access, decorate (bare and called), call twice, clear: one script run, staged.
        script = write_script(f"""
            import _probe_capture as CAP
            def stage(label, fn):
                marks = (len(CAP.msgs), len(CAP.logs), len(CAP.warns))
                try:
                    value = fn()
                    R[label] = ("ok", marks, (len(CAP.msgs), len(CAP.logs), len(CAP.warns)))
                    return value
                except BaseException as exc:
                    R[label] = ("raises:" + type(exc).__name__, marks,
                                (len(CAP.msgs), len(CAP.logs), len(CAP.warns)))
                    return None
            api = stage("access", lambda: getattr(st, {name!r}))
            if api is not None:
                def bare(x):
                    return x + 1
                f = stage("decorate", lambda: api(bare))
                def called(x):
                    return x + 2
                g = stage("decorate_called", lambda: api()(called))
                if f is not None:
                    stage("call", lambda: f(1))
                    stage("call_again", lambda: f(1))
                if g is not None:
                    stage("call_decorated_called", lambda: g(1))
                stage("clear", lambda: api.clear())
            """)
        run = run_script(script)
        res = run["results"]
        if run["harness_error"] or "access" not in res:
            facts[f"api.{name}"] = f"unmeasured: harness {run['harness_error']}"
            continue

        def seen_between(entry):
            (m0, l0, w0), (m1, l1, w1) = entry[1], entry[2]
            return {"msgs": CAP.msgs[m0:m1], "logs": CAP.logs[l0:l1], "warns": CAP.warns[w0:w1]}

        words = (name,)
        access = res["access"][0]
        if access != "ok":
            facts[f"api.{name}"] = "absent:" + access.split(":", 1)[1]
            facts[f"api.{name}.clear"] = "absent"
            facts[f"api.{name}.deprecation"] = "none"
            continue
        failures = [f"{k}={res[k][0]}" for k in ("decorate", "decorate_called", "call", "call_again",
                                                  "call_decorated_called") if k in res and res[k][0] != "ok"]
        shown = {}
        for stage_name in ("access", "decorate", "decorate_called", "call", "call_again"):
            if stage_name in res:
                channels = deprecation_channels(seen_between(res[stage_name]), words)
                if channels:
                    shown[stage_name] = channels
        if failures:
            facts[f"api.{name}"] = "raises:" + ",".join(failures)
        elif shown:
            facts[f"api.{name}"] = "deprecated"
        else:
            facts[f"api.{name}"] = "works"
        # Where and how the deprecation shows: "decorate:log+st.warning; call:..."
        facts[f"api.{name}.deprecation"] = "; ".join(f"{k}:{'+'.join(v)}" for k, v in shown.items()) or "none"
        clear = res.get("clear", ("unmeasured",))[0]
        if clear == "ok":
            channels = deprecation_channels(seen_between(res["clear"]), words)
            facts[f"api.{name}.clear"] = "deprecated:" + "+".join(channels) if channels else "works"
        else:
            facts[f"api.{name}.clear"] = clear
    return facts


# --- options -------------------------------------------------------------------------

OPTION_SAMPLES = {
    "ttl": "60", "max_entries": "10", "show_spinner": "False", "persist": "'disk'", "hash_funcs": "{}",
    "scope": "'global'", "refresh_mode": "'foreground'", "max_size": "'10MB'", "validate": "lambda v: True",
    "on_release": "lambda v: None", "show_time": "True", "experimental_allow_widgets": "True",
    "suppress_st_warning": "True", "allow_output_mutation": "True",
}

# (fact suffix, keyword arguments as source) for the value probes.
VALUE_CASES = {
    "data": [
        ("persist.disk", "persist='disk'"), ("persist.True", "persist=True"), ("persist.False", "persist=False"),
        ("persist.None", "persist=None"), ("persist.memory", "persist='memory'"), ("persist.Disk", "persist='Disk'"),
        ("persist.1", "persist=1"),
        ("max_entries.0", "max_entries=0"), ("max_entries.-1", "max_entries=-1"),
        ("max_entries.1.5", "max_entries=1.5"),
        ("max_size.10MB", "max_size='10MB'"), ("max_size.1024", "max_size=1024"), ("max_size.0", "max_size=0"),
        ("max_size.10 megs", "max_size='10 megs'"),
        ("hash_funcs.list", "hash_funcs=[]"),
        ("refresh_mode.background_persist", "refresh_mode='background', ttl=60, persist='disk'"),
    ],
    "resource": [
        ("max_entries.0", "max_entries=0"), ("max_entries.-1", "max_entries=-1"),
        ("validate.not_callable", "validate=1"), ("on_release.not_callable", "on_release=1"),
        ("hash_funcs.list", "hash_funcs=[]"),
    ],
    "both": [
        ("scope.global", "scope='global'"), ("scope.session", "scope='session'"), ("scope.user", "scope='user'"),
        ("scope.None", "scope=None"),
        ("refresh_mode.foreground", "refresh_mode='foreground'"),
        ("refresh_mode.background", "refresh_mode='background', ttl=60"),
        ("refresh_mode.background_no_ttl", "refresh_mode='background'"),
        ("refresh_mode.lazy", "refresh_mode='lazy'"),
        ("ttl.int", "ttl=60"), ("ttl.float", "ttl=1.5"), ("ttl.zero", "ttl=0"), ("ttl.negative", "ttl=-1"),
        ("ttl.timedelta", "ttl=__import__('datetime').timedelta(hours=1)"),
        ("ttl.str_1h", "ttl='1h'"), ("ttl.str_1d", "ttl='1d'"), ("ttl.str_5 mins", "ttl='5 mins'"),
        ("ttl.str_5m", "ttl='5m'"), ("ttl.str_3600", "ttl='3600'"), ("ttl.str_1 week", "ttl='1 week'"),
        ("ttl.str_P1D", "ttl='P1D'"), ("ttl.str_garbage", "ttl='soon'"), ("ttl.None", "ttl=None"),
        ("show_spinner.str", "show_spinner='Loading'"),
    ],
}


def _keyword_options(api) -> list[str] | str:
    target = api if inspect.isfunction(api) else type(api).__call__
    try:
        signature = inspect.signature(target)
    except (TypeError, ValueError) as exc:
        return f"unmeasured: {exc_name(exc)}"
    names = []
    for index, (name, param) in enumerate(signature.parameters.items()):
        if name in ("self", "func") or param.kind in (param.VAR_POSITIONAL, param.VAR_KEYWORD):
            continue
        if index <= 1 and param.kind is param.POSITIONAL_OR_KEYWORD and name in ("f", "function"):
            continue
        names.append(name)
    return sorted(names)


def probe_options(st) -> dict:
    facts: dict[str, object] = {}
    present = [name for name in APIS if _has_attr(st, name)]
    signatures = {name: _keyword_options(getattr(st, name)) for name in present}
    for name in present:
        facts[f"option.{name}.signature"] = signatures[name]
    if HARNESS == "none":
        return facts
    # One script: every decoration attempt, then one call of each decorated function.
    lines = ["import datetime", "def attempt(label, api_name, kw_src):",
             "    api = getattr(st, api_name)",
             "    try:",
             "        dec = eval('api(' + kw_src + ')', {'api': api})",
             "        def fn(x):",
             "            return x",
             "        fn.__qualname__ = fn.__name__ = 'fn_' + str(abs(hash(label)))",
             "        wrapped = dec(fn)",
             "    except BaseException as exc:",
             "        R[label] = 'rejected-at-decoration:' + type(exc).__name__",
             "        return",
             "    try:",
             "        wrapped(1)",
             "        wrapped(1)",
             "        R[label] = 'accepted'",
             "    except BaseException as exc:",
             "        R[label] = 'rejected-at-call:' + type(exc).__name__",
             ]
    plan = []
    for name in present:
        for option in sorted(OPTION_SAMPLES):
            plan.append((f"option.{name}.{option}", name, f"{option}={OPTION_SAMPLES[option]}"))
        plan.append((f"option.{name}.unknown_keyword", name, "no_such_option=1"))
    for kind, api_name in (("data", "cache_data"), ("resource", "cache_resource")):
        if api_name not in present:
            continue
        for suffix, src in VALUE_CASES[kind] + VALUE_CASES["both"]:
            plan.append((f"value.{api_name}.{suffix}", api_name, src))
    if "experimental_memo" in present:
        for suffix, src in VALUE_CASES["data"][:7]:
            plan.append((f"value.experimental_memo.{suffix}", "experimental_memo", src))
    if "cache" in present:
        for suffix, src in VALUE_CASES["data"][:7]:
            plan.append((f"value.cache.{suffix}", "cache", src))
    for label, api_name, src in plan:
        lines.append(f"attempt({label!r}, {api_name!r}, {src!r})")
    run = run_script(write_script("\n".join(lines) + "\n"))
    res = run["results"]
    for label, api_name, _src in plan:
        if label in res:
            value = res[label]
        else:
            value = f"unmeasured: harness {run['harness_error']}"
        if label.startswith("option.") and not label.endswith("unknown_keyword"):
            option = label.rsplit(".", 1)[1]
            sig = signatures[api_name]
            in_sig = isinstance(sig, list) and option in sig
            if value == "accepted" and in_sig:
                value = "accepted"
            elif value == "rejected-at-decoration:TypeError" and not in_sig:
                value = "absent"
            else:
                value = f"{'in' if in_sig else 'not in'} signature, {value}"
        facts[label] = value
    facts.update(probe_ttl_parser())
    return facts


def probe_ttl_parser() -> dict:
    facts: dict[str, object] = {}
    converter = None
    for module_name, func_name in (("streamlit.time_util", "time_to_seconds"),
                                   ("streamlit.runtime.caching.cache_utils", "ttl_to_seconds")):
        try:
            converter = getattr(importlib.import_module(module_name), func_name)
            facts["ttl.converter"] = f"{module_name}.{func_name}"
            break
        except (ImportError, AttributeError):
            continue
    if converter is None:
        facts["ttl.converter"] = "unmeasured: no time_to_seconds/ttl_to_seconds found"
        return facts
    try:
        source = inspect.getsource(converter)
        facts["ttl.string_parser"] = ("pandas.Timedelta" if "Timedelta" in source
                                      else "no string support" if "str" not in source else "other")
    except OSError:
        facts["ttl.string_parser"] = "unmeasured: no source"
    for text in ("1h", "1d", "5m", "5 mins", "3600", "1 week", "P1D", "soon", "1.5s"):
        try:
            facts[f"ttl.seconds.{text}"] = float(converter(text))
        except Exception as exc:  # noqa: BLE001
            facts[f"ttl.seconds.{text}"] = f"rejected:{exc_name(exc)}"
    return facts


def _has_attr(module, name: str) -> bool:
    try:
        getattr(module, name)
        return True
    except Exception:  # noqa: BLE001
        return False


# --- hasher --------------------------------------------------------------------------

EXTRA_HASH_CASES = {
    "generator": "def g():\n    yield 1\nVALUE = g()",
    "collections_namedtuple": "import collections\nP = collections.namedtuple('P', 'x y')\nVALUE = P(1, 2)",
    "mock": "from unittest import mock\nVALUE = mock.Mock()",
    "magic_mock": "from unittest import mock\nVALUE = mock.MagicMock()",
    "bytes": "VALUE = b'x'",
    "bytearray": "VALUE = bytearray(b'x')",
    "none": "VALUE = None",
    "int": "VALUE = 1",
    "float": "VALUE = 1.5",
    "str": "VALUE = 'x'",
    "bool": "VALUE = True",
    "dict_of_ints": "VALUE = {'a': 1}",
    "rlock": "import threading\nVALUE = threading.RLock()",
    "sqlite_cursor": "import sqlite3\nVALUE = sqlite3.connect(':memory:').cursor()",
    "numpy_scalar": "import numpy as np\nVALUE = np.int64(3)",
    "numpy_ufunc": "import numpy as np\nVALUE = np.add",
    "pandas_timestamp": "import pandas as pd\nVALUE = pd.Timestamp('2024-01-01')",
    "pandas_categorical": "import pandas as pd\nVALUE = pd.Categorical(['a'])",
    "series_subclass": "import pandas as pd\nclass S(pd.Series):\n    pass\nVALUE = S([1])",
    "pyarrow_table": "import pyarrow as pa\nVALUE = pa.table({'a': [1]})",
    "pil_image": "from PIL import Image\nVALUE = Image.new('RGB', (2, 2))",
    "timedelta": "import datetime\nVALUE = datetime.timedelta(1)",
    "time": "import datetime\nVALUE = datetime.time(1)",
    "bytesio": "import io\nVALUE = io.BytesIO(b'x')",
    "partial_builtin": "import functools\nVALUE = functools.partial(max, 1)",
    "mapping_proxy": "import types\nVALUE = types.MappingProxyType({'a': 1})",
    "tempfile": "import tempfile\nVALUE = tempfile.NamedTemporaryFile()",
    "coroutine": "async def c():\n    return 1\nVALUE = c()",
    "memoryview": "VALUE = memoryview(b'x')",
    "slots_dataclass": "from dataclasses import dataclass\n@dataclass(slots=True)\nclass P:\n    x: int\nVALUE = P(1)",
    "pydantic_nested_plain": "from pydantic import BaseModel, ConfigDict\nclass A:\n    pass\n"
                             "class M(BaseModel):\n    model_config = ConfigDict(arbitrary_types_allowed=True)\n"
                             "    a: A\nVALUE = M(a=A())",
    "int_enum": "import enum\nclass N(enum.IntEnum):\n    A = 1\nVALUE = N.A",
    "uploaded_file_like": "import io\nclass U(io.BytesIO):\n    pass\nVALUE = U(b'x')",
}


def hasher_cases() -> dict[str, str]:
    cases: dict[str, str] = {}
    tree = ast.parse(HASHER_CASES_FILE.read_text(encoding="utf-8"))
    for node in tree.body:
        target = node.target if isinstance(node, ast.AnnAssign) else (
            node.targets[0] if isinstance(node, ast.Assign) else None)
        if isinstance(target, ast.Name) and target.id == "CASES":
            for key, value in ast.literal_eval(node.value).items():
                cases[key] = value[0]
    if not cases:
        raise RuntimeError(f"no CASES in {HASHER_CASES_FILE}")
    for key, source in EXTRA_HASH_CASES.items():
        cases.setdefault(key, source)
    return cases


def _load_value(name: str, source: str):
    path = WORK / f"hashcase_{name}.py"
    path.write_text(source + "\n", encoding="utf-8")
    spec = importlib.util.spec_from_file_location(f"hashcase_{name}", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module.VALUE


def probe_hasher(st) -> dict:
    facts: dict[str, object] = {}
    try:
        from streamlit.runtime.caching import hashing
        from streamlit.runtime.caching.cache_type import CacheType
    except ImportError as exc:
        return {"hash.entry_point": f"unmeasured: {exc}"}
    import hashlib

    update_hash = hashing.update_hash
    params = inspect.signature(update_hash).parameters
    facts["hash.entry_point"] = "streamlit.runtime.caching.hashing.update_hash(" + ", ".join(params) + ")"
    unhashable_types = tuple(t for t in (getattr(hashing, "UnhashableTypeError", None),) if t)
    if not unhashable_types:
        from streamlit.runtime.caching import cache_errors

        unhashable_types = tuple(t for t in (getattr(cache_errors, "UnhashableTypeError", None),) if t)

    def outcome(value, **extra) -> str:
        hasher = hashlib.new("md5")
        try:
            update_hash(value, hasher, CacheType.DATA, **extra)
            return "hashable"
        except unhashable_types:
            return "unhashable"
        except Exception as exc:  # noqa: BLE001
            return f"error:{exc_name(exc)}"

    for name, source in sorted(hasher_cases().items()):
        try:
            value = _load_value(name, source)
        except Exception as exc:  # noqa: BLE001
            facts[f"hash.{name}"] = f"unmeasured: value not built ({exc_name(exc)})"
            continue
        facts[f"hash.{name}"] = outcome(value)
        # The data cache hashes arguments the same way; the resource cache too, except
        # where a release tells the two apart.
        try:
            hasher = hashlib.new("md5")
            update_hash(value, hasher, CacheType.RESOURCE)
            resource = "hashable"
        except unhashable_types:
            resource = "unhashable"
        except Exception as exc:  # noqa: BLE001
            resource = f"error:{exc_name(exc)}"
        if resource != facts[f"hash.{name}"]:
            facts[f"hash.{name}"] = f"data:{facts[f'hash.{name}']},resource:{resource}"

    facts.update(probe_hash_funcs(st))
    return facts


def probe_hash_funcs(st) -> dict:
    """hash_funcs through a real cached function (bare mode: no script context needed)."""
    facts: dict[str, object] = {}
    if not _has_attr(st, "cache_data"):
        return facts
    try:
        st.cache_data(hash_funcs={})
    except TypeError:
        facts["hash.hash_funcs"] = "absent"
        return facts
    facts["hash.hash_funcs"] = "accepted"
    module = types.ModuleType("probe_hf")
    exec("class Base:\n    pass\nclass Sub(Base):\n    pass\n", module.__dict__)
    sys.modules["probe_hf"] = module
    calls = []

    def key_fn(_v):
        calls.append(1)
        return 1

    def call(hash_funcs, value) -> str:
        calls.clear()

        def f(x):
            return 1

        f.__qualname__ = f.__name__ = f"hf_{len(CAP.counter)}_{time.monotonic_ns()}"
        try:
            st.cache_data(hash_funcs=hash_funcs)(f)(value)
        except Exception as exc:  # noqa: BLE001
            return f"raises:{exc_name(exc)}"
        return "used" if calls else "not-used"

    facts["hash.hash_funcs.exact_type_object"] = call({module.Sub: key_fn}, module.Sub())
    facts["hash.hash_funcs.exact_type_name"] = call({"probe_hf.Sub": key_fn}, module.Sub())
    facts["hash.hash_funcs.base_class_key"] = call({module.Base: key_fn}, module.Sub())
    facts["hash.hash_funcs.base_class_name"] = call({"probe_hf.Base": key_fn}, module.Sub())
    facts["hash.hash_funcs.bytes_key"] = call({bytes: key_fn}, b"x")
    facts["hash.hash_funcs.bytearray_key"] = call({bytearray: key_fn}, bytearray(b"x"))
    facts["hash.hash_funcs.str_key"] = call({str: key_fn}, "x")
    facts["hash.hash_funcs.int_key"] = call({int: key_fn}, 1)
    return facts


# --- behaviour that needs a script run ---------------------------------------------------


def _shown(run: dict) -> list[str]:
    tokens = []
    for kind, name, is_warning, _text in run["msgs"]:
        if kind == "exception":
            tokens.append(f"{'warning' if is_warning else 'exception'}:{name}")
        elif kind == "alert":
            tokens.append("alert")
        elif kind == "element" and name in ("checkbox", "button_group", "button"):
            tokens.append(f"widget:{name}")
    return tokens


def _widget_outcome(run: dict) -> str:
    if run["harness_error"]:
        return f"unmeasured: harness {run['harness_error']}"
    res = run["results"]
    tokens = []
    call = res.get("call", "missing")
    tokens.append("call=" + call)
    tokens.append("body " + ("ran" if "body_runs" in res else "did not run"))
    shown = _shown(run)
    tokens.append("shown=" + (",".join(sorted(set(shown))) or "nothing"))
    return "; ".join(tokens)


def probe_behaviour(st) -> dict:
    facts: dict[str, object] = {}
    if HARNESS == "none":
        for key in ("widget_in_cache_data", "widget_in_cache_resource", "async_def_cache_data",
                    "async_def_cache_resource", "coroutine_returned_cache_data", "scope_session_isolation",
                    "persist_disk_with_ttl", "validate_cache_resource"):
            facts[f"behaviour.{key}"] = "unmeasured: no script harness in this release"
        return facts

    # Widgets inside a cached function: first run (miss), second run (hit, same process).
    for api_name in ("cache_data", "cache_resource", "experimental_memo", "experimental_singleton"):
        if not _has_attr(st, api_name):
            continue
        for allow in (False, True):
            kw = "experimental_allow_widgets=True" if allow else ""
            counter = f"widget-{api_name}-{allow}"
            script = write_script(f"""
                try:
                    @st.{api_name}({kw})
                    def f(x):
                        CAP.counter[{counter!r}] = CAP.counter.get({counter!r}, 0) + 1
                        R["body_runs"] = CAP.counter[{counter!r}]
                        st.checkbox("inside")
                        st.text("shown inside")
                        return x
                except BaseException as exc:
                    R["call"] = "decoration-raises:" + type(exc).__name__
                else:
                    try:
                        f(1)
                        R["call"] = "ok"
                    except BaseException as exc:
                        R["call"] = "raises:" + type(exc).__name__
                """)
            miss = run_script(script)
            hit = run_script(script)
            key = f"behaviour.widget_in_{api_name}" + (".allow_widgets" if allow else "")
            facts[key] = f"miss[{_widget_outcome(miss)}] hit[{_widget_outcome(hit)}]"

    # async def cached functions, and a plain def that returns a coroutine.
    for api_name in ("cache_data", "cache_resource"):
        for label, body, kw in (
                ("async_def", "async def f(x):\n    return x * 2\n", ""),
                ("coroutine_returned", "async def _c(x):\n    return x * 2\ndef f(x):\n    return _c(x)\n", ""),
                ("async_generator", "async def f(x):\n    yield x * 2\n", ""),
                ("async_def_background", "async def f(x):\n    return x * 2\n", "refresh_mode='background', ttl=60")):
            script = write_script(f"""
                import asyncio, inspect
                async def _await(a):
                    return await a
                steps = []
                try:
                    ns = {{}}
                    exec({body!r}, ns)
                    f = st.{api_name}({kw})(ns["f"])
                    steps.append("decorate=ok")
                except BaseException as exc:
                    steps.append("decorate=raises:" + type(exc).__name__)
                    f = None
                if f is not None:
                    steps.append("wrapper=" + ("coroutine-function" if inspect.iscoroutinefunction(f) else "function"))
                    for attempt in ("first", "second"):
                        try:
                            r = f(1)
                        except BaseException as exc:
                            steps.append(attempt + "=raises:" + type(exc).__name__)
                            continue
                        if inspect.isawaitable(r):
                            try:
                                steps.append(attempt + "=awaitable->" + repr(asyncio.run(_await(r))))
                            except BaseException as exc:
                                steps.append(attempt + "=awaitable->raises:" + type(exc).__name__)
                        else:
                            steps.append(attempt + "=" + type(r).__name__ + ":" + repr(r)[:20])
                R["steps"] = "; ".join(steps)
                """)
            run = run_script(script)
            if run["harness_error"]:
                value = f"unmeasured: harness {run['harness_error']}"
            else:
                value = run["results"].get("steps", "script did not finish")
                shown = [t for t in _shown(run) if t.startswith(("warning", "exception"))]
                if shown:
                    value += "; shown=" + ",".join(sorted(set(shown)))
            facts[f"behaviour.{label}_{api_name}"] = value

    # scope="session": runs as session A, B, then A again; a counter counts the misses.
    for api_name in ("cache_data", "cache_resource"):
        for label, kw in (("scope_global", "scope='global'"), ("scope_session", "scope='session'"),
                          ("scope_session_persist_disk", "scope='session', persist='disk'")):
            if api_name == "cache_resource" and "persist" in kw:
                continue
            counter_key = f"{api_name}-{label}"
            script = write_script(f"""
                try:
                    @st.{api_name}({kw})
                    def f(x):
                        CAP.counter[{counter_key!r}] = CAP.counter.get({counter_key!r}, 0) + 1
                        return CAP.counter[{counter_key!r}]
                    R["value"] = f(1)
                except BaseException as exc:
                    R["value"] = "raises:" + type(exc).__name__
                """)
            values = []
            for session in ("session-A", "session-B", "session-A"):
                run = run_script(script, session_id=session)
                values.append(str(run["results"].get("value", f"harness:{run['harness_error']}")))
            seq = ",".join(values)
            if values == ["1", "2", "1"]:
                verdict = "isolated per session"
            elif values == ["1", "1", "1"]:
                verdict = "shared across sessions"
            elif all(v.startswith("raises:") for v in values) and len(set(values)) == 1:
                verdict = "not supported"
            else:
                verdict = "other"
            facts[f"behaviour.{label}.{api_name}"] = f"{verdict} (A,B,A -> {seq})"

    # persist="disk" with ttl: logged warning? ttl honoured?
    script = write_script("""
        import time
        try:
            @st.cache_data(persist="disk", ttl=1)
            def f(x):
                CAP.counter["disk-ttl"] = CAP.counter.get("disk-ttl", 0) + 1
                return CAP.counter["disk-ttl"]
            first = f(1)
            time.sleep(1.6)
            second = f(1)
            R["value"] = "ttl honoured (recomputed)" if second != first else "ttl ignored (served stale)"
        except BaseException as exc:
            R["value"] = "raises:" + type(exc).__name__
        """)
    run = run_script(script)
    ttl_logs = [text for _n, _l, text in run["logs"] if "ttl" in text.lower()]
    ttl_warns = [text for _c, text in run["warns"] if "ttl" in text.lower()]
    ttl_shown = [text for kind, _n, _w, text in run["msgs"] if kind in ("alert", "exception") and "ttl" in text.lower()]
    how = []
    if ttl_logs:
        how.append("logged")
    if ttl_warns:
        how.append("python-warning")
    if ttl_shown:
        how.append("shown")
    facts["behaviour.persist_disk_with_ttl"] = (
        f"{run['results'].get('value', 'harness:' + str(run['harness_error']))}; "
        f"ttl warning: {'+'.join(how) or 'none'}")

    # validate= on cache_resource: a validator that always says no forces a recompute.
    script = write_script("""
        try:
            @st.cache_resource(validate=lambda v: False)
            def f(x):
                CAP.counter["validate"] = CAP.counter.get("validate", 0) + 1
                return CAP.counter["validate"]
            a = f(1)
            b = f(1)
            R["value"] = "honoured (recomputed)" if a != b else "ignored"
        except BaseException as exc:
            R["value"] = "raises:" + type(exc).__name__
        """)
    run = run_script(script)
    facts["behaviour.validate_false_cache_resource"] = run["results"].get(
        "value", f"unmeasured: harness {run['harness_error']}")
    return facts


# --- main ----------------------------------------------------------------------------------


def dependency_versions() -> dict[str, str]:
    from importlib import metadata

    out = {}
    for name in ("streamlit", "pandas", "numpy", "pyarrow", "altair", "protobuf", "tornado", "pydantic",
                 "pillow", "typing-extensions"):
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def main() -> None:
    os.chdir(WORK)
    logging.getLogger("streamlit").setLevel(logging.WARNING)
    import streamlit as st

    _install_capture()
    harness = _pick_harness()
    storage = _use_disk_storage()
    out = {
        "streamlit": st.__version__,
        "python": platform.python_version(),
        "dependencies": dependency_versions(),
        "harness": harness,
        "storage": storage,
        "timings": {},
    }
    for group, fn in (("api", probe_api), ("options", probe_options), ("hasher", probe_hasher),
                      ("behaviour", probe_behaviour)):
        started = time.monotonic()
        out[group] = fn(st)
        out["timings"][group] = round(time.monotonic() - started, 2)
    sys.stdout.flush()
    print(json.dumps(out, default=str))


if __name__ == "__main__":
    main()
