"""STC019 exhaustible-resource: ``st.cache_resource`` keeps an iterator, generator or open
file, which the first run reads to the end.

A cached resource is the same object on every rerun. An iterator can be read once: the
first run gets the data, every later rerun (and every other session) gets an exhausted
object: no rows, an empty string. Nothing raises.
"""

from __future__ import annotations

from typing import Iterator

from astroid import nodes

from cachelint.analysis.body import callees
from cachelint.analysis.context import CachedContext
from cachelint.analysis.flow import bound_values, library_callee, runs_every_rerun, value_uses
from cachelint.analysis.infer import is_generator, returns_of
from cachelint.findings import Confidence, Finding
from cachelint.rules.base import Example, Rule

# Library calls that return a one-pass iterator, and how the message names it.
ONE_PASS_CALLS = {
    "builtins.iter": "an iterator (iter(...))", "builtins.map": "a map iterator", "builtins.filter":
    "a filter iterator", "builtins.zip": "a zip iterator", "builtins.enumerate": "an enumerate iterator",
    "builtins.reversed": "a reversed iterator", "csv.reader": "a csv.reader", "csv.DictReader": "a csv.DictReader",
    "builtins.open": "an open file", "io.open": "an open file", "codecs.open": "an open file",
    "os.scandir": "an os.scandir iterator", "itertools.islice": "an itertools.islice iterator",
    "itertools.chain": "an itertools.chain iterator",
}
CHUNKED_READERS = frozenset({"pandas.read_csv", "pandas.read_json", "pandas.read_sql", "pandas.read_sql_query",
                             "pandas.read_table", "pandas.read_fwf"})
# Calls that read an iterable to its end.
CONSUMERS = frozenset({"builtins.list", "builtins.tuple", "builtins.set", "builtins.frozenset", "builtins.dict",
                       "builtins.sorted", "builtins.sum", "builtins.max", "builtins.min", "builtins.any",
                       "builtins.all", "builtins.next", "builtins.enumerate", "builtins.zip", "builtins.map",
                       "builtins.filter", "pandas.DataFrame", "pandas.concat", "collections.Counter"})
READ_METHODS = frozenset({"read", "readline", "readlines", "__next__", "join"})
REWIND_METHODS = frozenset({"seek"})


class ExhaustibleResource(Rule):
    """`st.cache_resource` returns a generator, iterator or open file that reruns read again.

    ## What it does
    Finds `@st.cache_resource` functions that return a one-pass object: a generator
    (a generator expression, a call of a generator function, or the cached function
    itself contains `yield`), `iter(...)`, `map`/`filter`/`zip`/`enumerate`/
    `reversed(...)`, `csv.reader`/`csv.DictReader(...)`, `open(...)`,
    `os.scandir(...)`, or `pd.read_csv(..., chunksize=...)` / `iterator=True`; when
    code that runs on every rerun iterates it (`for`, a comprehension, `list(...)`,
    `sum(...)`, `next(...)`, `pd.DataFrame(...)`...) or reads it (`.read()`,
    `.readlines()`). Not reported: callers that `seek(0)` the file first, and
    objects that can be read again (`range`, lists, `dict.items()`).

    ## Why is this bad?
    `st.cache_resource` hands every rerun and every session the same object. An
    iterator can be read once: the first run gets the rows, every later run gets an
    exhausted iterator (no rows) and a file read again gives `''`. Nothing raises;
    the app just shows nothing. (`st.cache_data` cannot store these at all: STC007.)

    ## Example
    ```python
    import csv
    import io

    import streamlit as st


    @st.cache_resource
    def load_rows():
        return csv.DictReader(io.StringIO("name,score\\nann,3\\nbob,5\\n"))


    st.write(f"rows={len(list(load_rows()))}")
    ```

    ## Use instead
    ```python
    import csv
    import io

    import streamlit as st


    @st.cache_data
    def load_rows():
        return list(csv.DictReader(io.StringIO("name,score\\nann,3\\nbob,5\\n")))


    st.write(f"rows={len(load_rows())}")
    ```
    """

    code = "STC019"
    INVALID = (
        Example("""
            import streamlit as st


            @st.cache_resource
            def squares():
                return (n * n for n in range(4))  # expect: STC019


            st.write(sum(squares()))
        """),
    )
    VALID = (
        Example("""
            import streamlit as st


            @st.cache_resource
            def squares():
                return [n * n for n in range(4)]


            st.write(sum(squares()))
        """),
    )

    def check(self, ctx: CachedContext) -> Iterator[Finding]:
        cached = ctx.cached
        if cached.kind != "resource" or isinstance(cached.node, nodes.AsyncFunctionDef):
            return
        found = list(_one_pass(cached.node, ctx))
        if not found:
            return
        uses = value_uses(ctx.sites, ctx.inferrer)
        if any(_rewound(use.node) for use in uses):
            return  # callers rewind it before reading (a file they seek(0))
        readers = [use.node for use in uses if _read(use.node, ctx) and runs_every_rerun(use.node, ctx.inferrer)]
        if not readers:
            return
        reader = min(readers, key=lambda n: (n.root().file or "", n.lineno or 0))
        where = f"line {reader.lineno}" if reader.root() is cached.node.root() else \
            f"{(reader.root().file or '').rsplit('/', 1)[-1]}:{reader.lineno}"
        for anchor, what in found:
            message = (f"'{cached.name}' caches {what}, which can be read only once: the first run reads it "
                       f"({where}), and every later rerun and session gets it exhausted (no items, '' from a file), "
                       f"without an error; return the data (list(...), the text), or make the iterator on every "
                       f"call outside the cache")
            confidence = Confidence.HIGH if anchor is cached.node or anchor.frame() is cached.node \
                else Confidence.INFERENCE
            position = anchor.position if isinstance(anchor, nodes.FunctionDef) else None
            yield self.report(ctx, anchor, message, confidence, line=position.lineno if position else None,
                              col=position.col_offset if position else None)
            return


def _one_pass(func: nodes.FunctionDef, ctx: CachedContext) -> Iterator[tuple[nodes.NodeNG, str]]:
    """(where to report, what it is) for each one-pass object ``func`` returns."""
    if is_generator(func):
        yield func, "the generator its body makes (it contains yield)"
        return
    for ret in returns_of(func):
        for expr in _returned_expressions(ret.value):
            what = _describe(expr, ctx)
            if what:
                yield (expr if expr.root() is func.root() else ret.value), what


def _returned_expressions(expr: nodes.NodeNG | None, depth: int = 0) -> Iterator[nodes.NodeNG]:
    if expr is None or depth > 3:
        return
    if isinstance(expr, nodes.Name):
        for value in bound_values(expr):
            yield from _returned_expressions(value, depth + 1)
        return
    yield expr


def _describe(expr: nodes.NodeNG, ctx: CachedContext) -> str | None:
    if isinstance(expr, nodes.GeneratorExp):
        return "a generator expression"
    if not isinstance(expr, nodes.Call):
        return None
    if isinstance(expr.parent, nodes.With):
        return None  # `with open(...) as f: return f` hands back a closed file: another bug
    name = library_callee(expr, ctx.inferrer)
    if name in ONE_PASS_CALLS:
        return ONE_PASS_CALLS[name]
    if name in CHUNKED_READERS and any(
            k.arg == "chunksize" and not (isinstance(k.value, nodes.Const) and k.value.value is None) or
            (k.arg == "iterator" and isinstance(k.value, nodes.Const) and k.value.value is True)
            for k in expr.keywords or ()):
        return f"a chunked reader ({name.replace('pandas.', 'pd.')}(..., chunksize=...))"
    for function in callees(expr, ctx.inferrer):
        if is_generator(function) and not isinstance(function, nodes.AsyncFunctionDef):
            return f"the generator '{function.name}(...)' returns"
    return None


def _read(node: nodes.NodeNG, ctx: CachedContext) -> bool:
    """Does this use read the object through (iterate it, or read a file)?"""
    parent = node.parent
    if isinstance(parent, (nodes.For, nodes.Comprehension)) and parent.iter is node:
        return True
    if isinstance(parent, nodes.YieldFrom):
        return True
    if isinstance(parent, nodes.Starred):
        return True
    if isinstance(parent, nodes.Call) and node in parent.args and parent.func is not node:
        name = library_callee(parent, ctx.inferrer)
        if name in CONSUMERS:
            return True
        if isinstance(parent.func, nodes.Attribute) and parent.func.attrname == "join":
            return True
    if isinstance(parent, nodes.Attribute) and parent.expr is node and parent.attrname in READ_METHODS:
        return isinstance(parent.parent, nodes.Call) and parent.parent.func is parent
    return False


def _rewound(node: nodes.NodeNG) -> bool:
    parent = node.parent
    return isinstance(parent, nodes.Attribute) and parent.expr is node and parent.attrname in REWIND_METHODS
