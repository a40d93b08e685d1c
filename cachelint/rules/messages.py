"""Phrases several rules use, so that messages read the same everywhere."""

from __future__ import annotations

from cachelint.analysis.values import BoundMethod, Function, Instance, Value


def type_name(value: Value) -> str:
    return value.describe() if hasattr(value, "describe") else type(value).__name__


def culprit_phrase(value: Value, culprit: Value | None) -> str:
    """"has type 'list[Doc]'; Streamlit cannot hash the 'Doc' inside it"."""
    shown = type_name(value)
    if culprit is None or culprit == value:
        return f"has type '{shown}', which Streamlit cannot hash"
    return f"has type '{shown}'; Streamlit cannot hash the '{type_name(culprit)}' inside it"


def fix_hint(culprit: Value | None, param: str) -> str:
    if isinstance(culprit, Instance):
        return f"add hash_funcs={{{culprit.cls.name}: ...}} or rename it '_{param}'"
    if isinstance(culprit, (Function, BoundMethod)):
        return f"pass the data the function needs instead, or rename it '_{param}'"
    return f"rename it '_{param}'"


def article(word: str) -> str:
    return "an" if word[:1].lower() in "aeiou" else "a"
