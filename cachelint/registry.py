"""Every rule, in code order: one instance of each rule of the catalogue.

Names, severities and summaries live in ``cachelint.catalog`` (data, cheap to import);
each rule's class is in its module under ``cachelint/rules/``, the one the catalogue
names (``Code.module``), so a new rule is its catalogue row and its file. This module
imports the rules, and astroid with them.
"""

from __future__ import annotations

import importlib

from cachelint import catalog
from cachelint.rules.base import Rule


def _rule(code: catalog.Code) -> Rule:
    module = importlib.import_module(f"cachelint.rules.{code.module}")
    (found,) = [value for value in vars(module).values()
                if isinstance(value, type) and issubclass(value, Rule) and value.__module__ == module.__name__]
    if found.code != code.code:
        raise ImportError(f"{module.__name__} defines {found.__name__} for {found.code}, not {code.code}")
    return found()


RULES: tuple[Rule, ...] = tuple(_rule(code) for code in catalog.CODES if not code.about_file)

BY_CODE: dict[str, Rule] = {rule.code: rule for rule in RULES}


def rules_for(select: frozenset[str] | None = None, ignore: frozenset[str] = frozenset(),
              preview: bool = False) -> list[Rule]:
    """The rules a run needs: the selected ones, and those that supersede a selected one
    (their findings decide what a selected rule may report, even when not shown)."""
    chosen = {rule.code for rule in RULES if catalog.selected(rule.code, select, ignore, preview)}
    needed = set(chosen)
    while True:
        more = {rule.code for rule in RULES if rule.supersedes & needed} - needed
        if not more:
            break
        needed |= more
    return [rule for rule in RULES if rule.code in needed]
