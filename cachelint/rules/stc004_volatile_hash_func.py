from __future__ import annotations

from typing import Iterator

from cachelint.analysis.hash_func import (
    dead_key,
    failure,
    fields_lambda,
    hashes_arguments,
    receiving_params,
    unhashable_result,
    volatility,
)
from cachelint.findings import Confidence, Finding
from cachelint.rules.base import CachedContext, Rule
from cachelint.rules.messages import type_name


class VolatileHashFunc(Rule):
    """A `hash_funcs` entry whose result is new on every call, or cannot be hashed.

    ## What it does
    Finds `hash_funcs` values that return something different each time they are
    called — `time.time()`, `time.monotonic()`, `datetime.now()` / `utcnow()` /
    `today()`, `random.*`, `uuid.uuid1()` / `uuid4()`, `os.urandom()`,
    `secrets.*`, also inside a tuple, an f-string or `str(...)`, and through a
    function of the app (in this module or another) that returns one — and values
    that return something Streamlit cannot hash (`object()`, an instance of a
    plain class, a function). Coarse clocks used on purpose as an expiry
    (`date.today()`, `int(time.time() // 3600)`) are not reported.

    ## Why is this bad?
    Streamlit hashes what the hash function returns to build the cache key. A
    result that changes on every call gives a new key on every call: the cached
    function runs every time, and the cache keeps growing until `max_entries` or
    `ttl` evicts it. A result Streamlit cannot hash raises `UnhashableParamError`
    on every call.

    ## Example
    ```python
    @st.cache_data(hash_funcs={Report: lambda r: (r.name, time.time())})
    def render(report: Report) -> str: ...
    ```

    ## Use instead
    ```python
    @st.cache_data(hash_funcs={Report: lambda r: r.name}, ttl=600)
    def render(report: Report) -> str: ...
    ```
    Hash only the fields that decide the result; use `ttl` to expire results.
    """

    code = "STC004"
    name = "volatile-hash-func"
    summary = "hash_funcs entry whose result changes on every call or cannot be hashed"

    def check(self, ctx: CachedContext) -> Iterator[Finding]:
        if not hashes_arguments(ctx):
            return  # no argument is hashed: hash_funcs is never consulted
        for entry in ctx.hash_funcs:
            if dead_key(entry, ctx) is not None or failure(entry, ctx) is not None:
                continue  # never called (STC005), or raises first (STC014)
            label = entry.name or (entry.classes[0].name if entry.classes else entry.key.as_string())
            fix = f"hash the fields that decide the result, e.g. {fields_lambda(entry.classes, ctx.inferrer)}"
            result = unhashable_result(entry, ctx)
            if result is not None:
                value, culprit = result
                params = receiving_params(ctx, entry.classes)
                where = f" for argument '{params[0]}'" if params else ""
                inside = "" if culprit is None or culprit == value else f" (the '{type_name(culprit)}' inside it)"
                message = (f"hash_funcs entry for '{label}' returns a '{type_name(value)}'{inside}, which Streamlit "
                           f"cannot hash: every call of cached '{ctx.cached.name}' raises UnhashableParamError"
                           f"{where}; {fix}")
                yield self.report(ctx, entry.value, message, Confidence.INFERENCE)
                continue
            volatile = volatility(entry, ctx.inferrer)
            if volatile is not None:
                message = (f"hash_funcs entry for '{label}' returns {volatile.what}, which is new on every call: "
                           f"cached '{ctx.cached.name}' never hits and its cache grows on every rerun; {fix}, "
                           f"and use ttl= to expire results")
                yield self.report(ctx, entry.value, message, Confidence.HIGH)
