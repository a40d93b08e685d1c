"""cachelint's reading of ttl strings (streamlit_model/durations.py) agrees with what
Streamlit really does with them: ``streamlit.time_util.time_to_seconds``, which goes
through ``pandas.Timedelta``."""

from __future__ import annotations

import math
import warnings

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as strategies

from cachelint.streamlit_model.durations import Duration, is_bare_number, parse_ttl_string

pytest.importorskip("streamlit")


def real(text: str) -> tuple[str, float | None]:
    from streamlit.time_util import time_to_seconds

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # pandas' FutureWarning for 'H', 'd', 'w' ...
            return "ok", time_to_seconds(text)
    except Exception:  # noqa: BLE001 - StreamlitBadTimeStringError, OverflowError ...
        return "rejected", None


def agrees(text: str) -> None:
    model: Duration = parse_ttl_string(text)
    if model.status == "unknown":
        return
    status, seconds = real(text)
    assert model.status == status, (text, model, status, seconds)
    if status == "ok":
        assert math.isclose(model.seconds, seconds, rel_tol=1e-9, abs_tol=1e-9), (text, model, seconds)


KNOWN = [
    # rejected
    "5 mins", "1 week", "24hrs", "10 secs", "1hrs", "1 weeks", "1 wk", "1y", "1M", "1T", "1L", "", "nan", "NaT",
    "abc", "h", ".5s", "1.5", "1.5.5", "1e3s", "1_000s", "1h-1m", "00:05", "5:00", "1:2:3:4", "1:2:3x",
    "1:00:00 h", "P", "PT", "P1Y", "-", "--1h", "1 hour and 5 min",
    # accepted
    "3600", "0", "1h", "1H", "1S", "2 days", "1d2h34m", "1 day 2:03:04", "1:00:00", "P1DT2H", "PT5M", "-1h",
    "1.5h", "1m", "1 min", "1 minute", "10 minutes", "1w", "1 W", "1hr", "  1h  ", "1h,30m", "1 h 30 m", "+1h",
    "1 D", "1 Days", "1 second", "1\u00b5s", "1 day", "1 days 00:00:00.5", "10 sec", "1 DAY", "1 HOUR",
    "1 Min", "1 MS", "1ns", "250ms", "3us", "-P1D", "P0DT0H0M0.5S", "0:7P:4", "1x:2:3",
]


@pytest.mark.parametrize("text", KNOWN)
def test_known_strings(text: str) -> None:
    agrees(text)


def test_common_mistakes_are_rejected_and_bare_numbers_are_nanoseconds() -> None:
    for text in ("5 mins", "1 week", "24hrs"):
        assert parse_ttl_string(text).rejected
    assert parse_ttl_string("3600").seconds == pytest.approx(3.6e-6)
    assert is_bare_number("3600") and is_bare_number(" 3600 ") and not is_bare_number("3600s")


_PIECES = ["0", "1", "5", "10", "24", "3600", "00", ".", ":", " ", ",", "+", "-", "P", "T", "D", "H", "M", "S",
           "W", "d", "h", "m", "s", "ms", "us", "ns", "min", "mins", "sec", "secs", "hour", "hours", "hr", "hrs",
           "day", "days", "week", "weeks", "w", "y", "Y", "\u00b5s", "nan", "x"]


@settings(max_examples=3000, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(strategies.lists(strategies.sampled_from(_PIECES), max_size=7).map("".join))
def test_generated_strings(text: str) -> None:
    agrees(text)


@settings(max_examples=1000, deadline=None, derandomize=True)
@given(strategies.text(alphabet="0123456789 .:,+-PTWDHMSdhmsunµ", max_size=10))
def test_generated_characters(text: str) -> None:
    agrees(text)
