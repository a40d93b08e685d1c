from __future__ import annotations

from typing import Iterator

from astroid import nodes

from cachelint.analysis.context import ModuleContext
from cachelint.findings import Finding
from cachelint.rules.base import Example, Rule
from cachelint.rules.legacy_api import LegacyUse, legacy_uses, only_compared, replacement, shown_use
from cachelint.streamlit_model import StreamlitModel


class RemovedCacheApi(Rule):
    """A caching API that the targeted Streamlit release no longer has.

    ## What it does
    Finds `st.cache`, `st.experimental_memo` and `st.experimental_singleton`: as
    decorators (bare or with options), in the call form, their `.clear()` calls,
    `from streamlit import cache` (any of the three, with or without an alias), and
    decorators kept in variables, where they fail on the Streamlit release the app
    runs (the target: your pin in `requirements.txt`, `pyproject.toml`, a lock file...;
    see `cachelint check -v`). Names are resolved, so `import streamlit as s`
    and `memo = st.experimental_memo` are found too. Code that runs only on old
    Streamlit (the fallback of `try: ... except (AttributeError, ImportError)`, a
    branch of a `hasattr(st, ...)` or version check) and names the app puts back on
    `streamlit` itself (`st.cache = st.cache_data`) are not reported.

    Where the API still works on the target, the use is an upgrade blocker:
    STC025 (`deprecated-cache-api`, a warning) reports it instead. A range pin
    (`streamlit>=1.20`) is checked against the newest release it admits, which is
    what a fresh install gets: there the API is gone, so this rule reports it.

    ## Why is this bad?
    Accessing a removed API raises `AttributeError` (`ImportError` for
    `from streamlit import cache`) when the line runs, so the app dies on start.
    `st.experimental_memo` became `st.cache_data`, `st.experimental_singleton`
    became `st.cache_resource`, and `st.cache` split into the two:
    `st.cache_resource` for `allow_output_mutation=True` (a shared object such as a
    model or a connection), `st.cache_data` otherwise.

    ## By release
    Measured on every release (docs/streamlit-versions.md): `st.experimental_memo`
    and `st.experimental_singleton` work (with a deprecation warning) up to 1.36
    and raise `AttributeError` from 1.37; `st.cache` works (with a deprecation
    warning) up to 1.61 and raises from 1.62. `st.cache.clear()` raises
    `AttributeError` on every release from 1.18: it is reported on any target.

    ## Example
    ```python
    @st.cache(allow_output_mutation=True, suppress_st_warning=True)
    def load_model():
        return Model()

    @st.experimental_memo(ttl=600)
    def load_prices():
        return fetch()
    ```

    ## Use instead
    ```python
    @st.cache_resource
    def load_model():
        return Model()

    @st.cache_data(ttl=600)
    def load_prices():
        return fetch()
    ```
    `cachelint --fix` makes this change: it renames the decorator (and the
    `.clear()` calls and imports), and drops the options the new decorator does not
    accept on the target release (`allow_output_mutation`, `suppress_st_warning`,
    `persist` on `st.cache_resource`). A use whose target cannot be read from the
    code (a computed `allow_output_mutation`) is reported and left for you.
    """

    code = "STC011"
    INVALID = (
        Example("""
            import streamlit as st


            @st.cache(allow_output_mutation=True)  # expect: STC011
            def model():
                return {"weights": [1, 2]}


            @st.experimental_memo(ttl=600)  # expect: STC011
            def prices():
                return [1, 2]
        """, fixed="""
            import streamlit as st


            @st.cache_resource
            def model():
                return {"weights": [1, 2]}


            @st.cache_data(ttl=600)
            def prices():
                return [1, 2]
        """),
        # On 1.40 st.cache still works (STC025), but experimental_memo is gone since 1.37.
        Example("""
            import streamlit as st


            @st.cache(allow_output_mutation=True)
            def model():
                return {"weights": [1, 2]}


            @st.experimental_memo(ttl=600)  # expect: STC011
            def prices():
                return [1, 2]
        """, target_streamlit="1.40"),
    )
    VALID = (
        Example("""
            import streamlit as st

            try:
                cache = st.cache_data
            except AttributeError:  # Streamlit before 1.18
                cache = st.experimental_memo


            @cache
            def prices():
                return [1, 2]
        """),
        # On 1.25 both still work: STC025 reports them, not this rule.
        Example("""
            import streamlit as st


            @st.cache(allow_output_mutation=True)
            def model():
                return {"weights": [1, 2]}


            @st.experimental_memo(ttl=600)
            def prices():
                return [1, 2]
        """, target_streamlit="1.25"),
    )

    def check_module(self, ctx: ModuleContext) -> Iterator[Finding]:
        for found in legacy_uses(ctx):
            if found.error is not None:
                yield self.report(ctx, found.use.node, self._message(found, ctx.model), fix=found.fix)

    @staticmethod
    def _message(found: LegacyUse, model: StreamlitModel) -> str:
        use = found.use
        status = found.statuses[0]
        if isinstance(use.node, nodes.ImportFrom):
            removed = next((s for s in found.statuses if s.from_import), status)
            gone = f"{removed.api.qualname.replace('streamlit.', 'st.')} was removed in {removed.removed_in}"
        elif status.access is None:  # st.cache.clear() on a release that still has st.cache
            gone = f"{status.api.qualname.replace('streamlit.', 'st.')} has no clear() there"
        else:
            gone = f"it was removed in {status.removed_in}"
        why = ", so the app dies when this line runs" if not isinstance(use.node, nodes.ImportFrom) else ""
        if only_compared(use):
            return (f"'{use.node.parent.as_string()}' raises {found.error} on {model.shown}{why}: {gone}; the line "
                    f"only compares {shown_use(use)}, it caches nothing: test hasattr(st, "
                    f"'{use.node.attrname}') instead, or drop the check")
        fixed = " (cachelint --fix migrates it)" if found.fix is not None else ""
        return f"'{shown_use(use)}' raises {found.error} on {model.shown}{why}: {gone}; {replacement(use)}{fixed}"
