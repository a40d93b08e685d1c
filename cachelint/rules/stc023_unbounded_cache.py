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
from cachelint.analysis.constants import literal
from cachelint.analysis.flow import library_callee
from cachelint.analysis.streamlit_calls import StreamlitCalls
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
MAX_DEPTH = 4
# Library calls whose result is one per distinct input (followed into their arguments).
KEEPS_INPUT = frozenset({"pandas.read_csv", "pandas.read_excel", "pandas.read_json", "pandas.read_parquet",
                         "pandas.read_table", "io.BytesIO", "io.StringIO", "builtins.str", "builtins.bytes",
                         "builtins.float", "builtins.int", "builtins.tuple", "builtins.frozenset"})
SMALL_RANGE = 1000
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
    `st.query_params`, following plain assignments (`q = st.text_input(...)`).
    Arguments from a `selectbox`, `radio`, `slider` or a `number_input` with literal
    bounds and at most 1000 values (a few keys) are not reported, nor are values the
    input only selects by a condition, and functions that return a number or a bool.

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
        calls = ctx.body.streamlit
        for site in ctx.sites:
            for param, arg in site.arguments.items():
                value = site.value_node(param)
                source = _free_form(value, calls, ctx)
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


def _free_form(expr: nodes.NodeNG, calls: StreamlitCalls, ctx: CachedContext, depth: int = 0) -> str | None:
    """The free-form input the value of ``expr`` is computed from, if it visibly is.

    Follows the data only: the expression itself and plain assignments of the names it
    reads (``q = st.text_input(...)``), not the branches a value is assigned in, nor
    tuple unpacking or what the app's functions return (which mix several inputs)."""
    if depth > MAX_DEPTH:
        return None
    for node in _data_nodes(expr, ctx):
        if isinstance(node, nodes.Call):
            if library_callee(node, ctx.inferrer) in CLOCK_CALLS:
                return f"{node.func.as_string()}()"
            widget = calls.widget(node)
            if widget is not None and widget.label in FREE_FORM_WIDGETS and not _small_range(node, widget.label):
                return f"free-form input {widget.label}"
        elif isinstance(node, (nodes.Name, nodes.Attribute)):
            read = calls.state_read(node)
            if read is not None and read.qualname == "streamlit.query_params":
                return read.label
            if isinstance(node, nodes.Name):
                for value in _assigned(node):
                    inner = _free_form(value, calls, ctx, depth + 1)
                    if inner is not None:
                        return f"'{node.name}' (from {inner})"
    return None


def _data_nodes(expr: nodes.NodeNG, ctx: CachedContext) -> Iterator[nodes.NodeNG]:
    """The calls and names an expression's value is computed from: operators, f-strings,
    subscripts, methods called on a value (``q.strip()``, ``upload.getvalue()``) and the
    arguments of readers that keep one result per input (``pd.read_csv(upload)``); not
    the arguments of other calls (``pick_classroom(typed_id)`` may map any text to one of
    a few known values), nor lambdas."""
    stack = [expr]
    while stack:
        node = stack.pop()
        if isinstance(node, (nodes.Call, nodes.Name, nodes.Attribute)):
            yield node
        if isinstance(node, nodes.Lambda):
            continue
        if isinstance(node, nodes.Call):
            if library_callee(node, ctx.inferrer) in KEEPS_INPUT:
                stack.extend(reversed([*node.args, *(k.value for k in node.keywords or ())]))
            elif isinstance(node.func, nodes.Attribute):
                stack.append(node.func.expr)
            continue
        stack.extend(reversed(list(node.get_children())))


def _assigned(name: nodes.Name) -> list[nodes.NodeNG]:
    """Values ``name = value`` (or ``name := value``) binds, where the read can see them."""
    try:
        _, stmts = name.lookup(name.name)
    except Exception:  # noqa: BLE001 - astroid lookup on odd code
        return []
    return [stmt.parent.value for stmt in stmts
            if isinstance(stmt, nodes.AssignName) and isinstance(stmt.parent, (nodes.Assign, nodes.AnnAssign,
                                                                               nodes.NamedExpr))
            and stmt.parent.value is not None]


def _small_range(call: nodes.Call, label: str) -> bool:
    """A number input with literal bounds and at most ``SMALL_RANGE`` values (a year, a
    number of days): like a slider, a few keys."""
    if label != "st.number_input":
        return False
    named = {k.arg: k.value for k in call.keywords or ()}
    positional = dict(zip(("label", "min_value", "max_value", "value", "step"), call.args))
    low, high, step = (literal(named.get(n, positional.get(n))) for n in ("min_value", "max_value", "step"))
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in (low, high)):
        return False
    step = step if isinstance(step, (int, float)) and not isinstance(step, bool) and step > 0 else 1
    return (high - low) / step <= SMALL_RANGE
