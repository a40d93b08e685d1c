"""What Streamlit does, as data: one ``StreamlitModel`` per release the app targets.

Every rule reads the model of the target through its context (``ctx.model``), never a
module-level "latest" table: the hasher (``hashing``), the decorators' options and
the legacy APIs (``cache_options``), async support (``awaitables``), widgets
(``widgets``), per-session state (``session``), and how library classes are named at
run time (``type_names``: pandas 2 and pandas 3 spell ``DataFrame`` differently).

``model_for`` is the one place that picks the model for a target: the nearest release
of the measured data (``releases``), turned into model fields by ``from_facts``. The
target itself (which release, from which pin) is decided by ``cachelint.target``.

Imports nothing heavy: the configuration and the result cache can use it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from cachelint.streamlit_model import awaitables, cache_options, hashing, releases, widgets


@dataclass(frozen=True)
class StreamlitModel:
    """Streamlit's caching behaviour in one release, and the libraries around it."""

    release: str  # the modelled release whose facts apply: "1.67"
    target: str | None  # the version asked for ("1.25.0"), None: the latest modelled
    hasher: hashing.HasherModel
    api: cache_options.CacheApiModel
    async_support: awaitables.AsyncSupport
    pandas_major: int | None = None  # the pandas the app runs with (None: unknown)
    # st.cache / st.experimental_memo / st.experimental_singleton on this release, by name.
    legacy: dict[str, cache_options.LegacyStatus] = field(default_factory=dict)
    widgets: widgets.WidgetBehaviour | None = None
    origin: str = ""  # why this release, for messages: "your pin in requirements.txt"

    @property
    def library_majors(self) -> dict[str, int | None]:
        """Major versions of the libraries whose class names change between releases."""
        return {"pandas": self.pandas_major}

    @property
    def exact(self) -> bool:
        """Is the target itself a modelled release (not the nearest one)?"""
        return self.target is None or _minor(self.target) == self.release

    @property
    def predates_measured(self) -> bool:
        """Is the target older than every release cachelint has measured (1.18, the first with
        st.cache_data and st.cache_resource)? Then the oldest measured release stands for it."""
        return self.target is not None and releases.minor_key(self.target) < releases.minor_key(releases.releases()[0])

    @property
    def shown(self) -> str:
        """"Streamlit 1.25 (your pin in requirements.txt)", for messages; a release cachelint has
        not measured says which one stands for it (an app pinned to 0.61 is checked as 1.18)."""
        if self.exact:
            return f"Streamlit {self.release}" + (f" ({self.origin})" if self.origin else "")
        why = f"{self.origin}; " if self.origin else ""
        return f"Streamlit {self.target} ({why}checked as {self.release}, the nearest release cachelint has measured)"


LATEST_RELEASE = releases.releases()[-1]


@lru_cache(maxsize=64)
def model_for(target: str | None = None, pandas_major: int | None = None, origin: str = "") -> StreamlitModel:
    """The model of the release ``target`` ("1.67", "1.67.0"); the nearest modelled one
    for a release the data does not cover; the latest for None."""
    # lazy: only the engine builds a model; a warm run (every file from the result cache)
    # saves 8 ms (median of 9: from_facts imported after cachelint.streamlit_model).
    from cachelint.streamlit_model import from_facts

    release = releases.nearest(target)[0] if target else LATEST_RELEASE
    parts = from_facts.build(release)
    return StreamlitModel(release=release, target=target, hasher=parts.hasher, api=parts.api,
                          async_support=parts.async_support, pandas_major=pandas_major, legacy=parts.legacy,
                          widgets=parts.widgets, origin=origin)


def _minor(version: str) -> str:
    return ".".join(version.split(".")[:2])
