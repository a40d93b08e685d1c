"""Probes: one check per rule code, registered with ``@probe("STC001", ...)``.

A probe receives the fixture, the expected findings of its codes in that
fixture, and every script's runs (``harness.ScriptResult``), and returns a
``Verdict``: what contradicts the findings, and which of the app's errors and
cache misses the findings explain (the driver reports everything else as
unexpected). ``load_probes`` imports every module of ``oracle.probes``, so a new
rule needs only a new probe file.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from expectations import Expected, Fixture
from oracle.harness import ScriptResult, ShownError

CODE = re.compile(r"STC\d{3}")


@dataclass
class Verdict:
    """What one rule's check concluded about a fixture run."""

    problems: list[str] = field(default_factory=list)
    explains_error: Callable[[ShownError], bool] = lambda error: False
    explains_rerun_misses: bool = False


Check = Callable[[Fixture, list[Expected], list[ScriptResult]], Verdict]


@dataclass(frozen=True, eq=False)
class Probe:
    """A check and the codes it proves (one call per fixture for all of them)."""

    codes: tuple[str, ...]
    check: Check
    reruns: int | None = None  # reruns with identical inputs this rule needs (None: the driver's default)

    @property
    def module(self) -> str:
        return self.check.__module__


PROBES: dict[str, Probe] = {}


def probe(*codes: str, reruns: int | None = None) -> Callable[[Check], Check]:
    """Register the decorated check as the proof of ``codes`` (returned unchanged)."""
    if not codes:
        raise TypeError("@probe needs at least one rule code")
    for code in codes:
        if not CODE.fullmatch(code):
            raise ValueError(f"@probe: {code!r} is not a rule code (STC + three digits)")

    def register(check: Check) -> Check:
        entry = Probe(tuple(codes), check, reruns)
        for code in codes:
            other = PROBES.get(code)
            if other is not None and other.check is not check:
                raise ValueError(f"{code} has two probes: {other.module}.{other.check.__name__} "
                                 f"and {check.__module__}.{check.__name__}")
        for code in codes:
            PROBES.setdefault(code, entry)
        return check

    return register


def load_probes() -> dict[str, Probe]:
    """Import every module of ``oracle.probes``; return the probes by code."""
    from oracle import probes

    for module in pkgutil.iter_modules(probes.__path__):
        importlib.import_module(f"{probes.__name__}.{module.name}")
    return dict(sorted(PROBES.items()))


# ---------------------------------------------------------------------------
# How probes name places in their problems


def where(fixture: Fixture, item: Expected) -> str:
    """``file:line`` of a finding, relative to the fixture."""
    root = fixture.root if fixture.root.is_dir() else fixture.root.parent
    return f"{item.path.relative_to(root)}:{item.line}"


def label(fixture: Fixture) -> str:
    try:
        return fixture.name
    except ValueError:  # a fixture outside tests/fixtures (the oracle's self-tests)
        return fixture.root.name
