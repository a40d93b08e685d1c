"""The cache-options table of the latest release (built from the measured data by
cachelint/streamlit_model/from_facts.py) says what the installed Streamlit does: its
decorator signatures, the values it accepts, its byte-size parser and the APIs it removed."""

from __future__ import annotations

import inspect
import logging

import pytest

from cachelint.rules.stc012_invalid_cache_option import _max_size_problem
from cachelint.streamlit_model import model_for
from cachelint.streamlit_model.cache_options import NEW_NAMES, REMOVED_APIS, REMOVED_KEYWORDS

LATEST = model_for(None).api  # built from the measured data of the latest release

st = pytest.importorskip("streamlit")
logging.getLogger("streamlit").setLevel(logging.CRITICAL)


def _keyword_options(api) -> set[str]:
    signature = inspect.signature(type(api).__call__)
    return {name for name, p in signature.parameters.items() if p.kind is inspect.Parameter.KEYWORD_ONLY}


@pytest.mark.parametrize("kind", ["data", "resource"])
def test_accepted_options_are_the_decorators_keyword_parameters(kind: str) -> None:
    api = getattr(st, NEW_NAMES[kind])
    assert LATEST.options[kind] == _keyword_options(api)


def test_model_is_for_the_installed_release() -> None:
    assert st.__version__.startswith(LATEST.streamlit + ".")
    assert model_for(st.__version__).api is LATEST


@pytest.mark.parametrize("keyword", sorted(REMOVED_KEYWORDS))
@pytest.mark.parametrize("kind", ["data", "resource"])
def test_removed_keywords_raise_type_error(kind: str, keyword: str) -> None:
    with pytest.raises(TypeError, match=keyword):
        getattr(st, NEW_NAMES[kind])(**{keyword: True})


@pytest.mark.parametrize("qualname", sorted(REMOVED_APIS))
def test_removed_apis_are_gone_and_streamlit_names_their_successors(qualname: str) -> None:
    from streamlit.command_suggestions import _REMOVED_STREAMLIT_ATTRIBUTES

    api = REMOVED_APIS[qualname]
    assert not hasattr(st, api.name)
    successors = _REMOVED_STREAMLIT_ATTRIBUTES[api.name]
    expected = (NEW_NAMES[api.target],) if api.target else (NEW_NAMES["data"], NEW_NAMES["resource"])
    assert tuple(sorted(successors)) == tuple(sorted(expected))


def _decorates(kind: str, **options) -> bool:
    try:
        getattr(st, NEW_NAMES[kind])(**options)(lambda x: x)
    except Exception:  # noqa: BLE001 - any rejection counts
        return False
    return True


@pytest.mark.parametrize("value", [None, False, True, "disk", "memory", 1, 0, "Disk"])
def test_persist_values(value) -> None:
    assert _decorates("data", persist=value) == (value is None or isinstance(value, bool) or value == "disk")


@pytest.mark.parametrize("option,values", [("scope", LATEST.scopes), ("refresh_mode", LATEST.refresh_modes)])
@pytest.mark.parametrize("kind", ["data", "resource"])
def test_scope_and_refresh_mode_values(kind: str, option: str, values: tuple[str, ...]) -> None:
    for value in values:
        extra = {"ttl": 60} if value == "background" else {}
        assert _decorates(kind, **{option: value}, **extra), value
    for value in ("user", "Global", "lazy", True, None):
        assert not _decorates(kind, **{option: value}), value


@pytest.mark.parametrize("value", [
    1, 500, 0, -1, True, 1.5, "500MB", "1.5GB", "200KiB", "10 megs", "0MB", "0.0001b", "1 kb", "1  kb", ".5mb",
    "5.mb", "1e3mb", "MB", "", "10", "2TiB", "1x", "3 GB",
])
def test_max_size_model_matches_streamlit(value) -> None:
    from streamlit import byte_util

    try:
        byte_util.cache_data_max_size_to_bytes(value)
        accepted = True
    except Exception:  # noqa: BLE001
        accepted = False
    assert (_max_size_problem(value, LATEST) is None) == accepted, value
