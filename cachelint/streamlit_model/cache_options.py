"""The options ``st.cache_data`` / ``st.cache_resource`` accept, per release, and the
legacy caching APIs (``st.cache``, ``st.experimental_memo``, ``st.experimental_singleton``).

The tables are built from the measured release data (``releases/``) by
``cachelint.streamlit_model.from_facts``: the keyword options of each decorator's
signature, the values it accepts and what it raises for the others, whether ``ttl``
strings are read. What the probe does not measure is read from Streamlit 1.67's code
and kept as defaults here (the ``max_size`` byte-size parser).
tests/test_cache_options_model.py checks the latest table against the installed
Streamlit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from cachelint.streamlit_model import releases

# Kinds of cache: the decorator each kind is.
DATA, RESOURCE = "data", "resource"


@dataclass(frozen=True)
class CacheApiModel:
    streamlit: str  # "1.67"
    # Keyword options each decorator accepts (anything else: TypeError at decoration).
    options: dict[str, frozenset[str]]
    # ``persist`` values cache_data accepts (True means "disk", False means None).
    persist_values: tuple = (None, False, True, "disk")
    scopes: tuple[str, ...] = ("global", "session")  # () where there is no ``scope``
    refresh_modes: tuple[str, ...] = ("foreground", "background")  # () where there is no ``refresh_mode``
    # Options that go through ``time_to_seconds`` (pandas.Timedelta for strings).
    duration_options: frozenset[str] = frozenset({"ttl"})
    ttl_strings: bool = True  # False: a str ttl raises TypeError on the first call
    # What a bad value raises: "persist", "scope", "refresh_mode", "ttl" (an unreadable
    # string), "background_no_ttl", "background_persist", "max_size".
    errors: dict[str, str] = field(default_factory=lambda: dict(LATEST_ERRORS))
    # When an unreadable ttl string raises, per kind: "decoration" or "call".
    ttl_error_stage: dict[str, str] = field(default_factory=lambda: {DATA: "decoration", RESOURCE: "decoration"})
    # ``max_size`` strings: Streamlit's ``byte_util._BYTE_SIZE_RE`` (fullmatch, any case).
    byte_size_pattern: re.Pattern[str] = field(default=re.compile(
        r"(?P<value>(?:\d+(?:\.\d*)?|\.\d+)) ?(?P<unit>b|(?:k|ki)b|(?:m|mi)b|(?:g|gi)b|(?:t|ti)b)",
        re.ASCII | re.IGNORECASE))
    byte_size_max_digits: int = 100
    # (kind, option) -> (first release that accepts it, first release that rejects it
    # again): the same on every release, for messages ("added in 1.53").
    history: dict[tuple[str, str], tuple[str | None, str | None]] = field(default_factory=dict)

    def added_in(self, kind: str, option: str) -> str | None:
        """The release that introduced an option this release does not have yet."""
        added, removed = self.history.get((kind, option), (None, None))
        return added if added and option not in self.options[kind] and removed is None else None

    def removed_in(self, kind: str, option: str) -> str | None:
        return self.history.get((kind, option), (None, None))[1]


# What 1.67 raises (read from its code where the probe has no value for it).
LATEST_ERRORS = {
    "persist": "StreamlitValueError", "scope": "StreamlitValueError", "refresh_mode": "StreamlitValueError",
    "ttl": "StreamlitBadTimeStringError", "background_no_ttl": "StreamlitMissingRequiredParameterError",
    "background_persist": "StreamlitIncompatibleParametersError",
    "max_size": "StreamlitValueError", "max_size_type": "StreamlitInvalidParameterTypeError",
}


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


def _last_signature(name: str) -> frozenset[str]:
    """The keyword options of a legacy API on the last release that had it (measured)."""
    signatures = [value for _, value in releases.timeline(f"option.{name}.signature") if isinstance(value, tuple)]
    return frozenset(signatures[-1])


# ``st.experimental_memo`` / ``st.experimental_singleton`` became ``st.cache_data`` /
# ``st.cache_resource`` (1.18); ``st.cache`` split into the two. Which release removed
# each, and what it did before, is in ``LegacyStatus`` (from the measured data).
REMOVED_APIS: dict[str, RemovedApi] = {
    api.qualname: api
    for api in (
        RemovedApi("cache", None, _last_signature("cache")),
        RemovedApi("experimental_memo", DATA, _last_signature("experimental_memo")),
        RemovedApi("experimental_singleton", RESOURCE, _last_signature("experimental_singleton")),
    )
}


@dataclass(frozen=True)
class LegacyStatus:
    """What a legacy API does on one release (measured)."""

    api: RemovedApi
    access: str | None  # what ``st.<name>`` raises (None: it works)
    deprecated: bool  # it works and shows a deprecation warning
    clear: str | None  # what ``st.<name>.clear()`` raises (None: it works)
    from_import: str | None  # what ``from streamlit import <name>`` raises (None: it works)
    deprecated_since: str | None  # "1.18 or earlier"
    removed_in: str | None  # "1.62": the first release where accessing it raises

    @property
    def removed(self) -> bool:
        return self.access is not None


# The attribute of the streamlit module that replaces each target.
NEW_NAMES = {DATA: "cache_data", RESOURCE: "cache_resource"}
