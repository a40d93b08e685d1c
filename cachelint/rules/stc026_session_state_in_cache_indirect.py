from __future__ import annotations

from typing import Iterator

from cachelint.analysis.context import CachedContext
from cachelint.findings import Confidence, Finding
from cachelint.rules.base import Example, Rule
from cachelint.rules.stc009_session_state_in_cache import leak_finding


class SessionStateInCacheIndirect(Rule):
    """A global cache whose result depends on per-session state, as far as inference sees
    (preview).

    ## What it does
    The leaks STC009 can only infer: a global `@st.cache_data` / `@st.cache_resource`
    function that calls the app's own helpers which read `st.session_state`,
    `st.query_params`, `st.context` or `st.user` (`if is_admin():`); a global cache
    that stores the result of a cached function that leaks (fixing the inner one alone
    would leave it leaking); a per-session value that only authenticates a request (a
    token set on a client), which leaks only if the backend filters rows by user. The
    value is followed as STC009 follows it, through the helpers, and one finding is
    made per function and root cause.

    Preview: on public apps these were right about half the time (a per-session toggle
    between back ends that return the same rows, a token on a shared query, a counter
    read behind a test). Run with `--preview` to see them.

    ## Why is this bad?
    The cache key is made of the arguments only. The first session to call the
    function stores its result, and every other session gets it: one user's data shown
    to another.

    ## Example
    ```python
    def is_admin():
        return st.session_state.get("role") == "admin"

    @st.cache_data(ttl=600)
    def report(region):
        rows = load(region)
        if is_admin():
            return rows
        return rows[:1]

    st.session_state.role = st.selectbox("Role", ["admin", "guest"])
    report("eu")
    ```

    ## Use instead
    ```python
    def is_admin():
        return st.session_state.get("role") == "admin"

    @st.cache_data(ttl=600)
    def report(region, admin):
        rows = load(region)
        if admin:
            return rows
        return rows[:1]

    st.session_state.role = st.selectbox("Role", ["admin", "guest"])
    report("eu", is_admin())
    ```
    """

    code = "STC026"
    INVALID = (
        Example("""
            import streamlit as st


            def is_admin():
                return st.session_state.get("role") == "admin"


            @st.cache_data(ttl=600)
            def report(region):
                rows = [f"{region}-{i}" for i in range(3)]
                if is_admin():  # expect: STC026
                    return rows
                return rows[:1]


            st.session_state.role = st.selectbox("role", ["admin", "guest"])
            st.write(report("eu"))
        """),
    )
    VALID = (
        Example("""
            import streamlit as st


            def is_admin():
                return st.session_state.get("role") == "admin"


            @st.cache_data(ttl=600)
            def report(region, admin):
                rows = [f"{region}-{i}" for i in range(3)]
                return rows if admin else rows[:1]


            st.session_state.role = st.selectbox("role", ["admin", "guest"])
            st.write(report("eu", is_admin()))
        """),
    )

    def check(self, ctx: CachedContext) -> Iterator[Finding]:
        finding = leak_finding(self, ctx)  # STC009's analysis, shared through the analysis memo
        if finding is not None and finding.confidence != Confidence.HIGH:
            yield finding
