from __future__ import annotations

from typing import Iterator

from cachelint.findings import Confidence, Finding
from cachelint.analysis.context import CachedContext
from cachelint.rules.base import Example, Rule
from cachelint.rules.messages import culprit_phrase, fix_hint, type_name


class UnhashableArgument(Rule):
    """A cached function receives an argument Streamlit cannot hash.

    ## What it does
    Finds parameters of `@st.cache_data` / `@st.cache_resource` functions (names not
    starting with `_`) that receive a value Streamlit's hasher rejects, and that no
    `hash_funcs` entry covers for its exact type. The type comes from the annotation
    (`Optional[X]`, `list[X]`, `dict[str, X]`, string annotations...) and from the
    arguments at every call site, in this module and in the app's other modules.

    ## Why is this bad?
    Streamlit hashes every argument to build the cache key. A plain class (its
    default `__reduce__` holds a function), a function or lambda, a lock, a
    connection, a DataFrame subclass... cannot be hashed, so the first call raises
    `UnhashableParamError` and the page shows a traceback.

    ## By release
    The hasher is the one of the release the app targets (its pin;
    `cachelint check -v`), as measured on every release: `uuid.UUID` values are
    unhashable before 1.22, pydantic models before 1.49 (from 1.49 they are hashed
    as their JSON, so a field pydantic cannot write makes them unhashable),
    `bytearray` raises `TypeError` before 1.59, and `hash_funcs` exists from 1.24.

    ## Example
    ```python
    class Doc:
        def __init__(self, text):
            self.text = text

    @st.cache_data
    def summarize(doc: Doc) -> str:
        return doc.text[:100]
    ```

    ## Use instead
    ```python
    @st.cache_data(hash_funcs={Doc: lambda d: d.text})
    def summarize(doc: Doc) -> str:
        return doc.text[:100]
    ```
    or pass the data itself (`summarize(doc.text)`), make `Doc` a dataclass of
    hashable fields, or rename the parameter `_doc` to leave it out of the key.
    """

    code = "STC001"
    INVALID = (
        Example("""
            import streamlit as st


            class Doc:
                def __init__(self, text):
                    self.text = text


            @st.cache_data
            def summarize(doc: Doc) -> str:  # expect: STC001
                return doc.text[:100]
        """),
        Example("""
            import threading

            import streamlit as st


            @st.cache_data
            def guarded(lock, n):
                with lock:
                    return n * 2


            st.write(guarded(threading.Lock(), 3))  # expect: STC001
        """),
        # Streamlit hashes uuid.UUID from 1.22: on 1.21 the call raises UnhashableParamError.
        Example("""
            import uuid

            import streamlit as st


            @st.cache_data
            def order(order_id: uuid.UUID) -> str:  # expect: STC001
                return str(order_id)
        """, target_streamlit="1.21"),
    )
    VALID = (
        Example("""
            import uuid

            import streamlit as st


            @st.cache_data
            def order(order_id: uuid.UUID) -> str:
                return str(order_id)
        """, target_streamlit="1.22"),
        Example("""
            from dataclasses import dataclass

            import streamlit as st


            @dataclass
            class Doc:
                text: str


            @st.cache_data
            def summarize(doc: Doc) -> str:
                return doc.text[:100]


            st.write(summarize(Doc("hello")))
        """),
        Example("""
            import streamlit as st


            class Doc:
                def __init__(self, text):
                    self.text = text


            @st.cache_data(hash_funcs={Doc: lambda d: d.text})
            def summarize(doc: Doc) -> str:
                return doc.text[:100]
        """),
    )

    def check(self, ctx: CachedContext) -> Iterator[Finding]:
        cached, inferrer = ctx.cached, ctx.inferrer
        if ctx.keys is None:
            return
        params = cached.params()
        if cached.method_kind in ("instance", "class") and cached.positional_params():
            params = params[1:]  # self / cls: STC002's business
        for param in params:
            name = param.name
            if name.startswith("_"):
                continue
            reported: set[str] = set()
            annotation, default = inferrer.signature_of(cached.node, name)
            for value in sorted(inferrer.annotation(annotation), key=repr):
                finding = self._finding(ctx, param, name, value, Confidence.HIGH)
                if finding and type_name(value) not in reported:
                    reported.add(type_name(value))
                    yield finding
            # A default tells the type callers pass, and puts the finding on the signature.
            default_types = {type_name(v): v for v in inferrer.values(default)} if annotation is None else {}
            for site in ctx.sites:
                if name not in site.arguments:
                    continue
                values = inferrer.values(site.value_node(name)) or frozenset(default_types.values())
                for value in sorted(values, key=repr):
                    if type_name(value) in reported:
                        continue
                    where = param if type_name(value) in default_types else site.arguments[name]
                    finding = self._finding(ctx, where, name, value, Confidence.INFERENCE)
                    if finding:
                        reported.add(type_name(value))
                        yield finding

    def _finding(self, ctx: CachedContext, node, param: str, value, confidence) -> Finding | None:
        verdict = ctx.hashability.verdict(value, ctx.keys)
        if not verdict.unhashable:
            return None
        message = (f"argument '{param}' of cached '{ctx.cached.name}' {culprit_phrase(value, verdict.culprit)} "
                   f"(UnhashableParamError); {fix_hint(verdict.culprit, param)}")
        return self.report(ctx, node, message, confidence)
