from __future__ import annotations

from typing import Iterator

from astroid import nodes

from cachelint.analysis.hash_func import dead_key, failure, fields_lambda
from cachelint.analysis.hash_funcs import HashFuncsEntry
from cachelint.analysis.identity import identity_hash, keeps_identity_hash, survives_reruns
from cachelint.analysis.values import Instance
from cachelint.findings import Confidence, Finding
from cachelint.rules.base import CachedContext, Rule


class IdentityHashFunc(Rule):
    """A `hash_funcs` entry that hashes objects by identity.

    ## What it does
    Finds `hash_funcs` values that return an object's identity: `id`,
    `lambda o: id(o)`, `lambda o: id(o.attr)`, `object.__hash__`, and `hash` /
    `lambda o: hash(o)` for a class that keeps `object`'s identity hash (no
    `__hash__`/`__eq__` of its own, not a frozen dataclass); also a named function,
    here or in another module, that returns one of these.

    ## Why is this bad?
    Streamlit reruns the script on every interaction, so the objects the script
    builds are new on every rerun and their ids differ: the cache never hits, the
    function runs every time, and the cache keeps growing. CPython also reuses the
    id of a collected object, so a new object can be served another one's result.
    Objects that truly live across reruns (from `st.cache_resource`,
    `st.session_state`, or a global of an imported module) keep their id; calls that
    only pass such objects are not reported.

    ## Example
    ```python
    @st.cache_data(hash_funcs={"__main__.MyCustomClass": id})
    def multiply_score(self, multiplier: int) -> int:
        return self.my_score * multiplier
    ```

    ## Use instead
    ```python
    @st.cache_data(hash_funcs={"__main__.MyCustomClass": lambda x: x.my_score})
    def multiply_score(self, multiplier: int) -> int:
        return self.my_score * multiplier
    ```
    """

    code = "STC003"
    name = "identity-hash-func"
    summary = "hash_funcs entry that hashes by object identity"

    def check(self, ctx: CachedContext) -> Iterator[Finding]:
        for entry in ctx.hash_funcs:
            how = identity_hash(entry.value, ctx.inferrer)
            if how is None or (entry.name is None and not entry.classes):
                continue  # not identity, or a key that names no class (a function): never called
            if how.depends_on_class:
                if not entry.classes or not all(keeps_identity_hash(c, ctx.inferrer) for c in entry.classes):
                    continue
            if self._only_long_lived_objects(ctx, entry):
                continue
            if failure(entry, ctx) is not None or dead_key(entry, ctx) is not None:
                continue  # it raises first (STC014), or is never called (STC005)
            label = entry.name or (entry.classes[0].name if entry.classes else entry.key.as_string())
            example = fields_lambda(entry.classes, ctx.inferrer, ctx.hashability)
            message = (f"hash_funcs entry for '{label}' hashes by identity ({how.description}): the app builds new "
                       f"objects on every rerun, so cached '{ctx.cached.name}' never hits and its cache grows "
                       f"without bound; hash the value instead, e.g. {example}")
            confidence = Confidence.INFERENCE if how.depends_on_class else Confidence.HIGH
            yield self.report(ctx, entry.value, message, confidence)

    @staticmethod
    def _only_long_lived_objects(ctx: CachedContext, entry: HashFuncsEntry) -> bool:
        """True when no call hashes a fresh object of the key's class: every object passed to a
        hashed parameter outlives reruns, or calls only pass them to ``_`` parameters."""
        wanted = {c for c in entry.classes}
        seen = []
        for site in ctx.sites:
            if site.receiver is not None and isinstance(site.receiver, Instance) and site.receiver.cls in wanted:
                seen.append(site.call.func.expr if isinstance(site.call.func, nodes.Attribute) else None)
            for name in site.arguments:
                if name.startswith("_"):
                    continue  # not hashed: hash_funcs never sees it
                values = ctx.inferrer.values(site.value_node(name))
                if any(isinstance(v, Instance) and v.cls in wanted for v in values):
                    seen.append(site.value_node(name))
        if not seen:
            # Objects of the key's class only go to `_` parameters: hash_funcs never runs on them.
            return any(name.startswith("_") and any(isinstance(v, Instance) and v.cls in wanted
                                                    for v in ctx.inferrer.values(site.value_node(name)))
                       for site in ctx.sites for name in site.arguments)
        return all(node is not None and survives_reruns(node, ctx.inferrer) for node in seen)
