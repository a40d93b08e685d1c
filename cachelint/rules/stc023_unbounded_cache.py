"""STC023 unbounded-cache (preview): a cache with no bound, keyed by free-form input.

A cached function keeps one entry per distinct argument. With no ``ttl``,
``max_entries`` or ``max_size``, entries are never dropped; when an argument comes from
free text, an upload, a number, a date or the clock, every new value adds one.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Iterator

from astroid import nodes

from cachelint.analysis.context import CachedContext
from cachelint.analysis.flow import library_callee
from cachelint.analysis.rerun import RerunState
from cachelint.analysis.values import Instance
from cachelint.findings import Confidence, Finding
from cachelint.rules.base import Example, Rule

BOUNDS = ("ttl", "max_entries", "max_size")
FREE_FORM_WIDGETS = ("st.text_input", "st.text_area", "st.chat_input", "st.number_input", "st.date_input",
                     "st.file_uploader", "st.camera_input", "st.audio_input")
CLOCK_CALLS = frozenset({"time.time", "time.time_ns", "datetime.datetime.now", "datetime.datetime.utcnow",
                         "uuid.uuid4", "uuid.uuid1", "time.monotonic", "time.perf_counter"})
# Results too small to matter however many there are.
TINY = frozenset({"builtins.bool", "builtins.int", "builtins.float", "builtins.NoneType"})
CONFIG_BUDGET = re.compile(r"^\s*maxCacheDataSize\s*=", re.MULTILINE)


class UnboundedCache(Rule):
    """A cache with no `ttl`, `max_entries` or `max_size`, keyed by free-form input.

    ## What it does
    Finds cached functions with none of `ttl`, `max_entries` and `max_size` (for
    `st.cache_data`, and no `server.maxCacheDataSize` in the app's
    `.streamlit/config.toml`) that are called with an argument from free-form input:
    `st.text_input`, `st.text_area`, `st.chat_input`, `st.number_input`,
    `st.date_input`, uploads (`st.file_uploader`, `st.camera_input`,
    `st.audio_input`), the clock (`time.time()`, `datetime.now()`), `uuid4()`, or
    `st.query_params`. Arguments from a `selectbox`, `radio` or `slider` (a few
    values) are not reported, nor are functions that return a number or a bool.

    ## Why is this bad?
    Each distinct argument adds one cache entry, and an unbounded cache never drops
    one. With free text every question is new: memory grows with traffic until the
    server runs out (a 1 MB result per question is 389 MB after 200 questions).
    Streamlit Community Cloud apps have about 1 GB. A bound keeps the recent entries.

    ## Example
    ```python
    import streamlit as st


    @st.cache_data
    def answer(question):
        return question.encode() * 1000


    if q := st.text_input("Ask anything"):
        st.write(len(answer(q)))
    ```

    ## Use instead
    ```python
    import streamlit as st


    @st.cache_data(max_entries=100)
    def answer(question):
        return question.encode() * 1000


    if q := st.text_input("Ask anything"):
        st.write(len(answer(q)))
    ```
    """

    code = "STC023"
    INVALID = (
        Example("""
            import streamlit as st


            @st.cache_data
            def summarise(text):  # expect: STC023
                return text.upper()


            st.write(summarise(st.text_area("Paste a document")))
        """),
    )
    VALID = (
        Example("""
            import streamlit as st


            @st.cache_data(ttl="1h")
            def summarise(text):
                return text.upper()


            st.write(summarise(st.text_area("Paste a document")))
        """),
    )

    def check(self, ctx: CachedContext) -> Iterator[Finding]:
        cached = ctx.cached
        if any(cached.option(bound) is not None for bound in BOUNDS) or _splat_options(cached):
            return
        if cached.kind == "data" and _config_budget(ctx):
            return
        if _tiny(ctx):
            return
        rerun = RerunState(ctx.body.streamlit)
        for site in ctx.sites:
            for param, arg in site.arguments.items():
                value = site.value_node(param)
                source = _free_form(value, site.module, rerun, ctx)
                if source is None:
                    continue
                where = f"line {site.call.lineno}" if site.module is cached.module else \
                    f"{site.module.path.name}:{site.call.lineno}"
                message = (f"cached '{cached.name}' keeps one entry per distinct '{param}', which comes from "
                           f"{source} ({where}), and has no ttl, max_entries or max_size: every new input adds an "
                           f"entry that is never dropped, and memory grows with traffic; add max_entries=... "
                           f"(or ttl=...)")
                position = cached.node.position
                yield self.report(ctx, cached.node, message, Confidence.INFERENCE,
                                  line=position.lineno if position else None,
                                  col=position.col_offset if position else None)
                return


def _splat_options(cached) -> bool:
    call = cached.options_call
    return call is not None and any(k.arg is None for k in call.keywords or ())


def _config_budget(ctx: CachedContext) -> bool:
    root = ctx.project.app_root(ctx.module.path)
    for folder in (root, *root.parents[:2]):
        config = Path(folder) / ".streamlit" / "config.toml"
        try:
            if config.is_file() and CONFIG_BUDGET.search(config.read_text(encoding="utf-8", errors="replace")):
                return True
        except OSError:
            continue
    return False


def _tiny(ctx: CachedContext) -> bool:
    values = ctx.inferrer.returned(ctx.cached.node)
    return bool(values) and all(isinstance(v, Instance) and v.cls.qualname in TINY for v in values)


def _free_form(expr: nodes.NodeNG, module, rerun: RerunState, ctx: CachedContext) -> str | None:
    """The free-form input ``expr`` comes from, if it visibly does."""
    for call in [expr, *expr.nodes_of_class(nodes.Call)]:
        if isinstance(call, nodes.Call) and library_callee(call, ctx.inferrer) in CLOCK_CALLS:
            return f"{call.func.as_string()}()"
    source = rerun.varying(expr, module)
    if source is None:
        return None
    label = source.label
    if "branch" in label or "loop" in label:
        return None  # a value picked among a few by a condition on the input
    for widget in FREE_FORM_WIDGETS:
        if f"widget {widget}" in label:
            return label.replace(f"widget {widget}", f"free-form input {widget}")
    if label.endswith("st.query_params") or "st.query_params)" in label:
        return label
    return None
