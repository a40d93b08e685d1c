"""What ``st.cache_data`` cannot store, and what Streamlit refuses as a cached result.

``st.cache_data`` pickles every return value (``cache_data_api._pickle_result``,
``pickle.dumps``). Pickle fails on objects that hold OS or thread state; it stores
module-level functions and classes by reference (so those are fine, even from the
entry script, which Streamlit runs as ``__main__``), but not lambdas or anything
defined inside a function. Streamlit 1.67 turns ``PicklingError``/``TypeError``
into ``UnserializableReturnValueError``; Python 3.11-3.13 raise ``AttributeError``
("Can't pickle local object") for local functions and classes, which Streamlit
lets through as is.

Every entry is checked against real ``pickle`` by tests/test_pickling_model.py.
Names are canonical (``library.canonical``), as the analysis sees them.
"""

from __future__ import annotations

# Instances of these classes cannot be pickled: qualified name -> what it is, for messages.
UNPICKLABLE: dict[str, str] = {
    # threads and synchronisation: they hold a _thread.lock
    "_thread.lock": "a lock",
    "_thread.RLock": "a lock",
    "threading.Lock": "a lock",
    "threading.RLock": "a lock",
    "threading.Condition": "a threading.Condition",
    "threading.Semaphore": "a semaphore",
    "threading.BoundedSemaphore": "a semaphore",
    "threading.Event": "a threading.Event",
    "threading.Barrier": "a threading.Barrier",
    "threading.Thread": "a thread",
    "threading.Timer": "a thread",
    "_thread._local": "a threading.local",
    "threading.local": "a threading.local",
    "queue.Queue": "a queue",
    "queue.LifoQueue": "a queue",
    "queue.PriorityQueue": "a queue",
    "_queue.SimpleQueue": "a queue",
    "concurrent.futures.thread.ThreadPoolExecutor": "an executor",
    "concurrent.futures.process.ProcessPoolExecutor": "an executor",
    "concurrent.futures._base.Future": "a future",
    # databases
    "sqlite3.Connection": "a database connection",
    "sqlite3.Cursor": "a database cursor",
    "sqlalchemy.engine.base.Engine": "a SQLAlchemy engine",
    "sqlalchemy.engine.base.Connection": "a SQLAlchemy connection",
    "sqlalchemy.orm.session.Session": "a SQLAlchemy session",
    "sqlalchemy.orm.session.sessionmaker": "a SQLAlchemy sessionmaker",
    # files and sockets
    "io.TextIOWrapper": "an open file",
    "io.BufferedReader": "an open file",
    "io.BufferedWriter": "an open file",
    "io.BufferedRandom": "an open file",
    "io.FileIO": "an open file",
    "tempfile._TemporaryFileWrapper": "an open file",
    "socket.socket": "a socket",
    # one-shot objects
    "builtins.generator": "a generator",
    "builtins.coroutine": "a coroutine",
    "builtins.memoryview": "a memoryview",
}

# What the app shows. Streamlit turns PicklingError/TypeError into
# UnserializableReturnValueError (UnevaluatedDataFrameError for DB-API cursors and
# lazy frames); other errors from pickle pass through as they are.
DEFAULT_ERROR = "UnserializableReturnValueError"
ERRORS: dict[str, str] = {
    # create_engine() keeps a local function: "Can't pickle local object" (AttributeError before Python 3.14)
    "sqlalchemy.engine.base.Engine": "AttributeError: Can't pickle local object",
    "sqlalchemy.engine.base.Connection": "AttributeError: Can't pickle local object",
    "sqlalchemy.orm.session.sessionmaker": "AttributeError: Can't pickle local object",  # bound to an engine
    # A DB-API cursor that fails to pickle is reported as an "unevaluated data object"
    # (dataframe_util.is_unevaluated_data_object).
    "sqlite3.Cursor": "UnevaluatedDataFrameError",
}

# Bases that pickle an app subclass through its __dict__ like a plain class.
PLAIN_BASES: frozenset[str] = frozenset({"builtins.object", "builtins.Exception", "builtins.BaseException",
                                         "builtins.dict", "builtins.list", "builtins.tuple", "typing.Generic",
                                         "typing.NamedTuple", "abc.ABC"})

# Look-alikes that DO pickle (checked too): never report them.
PICKLABLE_LOOKALIKES: frozenset[str] = frozenset({
    "requests.Session",  # defines __getstate__/__setstate__
    "logging.Logger",  # pickled by name
    "io.StringIO",
    "io.BytesIO",
    "re.Pattern",
})

# Method names that make a class take charge of its own pickling: the analysis
# cannot tell what they keep, so such classes are never reported.
CUSTOM_PICKLING: frozenset[str] = frozenset({"__reduce__", "__reduce_ex__", "__getstate__", "__getnewargs__",
                                             "__getnewargs_ex__"})

# What the cache that does not pickle is called, for the fix in messages.
RESOURCE_CACHE = "st.cache_resource"
