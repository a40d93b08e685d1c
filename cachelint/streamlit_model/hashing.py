"""Streamlit's argument hasher as data, one table per release.

Each table lists the checks of ``_CacheFuncHasher._to_bytes`` in the order Streamlit
makes them (``streamlit/runtime/caching/hashing.py``); the first check that matches
decides. ``cachelint.analysis.hashability`` walks a table; rules never hard-code it.

``STREAMLIT_1_67`` is read from the code of the latest release. The table of an older
release is this one with the steps the probe measured differently gated
(``cachelint.streamlit_model.from_facts``: ``uuid.UUID`` unhashable before 1.22,
pydantic models before 1.49, ``bytearray`` a TypeError before 1.59, no ``hash_funcs``
before 1.24); ``tests/test_release_data.py`` checks every table against the measured
outcome of every value kind on every release.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Outcomes of a step.
HASHABLE = "hashable"
UNHASHABLE = "unhashable"
ITEMS = "items"  # hashable when every item is (list, tuple, dict, set ...)
FIELDS = "fields"  # dataclasses: hashed through dataclasses.asdict, field by field
PARTIAL = "partial"  # functools.partial: its function and its bound arguments
REDUCE = "reduce"  # the last resort: hash what obj.__reduce__() returns
HASH_FUNCS = "hash_funcs"  # the user's hash_funcs, matched on the exact type's name
MODEL_JSON = "model_json"  # pydantic models: hashed through model_dump_json(), every field must serialize


@dataclass(frozen=True)
class Step:
    what: str  # a short label, for messages and docs
    test: str  # "exact" (type's qualified name), "isinstance", or a kind test below
    names: frozenset[str] = frozenset()
    outcome: str = HASHABLE


def exact(what: str, *names: str, outcome: str = HASHABLE) -> Step:
    return Step(what, "exact", frozenset(names), outcome)


def isinstance_of(what: str, *names: str, outcome: str = HASHABLE) -> Step:
    return Step(what, "isinstance", frozenset(names), outcome)


def kind(what: str, test: str, outcome: str = HASHABLE) -> Step:
    return Step(what, test, frozenset(), outcome)


@dataclass(frozen=True)
class HasherModel:
    streamlit: str
    steps: tuple[Step, ...]
    # What ``obj.__reduce__()`` yields, for classes that reach the last resort: a
    # hashable tuple (class, args...), the items of a collection, or something with a
    # function in it (``copyreg._reconstructor`` for plain classes), which fails.
    reduce_results: dict[str, str] = field(default_factory=dict)
    # Values hashed by identity before any other check.
    hashed_by_id: frozenset[str] = frozenset()


STREAMLIT_1_67 = HasherModel(
    streamlit="1.67",
    steps=(
        exact("a mock, hashed by id", "unittest.mock.Mock", "unittest.mock.MagicMock"),
        isinstance_of("bytes", "builtins.bytes"),
        isinstance_of("bytearray", "builtins.bytearray"),
        kind("a hash_funcs entry for the exact type", "hash_funcs", HASH_FUNCS),
        isinstance_of("str", "builtins.str"),
        isinstance_of("float", "builtins.float"),
        isinstance_of("int", "builtins.int"),
        isinstance_of("uuid.UUID", "uuid.UUID"),
        isinstance_of("datetime", "datetime.datetime"),
        isinstance_of("list or tuple", "builtins.list", "builtins.tuple", outcome=ITEMS),
        isinstance_of("dict", "builtins.dict", outcome=ITEMS),
        exact("None", "builtins.NoneType"),
        kind("a dataclass instance", "dataclass", FIELDS),
        isinstance_of("an Enum member", "enum.Enum"),
        exact("a pandas Series", "pandas.Series", "pandas.core.series.Series"),
        exact("a pandas DataFrame", "pandas.DataFrame", "pandas.core.frame.DataFrame"),
        exact("a polars Series", "polars.series.series.Series"),
        exact("a polars DataFrame", "polars.dataframe.frame.DataFrame"),
        exact("a numpy array", "numpy.ndarray"),
        exact("a PIL image", "PIL.Image.Image"),
        kind("a builtin function", "builtin_function"),
        isinstance_of("a mapping proxy or items view", "types.MappingProxyType", "collections.abc.ItemsView",
                      outcome=ITEMS),
        exact("a getset descriptor", "builtins.getset_descriptor"),
        isinstance_of("an uploaded file", "streamlit.runtime.uploaded_file_manager.UploadedFile"),
        isinstance_of("a named file", "io.IOBase", "tempfile._TemporaryFileWrapper"),
        isinstance_of("a compiled regex", "re.Pattern"),
        isinstance_of("an in-memory file", "io.StringIO", "io.BytesIO"),
        exact("a numpy ufunc", "numpy.ufunc"),
        kind("a module", "module"),
        kind("a class", "class_object"),
        isinstance_of("functools.partial", "functools.partial", outcome=PARTIAL),
        isinstance_of("a pydantic model", "pydantic.BaseModel", "pydantic.v1.BaseModel", outcome=MODEL_JSON),
        kind("what __reduce__() returns", "reduce", REDUCE),
    ),
    reduce_results={
        "builtins.object": UNHASHABLE,  # copyreg._reconstructor is a Python function
        "builtins.function": UNHASHABLE,
        "builtins.BaseException": HASHABLE,
        "builtins.set": ITEMS,
        "builtins.frozenset": ITEMS,
        "collections.deque": ITEMS,
        "types.SimpleNamespace": ITEMS,
        "builtins.range": HASHABLE,
        "builtins.slice": HASHABLE,
        "decimal.Decimal": HASHABLE,
        "fractions.Fraction": HASHABLE,
        "pathlib.Path": HASHABLE,
        "pathlib.PurePath": HASHABLE,
        "pathlib.PosixPath": HASHABLE,
        "pathlib.WindowsPath": HASHABLE,
        "datetime.date": HASHABLE,
        "datetime.time": HASHABLE,
        "datetime.timedelta": HASHABLE,
        "datetime.timezone": HASHABLE,
        "zoneinfo.ZoneInfo": HASHABLE,
        "random.Random": HASHABLE,
        "pandas.Timestamp": HASHABLE,
        "pandas.Timedelta": HASHABLE,
        "pandas.Period": HASHABLE,
        "numpy.generic": HASHABLE,
        "numpy.int64": HASHABLE,
        "numpy.float64": HASHABLE,
        "builtins.complex": UNHASHABLE,
        "builtins.memoryview": UNHASHABLE,
        "builtins.property": UNHASHABLE,
        "builtins.staticmethod": UNHASHABLE,
        "builtins.generator": UNHASHABLE,
        "builtins.coroutine": UNHASHABLE,
        "_thread.lock": UNHASHABLE,
        "_thread.RLock": UNHASHABLE,
        "threading.Lock": UNHASHABLE,
        "threading.RLock": UNHASHABLE,
        "sqlite3.Connection": UNHASHABLE,
        "sqlite3.Cursor": UNHASHABLE,
        "requests.Session": UNHASHABLE,
        "logging.Logger": UNHASHABLE,
        "argparse.Namespace": UNHASHABLE,
        "numpy.random.Generator": UNHASHABLE,
        "pandas.Index": UNHASHABLE,
        "pandas.Categorical": UNHASHABLE,
        "pyarrow.Table": UNHASHABLE,
        # Reached only by subclasses: the exact types matched earlier by name.
        "pandas.DataFrame": UNHASHABLE,
        "pandas.Series": UNHASHABLE,
    },
)

LATEST = STREAMLIT_1_67

