"""Library calls whose result differs on every call, as ``hash_funcs`` values meet them.

A hash function built on one of these gives a new cache key on every call, so the
cache never hits. Coarse clocks that callers use on purpose to expire a cache
(``datetime.date.today()``, ``int(time.time() // 3600)``) are not listed: a key
that changes once a day or an hour is a deliberate time-to-live.
"""

from __future__ import annotations

# Qualified name of a callable -> how the message names it.
VOLATILE_CALLS: dict[str, str] = {
    "time.time": "time.time()",
    "time.time_ns": "time.time_ns()",
    "time.monotonic": "time.monotonic()",
    "time.monotonic_ns": "time.monotonic_ns()",
    "time.perf_counter": "time.perf_counter()",
    "time.perf_counter_ns": "time.perf_counter_ns()",
    "datetime.datetime.now": "datetime.now()",
    "datetime.datetime.utcnow": "datetime.utcnow()",
    "datetime.datetime.today": "datetime.today()",
    "pandas.Timestamp.now": "pd.Timestamp.now()",
    "pandas.Timestamp.utcnow": "pd.Timestamp.utcnow()",
    "pandas.Timestamp.today": "pd.Timestamp.today()",
    "uuid.uuid1": "uuid.uuid1()",
    "uuid.uuid4": "uuid.uuid4()",
    "os.urandom": "os.urandom()",
    "os.getrandom": "os.getrandom()",
}

# Modules whose every function draws random numbers, except the listed ones.
VOLATILE_MODULES: dict[str, frozenset[str]] = {
    "random": frozenset({"seed", "getstate", "setstate", "shuffle", "Random", "SystemRandom"}),
    "secrets": frozenset({"compare_digest", "SystemRandom"}),
    "numpy.random": frozenset({"seed", "default_rng", "get_state", "set_state", "shuffle", "Generator",
                               "RandomState", "SeedSequence", "PCG64", "MT19937", "Philox", "SFC64",
                               "BitGenerator"}),
}

# Attributes and methods of a volatile value that are just as volatile
# (``uuid.uuid4().hex``, ``datetime.now().isoformat()``); others (``.date()``,
# ``.year``) are coarse and may be meant as an expiry.
VOLATILE_PROJECTIONS = frozenset({"hex", "int", "bytes", "urn", "fields", "isoformat", "timestamp",
                                  "ctime", "microsecond", "nanosecond", "value", "__str__", "__repr__"})

# Builtins that keep the volatility of their argument (``str(uuid.uuid4())``).
PRESERVING_BUILTINS = frozenset({"builtins.str", "builtins.repr", "builtins.hash", "builtins.format",
                                 "builtins.tuple", "builtins.list", "builtins.float", "builtins.bytes"})


def volatile_call(qualname: str) -> str | None:
    """How to name the call of ``qualname`` if each call returns something new."""
    if qualname in VOLATILE_CALLS:
        return VOLATILE_CALLS[qualname]
    module, _, name = qualname.rpartition(".")
    exempt = VOLATILE_MODULES.get(module)
    if exempt is not None and name and not name.startswith("_") and name not in exempt:
        return f"{qualname}()"
    return None
