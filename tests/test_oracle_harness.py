"""Self-tests of the oracle's harness: each AppTest trick proven on a tiny app of its own.

The probes of tests/oracle/probes/ rely on these helpers to make a failure
visible; if a helper silently stopped working (a Streamlit upgrade, a glibc that
hands out thread ids differently) a probe could pass without proving anything.
"""

from __future__ import annotations

import textwrap
import threading
from pathlib import Path

import pytest

import oracle
from expectations import Fixture
from oracle import internals, tricks
from oracle.harness import TIMEOUT, isolated


@pytest.fixture(scope="module", autouse=True)
def _quiet_logs():
    from streamlit.testing.v1 import AppTest  # noqa: F401  (creates Streamlit's loggers)

    oracle.quiet_streamlit_logs()


@pytest.fixture(autouse=True)
def _fresh_caches():
    internals.clear_caches()
    internals.forget_cache_objects()
    yield
    internals.clear_caches()
    internals.forget_cache_objects()


def make_app(folder: Path, files: dict[str, str]) -> Fixture:
    """A fixture of our own: one file (``app.py``) or a folder with pages and modules."""
    for name, text in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    if len(files) == 1:
        return Fixture(folder / "app.py", folder / "app.py")
    return Fixture(folder, folder / "app.py")


def apptest(fixture: Fixture):
    from streamlit.testing.v1 import AppTest

    return AppTest.from_file(str(fixture.entry), default_timeout=TIMEOUT)


def texts(at) -> list[str]:
    return [str(element.value) for element in at.markdown]


def shown(at, prefix: str) -> str:
    """The text of the markdown element that starts with ``prefix``, without it."""
    return next(text[len(prefix):] for text in texts(at) if text.startswith(prefix))


# ---------------------------------------------------------------------------
# Streamlit's internals


def test_streamlit_private_names_exist() -> None:
    internals.check_private_names()  # also run on import: collection fails first


def test_only_internals_imports_private_streamlit_modules() -> None:
    """Private Streamlit modules are imported in internals.py only (AppTest's are public)."""
    import ast

    tests = Path(__file__).parent
    offenders = []
    for path in sorted([*tests.glob("test_oracle*.py"), *(tests / "oracle").rglob("*.py")]):
        if path == tests / "oracle" / "internals.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            offenders += [f"{path.relative_to(tests)}:{node.lineno}: {name}" for name in names
                          if name.startswith("streamlit.") and not name.startswith("streamlit.testing.v1")]
    assert not offenders, offenders


def test_cache_bookkeeping_reads_entries_lookups_and_hash_funcs(tmp_path: Path) -> None:
    fixture = make_app(tmp_path, {"app.py": """
        import streamlit as st

        class Box:
            def __init__(self, n):
                self.n = n

        @st.cache_data(hash_funcs={Box: lambda box: box.n})
        def double(box):
            return box.n * 2

        @st.cache_resource
        def pool():
            return object()

        st.write(double(Box(2)), double(Box(2)), pool() is not None)
    """})
    result = oracle.run_script(fixture, fixture.entry, reruns=1)
    first, rerun = result.runs
    assert not first.errors
    assert first.entries == 2  # one cache_data entry, one cache_resource entry
    assert sum(first.misses.values()) == 2 and sum(first.lookups.values()) == 3
    assert sum(rerun.misses.values()) == 0 and sum(rerun.lookups.values()) == 3
    assert first.hash_funcs_keys == {"__main__.Box"} and first.hash_funcs_calls["__main__.Box"] == 2


# ---------------------------------------------------------------------------
# Two sessions with their own session ids


SESSION_APP = """
    import uuid
    import streamlit as st
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    @st.cache_data(scope="session")
    def token():
        return uuid.uuid4().hex

    st.write(f"session: {get_script_run_ctx().session_id}")
    st.write(f"token: {token()}")
"""


def test_session_id_gives_each_apptest_its_own_session(tmp_path: Path) -> None:
    fixture = make_app(tmp_path, {"app.py": SESSION_APP})
    with isolated(tmp_path):
        with tricks.session_id("alice"):
            alice = apptest(fixture).run()
        with tricks.session_id("bob"):
            bob = apptest(fixture).run()
        with tricks.session_id("alice"):
            alice_again = alice.run()
    assert (shown(alice, "session: "), shown(bob, "session: ")) == ("alice", "bob")
    assert shown(alice, "token: ") != shown(bob, "token: "), "scope='session' caches must not be shared"
    assert shown(alice_again, "token: ") == shown(alice, "token: ")


def test_without_session_id_every_apptest_is_one_session(tmp_path: Path) -> None:
    """Why the trick exists: plain AppTests share the id "test session id", and so their session caches."""
    fixture = make_app(tmp_path, {"app.py": SESSION_APP})
    with isolated(tmp_path):
        first, second = apptest(fixture).run(), apptest(fixture).run()
    assert shown(first, "session: ") == shown(second, "session: ")
    assert shown(first, "token: ") == shown(second, "token: ")


# ---------------------------------------------------------------------------
# A new thread id per run


def test_new_thread_per_run_gives_every_run_another_thread_id(tmp_path: Path) -> None:
    fixture = make_app(tmp_path, {"app.py": """
        import threading
        import streamlit as st

        st.write(f"thread: {threading.get_ident()}")
    """})
    with isolated(tmp_path), tricks.new_thread_per_run() as threads:
        at = apptest(fixture)
        seen = [shown(at.run(), "thread: ") for _ in range(4)]
    assert len(set(seen)) == 4, seen
    assert seen == [str(ident) for ident in threads.idents]
    assert not any(t.is_alive() for t in threads.idle), "idle threads must end with the block"
    assert threading.Thread.start.__qualname__ == "Thread.start"


def test_new_thread_per_run_shows_a_thread_bound_resource_failing(tmp_path: Path) -> None:
    """The STC015 proof it enables: a cached sqlite3 connection used from the next run's thread."""
    fixture = make_app(tmp_path, {"app.py": """
        import sqlite3
        import streamlit as st

        @st.cache_resource
        def connection():
            return sqlite3.connect(":memory:")

        st.write(f"one: {connection().execute('select 1').fetchone()[0]}")
    """})
    with isolated(tmp_path), tricks.new_thread_per_run():
        at = apptest(fixture)
        first = at.run()
        assert not first.exception and shown(first, "one: ") == "1"
        second = at.run()
        assert [e.proto.type for e in second.exception] == ["sqlite3.ProgrammingError"]
        assert "same thread" in second.exception[0].message


# ---------------------------------------------------------------------------
# Counting body executions


def test_count_bodies_counts_body_executions_across_runs(tmp_path: Path) -> None:
    fixture = make_app(tmp_path, {"app.py": """
        import streamlit as st

        @st.cache_data
        def load(region):
            return f"sales for {region}"

        def rows():
            yield 1
            yield 2
            yield 3

        st.write(load("EU"), load("EU"), load("US"))
        st.write(sum(rows()))
    """})
    with isolated(tmp_path), tricks.count_bodies(fixture) as bodies:
        at = apptest(fixture)
        at.run()
        at.run()
    assert bodies.count("load") == 2, bodies.lines()  # EU and US once; every other call hit the cache
    assert bodies.count("rows") == 2, bodies.lines()  # once per run, not once per resume
    assert bodies.lines().count("app.py:load") == 2 and bodies.path.is_file()
    assert threading.getprofile() is None


def test_count_bodies_sees_a_cache_that_never_hits(tmp_path: Path) -> None:
    fixture = make_app(tmp_path, {"app.py": """
        import streamlit as st

        @st.cache_data
        def load():
            return 1

        st.write(load())
    """})
    with isolated(tmp_path), tricks.count_bodies(fixture) as bodies, internals.cache_never_hits():
        at = apptest(fixture)
        for _ in range(3):
            at.run()
    assert bodies.count("load") == 3


# ---------------------------------------------------------------------------
# Disk persistence


STAMP_APP = """
    import uuid
    import streamlit as st

    @st.cache_data(persist="disk")
    def stamp():
        return uuid.uuid4().hex

    st.write(f"stamp: {stamp()}")
"""


def test_disk_caches_keep_persisted_entries_across_a_restart(tmp_path: Path) -> None:
    fixture = make_app(tmp_path, {"app.py": STAMP_APP})
    with isolated(tmp_path), tricks.disk_caches() as folder:
        before = shown(apptest(fixture).run(), "stamp: ")
        assert [p.suffix for p in folder.iterdir()] == [".memo"]
        tricks.forget_cache_objects()  # a server restart: only the disk remains
        after = shown(apptest(fixture).run(), "stamp: ")
    assert after == before
    assert not folder.exists(), "the scratch folder goes with the block"


def test_without_disk_caches_apptest_persists_nothing(tmp_path: Path) -> None:
    """Why the trick exists: AppTest's MemoryCacheStorageManager ignores persist="disk"."""
    fixture = make_app(tmp_path, {"app.py": STAMP_APP})
    with isolated(tmp_path):
        before = shown(apptest(fixture).run(), "stamp: ")
        tricks.forget_cache_objects()
        after = shown(apptest(fixture).run(), "stamp: ")
    assert after != before


# ---------------------------------------------------------------------------
# Switching pages


def test_run_pages_switches_pages_in_one_session(tmp_path: Path) -> None:
    fixture = make_app(tmp_path, {
        "app.py": """
            import streamlit as st

            st.write("home")
        """,
        "shared.py": """
            import uuid
            import streamlit as st

            @st.cache_data
            def token():
                return uuid.uuid4().hex
        """,
        "pages/eu.py": """
            import streamlit as st
            from shared import token

            st.write("page EU")
            st.write(f"token: {token()}")
        """,
        "pages/us.py": """
            import streamlit as st
            from shared import token

            st.write("page US")
            st.write(f"token: {token()}")
        """,
    })
    home, eu, us = tricks.run_pages(fixture, ["pages/eu.py", "pages/us.py"])
    assert [run.page for run in (home, eu, us)] == ["", "pages/eu.py", "pages/us.py"]
    assert home.texts == ["home"]
    assert eu.texts[0] == "page EU" and us.texts[0] == "page US"
    assert eu.texts[1] == us.texts[1], "one session: the pages share the cache"
    assert not (home.errors or eu.errors or us.errors)
