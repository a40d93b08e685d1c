from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

from astroid import nodes

from cachelint.analysis.constants import UNKNOWN, literal
from cachelint.analysis.infer import Inferrer
from cachelint.analysis.project import Module
from cachelint.analysis.values import ModuleValue
from cachelint.findings import Finding
from cachelint.analysis.context import ModuleContext
from cachelint.rules.base import Rule
from cachelint.streamlit_model.cache_options import NEW_NAMES, REMOVED_APIS, RemovedApi

STREAMLIT = "streamlit"
# Exceptions whose handler makes a removed-API access a deliberate fallback.
_FALLBACK_ERRORS = frozenset({"AttributeError", "ImportError", "ModuleNotFoundError", "Exception", "BaseException"})
_VERSION_WORDS = ("version", "hasattr", "getattr", "cache_data", "cache_resource")


@dataclass(frozen=True)
class RemovedUse:
    """A place where the app reaches a removed caching API."""

    node: nodes.Attribute | nodes.ImportFrom  # ``st.cache`` or ``from streamlit import cache``
    apis: tuple[RemovedApi, ...]  # one for an attribute; the removed names of an import


def removed_api_uses(module: Module, inferrer: Inferrer) -> list[RemovedUse]:
    """Accesses to ``st.cache`` / ``st.experimental_memo`` / ``st.experimental_singleton``
    and imports of them that run on current Streamlit (version-guarded fallbacks and
    names the app itself puts back on ``streamlit`` are left alone)."""
    restored = _restored_names(module, inferrer)
    found: list[RemovedUse] = []
    for node in module.tree.nodes_of_class((nodes.Attribute, nodes.ImportFrom)):
        if isinstance(node, nodes.Attribute):
            api = _removed_attribute(node, inferrer)
            if api is not None and api.name not in restored and not _guarded(node):
                found.append(RemovedUse(node, (api,)))
        elif node.modname == STREAMLIT and not node.level:
            apis = tuple(REMOVED_APIS[f"{STREAMLIT}.{name}"] for name, _ in node.names
                         if f"{STREAMLIT}.{name}" in REMOVED_APIS and name not in restored)
            if apis and not _guarded(node):
                found.append(RemovedUse(node, apis))
    return sorted(found, key=lambda u: (u.node.lineno, u.node.col_offset))


def _removed_attribute(node: nodes.Attribute, inferrer: Inferrer) -> RemovedApi | None:
    if f"{STREAMLIT}.{node.attrname}" not in REMOVED_APIS:
        return None
    owners = inferrer.values(node.expr)
    if not owners or any(not (isinstance(v, ModuleValue) and v.name == STREAMLIT and v.path is None) for v in owners):
        return None
    return REMOVED_APIS[f"{STREAMLIT}.{node.attrname}"]


def _restored_names(module: Module, inferrer: Inferrer) -> set[str]:
    """Removed names the app assigns back onto streamlit (``st.cache = st.cache_data``)."""
    names = set()
    for node in module.tree.nodes_of_class(nodes.AssignAttr):
        if f"{STREAMLIT}.{node.attrname}" in REMOVED_APIS and any(
                isinstance(v, ModuleValue) and v.name == STREAMLIT for v in inferrer.values(node.expr)):
            names.add(node.attrname)
    for call in module.tree.nodes_of_class(nodes.Call):
        if isinstance(call.func, nodes.Name) and call.func.name == "setattr" and len(call.args) >= 2:
            name = literal(call.args[1])
            if isinstance(name, str) and f"{STREAMLIT}.{name}" in REMOVED_APIS:
                names.add(name)
    return names


def _guarded(node: nodes.NodeNG) -> bool:
    """The access only runs where the removed API exists: a version or ``hasattr``
    check, or the fallback of a ``try`` that catches the AttributeError / ImportError."""
    child, parent = node, node.parent
    while parent is not None and not isinstance(parent, nodes.Module):
        if isinstance(parent, nodes.Try) and child in parent.body and any(
                _catches_fallback(h) for h in parent.handlers):
            return True
        if isinstance(parent, nodes.ExceptHandler) and _catches_fallback(parent) and child is not parent.type:
            return True
        if isinstance(parent, (nodes.If, nodes.IfExp)) and child is not parent.test and _mentions_version(parent.test):
            return True
        if isinstance(parent, nodes.BoolOp) and any(_mentions_version(v) for v in parent.values[:parent.values.index(child)]):
            return True
        child, parent = parent, parent.parent
    return False


def _catches_fallback(handler: nodes.ExceptHandler) -> bool:
    if handler.type is None:
        return True
    types = handler.type.elts if isinstance(handler.type, nodes.Tuple) else [handler.type]
    return any(isinstance(t, (nodes.Name, nodes.Attribute)) and (t.name if isinstance(t, nodes.Name) else t.attrname)
               in _FALLBACK_ERRORS for t in types)


def _mentions_version(test: nodes.NodeNG) -> bool:
    text = test.as_string()
    return any(word in text for word in _VERSION_WORDS)


def suggested_target(node: nodes.Attribute, api: RemovedApi) -> str | None:
    """Which decorator replaces this use: "data", "resource", or None when the code
    does not say (``st.cache`` with a computed ``allow_output_mutation``)."""
    if api.target is not None:
        return api.target
    call = node.parent
    if isinstance(call, nodes.Call) and call.func is node:
        for keyword in call.keywords or ():
            if keyword.arg is None:
                return None
            if keyword.arg == "allow_output_mutation":
                value = literal(keyword.value)
                if value is UNKNOWN or not isinstance(value, bool):
                    return None
                return "resource" if value else "data"
        return "data"
    if isinstance(call, nodes.Decorators):
        return "data"
    return None


class RemovedCacheApi(Rule):
    """A caching API that current Streamlit no longer has.

    ## What it does
    Finds `st.cache`, `st.experimental_memo` and `st.experimental_singleton`: as
    decorators (bare or with options), in the call form, their `.clear()` calls,
    `from streamlit import cache` (any of the three, with or without an alias), and
    decorators kept in variables. Names are resolved, so `import streamlit as s`
    and `memo = st.experimental_memo` are found too. Code that runs only on old
    Streamlit (the fallback of `try: ... except (AttributeError, ImportError)`, a
    branch of a `hasattr(st, ...)` or version check) and names the app puts back on
    `streamlit` itself (`st.cache = st.cache_data`) are not reported.

    ## Why is this bad?
    Streamlit removed these APIs: accessing one raises `AttributeError` (`ImportError`
    for `from streamlit import cache`) when the line runs, so the app dies on start.
    `st.experimental_memo` became `st.cache_data`, `st.experimental_singleton`
    became `st.cache_resource`, and `st.cache` split into the two:
    `st.cache_resource` for `allow_output_mutation=True` (a shared object such as a
    model or a connection), `st.cache_data` otherwise.

    ## Example
    ```python
    @st.cache(allow_output_mutation=True, suppress_st_warning=True)
    def load_model():
        return Model()

    @st.experimental_memo(ttl=600)
    def load_prices():
        return fetch()
    ```

    ## Use instead
    ```python
    @st.cache_resource
    def load_model():
        return Model()

    @st.cache_data(ttl=600)
    def load_prices():
        return fetch()
    ```
    `cachelint --fix` makes this change: it renames the decorator (and the
    `.clear()` calls and imports), and drops the options the new decorator does not
    accept (`allow_output_mutation`, `suppress_st_warning`, `persist` on
    `st.cache_resource`). A use whose target cannot be read from the code (a
    computed `allow_output_mutation`) is reported and left for you.
    """

    code = "STC011"

    def check_module(self, ctx: ModuleContext) -> Iterator[Finding]:
        for use in removed_api_uses(ctx.module, ctx.inferrer):
            yield self.report(ctx, use.node, self._message(use))

    @staticmethod
    def _message(use: RemovedUse) -> str:
        if isinstance(use.node, nodes.ImportFrom):
            names = ", ".join(api.name for api in use.apis)
            targets = " / ".join(dict.fromkeys(
                NEW_NAMES[t] for api in use.apis for t in ((api.target,) if api.target else ("data", "resource"))))
            return (f"'from streamlit import {names}' raises ImportError on current Streamlit: "
                    f"the API was removed; import {targets} instead (cachelint --fix migrates it)")
        api = use.apis[0]
        shown = use.node.as_string()
        if isinstance(use.node.parent, nodes.Attribute) and use.node.parent.attrname == "clear":
            if api.target is None:
                fix = "st.cache_data.clear() and/or st.cache_resource.clear()"
            else:
                fix = f"st.{NEW_NAMES[api.target]}.clear()"
            return f"'{shown}' raises AttributeError on current Streamlit: the API was removed; call {fix} instead"
        target = suggested_target(use.node, api)
        if target is None:
            fix = "st.cache_resource if it returns a shared object (allow_output_mutation=True), else st.cache_data"
        elif api.target is None:
            why = ", which returns the shared object as allow_output_mutation=True did" if target == "resource" else ""
            fix = f"st.{NEW_NAMES[target]}{why}"
        else:
            fix = f"st.{NEW_NAMES[target]}"
        return (f"'{shown}' raises AttributeError on current Streamlit, so the app dies when this line runs; "
                f"use {fix} (cachelint --fix migrates it)")
