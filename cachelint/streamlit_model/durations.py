"""How Streamlit reads a ``ttl`` string: through ``pandas.Timedelta``.

``streamlit.time_util.time_to_seconds`` hands a string ttl to ``pd.Timedelta(t)``
and raises ``StreamlitBadTimeStringError`` when pandas raises ``ValueError`` or
gives ``NaT``. cachelint never imports pandas, so this module follows pandas' own
string parsers step by step (``parse_timedelta_string`` and
``parse_iso_format_string`` in ``pandas/_libs/tslibs/timedeltas.pyx``, pandas 3.1).
tests/test_durations_model.py compares it with the real ``time_to_seconds`` on
hand-picked and generated strings.

The answer has three states: the seconds pandas gives, a rejection, or "unknown"
(huge values near pandas' overflow limits). Rules report only certain answers.
"""

from __future__ import annotations

from dataclasses import dataclass

# ``nat_strings`` of pandas: parsed as NaT, which Streamlit rejects.
NAT_STRINGS = frozenset({"NaT", "nat", "NAT", "nan", "NaN", "NAN"})

# pandas ``timedelta_abbrevs`` (looked up after ``.lower()``), with the length of each
# unit in nanoseconds. "Y"/"y"/"M" are rejected before the lookup.
UNIT_NANOSECONDS: dict[str, int] = {}
_UNITS = {
    "W": 7 * 86_400 * 10**9, "D": 86_400 * 10**9, "h": 3_600 * 10**9, "m": 60 * 10**9,
    "s": 10**9, "ms": 10**6, "us": 10**3, "ns": 1,
}
_ABBREVIATIONS = {
    "w": "W", "d": "D", "days": "D", "day": "D",
    "hours": "h", "hour": "h", "hr": "h", "h": "h",
    "m": "m", "minute": "m", "min": "m", "minutes": "m",
    "s": "s", "seconds": "s", "sec": "s", "second": "s",
    "ms": "ms", "milliseconds": "ms", "millisecond": "ms", "milli": "ms", "millis": "ms",
    "us": "us", "microseconds": "us", "microsecond": "us", "\u00b5s": "us", "micro": "us", "micros": "us",
    "ns": "ns", "nanoseconds": "ns", "nano": "ns", "nanos": "ns", "nanosecond": "ns",
}
UNIT_NANOSECONDS.update({spelling: _UNITS[unit] for spelling, unit in _ABBREVIATIONS.items()})
AMBIGUOUS_UNITS = frozenset({"M", "Y", "y"})  # months and years: rejected

# Beyond this pandas may overflow int64 nanoseconds (about 292 years): answer "unknown".
_SAFE_NANOSECONDS = 2**62


@dataclass(frozen=True)
class Duration:
    """What ``time_to_seconds`` does with a string."""

    status: str  # "ok", "rejected" or "unknown"
    seconds: float | None = None
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    @property
    def rejected(self) -> bool:
        return self.status == "rejected"


class _Rejected(Exception):
    pass


class _Unknown(Exception):
    pass


def parse_ttl_string(text: str) -> Duration:
    """Seconds Streamlit gets from ``ttl=text``, or why it raises."""
    try:
        if (text[:1] == "P") or (text[:2] == "-P"):
            nanoseconds = _parse_iso(text)
        else:
            nanoseconds = _parse_regular(text)
    except _Rejected as exc:
        return Duration("rejected", reason=str(exc))
    except _Unknown as exc:
        return Duration("unknown", reason=str(exc))
    if nanoseconds is None:
        return Duration("rejected", reason="pandas reads it as NaT (not a time)")
    if abs(nanoseconds) >= _SAFE_NANOSECONDS:
        return Duration("unknown", reason="too large to tell")
    return Duration("ok", nanoseconds / 1e9)


def is_bare_number(text: str) -> bool:
    """A string of digits with no unit: pandas reads it as nanoseconds."""
    stripped = text.replace(" ", "").replace(",", "").lstrip("+")
    return stripped.isdigit() and stripped.isascii()


def _unit_nanoseconds(unit: str) -> int:
    if unit in AMBIGUOUS_UNITS:
        raise _Rejected("units 'M', 'Y' and 'y' (months, years) are not durations")
    try:
        return UNIT_NANOSECONDS[unit.lower()]
    except KeyError:
        raise _Rejected(f"invalid unit abbreviation: {unit!r}") from None


def _from_spec(number: list[str], frac: list[str], unit: list[str] | str) -> float:
    """``timedelta_from_spec``: the number (with its fraction) times the unit, in ns."""
    per_unit = _unit_nanoseconds("".join(unit))
    try:
        value = float("".join(number) + "." + "".join(frac))
    except ValueError:
        raise _Rejected("no digits around the dot") from None  # float(".") raises in pandas too
    result = value * per_unit
    if abs(result) >= _SAFE_NANOSECONDS:
        raise _Unknown("too large to tell")
    return result


def _checked(value: int) -> int:
    if abs(value) >= _SAFE_NANOSECONDS:
        raise _Unknown("too large to tell")
    return value


def _parse_regular(ts: str) -> float | None:
    """pandas ``parse_timedelta_string``."""
    if len(ts) == 0 or ts in NAT_STRINGS:
        return None
    neg = have_dot = have_value = have_hhmmss = False
    current_unit: str | None = None
    result = 0.0
    number: list[str] = []
    frac: list[str] = []
    unit: list[str] = []

    def signed(value: float) -> float:
        return -value if neg else value

    for c in ts:
        if c in (" ", ",", "+"):
            continue
        if c == "-":
            if neg or have_value or have_hhmmss:
                raise _Rejected("only leading negative signs are allowed")
            neg = True
        elif "0" <= c <= "9":
            if have_dot:
                if unit:
                    number.append(c)
                    have_dot = False
                else:
                    frac.append(c)
            elif not unit:
                number.append(c)
            else:
                result += signed(_from_spec(number, frac, unit))
                unit, number, frac = [], [c], []
        elif c == ":":
            if have_value:
                neg = False
            if number:
                if current_unit is None:
                    current_unit, multiplier = "h", 3_600 * 10**9
                elif current_unit == "h":
                    current_unit, multiplier = "m", 60 * 10**9
                elif current_unit == "m":
                    current_unit, multiplier = "s", 10**9
                else:  # pandas keeps the previous multiplier
                    multiplier = 10**9
                result += signed(_checked(int("".join(number)) * multiplier))
                have_hhmmss = True
            else:
                raise _Rejected("expecting hh:mm:ss format")
            unit, number = [], []
        elif c == ".":
            if number and current_unit is not None:
                if current_unit != "m":
                    raise _Rejected("expected hh:mm:ss format before .")
                result += signed(_checked(int("".join(number)) * 10**9))
                have_value = True
                unit, number, frac = [], [], []
            have_dot = True
        else:
            unit.append(c)
            have_value = True
            have_dot = False

    if have_dot and unit:
        result += signed(_from_spec(number, frac, unit))
    elif have_dot:
        if (number or frac) and not unit and current_unit is None:
            raise _Rejected("no units specified")
        if 0 < len(frac) <= 3:
            multiplier = 10 ** (3 - len(frac)) * 10**6
        elif 3 < len(frac) <= 6:
            multiplier = 10 ** (6 - len(frac)) * 10**3
        elif 6 < len(frac) <= 9:
            multiplier = 10 ** (9 - len(frac))
        else:
            multiplier = 1
            frac = frac[:9]
        if not frac:
            raise _Rejected("no digits after the dot")  # int("") raises in pandas
        result += signed(int("".join(frac)) * multiplier)
    elif current_unit is not None:
        if current_unit != "m":
            raise _Rejected("expected hh:mm:ss format")
        if unit:  # pandas 3 refuses letters after hh:mm:ss ("1:00:00 h")
            raise _Rejected("unexpected unit after hh:mm:ss")
        if not number:
            raise _Rejected("expected seconds after hh:mm:")  # int("") raises in pandas
        result += signed(_checked(int("".join(number)) * 10**9))
    elif unit:
        if number:
            result += signed(_from_spec(number, frac, unit))
        else:
            raise _Rejected("unit abbreviation without a number")
    elif not number:
        raise _Rejected("symbols without a number")
    else:
        if have_value:
            raise _Rejected("have leftover units")
        result += signed(_from_spec(number, frac, "ns"))
    return result


def _parse_iso(ts: str) -> float:
    """pandas ``parse_iso_format_string`` (ISO 8601 durations, ``P1DT2H``)."""
    sign = 1
    if ts[0] == "-":
        sign = -1
        ts = ts[1:]
    result = 0.0
    p = 0
    dec_unit = "ms"
    have_dot = have_value = neg = False
    number: list[str] = []
    unit: list[str] = []

    def signed(value: float) -> float:
        return -value if neg else value

    for c in ts:
        if "0" <= c <= "9":
            have_value = True
            if have_dot:
                if p == 3 and dec_unit != "ns":
                    unit.append(dec_unit)
                    dec_unit = "us" if dec_unit == "ms" else "ns"
                    p = 0
                p += 1
            if not unit:
                number.append(c)
            else:
                result += signed(_from_spec(number, ["0"], unit))
                neg = False
                unit, number = [], [c]
        elif c in ("P", "T", "+"):
            continue
        elif c == "-":
            if neg or have_value:
                raise _Rejected("invalid ISO 8601 duration")
            neg = True
        elif c in ("W", "D", "H", "M"):
            if c in ("H", "M") and len(number) > 2:
                raise _Rejected("invalid ISO 8601 duration")
            unit.append({"M": "min", "H": "h"}.get(c, c))
            result += signed(_from_spec(number, ["0"], unit))
            neg = False
            unit, number = [], []
        elif c == ".":
            if number:
                result += signed(_from_spec(number, ["0"], "s"))
                unit, number = [], []
            have_dot = True
        elif c == "S":
            if have_dot:
                if not number or p > 3:
                    raise _Rejected("invalid ISO 8601 duration")
                number = number + ["0"] * (3 - p)
                result += signed(_from_spec(number, ["0"], dec_unit))
            else:
                result += signed(_from_spec(number, ["0"], "s"))
        else:
            raise _Rejected("invalid ISO 8601 duration")
    if not have_value:
        raise _Rejected("invalid ISO 8601 duration")
    return sign * result
