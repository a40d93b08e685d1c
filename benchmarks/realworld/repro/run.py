"""Run the minimal apps of this folder under Streamlit's AppTest and check each verdict
of labels.toml they stand for (run by hand; not part of the test suite).

    python benchmarks/realworld/repro/run.py [NAME ...]

Each scenario runs an app the way the failure would show on a server: two sessions
(each AppTest gets its own session id, caches shared as in one server process), or one
session whose widgets change, then the same inputs with the caches cleared. A verdict
holds when what the app shows matches the expectation; apps with a control switch run
it too, to show that the same harness does see the failure when it is there.
Exit code 0 when every scenario holds.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from unittest import mock

HERE = Path(__file__).resolve().parent
TIMEOUT = 30


@contextlib.contextmanager
def session(value: str) -> Iterator[None]:
    """AppTest runs inside this block belong to session ``value`` (AppTest otherwise
    gives every instance the same session id)."""
    from streamlit.runtime.scriptrunner.script_runner import ScriptRunner

    original = ScriptRunner.__init__

    def init(self, *args, **kwargs):
        kwargs["session_id"] = value
        original(self, *args, **kwargs)

    with mock.patch.object(ScriptRunner, "__init__", init):
        yield


def clear() -> None:
    import streamlit as st

    st.cache_data.clear()
    st.cache_resource.clear()


def app(name: str, env: dict | None = None, **state):
    """An AppTest of ``name`` with ``state`` in its session state; ``env`` sets the
    REPRO_* environment knobs (kept out of session state so that the apps' own
    findings stay those of the pattern they show)."""
    from streamlit.testing.v1 import AppTest

    for key in [k for k in os.environ if k.startswith("REPRO_")]:
        del os.environ[key]
    os.environ.update(env or {})

    at = AppTest.from_file(str(HERE / name), default_timeout=TIMEOUT)
    for key, value in state.items():
        at.session_state[key] = value
    return at


def shown(at) -> list[str]:
    return [str(e.value) for e in at.markdown] + \
        [f"{(e.proto.type or 'Exception').rsplit('.', 1)[-1]}: {e.message}" for e in at.exception]


def two_sessions(name: str, a: dict, b: dict, env: dict | None = None) -> tuple[list[str], list[str]]:
    """Session A runs, then session B on the same caches; returns (B shared, B fresh)."""
    clear()
    with session("repro-a"):
        app(name, env, **a).run()
    with session("repro-b"):
        at_b = app(name, env, **b)
        shared = shown(at_b.run())
        clear()
        fresh = shown(at_b.run())
    clear()
    return shared, fresh


# --------------------------------------------------------------------------- scenarios


def equivalent_backends() -> list[tuple[str, bool, str]]:
    out = []
    for equivalent in (True, False):
        shared, fresh = two_sessions("stc009_equivalent_backends.py",
                                     {"use_mirror": True}, {"use_mirror": False},
                                     env={"REPRO_EQUIVALENT": "1" if equivalent else "0"})
        leak = shared != fresh
        label = "back ends equal" if equivalent else "control: back ends differ"
        out.append((label, leak is (not equivalent), f"B shown {shared}, B fresh {fresh}"))
    return out


def constant_in_session_state() -> list[tuple[str, bool, str]]:
    out = []
    for leaky in (False, True):
        shared, fresh = two_sessions("stc009_constant_in_session_state.py",
                                     {"user": "alice", "leaky": leaky}, {"user": "bob", "leaky": leaky})
        leak = shared != fresh
        label = "every session sets the same constant" if not leaky else "control: per-user value"
        out.append((label, leak is leaky, f"B shown {shared}, B fresh {fresh}"))
    return out


def identity_restamped() -> list[tuple[str, bool, str]]:
    out = []
    for restamp in (True, False):
        clear()
        with session("repro-a"):
            app("stc009_identity_restamped.py", user="alice", restamp=restamp).run()
        with session("repro-b"):
            at = app("stc009_identity_restamped.py", user="bob", restamp=restamp, do_commit=True).run()
        text = shown(at)
        clear()
        ok = any("by bob" in t for t in text) if restamp else any("by alice" in t for t in text)
        label = "commit re-stamps the author" if restamp else "control: no re-stamp"
        out.append((label, ok, f"session B (bob) sees {text}"))
    return out


def func_keyword() -> list[tuple[str, bool, str]]:
    clear()
    at = app("stc012_func_keyword.py").run()
    text = shown(at)
    clear()
    ok = not at.exception and any("square=16 again=16 double=8" in t for t in text)
    return [("st.cache_resource(func=f) / st.cache_data(func=...)", ok, f"shown {text}")]


def client_only_authenticates() -> list[tuple[str, bool, str]]:
    clear()
    at = app("stc010_client_only_authenticates.py").run()
    at.text_input[0].set_value("second-key")
    shared = shown(at.run())
    clear()
    fresh = shown(at.run())
    clear()
    return [("API key changed", shared == fresh and not at.exception,
             f"after the change {shared}, fresh {fresh}")]


def cleared_together() -> list[tuple[str, bool, str]]:
    out = []
    for clear_all in (True, False):
        clear()
        at = app("stc006_cleared_together.py", clear_all=clear_all).run()
        at.button[0].click()
        shared = shown(at.run())
        clear()
        # a fresh process whose source says B shows what the consumer should show
        fresh = shown(app("stc006_cleared_together.py", {"REPRO_COMPANY": "B"}).run())
        clear()
        stale = shared != fresh
        label = "st.cache_data.clear()" if clear_all else "control: only the loader cleared"
        out.append((label, stale is (not clear_all), f"after the switch {shared}, fresh {fresh}"))
    return out


def contextmanager_target() -> list[tuple[str, bool, str]]:
    clear()
    at = app("stc001_contextmanager_target.py").run()
    text = shown(at)
    clear()
    ok = any("UnhashableParamError" in t for t in text) and any("DbSession" in t for t in text)
    return [("with-target of a @contextmanager", ok, f"shown {[t[:140] for t in text]}")]


def signature_underscored() -> list[tuple[str, bool, str]]:
    clear()
    at = app("stc006_signature_underscored.py").run()
    at.button[0].click()
    shared = shown(at.run())
    clear()
    # a fresh server process whose store already holds the three items
    fresh = shown(app("stc006_signature_underscored.py", {"REPRO_SEED": "alice,bob,user2"}).run())
    clear()
    stale = shared != fresh
    return [("item added, loader cleared", stale, f"after the add {shared}; a fresh process {fresh}")]


SCENARIOS: dict[str, Callable[[], list[tuple[str, bool, str]]]] = {
    "stc009_equivalent_backends": equivalent_backends,
    "stc009_identity_restamped": identity_restamped,
    "stc009_constant_in_session_state": constant_in_session_state,
    "stc012_func_keyword": func_keyword,
    "stc010_client_only_authenticates": client_only_authenticates,
    "stc006_cleared_together": cleared_together,
    "stc001_contextmanager_target": contextmanager_target,
    "stc006_signature_underscored": signature_underscored,
}


def main(argv: list[str]) -> int:
    names = argv or list(SCENARIOS)
    unknown = [n for n in names if n not in SCENARIOS]
    if unknown:
        print(f"unknown scenario(s): {', '.join(unknown)}; known: {', '.join(SCENARIOS)}")
        return 2
    failed = 0
    for name in names:
        for label, ok, detail in SCENARIOS[name]():
            failed += not ok
            print(f"{'HOLDS ' if ok else 'BROKEN'} {name}: {label}: {detail}")
    print("\nall verdicts hold" if not failed else f"\n{failed} verdict(s) do not hold")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
