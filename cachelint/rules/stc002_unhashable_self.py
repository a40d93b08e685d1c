from __future__ import annotations

from typing import Iterator

from cachelint.analysis.values import Instance
from cachelint.findings import Confidence, Finding
from cachelint.analysis.context import CachedContext
from cachelint.rules.base import Example, Rule
from cachelint.rules.messages import type_name


class UnhashableSelf(Rule):
    """A cached instance method whose `self` Streamlit cannot hash.

    ## What it does
    Finds instance methods decorated with `@st.cache_data` / `@st.cache_resource`
    whose class (or a subclass the app calls the method on) Streamlit cannot hash,
    with no `hash_funcs` entry for that exact class.

    ## Why is this bad?
    `self` is an ordinary argument to the cache: Streamlit hashes it like any
    other. A plain class cannot be hashed, so every call raises
    `UnhashableParamError: Cannot hash argument 'self'`.

    ## By release
    `self` goes through the hasher of the release the app targets: a pydantic model
    is unhashable before 1.49 and hashed as its JSON from 1.49 (see STC001).

    ## Example
    ```python
    class Scorer:
        def __init__(self, score):
            self.score = score

        @st.cache_data
        def multiply(self, factor):
            return self.score * factor
    ```

    ## Use instead
    ```python
    class Scorer:
        def __init__(self, score):
            self.score = score

        @st.cache_data(hash_funcs={"__main__.Scorer": lambda s: s.score})
        def multiply(self, factor):
            return self.score * factor
    ```
    or cache a module-level function of the data (`multiply(score, factor)`).
    """

    code = "STC002"
    INVALID = (
        Example("""
            import streamlit as st


            class Scorer:
                def __init__(self, score):
                    self.score = score

                @st.cache_data
                def multiply(self, factor):  # expect: STC002
                    return self.score * factor


            st.write(Scorer(3).multiply(2))
        """),
        # A pydantic model is hashable from 1.49, not on 1.48.
        Example("""
            import pydantic
            import streamlit as st


            class Scorer(pydantic.BaseModel):
                score: int

                @st.cache_data
                def multiply(self, factor):  # expect: STC002
                    return self.score * factor


            st.write(Scorer(score=3).multiply(2))
        """, target_streamlit="1.48"),
    )
    VALID = (
        Example("""
            import streamlit as st


            class Scorer:
                def __init__(self, score):
                    self.score = score

                @st.cache_data
                def multiply(_self, factor, score):
                    return score * factor


            scorer = Scorer(3)
            st.write(scorer.multiply(2, scorer.score))
        """),
        Example("""
            import pydantic
            import streamlit as st


            class Scorer(pydantic.BaseModel):
                score: int

                @st.cache_data
                def multiply(self, factor):
                    return self.score * factor


            st.write(Scorer(score=3).multiply(2))
        """, target_streamlit="1.49"),
    )

    def check(self, ctx: CachedContext) -> Iterator[Finding]:
        cached = ctx.cached
        if cached.method_kind != "instance" or not cached.positional_params() or ctx.keys is None:
            return
        self_name = cached.positional_params()[0].name
        if self_name.startswith("_"):
            return
        receivers = [Instance(ctx.inferrer.class_ref(cached.owner))]
        for site in ctx.sites:
            candidates = [site.receiver] if site.receiver is not None else sorted(
                ctx.inferrer.values(site.value_node(self_name)), key=repr) if self_name in site.arguments else []
            receivers.extend(v for v in candidates if isinstance(v, Instance) and v not in receivers)
        for receiver in receivers:
            verdict = ctx.hashability.verdict(receiver, ctx.keys)
            if verdict.unhashable:
                confidence = Confidence.HIGH if receiver is receivers[0] else Confidence.INFERENCE
                name = type_name(verdict.culprit or receiver)
                message = (f"cached method '{cached.name}' hashes '{self_name}' of type '{type_name(receiver)}', "
                           f"which Streamlit cannot hash (UnhashableParamError); add hash_funcs={{{name}: ...}} "
                           f"or rename it '_{self_name}'")
                position = cached.node.position  # the `def` keyword, not the first decorator
                yield self.report(ctx, cached.node, message, confidence,
                                  line=position.lineno if position else cached.node.lineno,
                                  col=position.col_offset if position else cached.node.col_offset)
                return
