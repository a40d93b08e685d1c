from __future__ import annotations

from typing import Iterator

from astroid import nodes

from cachelint.analysis.provenance import Provenance
from cachelint.analysis.rerun import RerunState
from cachelint.findings import Finding
from cachelint.analysis.context import CachedContext
from cachelint.rules.base import Example, Rule
from cachelint.rules.messages import type_name
from cachelint.streamlit_model import session


class HiddenGlobalInput(Rule):
    """A cached function reads a module-level name that changes between reruns.

    ## What it does
    Finds module-level names read by a cached function (or by the app's helper
    functions it calls) and not passed as arguments, when the code shows that the
    name changes from one rerun to the next: it is bound from a widget or from
    `st.session_state` / `st.query_params` (directly or through another such name or
    a helper that returns one), reassigned in a branch or loop that depends on one,
    mutated with one (`FILTERS.append(choice)`), or rebound by a function
    (`global`) with one.

    Constants, imports, functions, classes and names computed from them are the
    same on every rerun and are fine. So is a branch on a constant (`if DEBUG:`).

    ## Why is this bad?
    The cache key is made of the arguments (and the function's code), not of the
    globals it reads. When the global changes — the user moves a slider — the
    function is called with the same arguments, the cache hits, and the result
    computed for the old value is shown.

    ## Example
    ```python
    threshold = st.slider("Threshold", 0, 100, 50)

    @st.cache_data
    def flagged(path):
        df = pd.read_csv(path)
        return df[df.score > threshold]
    ```

    ## Use instead
    ```python
    threshold = st.slider("Threshold", 0, 100, 50)

    @st.cache_data
    def flagged(path, threshold):
        df = pd.read_csv(path)
        return df[df.score > threshold]
    ```
    """

    code = "STC010"
    INVALID = (
        Example("""
            import streamlit as st

            threshold = st.slider("Threshold", 0, 100, 50)


            @st.cache_data
            def flagged(values):
                return [v for v in values if v > threshold]  # expect: STC010


            st.write(flagged((10, 60, 90)))
        """),
    )
    VALID = (
        Example("""
            import streamlit as st

            LIMIT = 50


            @st.cache_data
            def flagged(values):
                return [v for v in values if v > LIMIT]


            st.write(flagged((10, 60, 90)))
        """),
    )

    def check(self, ctx: CachedContext) -> Iterator[Finding]:
        rerun = RerunState(ctx.body.streamlit)
        provenance = Provenance(ctx.inferrer, ctx.analysis, rerun)
        reported: set[tuple[nodes.NodeNG, str]] = set()
        names_seen: set[str] = set()
        for reached in ctx.body.nodes(nodes.Name):
            node = reached.node
            function = reached.function or ctx.cached.node
            module = ctx.inferrer.module_of(function)
            if module is None or (reached.anchor, node.name) in reported or node.name in names_seen:
                continue
            if not rerun.is_module_name(node, module):
                continue
            if any(getattr(v, "qualname", None) in session.PER_SESSION_STATE for v in ctx.inferrer.values(node)):
                continue  # an alias of st.session_state: per-session state is STC009's business
            change = rerun.change(module, node.name)
            if change is None or _decided_by_arguments(ctx, rerun, module, node, change, provenance):
                continue
            names_seen.add(node.name)
            reported.add((reached.anchor, node.name))
            where = f"line {change.line}" if module is ctx.cached.module else f"{module.path.name}:{change.line}"
            what, confidence = reached.describe(f"reads module-level '{node.name}'")
            message = (f"cached '{ctx.cached.name}' {what}, which {change.how} ({where}) and changes between "
                       f"reruns; it is not part of the cache key, so the cached result goes stale: "
                       f"{_fix_phrase(ctx, node)}")
            yield self.report(ctx, reached.anchor, message, confidence)


def _fix_phrase(ctx: CachedContext, read: nodes.Name) -> str:
    """Pass the global as an argument, unless Streamlit cannot hash it: then that fix would
    raise UnhashableParamError on the first call."""
    for value in ctx.inferrer.values(read):
        verdict = ctx.hashability.verdict(value)
        if verdict.unhashable:
            shown = type_name(verdict.culprit or value)
            return (f"pass what '{read.name}' is built from as an argument (Streamlit cannot hash the '{shown}' "
                    f"itself), or pass it as '_{read.name}' together with a hashed argument that identifies it")
    return f"pass '{read.name}' as an argument"


def _decided_by_arguments(ctx: CachedContext, rerun: RerunState, module, read: nodes.Name, change,
                          provenance: Provenance) -> bool:
    """Is the global computed only from values every call also passes as hashed arguments
    (``profiles = set(f1) | set(f2)`` read by ``metrics(f1, f2)``)? Then the key changes
    whenever it does. Only for a name that is rebound, never mutated in place."""
    if not isinstance(change.node, nodes.AssignName) or not ctx.sites or rerun.mutated(module, read.name):
        return False
    for site in ctx.sites:
        covered: set[nodes.NodeNG] = set()
        for param in site.arguments:
            if not param.startswith("_"):
                covered |= provenance.sources(site.value_node(param)).seen
        if provenance.sources(read, covered).uncovered:
            return False
    return True
