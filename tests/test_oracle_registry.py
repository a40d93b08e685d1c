"""The oracle's probe registry: every rule code in a fixture has a probe, every probe a fixture.

Probes live in tests/oracle/probes/stcNNN.py and register with ``@probe("STCNNN")``
(see tests/oracle/README.md).
"""

from __future__ import annotations

import importlib
import pkgutil
import re

import pytest

from expectations import discover
from oracle import probes
from oracle.registry import PROBES, Verdict, load_probes, probe

LOADED = load_probes()
EXPECTED_CODES = {item.code for fixture in discover() for item in fixture.expected()}
MODULES = [importlib.import_module(f"{probes.__name__}.{m.name}") for m in pkgutil.iter_modules(probes.__path__)]


def test_every_expected_code_has_a_probe() -> None:
    missing = sorted(EXPECTED_CODES - LOADED.keys())
    assert not missing, (f"fixtures expect {', '.join(missing)} but no probe proves it: add "
                         f"tests/oracle/probes/{missing[0].lower()}.py with @probe({missing[0]!r})")


def test_every_probe_is_proven_on_a_fixture() -> None:
    dead = sorted(LOADED.keys() - EXPECTED_CODES)
    assert not dead, f"dead probes: no fixture expects {', '.join(dead)} (add a fixture or drop the probe)"


def test_probes_are_discovered() -> None:
    assert LOADED, "no probe registered"
    assert {p.module for p in LOADED.values()} == {m.__name__ for m in MODULES}, \
        "every module of tests/oracle/probes/ registers a probe, and every probe lives there"


@pytest.mark.parametrize("module", MODULES, ids=[m.__name__.rsplit(".", 1)[-1] for m in MODULES])
def test_probe_module_is_named_by_its_code_and_says_what_it_proves(module) -> None:
    name = module.__name__.rsplit(".", 1)[-1]
    codes = sorted(code for code, p in LOADED.items() if p.module == module.__name__)
    assert re.fullmatch(r"stc\d{3}", name), f"{name}.py: a probe module is named stcNNN.py"
    assert name.upper() in codes, f"{name}.py registers {codes}, not {name.upper()}"
    assert module.__doc__ and len(module.__doc__.strip()) > 40, \
        f"{name}.py: its docstring must say what runtime consequence proves the rule, and how"


def test_a_code_cannot_have_two_probes() -> None:
    def another(fixture, expected, results) -> Verdict:
        return Verdict()

    with pytest.raises(ValueError, match="STC001 has two probes"):
        probe("STC001")(another)
    assert PROBES["STC001"].check is not another


def test_probe_codes_are_rule_codes() -> None:
    with pytest.raises(ValueError, match="not a rule code"):
        probe("E501")
    with pytest.raises(TypeError):
        probe()
