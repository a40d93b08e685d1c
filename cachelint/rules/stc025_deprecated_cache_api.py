from __future__ import annotations

from typing import Iterator

from cachelint.analysis.context import ModuleContext
from cachelint.findings import Finding
from cachelint.rules.base import Example, Rule
from cachelint.rules.legacy_api import LegacyUse, legacy_uses, only_compared, replacement, shown_use
from cachelint.streamlit_model import StreamlitModel, releases


class DeprecatedCacheApi(Rule):
    """A deprecated caching API that still works on the targeted release, but not after it.

    ## What it does
    Finds the same uses as STC011 (`st.cache`, `st.experimental_memo`,
    `st.experimental_singleton`: decorators, the call form, `.clear()`, imports,
    aliases) where they still work on the Streamlit release the app runs: the
    target, read from your pin (`requirements.txt`, `pyproject.toml`, `Pipfile`,
    `environment.yml`, a lock file; see `cachelint check -v`), `target-streamlit`
    or `--target-streamlit`. The message says since when the API is deprecated and
    which release removed it.

    ## Why is this bad?
    The app works today, and shows a deprecation warning in the page, but the first
    upgrade past the removal kills it on start (`AttributeError`). Migrating is
    mechanical: `st.experimental_memo` became `st.cache_data`,
    `st.experimental_singleton` became `st.cache_resource`, and `st.cache` split into
    `st.cache_resource` (for `allow_output_mutation=True`) and `st.cache_data`.
    `cachelint check --fix` does it, keeping the options the new decorator accepts
    on your release. To see everything an upgrade would break, run
    `cachelint check --target-streamlit 1.67`: this finding becomes STC011 there.

    ## By release
    Measured on every release (docs/streamlit-versions.md): `st.experimental_memo`
    and `st.experimental_singleton` work with a deprecation warning up to 1.36
    (removed in 1.37); `st.cache` works with a deprecation warning up to 1.61
    (removed in 1.62). `st.cache.clear()` never works (STC011).

    ## Example
    ```python
    # requirements.txt: streamlit==1.25.0
    @st.experimental_memo(ttl=600)
    def load_prices():
        return fetch()
    ```

    ## Use instead
    ```python
    @st.cache_data(ttl=600)
    def load_prices():
        return fetch()
    ```
    `cachelint --fix` makes this change, as for STC011.
    """

    code = "STC025"
    INVALID = (
        Example("""
            import streamlit as st


            @st.cache(allow_output_mutation=True)  # expect: STC025
            def model():
                return {"weights": [1, 2]}


            @st.experimental_memo(ttl=600)  # expect: STC025
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
        """, target_streamlit="1.25"),
        # On 1.40 experimental_memo is gone (STC011) while st.cache still works.
        Example("""
            import streamlit as st


            @st.cache(allow_output_mutation=True)  # expect: STC025
            def model():
                return {"weights": [1, 2]}


            @st.experimental_memo(ttl=600)
            def prices():
                return [1, 2]
        """, target_streamlit="1.40"),
    )
    VALID = (
        # On 1.67 both are gone: STC011 reports them, not this rule.
        Example("""
            import streamlit as st


            @st.cache(allow_output_mutation=True)
            def model():
                return {"weights": [1, 2]}


            @st.experimental_memo(ttl=600)
            def prices():
                return [1, 2]
        """, target_streamlit="1.67"),
        Example("""
            import streamlit as st


            @st.cache_data(ttl=600)
            def prices():
                return [1, 2]
        """, target_streamlit="1.25"),
    )

    def check_module(self, ctx: ModuleContext) -> Iterator[Finding]:
        for found in legacy_uses(ctx):
            if found.error is None:
                # Before 1.18 the new decorators do not exist: migrating now would break the app.
                fix = None if ctx.model.predates_measured else found.fix
                yield self.report(ctx, found.use.node, self._message(found, ctx.model), fix=fix)

    @staticmethod
    def _message(found: LegacyUse, model: StreamlitModel) -> str:
        # The API of the use that goes first (an import may name several).
        status = min(found.statuses, key=lambda s: releases.minor_key(s.removed_in or "9999"))
        name = status.api.qualname.replace("streamlit.", "st.")
        since = f"deprecated since {status.deprecated_since}" if status.deprecated_since else "deprecated"
        removed = f"removed in {status.removed_in}" if status.removed_in else "removed in a later release"
        if model.predates_measured:
            first = releases.releases()[0]
            return (f"'{shown_use(found.use)}' works on {model.shown}, but {name} is {removed}, and the "
                    f"replacements arrived in {first}: when upgrading, {replacement(found.use)} "
                    f"(cachelint check --fix migrates it once the app targets {first} or later)")
        if only_compared(found.use):
            return (f"'{found.use.node.parent.as_string()}' works on {model.shown}, but {name} is {since} and "
                    f"{removed}, and then this comparison raises AttributeError: test hasattr(st, "
                    f"'{found.use.node.attrname}') instead")
        fixed = " (cachelint check --fix migrates it)" if found.fix is not None else ""
        return (f"'{shown_use(found.use)}' works on {model.shown}, but {name} is {since} and {removed}: "
                f"before upgrading, {replacement(found.use)}{fixed}")
