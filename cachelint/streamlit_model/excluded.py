"""Which values an excluded (``_``-prefixed) parameter may carry without trouble.

Streamlit leaves every parameter whose name starts with ``_`` out of the cache key
(``cache_utils._make_value_key``). The documented idiom is to exclude *resources*
(a database connection, an API client, a session, an ML model, a lock); excluding
*data* the result depends on makes calls with different data share one entry.

Kept as data so rules never hard-code it: classes that are data, classes that are
resources, and the words that name a resource when an app class is involved.
"""

from __future__ import annotations

import re

# Canonical class names whose instances are data: the result of a function that
# reads them depends on their value.
DATA_TYPES: frozenset[str] = frozenset({
    "builtins.str", "builtins.int", "builtins.float", "builtins.bool", "builtins.complex",
    "builtins.bytes", "builtins.bytearray",
    "builtins.list", "builtins.tuple", "builtins.dict", "builtins.set", "builtins.frozenset",
    "collections.OrderedDict", "collections.defaultdict", "collections.Counter", "collections.deque",
    "types.SimpleNamespace",
    "datetime.datetime", "datetime.date", "datetime.time", "datetime.timedelta",
    "decimal.Decimal", "fractions.Fraction", "uuid.UUID", "pathlib.Path",
    "pandas.DataFrame", "pandas.Series", "pandas.Index", "pandas.Categorical",
    "numpy.ndarray", "numpy.int64", "numpy.float64",
    "polars.dataframe.frame.DataFrame", "polars.series.series.Series", "pyarrow.Table",
    "PIL.Image.Image", "io.StringIO", "io.BytesIO",
    "streamlit.runtime.uploaded_file_manager.UploadedFile",
})

# Values that say nothing either way (``Optional[...]`` defaults).
NEUTRAL_TYPES: frozenset[str] = frozenset({"builtins.NoneType"})

# Canonical class names (or prefixes ending in ".") of resources: excluding them is the idiom.
RESOURCE_TYPES: frozenset[str] = frozenset({
    "sqlite3.Connection", "sqlite3.Cursor", "_thread.lock", "_thread.RLock", "threading.",
    "queue.", "concurrent.futures.", "socket.socket", "requests.Session", "logging.Logger",
    "sqlalchemy.", "psycopg2.", "psycopg.", "pymongo.", "redis.", "httpx.", "aiohttp.", "boto3.",
    "botocore.", "openai.", "anthropic.", "google.", "snowflake.", "duckdb.DuckDBPyConnection",
    "torch.", "tensorflow.", "keras.", "sklearn.", "transformers.", "xgboost.", "lightgbm.",
    "streamlit.delta_generator.DeltaGenerator", "streamlit.connections.", "io.TextIOWrapper",
    "io.BufferedReader", "io.BufferedWriter", "builtins.generator", "builtins.coroutine",
})

# Last CamelCase word of an app class (or a parameter name word) that names a resource.
RESOURCE_WORDS: frozenset[str] = frozenset({
    "client", "connection", "conn", "connector", "session", "engine", "cursor", "pool", "driver",
    "db", "database", "model", "llm", "pipeline", "tokenizer", "predictor", "estimator", "classifier",
    "lock", "thread", "executor", "logger", "service", "api", "gateway", "repository", "repo", "store",
    "manager", "handler", "loader", "fetcher", "provider", "backend", "socket", "producer", "consumer",
    "container", "placeholder", "progress", "spinner", "callback",
})

# Last word of a parameter name that says it holds data, or a credential that decides
# what is fetched, when inference cannot tell its type.
DATA_WORDS: frozenset[str] = frozenset({
    "df", "dataframe", "data", "frame", "rows", "records", "table", "csv", "json", "text", "series",
    "array", "items", "values", "dict", "list",
})
CREDENTIAL_WORDS: frozenset[str] = frozenset({
    "username", "user", "password", "passwd", "pwd", "token", "secret", "credentials", "creds", "email",
    "login", "uid", "userid",
})

# Of those, the ones that say who the user is: hashed beside an excluded password or token,
# they tell users apart in the key (``get_events(username, _password)``).
IDENTITY_WORDS: frozenset[str] = frozenset({"username", "user", "email", "login", "uid", "userid", "account"})
SECRET_WORDS: frozenset[str] = CREDENTIAL_WORDS - IDENTITY_WORDS

_WORD = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+")


def words(name: str) -> list[str]:
    """``HttpClient`` -> ["http", "client"]; ``_db_conn`` -> ["db", "conn"]."""
    return [w.lower() for part in name.split("_") for w in _WORD.findall(part)]


def _ends_with_one_of(name: str, vocabulary) -> bool:
    found = words(name)
    return bool(found) and found[-1] in vocabulary


def names_resource(name: str) -> bool:
    """The last word of a name names a resource (``HttpClient``, ``db_conn``)."""
    return _ends_with_one_of(name, RESOURCE_WORDS)


def names_data(name: str) -> bool:
    return _ends_with_one_of(name, DATA_WORDS)


def names_credential(name: str) -> bool:
    return _ends_with_one_of(name, CREDENTIAL_WORDS) or words(name)[-2:] == ["api", "key"]


def is_data_type(qualname: str) -> bool:
    return qualname in DATA_TYPES


def is_resource_type(qualname: str) -> bool:
    return any(qualname == r or (r.endswith(".") and qualname.startswith(r)) for r in RESOURCE_TYPES)


# Calls whose result changes from rerun to rerun even with constant arguments:
# widgets and per-session state, clocks and random sources.
VARYING_CALL_PREFIXES: tuple[str, ...] = (
    "streamlit.", "random.", "secrets.", "uuid.uuid1", "uuid.uuid4", "time.time", "time.monotonic",
    "time.perf_counter", "datetime.datetime.now", "datetime.datetime.utcnow", "datetime.datetime.today",
    "datetime.date.today", "os.urandom", "numpy.random.", "builtins.input", "builtins.next",
)
# ... except the caching API and the app's secrets, which stay the same.
STABLE_STREAMLIT: tuple[str, ...] = ("streamlit.cache_data", "streamlit.cache_resource", "streamlit.secrets")


def names_secret(name: str) -> bool:
    """A password, token or secret (not who the user is)."""
    return _ends_with_one_of(name, SECRET_WORDS)


def names_identity(name: str) -> bool:
    """A user name, e-mail or id."""
    return _ends_with_one_of(name, IDENTITY_WORDS)
