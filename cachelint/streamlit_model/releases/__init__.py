"""Measured facts about Streamlit's caching API, per minor release since 1.18.

The data next to this file was written by ``scripts/probe_releases.py``, which installs
each release in its own venv and measures it with that release's own code (see
README.md here). Each fact is stored as a timeline of deltas: ``[[first minor where the
value holds, value], ...]``, starting at 1.18.

Import-light on purpose (json and importlib.resources only): rules, the flake8 plugin
and pre-commit load this without Streamlit.

    releases()                 -> ["1.18", "1.19", ..., "1.67"]
    nearest("1.25.1")          -> ("1.25", True);  nearest("1.12") -> ("1.18", False)
    facts_at("1.25.1")         -> {"api.experimental_memo": "deprecated", ...}
    fact_at("option.cache_data.scope", "1.40")
    timeline("api.cache")      -> [("1.18", "deprecated"), ("1.XX", "absent:AttributeError")]
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from importlib import resources
from typing import Any

GROUPS = ("api", "options", "hasher", "behaviour")
FIRST_RELEASE = "1.18"

_VERSION = re.compile(r"\s*v?(\d+)(?:\.(\d+))?")


def _read(name: str) -> dict:
    return json.loads(resources.files(__name__).joinpath(name).read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def probed() -> dict[str, dict]:
    """{minor: {"version": "1.25.0", "dependencies": {...}, "probed": "YYYY-MM-DD", ...}}."""
    return _read("probed.json")["releases"]


@lru_cache(maxsize=1)
def _timelines() -> dict[str, tuple[tuple[str, Any], ...]]:
    out: dict[str, tuple[tuple[str, Any], ...]] = {}
    for group in GROUPS:
        for fact, entries in _read(f"{group}.json")["facts"].items():
            out[fact] = tuple((minor, _freeze(value)) for minor, value in entries)
    return out


def _freeze(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value


def minor_key(version: str) -> tuple[int, int]:
    match = _VERSION.match(version)
    if not match:
        raise ValueError(f"not a Streamlit version: {version!r}")
    return int(match.group(1)), int(match.group(2) or 0)


def releases() -> list[str]:
    """The modelled minor releases, oldest first."""
    return sorted(probed(), key=minor_key)


def nearest(version: str) -> tuple[str, bool]:
    """The modelled minor for a version, and whether it is that version's own minor.

    "1.25", "1.25.0" and "1.25.1" map to "1.25" (exact). Versions older than the first
    modelled release map to it, newer ones to the last, with ``exact`` False.
    """
    key = minor_key(version)
    modelled = releases()
    for minor in modelled:
        if minor_key(minor) == key:
            return minor, True
    if key < minor_key(modelled[0]):
        return modelled[0], False
    if key > minor_key(modelled[-1]):
        return modelled[-1], False
    # A gap inside the modelled range (not expected: every minor is probed).
    below = [m for m in modelled if minor_key(m) <= key]
    return below[-1], False


def facts() -> list[str]:
    return sorted(_timelines())


def timeline(fact: str) -> list[tuple[str, Any]]:
    """``[(first minor, value), ...]`` for one fact; KeyError for an unknown fact."""
    return list(_timelines()[fact])


def _value_at(entries: tuple[tuple[str, Any], ...], key: tuple[int, int]) -> Any:
    value = None
    for minor, entry in entries:
        if minor_key(minor) <= key:
            value = entry
        else:
            break
    return value


def fact_at(fact: str, version: str) -> Any:
    minor, _exact = nearest(version)
    return _value_at(_timelines()[fact], minor_key(minor))


def facts_at(version: str) -> dict[str, Any]:
    """Every fact's value on the modelled minor nearest to ``version``."""
    key = minor_key(nearest(version)[0])
    return {fact: _value_at(entries, key) for fact, entries in _timelines().items()}


# -- milestones of a fact's timeline (for messages and docs/streamlit-versions.md) ------------
def is_absent(value: Any) -> bool:
    """Values that mean "not there" for the appeared / removed columns."""
    if not isinstance(value, str):
        return False
    return (value == "absent" or value.startswith(("absent:", "raises:ImportError"))
            or value == "rejected-at-decoration:TypeError")


def is_deprecated(value: Any) -> bool:
    return isinstance(value, str) and value.startswith("deprecated")


def milestones(entries: list[tuple[str, Any]]) -> dict[str, str]:
    """appeared / deprecated / removed / changed, from a timeline."""
    appeared = deprecated = removed = ""
    changed: list[str] = []
    previous = None
    for index, (minor, value) in enumerate(entries):
        if index == 0:
            if not is_absent(value):
                appeared = "1.18 or earlier"
            if is_deprecated(value):
                deprecated = "1.18 or earlier"
        else:
            if is_absent(previous) and not is_absent(value):
                appeared = appeared or minor
            elif not is_absent(previous) and is_absent(value):
                removed = minor
            elif is_deprecated(value) and not is_deprecated(previous):
                deprecated = deprecated or minor
            else:
                changed.append(minor)
        previous = value
    return {"appeared": appeared, "deprecated": deprecated, "removed": removed, "changed": ", ".join(changed)}
