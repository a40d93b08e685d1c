"""Facts about installed libraries that apps hand to cached functions.

Kept by qualified name so the analysis never imports or parses the libraries: what a
call returns, which classes a well-known class derives from, and which spellings name
the same class.
"""

from __future__ import annotations

# The name Streamlit sees (``type(obj).__module__ + "." + __qualname__``) for classes
# that apps usually reach through a shorter public path.
CANONICAL_NAMES: dict[str, str] = {
    "pandas.core.frame.DataFrame": "pandas.DataFrame",
    "pandas.core.series.Series": "pandas.Series",
    "pandas.core.indexes.base.Index": "pandas.Index",
    "polars.DataFrame": "polars.dataframe.frame.DataFrame",
    "polars.Series": "polars.series.series.Series",
    "PIL.Image": "PIL.Image.Image",
    "typing.NamedTuple": "builtins.tuple",
    "typing.TypedDict": "builtins.dict",
    "typing_extensions.TypedDict": "builtins.dict",
    "typing.List": "builtins.list",
    "typing.Dict": "builtins.dict",
    "typing.Tuple": "builtins.tuple",
    "typing.Set": "builtins.set",
    "typing.FrozenSet": "builtins.frozenset",
    "typing.Pattern": "re.Pattern",
    "collections.abc.Sequence": "builtins.list",
    "collections.abc.MutableSequence": "builtins.list",
    "collections.abc.Mapping": "builtins.dict",
    "collections.abc.MutableMapping": "builtins.dict",
    "typing.Sequence": "builtins.list",
    "typing.Mapping": "builtins.dict",
    "typing.MutableMapping": "builtins.dict",
    "pydantic.main.BaseModel": "pydantic.BaseModel",
    "sqlite3.dbapi2.Connection": "sqlite3.Connection",
    "sqlite3.dbapi2.Cursor": "sqlite3.Cursor",
    "sqlalchemy.Engine": "sqlalchemy.engine.base.Engine",
    "sqlalchemy.engine.Engine": "sqlalchemy.engine.base.Engine",
    "sqlalchemy.Connection": "sqlalchemy.engine.base.Connection",
    "sqlalchemy.engine.Connection": "sqlalchemy.engine.base.Connection",
    "sqlalchemy.orm.Session": "sqlalchemy.orm.session.Session",
    "sqlalchemy.orm.sessionmaker": "sqlalchemy.orm.session.sessionmaker",
    "concurrent.futures.ThreadPoolExecutor": "concurrent.futures.thread.ThreadPoolExecutor",
    "concurrent.futures.ProcessPoolExecutor": "concurrent.futures.process.ProcessPoolExecutor",
    "concurrent.futures.Future": "concurrent.futures._base.Future",
    "queue.SimpleQueue": "_queue.SimpleQueue",
}

# Bases of library classes, as far as Streamlit's isinstance checks care.
LIBRARY_BASES: dict[str, tuple[str, ...]] = {
    "builtins.bool": ("builtins.int",),
    "collections.OrderedDict": ("builtins.dict",),
    "collections.defaultdict": ("builtins.dict",),
    "collections.Counter": ("builtins.dict",),
    "enum.IntEnum": ("builtins.int", "enum.Enum"),
    "enum.StrEnum": ("builtins.str", "enum.Enum"),
    "enum.IntFlag": ("builtins.int", "enum.Enum"),
    "enum.Flag": ("enum.Enum",),
    "io.TextIOWrapper": ("io.IOBase",),
    "io.BufferedReader": ("io.IOBase",),
    "io.BufferedWriter": ("io.IOBase",),
    "io.FileIO": ("io.IOBase",),
    "io.StringIO": ("io.IOBase",),
    "io.BytesIO": ("io.IOBase",),
    "datetime.datetime": ("datetime.date",),
    "builtins.Exception": ("builtins.BaseException",),
}

# What calling a library function returns (instances of these classes).
CALL_RESULTS: dict[str, str] = {
    "builtins.open": "io.TextIOWrapper",
    "builtins.sorted": "builtins.list",
    "builtins.id": "builtins.int",
    "builtins.hash": "builtins.int",
    "builtins.len": "builtins.int",
    "builtins.repr": "builtins.str",
    "builtins.object": "builtins.object",
    "pandas.read_csv": "pandas.DataFrame",
    "pandas.read_excel": "pandas.DataFrame",
    "pandas.read_parquet": "pandas.DataFrame",
    "pandas.read_json": "pandas.DataFrame",
    "pandas.read_sql": "pandas.DataFrame",
    "pandas.read_sql_query": "pandas.DataFrame",
    "pandas.concat": "pandas.DataFrame",
    "pandas.Index": "pandas.Index",
    "pandas.Categorical": "pandas.Categorical",
    "numpy.array": "numpy.ndarray",
    "numpy.asarray": "numpy.ndarray",
    "numpy.zeros": "numpy.ndarray",
    "numpy.ones": "numpy.ndarray",
    "numpy.arange": "numpy.ndarray",
    "numpy.linspace": "numpy.ndarray",
    "numpy.random.default_rng": "numpy.random.Generator",
    "pyarrow.table": "pyarrow.Table",
    "sqlite3.connect": "sqlite3.Connection",
    "threading.Lock": "_thread.lock",
    "threading.RLock": "_thread.RLock",
    "logging.getLogger": "logging.Logger",
    "re.compile": "re.Pattern",
    "uuid.uuid4": "uuid.UUID",
    "uuid.UUID": "uuid.UUID",  # all capitals: not taken for a class by its spelling
    "uuid.uuid1": "uuid.UUID",
    "datetime.datetime.now": "datetime.datetime",
    "datetime.datetime.utcnow": "datetime.datetime",
    "datetime.datetime.today": "datetime.datetime",
    "datetime.date.today": "datetime.date",
    "pathlib.Path": "pathlib.Path",
    "decimal.Decimal": "decimal.Decimal",
    "fractions.Fraction": "fractions.Fraction",
    "functools.partial": "functools.partial",
    "types.SimpleNamespace": "types.SimpleNamespace",
    "argparse.Namespace": "argparse.Namespace",
    "requests.Session": "requests.Session",
    "requests.session": "requests.Session",
    "collections.deque": "collections.deque",
    "collections.defaultdict": "collections.defaultdict",
    "threading.local": "_thread._local",
    "socket.socket": "socket.socket",
    "socket.create_connection": "socket.socket",
    "tempfile.TemporaryFile": "io.BufferedRandom",
    "tempfile.NamedTemporaryFile": "tempfile._TemporaryFileWrapper",
    "sqlalchemy.create_engine": "sqlalchemy.engine.base.Engine",
    "sqlalchemy.orm.session.sessionmaker": "sqlalchemy.orm.session.sessionmaker",
    "asyncio.gather": "asyncio.Future",
    "asyncio.ensure_future": "asyncio.Future",
    "asyncio.shield": "asyncio.Future",
    "asyncio.create_task": "asyncio.Task",
    "asyncio.sleep": "builtins.coroutine",
    "asyncio.wait": "builtins.coroutine",
    "asyncio.wait_for": "builtins.coroutine",
    "asyncio.to_thread": "builtins.coroutine",
}

# Library callables that build classes rather than instances.
CLASS_FACTORIES: dict[str, str] = {
    "collections.namedtuple": "builtins.tuple",
    "typing.NamedTuple": "builtins.tuple",
}


# Class decorators that leave instances as Streamlit's hasher sees the undecorated class
# (dataclasses are recognised by the hasher itself; attrs classes stay plain classes).
PLAIN_CLASS_DECORATORS = frozenset({
    "dataclasses.dataclass", "pydantic.dataclasses.dataclass", "functools.total_ordering",
    "typing.final", "typing_extensions.final", "typing.runtime_checkable", "enum.unique",
    "attr.s", "attr.attrs", "attr.define", "attr.frozen", "attr.mutable", "attrs.define",
    "attrs.frozen", "attrs.mutable", "dataclasses_json.dataclass_json",
})


def canonical(qualname: str) -> str:
    return CANONICAL_NAMES.get(qualname, qualname)


def bases_of(qualname: str) -> tuple[str, ...]:
    if qualname in LIBRARY_BASES:
        return LIBRARY_BASES[qualname]
    module, _, name = qualname.rpartition(".")
    if module == "builtins" and name.endswith(("Error", "Exception", "Warning")) and name != "BaseException":
        return ("builtins.Exception",)
    return ()


def looks_like_class(qualname: str) -> bool:
    """Is a library name a class? CapWords by convention, or a known lowercase class."""
    name = canonical(qualname)
    last = name.rpartition(".")[2]
    if last[:1].isupper():
        return True
    return name in LIBRARY_BASES or name in set(CALL_RESULTS.values()) or name in CANONICAL_NAMES.values()
