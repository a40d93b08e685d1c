"""The options ``st.cache_data`` / ``st.cache_resource`` accept, one table per release.

Read from Streamlit 1.67: the keyword-only parameters of ``CacheDataAPI.__call__``
(``runtime/caching/cache_data_api.py``) and ``CacheResourceAPI.__call__``
(``runtime/caching/cache_resource_api.py``), and the checks their ``_decorator`` and
the caches run. tests/test_cache_options_model.py checks the tables against the
installed Streamlit (signatures, accepted values, the byte-size parser).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field


@dataclass(frozen=True)
class CacheApiModel:
    streamlit: str  # "1.67"
    # Keyword options each decorator accepts (anything else: TypeError at decoration).
    options: dict[str, frozenset[str]]
    # ``persist`` values cache_data accepts (True means "disk", False means None).
    persist_values: tuple = (None, False, True, "disk")
    scopes: tuple[str, ...] = ("global", "session")
    refresh_modes: tuple[str, ...] = ("foreground", "background")
    # Options that go through ``time_to_seconds`` (pandas.Timedelta for strings).
    duration_options: frozenset[str] = frozenset({"ttl"})
    # ``max_size`` strings: Streamlit's ``byte_util._BYTE_SIZE_RE`` (fullmatch, any case).
    byte_size_pattern: re.Pattern[str] = field(default=re.compile(
        r"(?P<value>(?:\d+(?:\.\d*)?|\.\d+)) ?(?P<unit>b|(?:k|ki)b|(?:m|mi)b|(?:g|gi)b|(?:t|ti)b)",
        re.ASCII | re.IGNORECASE))
    byte_size_max_digits: int = 100


STREAMLIT_1_67 = CacheApiModel(
    streamlit="1.67",
    options={
        "data": frozenset({"ttl", "max_entries", "max_size", "show_spinner", "show_time", "persist",
                           "hash_funcs", "scope", "refresh_mode"}),
        "resource": frozenset({"ttl", "max_entries", "show_spinner", "show_time", "validate", "hash_funcs",
                               "on_release", "scope", "refresh_mode"}),
    },
)

MODELS = {model.streamlit: model for model in (STREAMLIT_1_67,)}
LATEST = STREAMLIT_1_67


def api_for(version: str | None) -> CacheApiModel:
    """The table for a Streamlit version ("1.67", "1.67.0"); the latest for unknown ones."""
    if version:
        major_minor = ".".join(version.split(".")[:2])
        if major_minor in MODELS:
            return MODELS[major_minor]
    return LATEST


# Keywords of the removed caching APIs that no current decorator accepts, and what
# each meant. Dropping them is the fix whose intent is certain.
REMOVED_KEYWORDS: dict[str, str] = {
    "allow_output_mutation": "st.cache: return the cached object itself (what st.cache_resource does)",
    "suppress_st_warning": "st.cache: silence the warning about Streamlit calls in a cached function",
    "experimental_allow_widgets": "let widgets run inside a cached function (no longer supported)",
}


@dataclass(frozen=True)
class RemovedApi:
    """A caching API current Streamlit no longer has."""

    name: str  # attribute of the streamlit module: "cache"
    target: str | None  # "data", "resource", or None: decided by the call (st.cache)
    # Keyword options of the removed API (its last signature).
    options: frozenset[str]

    @property
    def qualname(self) -> str:
        return f"streamlit.{self.name}"


# ``st.cache`` (Streamlit 1.x): persist, allow_output_mutation, show_spinner,
# suppress_st_warning, hash_funcs, max_entries, ttl. ``st.experimental_memo`` /
# ``st.experimental_singleton`` became ``st.cache_data`` / ``st.cache_resource`` (1.18)
# and were removed later; Streamlit 1.67 raises AttributeError for all three
# (``streamlit/__init__.py`` ``__getattr__``).
REMOVED_APIS: dict[str, RemovedApi] = {
    api.qualname: api
    for api in (
        RemovedApi("cache", None, frozenset({"persist", "allow_output_mutation", "show_spinner",
                                             "suppress_st_warning", "hash_funcs", "max_entries", "ttl"})),
        RemovedApi("experimental_memo", "data", frozenset({"persist", "show_spinner", "suppress_st_warning",
                                                           "max_entries", "ttl", "experimental_allow_widgets"})),
        RemovedApi("experimental_singleton", "resource", frozenset({"show_spinner", "suppress_st_warning",
                                                                    "experimental_allow_widgets"})),
    )
}

# The attribute of the streamlit module that replaces each target.
NEW_NAMES = {"data": "cache_data", "resource": "cache_resource"}
