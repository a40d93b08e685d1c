from __future__ import annotations

from typing import Iterator

from astroid import nodes

from cachelint.findings import Finding
from cachelint.analysis.context import CachedContext
from cachelint.rules.base import Example, Rule


class WidgetInCachedFunction(Rule):
    """A widget command runs inside a cached function.

    ## What it does
    Finds widget commands that run when a `@st.cache_data` / `@st.cache_resource`
    function runs: every input widget of Streamlit 1.67 (`st.button`, `st.slider`,
    `st.text_input`, `st.file_uploader`, `st.chat_input`, `st.data_editor`,
    `st.pills`, `st.feedback`, ...), `st.form`, custom components, and the elements
    that become widgets with some arguments: `st.dataframe` and the charts with
    `on_select=...`, `st.tabs` / `st.expander` / `st.popover` with `on_change=...`,
    `st.link_button` with `on_click` or a `key`. They are found as `st.x`,
    `st.sidebar.x`, on containers (`col.x` for `col` from `st.columns`,
    `st.container()`, `st.tabs`, ...), and in the app's own helper functions that
    the cached function calls, in any module (a few calls deep).

    Display elements (`st.write`, `st.dataframe` without `on_select`, charts,
    `st.columns`, `with st.sidebar:`) are fine: Streamlit records them and replays
    them on every cache hit.

    ## Why is this bad?
    The body of a cached function only runs on a cache miss. Streamlit shows a
    `CachedWidgetWarning` and replays it on every rerun, while the widget only
    exists on the run that missed the cache: its value is never read again, and
    the cached result does not follow it.

    ## Example
    ```python
    @st.cache_data
    def load(path):
        df = pd.read_csv(path)
        limit = st.slider("Rows", 1, 100)
        return df.head(limit)
    ```

    ## Use instead
    ```python
    @st.cache_data
    def load(path, limit):
        return pd.read_csv(path).head(limit)

    limit = st.slider("Rows", 1, 100)
    df = load(path, limit)
    ```
    """

    code = "STC008"
    INVALID = (
        Example("""
            import streamlit as st


            @st.cache_data
            def rows(n):
                limit = st.slider("Rows", 1, 10)  # expect: STC008
                return list(range(min(n, limit)))


            st.write(rows(5))
        """),
    )
    VALID = (
        Example("""
            import streamlit as st


            @st.cache_data
            def rows(n, limit):
                st.write("loading...")  # display elements are replayed: fine
                return list(range(min(n, limit)))


            st.write(rows(5, st.slider("Rows", 1, 10)))
        """),
    )

    def check(self, ctx: CachedContext) -> Iterator[Finding]:
        calls = ctx.body.streamlit
        reported: set[nodes.NodeNG] = set()
        name = ctx.cached.name
        for reached in ctx.body.nodes(nodes.Call):
            if reached.anchor in reported:
                continue
            widget = calls.widget(reached.node)
            if widget is None:
                continue
            reported.add(reached.anchor)
            where, confidence = reached.describe(f"runs widget {widget.label}", reached.node.lineno)
            message = (f"cached '{name}' {where}: the widget only runs on a cache miss and Streamlit shows "
                       f"CachedWidgetWarning on every rerun; move the widget out of the cached function and "
                       f"pass its value as an argument")
            yield self.report(ctx, reached.anchor, message, confidence)
