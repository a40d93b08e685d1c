from __future__ import annotations

from typing import Iterator

from astroid import nodes

from cachelint.findings import Finding
from cachelint.analysis.context import CachedContext
from cachelint.rules.base import Example, Rule
from cachelint.streamlit_model import session


class SessionStateInCache(Rule):
    """A globally cached function reads per-session state.

    ## What it does
    Finds `@st.cache_data` / `@st.cache_resource` functions with the default
    `scope="global"` whose body reads `st.session_state` (item, attribute, `.get`,
    `in`), `st.query_params`, `st.context` (headers, cookies, locale, timezone ...)
    or `st.user`, directly or in the app's own helper functions it calls. Writes
    (`st.session_state["k"] = v`) are not reads.

    With `scope="session"` Streamlit keeps one cache per session, so reading the
    session's own state is not reported; except with `st.cache_data(persist="disk")`,
    whose files on disk are shared by every session whatever the scope.

    ## Why is this bad?
    The cache key is made of the arguments only. The first session to call the
    function stores its result, and every other session (another user, another
    tab) gets that result: stale results, and one user's data shown to another.

    ## Example
    ```python
    @st.cache_data
    def load_orders():
        return db.orders(customer=st.session_state["customer_id"])
    ```

    ## Use instead
    ```python
    @st.cache_data
    def load_orders(customer_id):
        return db.orders(customer=customer_id)

    orders = load_orders(st.session_state["customer_id"])
    ```
    or `@st.cache_data(scope="session")` for a result that belongs to the session.
    """

    code = "STC009"
    INVALID = (
        Example("""
            import streamlit as st


            @st.cache_data
            def orders():
                return f"orders of {st.session_state['customer']}"  # expect: STC009


            st.session_state.setdefault("customer", "ann")
            st.write(orders())
        """),
    )
    VALID = (
        Example("""
            import streamlit as st


            @st.cache_data
            def orders(customer):
                return f"orders of {customer}"


            st.session_state.setdefault("customer", "ann")
            st.write(orders(st.session_state["customer"]))
        """),
    )

    def check(self, ctx: CachedContext) -> Iterator[Finding]:
        shared = self._shared_across_sessions(ctx)
        if shared is None:
            return
        calls = ctx.body.streamlit
        reported: set[nodes.NodeNG] = set()
        name = ctx.cached.name
        for reached in ctx.body.nodes((nodes.Name, nodes.Attribute)):
            if reached.anchor in reported:
                continue
            read = calls.state_read(reached.node)
            if read is None:
                continue
            reported.add(reached.anchor)
            what, confidence = reached.describe(f"reads {read.label}", read.node.lineno)
            message = f"cached '{name}' {what}, which is per session, but {shared}"
            yield self.report(ctx, read.node if not reached.via else reached.anchor, message, confidence)

    @staticmethod
    def _shared_across_sessions(ctx: CachedContext) -> str | None:
        """Why results are shared between sessions, or None when they are not (or it is unclear)."""
        scope = ctx.cached.option("scope")
        if scope is None or (isinstance(scope, nodes.Const) and scope.value == session.DEFAULT_SCOPE):
            # scope="session" only where the target release has it (1.53+): a suggested fix must work.
            hint = ", or use scope=\"session\"" if session.SESSION_SCOPE in ctx.model.api.scopes else ""
            return ("its cache is shared by all sessions: one session's result is served to every user; "
                    f"pass the value as an argument{hint}")
        if not (isinstance(scope, nodes.Const) and scope.value == session.SESSION_SCOPE):
            return None  # a scope the analysis cannot read
        persist = ctx.cached.option("persist")
        if ctx.cached.kind == "data" and isinstance(persist, nodes.Const) and \
                any(persist.value == v and type(persist.value) is type(v) for v in session.DISK_PERSIST_VALUES):
            return (f"persist={persist.as_string()} stores results on disk, where every session reads them even "
                    f"with scope=\"session\": another user gets this session's result; pass the value as an "
                    f"argument, or drop persist")
        return None
