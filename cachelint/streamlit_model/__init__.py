"""What Streamlit does, as data: one ``StreamlitModel`` per release the app targets.

Every rule reads the model of the target through its context (``ctx.model``), never a
module-level "latest" table: the hasher (``hashing``), the decorators' options and
the removed APIs (``cache_options``), async support (``awaitables``), widgets
(``widgets``), per-session state (``session``), and how library classes are named at
run time (``type_names``: pandas 2 and pandas 3 spell ``DataFrame`` differently).
``model_for`` is the one place that picks the model for a target.

Imports nothing heavy: the configuration and the result cache can use it.
"""

from __future__ import annotations

from dataclasses import dataclass

from cachelint.streamlit_model import awaitables, cache_options, hashing


@dataclass(frozen=True)
class StreamlitModel:
    """Streamlit's caching behaviour in one release, and the libraries around it."""

    release: str  # the modelled release whose facts apply: "1.67"
    target: str | None  # the version asked for ("1.25.0"), None: the latest modelled
    hasher: hashing.HasherModel
    api: cache_options.CacheApiModel
    async_support: awaitables.AsyncSupport
    pandas_major: int | None = None  # the pandas the app runs with (None: unknown)

    @property
    def library_majors(self) -> dict[str, int | None]:
        """Major versions of the libraries whose class names change between releases."""
        return {"pandas": self.pandas_major}

    @property
    def exact(self) -> bool:
        """Is the target itself a modelled release (not the nearest one)?"""
        return self.target is None or _minor(self.target) == self.release


LATEST_RELEASE = hashing.LATEST.streamlit


def model_for(target: str | None = None, pandas_major: int | None = None) -> StreamlitModel:
    """The model of the release ``target`` ("1.67", "1.67.0"); the nearest modelled one
    for a release the data does not cover; the latest for None."""
    release = _minor(target) if target else LATEST_RELEASE
    return StreamlitModel(
        release=release if release in hashing.MODELS else LATEST_RELEASE,
        target=target,
        hasher=hashing.model_for(target),
        api=cache_options.api_for(target),
        async_support=awaitables.support_for(target),
        pandas_major=pandas_major,
    )


def _minor(version: str) -> str:
    return ".".join(version.split(".")[:2])
