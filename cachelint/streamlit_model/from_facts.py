"""The one place that turns the measured release data into model fields.

``releases/*.json`` hold what each Streamlit release did when probed (see
``releases/README.md``); the model classes (``hashing``, ``cache_options``,
``awaitables``, ``widgets``) hold what rules ask. Each function below reads the facts
of one release and fills one part of the model; ``build(release)`` makes all of them.
Nothing here is guessed: a fact the rules need and the data does not have is an error
(a KeyError at import of the model, caught by tests/test_release_data.py).

Import-light (dataclasses, re and the json loader): the configuration may build a model.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

from cachelint.streamlit_model import awaitables, cache_options, hashing, releases, widgets
from cachelint.streamlit_model.cache_options import DATA, NEW_NAMES, REMOVED_APIS, RESOURCE

KINDS = (DATA, RESOURCE)

# Steps of the hasher table whose outcome the probe measured on every release, with a
# value that reaches that step: step label -> hash fact. Where the fact is not
# "hashable", the step makes the value unhashable (the release had no such step and the
# value fell through to a check that fails; bytearray raised TypeError).
MEASURED_STEPS = {
    "uuid.UUID": "hash.uuid",
    "a pydantic model": "hash.pydantic_model",
    "bytearray": "hash.bytearray",
}


# Every fact the model reads, with the rules that use it and what for: the "Facts the
# rules use" table of docs/streamlit-versions.md, and tests/test_release_data.py checks
# that ``build`` reads exactly these (``*``: any text without a dot; ``fact_matches``).
RULE_FACTS: dict[str, tuple[str, str]] = {
    "api.*": ("STC011, STC025", "a legacy API works, is deprecated or raises"),
    "api.*.clear": ("STC011, STC025", "its .clear()"),
    "api.*.from_import": ("STC011, STC025", "from streamlit import it"),
    "option.cache_data.signature": ("STC012", "the options st.cache_data accepts"),
    "option.cache_resource.signature": ("STC012", "the options st.cache_resource accepts"),
    "option.*.*": ("STC012", "the release each option arrived in or went away (messages)"),
    "value.cache_data.persist.*": ("STC012", "persist values and what a bad one raises"),
    "value.*.scope.*": ("STC012, STC009", "scope values (scope=\"session\" only where accepted)"),
    "value.*.refresh_mode.*": ("STC012", "refresh_mode values, background refresh without ttl or with persist"),
    "value.*.ttl.str_*": ("STC012", "ttl strings: read or not, and what a bad one raises, when"),
    "value.cache_data.max_size.0": ("STC012", "what a bad max_size raises"),
    "ttl.string_parser": ("STC012", "whether ttl strings are read"),
    "hash.hash_funcs": ("STC001, STC002, STC012", "whether hash_funcs exists (the hasher's hash_funcs step)"),
    "hash.uuid": ("STC001, STC002", "uuid.UUID arguments"),
    "hash.pydantic_model": ("STC001, STC002", "pydantic model arguments"),
    "hash.bytearray": ("STC001, STC002", "bytearray arguments"),
    "behaviour.async_def_cache_*": ("STC013", "an async def cached function"),
    "behaviour.coroutine_returned_*": ("STC013", "a plain def returning a coroutine"),
    "behaviour.async_generator_*": ("STC013", "an async generator function"),
    "behaviour.async_def_background_*": ("STC013", "an async def with refresh_mode=\"background\""),
    "behaviour.widget_in_cache_data": ("STC008", "a widget in a cached function: raises, warns, replayed"),
    "behaviour.widget_in_cache_data.allow_widgets": ("STC008", "with experimental_allow_widgets=True"),
}


def fact_matches(pattern: str, fact: str) -> bool:
    return re.fullmatch(".".join("[^.]*".join(map(re.escape, part.split("*"))) for part in pattern.split(".")),
                        fact) is not None


@dataclass(frozen=True)
class ReleaseParts:
    hasher: hashing.HasherModel
    api: cache_options.CacheApiModel
    legacy: dict[str, cache_options.LegacyStatus]
    async_support: awaitables.AsyncSupport
    widgets: widgets.WidgetBehaviour


@lru_cache(maxsize=None)
def build(release: str) -> ReleaseParts:
    """The model parts of one modelled minor release ("1.25")."""
    facts = releases.facts_at(release)
    return ReleaseParts(hasher(release, facts), api(release, facts), legacy(release, facts),
                        async_support(release, facts), widget_behaviour(release, facts))


# -- the hasher ---------------------------------------------------------------------------------
def hasher(release: str, facts: dict[str, Any]) -> hashing.HasherModel:
    steps = []
    for step in hashing.STREAMLIT_1_67.steps:
        if step.test == "hash_funcs" and facts["hash.hash_funcs"] != "accepted":
            continue  # no hash_funcs before 1.24
        fact = MEASURED_STEPS.get(step.what)
        if fact is not None and facts[fact] != hashing.HASHABLE:
            step = replace(step, outcome=hashing.UNHASHABLE)
        steps.append(step)
    return replace(hashing.STREAMLIT_1_67, streamlit=release, steps=tuple(steps))


# -- decorator options --------------------------------------------------------------------------
def _error(value: Any) -> str | None:
    """"rejected-at-decoration:StreamlitValueError" -> "StreamlitValueError"."""
    if isinstance(value, str) and value.startswith("rejected"):
        return value.rsplit(":", 1)[1]
    return None


def api(release: str, facts: dict[str, Any]) -> cache_options.CacheApiModel:
    options = {kind: frozenset(facts[f"option.{NEW_NAMES[kind]}.signature"]) for kind in KINDS}

    def accepted(fact_prefix: str, values: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(v for v in values if all(facts[f"value.{NEW_NAMES[k]}.{fact_prefix}.{v}"] == "accepted"
                                              for k in KINDS))

    errors = dict(cache_options.LATEST_ERRORS)
    for key, fact in (("persist", "value.cache_data.persist.memory"), ("scope", "value.cache_data.scope.user"),
                      ("refresh_mode", "value.cache_data.refresh_mode.lazy"),
                      ("ttl", "value.cache_data.ttl.str_garbage"),
                      ("background_no_ttl", "value.cache_data.refresh_mode.background_no_ttl"),
                      ("background_persist", "value.cache_data.refresh_mode.background_persist"),
                      ("max_size", "value.cache_data.max_size.0")):
        error = _error(facts[fact])
        if error and error != "TypeError":  # TypeError: the option itself is not there
            errors[key] = error
    stage = {kind: "call" if str(facts[f"value.{NEW_NAMES[kind]}.ttl.str_garbage"]).startswith("rejected-at-call")
             else "decoration" for kind in KINDS}
    return cache_options.CacheApiModel(
        streamlit=release,
        options=options,
        persist_values=tuple(v for v in (None, False, True, "disk")
                             if facts[f"value.cache_data.persist.{v}"] == "accepted"),
        scopes=accepted("scope", ("global", "session")) if "scope" in options[DATA] else (),
        refresh_modes=accepted("refresh_mode", ("foreground", "background"))
        if "refresh_mode" in options[DATA] else (),
        ttl_strings=facts["ttl.string_parser"] != "no string support",
        errors=errors,
        ttl_error_stage=stage,
        history=option_history(),
    )


@lru_cache(maxsize=1)
def option_history() -> dict[tuple[str, str], tuple[str | None, str | None]]:
    """(kind, option) -> (first release that accepts it, first that rejects it again)."""
    found = {}
    for kind in KINDS:
        prefix = f"option.{NEW_NAMES[kind]}."
        for fact in releases.facts():
            if not fact.startswith(prefix) or fact.endswith((".signature", ".unknown_keyword")):
                continue
            entries = releases.timeline(fact)
            accepted = [minor for minor, value in entries if value == "accepted"]
            if not accepted:
                continue
            first = accepted[0]
            removed = next((minor for minor, value in entries
                            if releases.minor_key(minor) > releases.minor_key(first) and value == "absent"), None)
            found[(kind, fact[len(prefix):])] = (first, removed)
    return found


# -- st.cache, st.experimental_memo, st.experimental_singleton ---------------------------------
def _raised(value: Any) -> str | None:
    """What a use raises: "absent:AttributeError" / "raises:ImportError" -> the exception;
    "absent" (no such attribute) -> AttributeError; works / deprecated -> None."""
    if not isinstance(value, str):
        return None
    if value == "absent":
        return "AttributeError"
    if value.startswith(("absent:", "raises:")):
        return value.split(":", 1)[1].split("=")[-1]
    return None


def legacy(release: str, facts: dict[str, Any]) -> dict[str, cache_options.LegacyStatus]:
    found = {}
    for removed in REMOVED_APIS.values():
        name = removed.name
        when = releases.milestones(releases.timeline(f"api.{name}"))
        found[name] = cache_options.LegacyStatus(
            api=removed,
            access=_raised(facts[f"api.{name}"]),
            deprecated=str(facts[f"api.{name}"]).startswith("deprecated"),
            clear=_raised(facts[f"api.{name}.clear"]),
            from_import=_raised(facts[f"api.{name}.from_import"]),
            deprecated_since=when["deprecated"] or None,
            removed_in=when["removed"] or None,
        )
    return found


# -- async ------------------------------------------------------------------------------------
_STEP = re.compile(r"(?P<step>decorate|first|second)=(?P<outcome>[^;]*)")


def _failure(value: Any) -> awaitables.Failure | None:
    """What one measured async case does: "decorate=raises:X", "first=raises:X",
    "second=awaitable->raises:X", later calls handed a spent async generator, or None (works)."""
    if not isinstance(value, str) or value == "n/a":
        return None
    steps = {m["step"]: m["outcome"].strip() for m in _STEP.finditer(value)}
    decorate = steps.get("decorate", "")
    if decorate.startswith("raises:"):
        return awaitables.Failure(awaitables.AT_DECORATION, decorate.split(":", 1)[1])
    first, second = steps.get("first", ""), steps.get("second", "")
    if "raises:" in first:
        return awaitables.Failure(awaitables.EVERY_CALL, first.split("raises:", 1)[1])
    if "raises:" in second:
        return awaitables.Failure(awaitables.LATER_CALLS, second.split("raises:", 1)[1])
    if first.startswith("async_generator:"):  # handed back, not iterated by the cache
        return awaitables.Failure(awaitables.LATER_CALLS, "")
    return None


def async_support(release: str, facts: dict[str, Any]) -> awaitables.AsyncSupport:
    failures = {}
    for case in (awaitables.ASYNC_DEF, awaitables.COROUTINE_RETURNED, awaitables.ASYNC_GENERATOR,
                 awaitables.ASYNC_BACKGROUND):
        for kind in KINDS:
            value = facts[f"behaviour.{case}_{NEW_NAMES[kind]}"]
            if case == awaitables.ASYNC_BACKGROUND and "refresh_mode" not in facts[
                    f"option.{NEW_NAMES[kind]}.signature"]:
                continue  # no refresh_mode yet: STC012's unknown option
            failure = _failure(value)
            if failure is not None:
                failures[(case, kind)] = failure
    supported = [minor for minor, value in releases.timeline("behaviour.async_def_cache_data")
                 if _failure(value) is None]
    return awaitables.AsyncSupport(release, failures, supported[0] if supported else None)


# -- widgets ------------------------------------------------------------------------------------
_RUN = re.compile(r"(?P<run>miss|hit)\[(?P<body>[^\]]*)\]")


def _runs(value: str) -> dict[str, str]:
    return {m["run"]: m["body"] for m in _RUN.finditer(value)}


def widget_behaviour(release: str, facts: dict[str, Any]) -> widgets.WidgetBehaviour:
    runs = _runs(facts["behaviour.widget_in_cache_data"])
    miss, hit = runs["miss"], runs["hit"]
    warning = re.search(r"warning:(\w+)", miss)
    raised = re.search(r"call=raises:(\w+)", miss)
    if raised:
        outcome = widgets.RAISES
    elif "widget:" in hit:
        outcome = widgets.WARNS_REPLAYED
    else:
        outcome = widgets.WARNS_NOT_REPLAYED
    allow = _runs(facts["behaviour.widget_in_cache_data.allow_widgets"])
    if "decoration-raises" in allow["miss"]:
        allow_widgets = "rejected"
    elif "warning:" in allow["miss"] or "warning:" in allow["hit"]:
        allow_widgets = "ignored"
    else:
        allow_widgets = "honoured"
    return widgets.WidgetBehaviour(
        streamlit=release, outcome=outcome, error=raised.group(1) if raised else None,
        warning=warning.group(1) if warning else None, allow_widgets=allow_widgets,
        allow_widgets_deprecated="alert" in allow["miss"])
