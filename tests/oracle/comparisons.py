"""Runs that show what a cached body's hidden inputs do (STC009, STC010).

* ``two_sessions``: two users. Session A runs the script with its own query
  params, ``st.context`` and ``st.user``; then session B (another session id: every
  ``AppTest`` otherwise shares one) runs it with different ones, changes every widget
  (so that whatever the app keeps in session state from its widgets differs too), and
  runs again, on the same caches, as a second user of a server would; then the caches
  are cleared and B runs again. If B's run on the shared caches differs from its run
  with empty caches, B was served a result computed for A. Session state is never
  set from outside: what differs between sessions is what really differs between two
  users (their widgets, URL, browser and login), and a key the app only ever sets to
  the same value is the same for both, as on a real server.
* ``changed_widgets``: one user changes every widget. The script runs, every
  widget gets another value, the script reruns (with its caches), then the
  caches are cleared and it runs again with the same widget values. If the two
  differ, the rerun showed a stale cached result.

Caches use Streamlit's disk storage (in a temporary folder), as a real server
does, so that ``persist="disk"`` behaves as in production. The keys given to
``st.session_state`` and ``st.query_params`` are read from the fixture's source
(string keys next to ``session_state`` / ``query_params``): fixtures carry no
markers for the oracle.
"""

from __future__ import annotations

import ast
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from expectations import Fixture
from oracle.harness import TIMEOUT, import_root, isolated
from oracle.internals import clear_caches, disk_caches, lookup_counts, session_id

SESSION_INPUTS = {
    "a": {"value": "alpha", "context": {"locale": "en-US", "timezone": "Europe/London",
                                        "url": "http://localhost:8501/?tenant=alpha"},
          "user": {"email": "alice@example.com", "name": "Alice", "is_logged_in": True}},
    "b": {"value": "bravo", "context": {"locale": "fr-FR", "timezone": "America/New_York",
                                        "url": "http://localhost:8501/?tenant=bravo"},
          "user": {"email": "bob@example.com", "name": "Bob", "is_logged_in": True}},
}


@dataclass
class Shown:
    """What one run showed."""

    elements: list[str]
    errors: list[str]
    misses: Counter[str] = field(default_factory=Counter)  # cache misses during the run
    lookups: Counter[str] = field(default_factory=Counter)


@dataclass
class Comparison:
    """A run on shared caches, and the same inputs on empty caches."""

    first: Shown  # session A / the run before the widgets changed
    shared: Shown  # session B / the rerun after the widgets changed, caches kept
    fresh: Shown  # the same inputs as ``shared``, caches cleared
    changed: list[str] = field(default_factory=list)  # what inputs differed

    @property
    def stale(self) -> bool:
        return self.shared.elements != self.fresh.elements

    def difference(self) -> str:
        for old, new in zip(self.shared.elements, self.fresh.elements):
            if old != new:
                return f"shown {_short(old)!r}, fresh run shows {_short(new)!r}"
        return f"{len(self.shared.elements)} elements shown, {len(self.fresh.elements)} in the fresh run"


# ---------------------------------------------------------------------------


def two_sessions(fixture: Fixture, script: Path) -> Comparison:
    from streamlit.testing.v1 import AppTest

    keys = state_keys(fixture)
    with isolated(import_root(fixture)), disk_caches():
        clear_caches()
        with session_id("oracle-session-a"):
            at_a = _with_inputs(AppTest.from_file(str(script), default_timeout=TIMEOUT), keys, "a")
            first = _run(at_a)
        with session_id("oracle-session-b"):
            at_b = _with_inputs(AppTest.from_file(str(script), default_timeout=TIMEOUT), keys, "b")
            _run(at_b)
            widgets = perturb_widgets(at_b)
            shared = _run(at_b)
            clear_caches()
            fresh = _run(at_b)
        clear_caches()
    changed = [f"query_params {sorted(keys)}", "st.context", "st.user", *widgets]
    return Comparison(first, shared, fresh, changed)


def changed_widgets(fixture: Fixture, script: Path) -> Comparison:
    from streamlit.testing.v1 import AppTest

    with isolated(import_root(fixture)), disk_caches():
        clear_caches()
        at = AppTest.from_file(str(script), default_timeout=TIMEOUT)
        first = _run(at)
        changed = perturb_widgets(at)
        shared = _run(at)
        clear_caches()
        fresh = _run(at)
        clear_caches()
    return Comparison(first, shared, fresh, changed)


def _run(at) -> Shown:
    before_lookups, before_misses = lookup_counts()
    at.run()
    after_lookups, after_misses = lookup_counts()
    errors = [f"{(e.proto.type or '').rsplit('.', 1)[-1]}: {e.message.strip().splitlines()[0] if e.message else ''}"
              for e in at.exception]
    return Shown(shown_elements(at), errors, +(after_misses - before_misses), +(after_lookups - before_lookups))


def shown_elements(at) -> list[str]:
    """Every element shown (main area, then sidebar), as its proto text.

    (``harness.rendered`` walks the tree in its own order for STC006; each check keeps
    the listing it was proven with.)"""
    from streamlit.testing.v1.element_tree import Block

    return [f"{type(node).__name__}: {node.proto}" for root in (at.main, at.sidebar) for node in root
            if not isinstance(node, Block)]


def _short(text: str, limit: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit] + "..."


# ---------------------------------------------------------------------------
# Inputs


def _with_inputs(at, keys: set[str], who: str):
    inputs = SESSION_INPUTS[who]
    for key in sorted(keys):
        at.query_params[key] = inputs["value"]
    at.context = dict(inputs["context"])
    at.user = dict(inputs["user"])
    return at


def state_keys(fixture: Fixture) -> set[str]:
    """String keys the fixture uses with st.session_state / st.query_params."""
    keys: set[str] = set()
    for path in fixture.files:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        aliases = {"session_state", "query_params"}
        for node in ast.walk(tree):
            if isinstance(node, ast.Assign) and _is_state(node.value, aliases):
                aliases |= {t.id for t in node.targets if isinstance(t, ast.Name)}
            if isinstance(node, ast.ImportFrom) and node.module == "streamlit":
                aliases |= {a.asname for a in node.names if a.asname and a.name in ("session_state", "query_params")}
        for node in ast.walk(tree):
            if isinstance(node, ast.Subscript) and _is_state(node.value, aliases):
                keys |= _string(node.slice)
            elif isinstance(node, ast.Attribute) and _is_state(node.value, aliases) and \
                    node.attr not in ("get", "get_all", "to_dict", "keys", "items", "values", "setdefault",
                                      "update", "clear", "pop", "from_dict"):
                keys.add(node.attr)
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and \
                    _is_state(node.func.value, aliases) and node.args:
                keys |= _string(node.args[0])
            elif isinstance(node, ast.Compare) and any(isinstance(op, (ast.In, ast.NotIn)) for op in node.ops) and \
                    any(_is_state(c, aliases) for c in node.comparators):
                keys |= _string(node.left)
    return keys


def _is_state(node: ast.AST, aliases: set[str]) -> bool:
    if isinstance(node, ast.Attribute):
        return node.attr in ("session_state", "query_params")
    return isinstance(node, ast.Name) and node.id in aliases


def _string(node: ast.AST) -> set[str]:
    return {node.value} if isinstance(node, ast.Constant) and isinstance(node.value, str) else set()


def perturb_widgets(at) -> list[str]:
    """Give every widget of the last run a value other than its current one."""
    changed: list[str] = []

    def note(widget, value) -> None:
        widget.set_value(value)
        changed.append(f"{type(widget).__name__} {widget.label!r} -> {value!r}")

    for widget in list(at.checkbox) + list(at.toggle):
        note(widget, not widget.value)
    for widget in list(at.text_input) + list(at.text_area):
        note(widget, (widget.value or "") + " changed")
    for widget in at.number_input:
        step = widget.step or 1
        value = widget.value + step
        if widget.max is not None and value > widget.max:
            value = widget.value - step
        note(widget, value)
    for widget in at.slider:
        if isinstance(widget.value, (tuple, list)):
            continue
        note(widget, widget.max if widget.value != widget.max else widget.min)
    # Options as AppTest shows them (strings): the fixtures use string options.
    for widget in list(at.selectbox) + list(at.radio):
        others = [o for o in widget.options if o != str(widget.value)]
        if others:
            note(widget, others[-1])
    for widget in at.multiselect:
        current = {str(v) for v in widget.value}
        note(widget, [o for o in widget.options if o not in current])
    return changed
