from __future__ import annotations

from typing import Iterator

from cachelint.analysis.hash_func import dead_key, failure, hashes_arguments
from cachelint.findings import Confidence, Finding
from cachelint.rules.base import CachedContext, Rule


class FailingHashFunc(Rule):
    """A `hash_funcs` entry whose function raises for the type it is keyed on.

    ## What it does
    Finds `hash_funcs` values that always raise when Streamlit calls them on an
    object of the key's type:
    `hash` / `lambda o: hash(o)` / a named function calling `hash(o)` for a class
    whose `__hash__` is `None` (it defines `__eq__` without `__hash__`, directly or
    through a base; a dataclass with `eq=True` that is not frozen; a pydantic
    model that is not frozen; a subclass of `dict`, `list` or `set`),
    `hash(o.attr)` where the attribute is a list, dict or set, an attribute the
    class never defines, and a function that cannot be called with one argument.
    A class with its own `__hash__`, a frozen dataclass or pydantic model (with
    hashable fields), and `hash` of an int or str attribute are fine.

    ## Why is this bad?
    Streamlit calls the hash function on every call of the cached function, and
    turns any exception into `UserHashError`: the page shows a traceback every
    time. Python sets `__hash__ = None` on every class that defines `__eq__`
    without `__hash__`, so `hash(obj)` raises `TypeError: unhashable type` —
    trading `UnhashableParamError` for another crash.

    ## Example
    ```python
    class Client(pydantic.BaseModel):
        url: str
        token: str

    @st.cache_data(hash_funcs={Client: hash})
    def fetch(client: Client, path: str) -> dict: ...
    ```

    ## Use instead
    ```python
    @st.cache_data(hash_funcs={Client: lambda c: (c.url, c.token)})
    def fetch(client: Client, path: str) -> dict: ...
    ```
    or make the model frozen (`model_config = ConfigDict(frozen=True)`), or
    drop the entry: Streamlit hashes pydantic models and dataclasses itself.
    """

    code = "STC014"
    name = "failing-hash-func"
    summary = "hash_funcs entry that raises for the type it is keyed on"

    def check(self, ctx: CachedContext) -> Iterator[Finding]:
        if not hashes_arguments(ctx):
            return  # no argument is hashed: hash_funcs is never consulted
        for entry in ctx.hash_funcs:
            if dead_key(entry, ctx) is not None:
                continue  # never called: STC005's business
            found = failure(entry, ctx)
            if found is None:
                continue
            label = entry.name or (entry.classes[0].name if entry.classes else entry.key.as_string())
            message = (f"hash_funcs entry for '{label}' raises: {found.reason}, so every call of cached "
                       f"'{ctx.cached.name}' fails with UserHashError; {found.fix}")
            confidence = Confidence.HIGH if found.node is entry.value else Confidence.INFERENCE
            yield self.report(ctx, entry.value, message, confidence)
