from __future__ import annotations

from typing import Iterator

from astroid import nodes

from cachelint.findings import Finding
from cachelint.analysis.context import CachedContext
from cachelint.rules.base import Example, Rule
from cachelint.streamlit_model import widgets


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

    ## By release
    Measured on every release with a checkbox (docs/streamlit-versions.md):

    * 1.18-1.22 and 1.32-1.33: every call of the cached function raises
      `AttributeError`;
    * 1.23-1.31: `CachedStFunctionWarning` on every run, the widget replayed on a hit;
    * 1.34-1.37: `CachedWidgetWarning`, and on a cache hit the widget is gone;
    * 1.38 and later: `CachedWidgetWarning`, the widget replayed on a hit.

    `experimental_allow_widgets=True` (accepted up to 1.48, with a deprecation box
    from 1.36) makes the widget's value part of the cache key up to 1.37: no
    finding there. From 1.38 the option changes nothing (the warning shows anyway),
    and from 1.49 it is a `TypeError` (STC012).

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
        # On 1.20 the call itself raises AttributeError.
        Example("""
            import streamlit as st


            @st.cache_resource
            def rows(n):
                st.checkbox("Show all")  # expect: STC008
                return list(range(n))


            st.write(rows(5))
        """, target_streamlit="1.20"),
    )
    VALID = (
        # Up to 1.37 experimental_allow_widgets=True makes the widget part of the key.
        Example("""
            import streamlit as st


            @st.cache_data(experimental_allow_widgets=True)
            def rows(n):
                limit = st.slider("Rows", 1, 10)
                return list(range(min(n, limit)))


            st.write(rows(5))
        """, target_streamlit="1.30"),
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
        behaviour = ctx.model.widgets
        if behaviour.allow_widgets == "honoured" and _allows_widgets(ctx):
            return
        consequence = _consequence(behaviour, ctx.model.shown)
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
            message = (f"cached '{name}' {where}: {consequence}; move the widget out of the cached function and "
                       f"pass its value as an argument")
            yield self.report(ctx, reached.anchor, message, confidence)


def _consequence(behaviour: widgets.WidgetBehaviour, on: str) -> str:
    """What a widget in a cached function does on the target release."""
    if behaviour.outcome == widgets.RAISES:
        return f"on {on} every call of the cached function raises {behaviour.error}"
    if behaviour.outcome == widgets.WARNS_NOT_REPLAYED:
        return (f"the widget only runs on a cache miss: on {on} Streamlit shows {behaviour.warning} on every "
                f"rerun and the widget is gone on a cache hit")
    return f"the widget only runs on a cache miss and Streamlit shows {behaviour.warning} on every rerun"


def _allows_widgets(ctx: CachedContext) -> bool:
    """``experimental_allow_widgets=True`` on the decorator."""
    option = ctx.cached.option("experimental_allow_widgets")
    return isinstance(option, nodes.Const) and option.value is True
