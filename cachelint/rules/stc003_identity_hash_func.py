"""STC003 identity-hash-func: a ``hash_funcs`` function that hashes objects by identity,
and which objects live across reruns (so that their identity is stable)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

from astroid import nodes

from cachelint.analysis.class_hash import IDENTITY, class_hash
from cachelint.analysis.context import CachedContext
from cachelint.analysis.hash_funcs import HashFuncsEntry, fields_lambda
from cachelint.analysis.infer import Inferrer, returns_of
from cachelint.analysis.lifetime import survives_reruns
from cachelint.analysis.values import ClassObject, ClassRef, Function, Instance
from cachelint.findings import Confidence, Finding
from cachelint.rules.base import Example, Rule


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
    import streamlit as st


    class Player:
        def __init__(self, score):
            self.score = score


    @st.cache_data(hash_funcs={Player: id})
    def ranking(player: Player) -> int:
        return player.score * 10


    st.write(ranking(Player(3)))  # a new Player on every rerun: a new id, a miss
    ```

    ## Use instead
    ```python
    @st.cache_data(hash_funcs={Player: lambda p: p.score})
    def ranking(player: Player) -> int:
        return player.score * 10
    ```
    """

    code = "STC003"
    INVALID = (
        Example("""
            import streamlit as st


            class Basket:
                def __init__(self, items):
                    self.items = items


            @st.cache_data(hash_funcs={Basket: lambda b: id(b)})  # expect: STC003
            def total(basket: Basket) -> int:
                return len(basket.items)


            st.write(total(Basket([1, 2])))
        """),
    )
    VALID = (
        Example("""
            import streamlit as st


            class Basket:
                def __init__(self, items):
                    self.items = items


            @st.cache_data(hash_funcs={Basket: lambda b: tuple(b.items)})
            def total(basket: Basket) -> int:
                return len(basket.items)


            st.write(total(Basket([1, 2])))
        """),
    )

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
            label = entry.name or (entry.classes[0].name if entry.classes else entry.key.as_string())
            example = fields_lambda(entry.classes, ctx.inferrer, ctx.hashability)
            message = (f"hash_funcs entry for '{label}' hashes by identity ({how.description}): the app builds new "
                       f"objects on every rerun, so cached '{ctx.cached.name}' never hits and its cache grows "
                       f"without bound; hash the value instead, e.g. {example}")
            confidence = Confidence.INFERENCE if how.depends_on_class else Confidence.HIGH
            yield self.report(ctx, entry.value, message, confidence, subject=entry.key)

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


@dataclass(frozen=True)
class IdentityHash:
    description: str  # "id", "id(o.attr)", "hash", "object.__hash__"
    depends_on_class: bool  # hash() is identity only for classes that keep object.__hash__


def identity_hash(func: nodes.NodeNG, inferrer: Inferrer, depth: int = 0) -> IdentityHash | None:
    """How the hash function ``func`` (an expression) hashes by identity, if it does."""
    if depth > 3:
        return None
    if isinstance(func, nodes.Lambda):
        params = func.args.args or []
        return _returns_identity(func.body, params[0].name, inferrer) if len(params) == 1 else None
    if _is_object_hash(func, inferrer):
        return IdentityHash("object.__hash__", False)
    for value in inferrer.values(func):
        if isinstance(value, Function) and value.node is None:
            if value.qualname == "builtins.id":
                return IdentityHash("id", False)
            if value.qualname == "builtins.hash":
                return IdentityHash("hash", True)
        if isinstance(value, Function) and isinstance(value.node, (nodes.FunctionDef, nodes.AsyncFunctionDef)):
            params = value.node.args.args or []
            if not params:
                continue
            kinds = {_returns_identity(ret.value, params[0].name, inferrer) for ret in returns_of(value.node)}
            if len(kinds) == 1 and None not in kinds:
                return kinds.pop()
        if isinstance(value, Function) and isinstance(value.node, nodes.Lambda):
            return identity_hash(value.node, inferrer, depth + 1)
    return None


def _returns_identity(expr: nodes.NodeNG | None, param: str, inferrer: Inferrer) -> IdentityHash | None:
    if not isinstance(expr, nodes.Call) or len(expr.args) != 1 or expr.keywords:
        if isinstance(expr, nodes.Call) and isinstance(expr.func, nodes.Attribute) and not expr.args:
            # o.__hash__()
            if expr.func.attrname == "__hash__" and _is_param(expr.func.expr, param):
                return IdentityHash("o.__hash__()", True)
        return None
    arg = expr.args[0]
    if _is_object_hash(expr.func, inferrer) and _is_param(arg, param):
        return IdentityHash("object.__hash__", False)
    for value in inferrer.values(expr.func):
        if not isinstance(value, Function) or value.node is not None:
            continue
        if value.qualname == "builtins.id" and _rooted_at(arg, param):
            return IdentityHash("id" if _is_param(arg, param) else f"id({arg.as_string()})", False)
        if value.qualname == "builtins.hash" and _is_param(arg, param):
            return IdentityHash("hash", True)
    return None


def _is_param(expr: nodes.NodeNG, param: str) -> bool:
    return isinstance(expr, nodes.Name) and expr.name == param


def _rooted_at(expr: nodes.NodeNG, param: str) -> bool:
    while isinstance(expr, nodes.Attribute):
        expr = expr.expr
    return _is_param(expr, param)


def _is_object_hash(expr: nodes.NodeNG, inferrer: Inferrer) -> bool:
    return (isinstance(expr, nodes.Attribute) and expr.attrname == "__hash__"
            and ClassObject(ClassRef("builtins.object")) in inferrer.values(expr.expr))


def keeps_identity_hash(cls: ClassRef, inferrer: Inferrer) -> bool:
    """Does ``hash(obj)`` give the identity hash for instances of ``cls``? False when unsure."""
    return class_hash(cls, inferrer).kind == IDENTITY
