"""STC016 shared-resource-mutated: per-session code changes a list, dict, set or DataFrame
that ``st.cache_resource`` shares between every session.

A cached resource is one object for the whole server. Code that runs on every rerun
and changes it in place changes it for every user: one session sees another's items,
and a change that cannot be made twice (``df.drop(columns=..., inplace=True)``) fails
for the next session.
"""

from __future__ import annotations

import re
from typing import Iterator

from astroid import nodes

from cachelint.analysis.context import CachedContext
from cachelint.analysis.flow import Use, runs_every_rerun, value_uses
from cachelint.analysis.rerun import RerunState
from cachelint.analysis.values import Instance
from cachelint.findings import Confidence, Finding
from cachelint.rules.base import Example, Rule
from cachelint.streamlit_model import library, session

# What a cached resource can be for this rule: containers and data frames the source shows.
MUTABLE_TYPES = {
    "builtins.list": "list", "builtins.dict": "dict", "builtins.set": "set",
    "collections.deque": "deque", "collections.defaultdict": "dict", "collections.OrderedDict": "dict",
    "collections.Counter": "Counter", "pandas.DataFrame": "DataFrame",
    "polars.dataframe.frame.DataFrame": "DataFrame",
}
# Changes that do something else each time they run: every rerun of every session adds up.
ACCUMULATING_METHODS = frozenset({"append", "extend", "insert", "appendleft", "extendleft", "pop", "popitem",
                                  "popleft", "remove", "reverse", "rotate"})
# pandas methods that fail or change again when repeated (with inplace=True, or always).
REPEAT_FAILS_INPLACE = frozenset({"drop", "set_index", "reset_index"})
FRAME_INDEXERS = frozenset({"loc", "iloc", "at", "iat"})
SHARED_WORDS = re.compile(r"shared|global|registry|singleton|all[ _](?:users|sessions)|every[ _](?:user|session)"
                          r"|across[ _](?:users|sessions)|multiplayer", re.IGNORECASE)
LOCK_WORDS = re.compile(r"lock|mutex|semaphore", re.IGNORECASE)


class SharedResourceMutated(Rule):
    """Per-session code changes in place a list, dict, set or DataFrame from `st.cache_resource`.

    ## What it does
    Finds `@st.cache_resource` functions that return a list, dict, set, `collections`
    container or pandas/polars DataFrame (a literal, a constructor, `pd.read_*`, or a
    return annotation), and code that runs on every rerun (the script, the functions it
    calls, in any module of the app) that changes that object in a way another
    session sees: changes that add up or cannot be repeated (`.append`, `.extend`,
    `.insert`, `.pop`, `.remove`, `x += ...`, `del x[k]`, `x[k] = x[k] + 1`, pandas
    `drop`/`set_index`/`reset_index` with `inplace=True`, `df.insert`, `df.pop`), and
    writes to a slot picked by a widget or per-session state (`x[user] = ...`,
    `df.loc[df.name == user, "seen"] = True`, `.add(user)`, `.setdefault(user, ...)`,
    `fillna(value, inplace=True)`). The object is followed through variables and
    into the app's functions it is passed to. Rewriting one fixed slot on every rerun
    (`df["total"] = df.a + df.b`) is not reported: every session writes the same.

    Not reported: resources meant to be shared (the function's name or docstring says
    shared, global, registry, all users...), changes made under `with lock:`,
    `scope="session"` resources, a copy (`x = get().copy()`), changes made inside a
    cached function, and models, clients and connections (only containers and data
    frames are judged). Changing a `st.cache_data` result is fine: each caller gets its
    own copy.

    ## Why is this bad?
    `st.cache_resource` returns the same object to every rerun of every session: it is
    a server-wide singleton. Appending a user's message to it shows that message to
    every other user; a change that cannot be repeated breaks the next session:
    `df.drop(columns=["tmp"], inplace=True)` works once, then raises
    `KeyError: "['tmp'] not found in axis"` for everyone else.

    ## Example
    ```python
    import streamlit as st


    @st.cache_resource
    def get_history():
        return []


    history = get_history()
    history.append(st.query_params.get("user", "guest"))
    st.write(history)
    ```

    ## Use instead
    ```python
    import streamlit as st

    history = st.session_state.setdefault("history", [])
    history.append(st.query_params.get("user", "guest"))
    st.write(history)
    ```
    or `@st.cache_data` (each caller gets a copy), or `.copy()` the cached object
    before changing it.
    """

    code = "STC016"
    INVALID = (
        Example("""
            import pandas as pd
            import streamlit as st


            @st.cache_resource
            def load_table():
                return pd.DataFrame({"id": [1, 2, 3], "tmp": [0, 0, 0]})


            table = load_table()
            table.drop(columns=["tmp"], inplace=True)  # expect: STC016
            st.dataframe(table)
        """),
    )
    VALID = (
        Example("""
            import pandas as pd
            import streamlit as st


            @st.cache_data
            def load_table():
                return pd.DataFrame({"id": [1, 2, 3], "tmp": [0, 0, 0]})


            table = load_table()
            table.drop(columns=["tmp"], inplace=True)
            st.dataframe(table)
        """),
    )

    def check(self, ctx: CachedContext) -> Iterator[Finding]:
        cached = ctx.cached
        if cached.kind != "resource" or _session_scoped(ctx) or _meant_to_be_shared(cached.node):
            return
        kind = _mutable_kind(ctx)
        if kind is None:
            return
        rerun = RerunState(ctx.body.streamlit)
        reported: set[nodes.NodeNG] = set()
        for use in _item_uses(value_uses(ctx.sites, ctx.inferrer)):
            if not runs_every_rerun(use.node, ctx.inferrer) or _under_lock(use.node):
                continue
            change = _change(use, kind, rerun, ctx)
            if change is None:
                continue
            statement, how = change
            if statement in reported:
                continue
            reported.add(statement)
            message = (f"'{cached.name}' returns one {kind} that st.cache_resource shares with every session, and "
                       f"{how} changes it in place on every rerun, for every user{_failure(how, kind)}; use "
                       f"st.cache_data (each caller gets a copy), .copy() it first, or keep per-user state in "
                       f"st.session_state")
            confidence = Confidence.HIGH if use.site.module is ctx.module and use.hops <= 1 else Confidence.INFERENCE
            yield self.report(ctx, statement, message, confidence)


def _session_scoped(ctx: CachedContext) -> bool:
    scope = ctx.cached.option("scope")
    return scope is not None and not (isinstance(scope, nodes.Const) and scope.value == session.DEFAULT_SCOPE)


def _meant_to_be_shared(func: nodes.FunctionDef) -> bool:
    doc = func.doc_node.value if func.doc_node is not None else ""
    return bool(SHARED_WORDS.search(func.name) or SHARED_WORDS.search(doc or ""))


def _mutable_kind(ctx: CachedContext) -> str | None:
    """"list", "dict", "DataFrame"... when everything the function returns is one."""
    values = ctx.inferrer.returned(ctx.cached.node)
    kinds = set()
    for value in values:
        if not isinstance(value, Instance) or value.cls.node is not None:
            return None
        kind = MUTABLE_TYPES.get(library.canonical(value.cls.qualname))
        if kind is None:
            return None
        kinds.add(kind)
    return kinds.pop() if len(kinds) == 1 else None


def _item_uses(uses: list[Use]) -> Iterator[Use]:
    """The uses, and ``x[k]`` of each (an item of a shared container is shared too)."""
    for use in uses:
        yield use
        parent = use.node.parent
        if isinstance(parent, nodes.Subscript) and parent.value is use.node and _loaded(parent):
            yield Use(parent, use.site, use.hops)


def _loaded(subscript: nodes.Subscript) -> bool:
    ctx = getattr(subscript, "ctx", None)
    return ctx is None or ctx.name == "Load"


def _under_lock(node: nodes.NodeNG) -> bool:
    for parent in node.node_ancestors():
        if isinstance(parent, (nodes.With, nodes.AsyncWith)) and \
                any(LOCK_WORDS.search(item.as_string()) for item, _ in parent.items):
            return True
        if isinstance(parent, (nodes.FunctionDef, nodes.AsyncFunctionDef, nodes.Lambda)):
            name = getattr(parent, "name", "")
            if LOCK_WORDS.search(name or ""):
                return True
    return False


def _change(use: Use, kind: str, rerun: RerunState, ctx: CachedContext) -> tuple[nodes.NodeNG, str] | None:
    """(the statement, how it changes the object) when ``use`` is changed in place in a way
    another session sees: a change that adds up (or cannot be repeated), or one that
    writes a slot picked by per-session input. Overwriting one fixed slot is not
    reported: each session rewrites it before it reads it."""
    node, parent = use.node, use.node.parent
    module = ctx.inferrer.module_of(node)
    if module is None:
        return None

    def varies(*exprs: nodes.NodeNG | None) -> bool:
        return any(expr is not None and rerun.varying(expr, module) is not None for expr in exprs)

    if isinstance(node, nodes.AssignName) and isinstance(parent, nodes.AugAssign):
        return parent, f"'{node.name} {parent.op} ...'"
    if isinstance(parent, nodes.Attribute) and parent.expr is node:
        call = parent.parent
        if isinstance(call, nodes.Call) and call.func is parent:
            return _method_change(call, parent.attrname, kind, varies)
        if isinstance(parent.parent, nodes.Subscript) and parent.attrname in FRAME_INDEXERS and \
                parent.parent.value is parent and not _loaded(parent.parent):
            return _stored_item(parent.parent, node, varies, f"'.{parent.attrname}[...] = ...'")
        return None
    if isinstance(parent, nodes.AssignAttr) and parent.expr is node and isinstance(parent.parent, nodes.AugAssign):
        return parent.parent, f"'.{parent.attrname} {parent.parent.op} ...'"
    if isinstance(parent, nodes.Subscript) and parent.value is node and not _loaded(parent):
        return _stored_item(parent, node, varies, "'[...] = ...'")
    return None


def _method_change(call: nodes.Call, method: str, kind: str, varies) -> tuple[nodes.NodeNG, str] | None:
    shown = f"'.{method}(...)'"
    inplace = any(k.arg == "inplace" and isinstance(k.value, nodes.Const) and k.value.value is True
                  for k in call.keywords or ())
    if kind == "DataFrame":
        if method in ("insert", "pop") or (inplace and method in REPEAT_FAILS_INPLACE):
            return call, shown
        if inplace and method == "fillna" and varies(*call.args, *(k.value for k in call.keywords or ())):
            return call, shown  # the first session's value fills the gaps for everyone
        return None
    if method in ACCUMULATING_METHODS:
        return call, shown
    first = call.args[0] if call.args else None
    if method in ("add", "setdefault", "__setitem__") and varies(first):
        return call, shown  # a new element or key per input
    if method == "update" and isinstance(first, nodes.Dict) and varies(*(key for key, _ in first.items)):
        return call, shown
    return None


def _stored_item(subscript: nodes.Subscript, container: nodes.NodeNG, varies,
                 shown: str) -> tuple[nodes.NodeNG, str] | None:
    statement = subscript.parent
    while isinstance(statement, (nodes.Tuple, nodes.List, nodes.Starred)):
        statement = statement.parent
    if isinstance(statement, nodes.Delete):
        return statement, "'del ...[...]'"
    if isinstance(statement, nodes.AugAssign):
        return statement, shown.replace(" = ", f" {statement.op} ")
    if not isinstance(statement, (nodes.Assign, nodes.AnnAssign)) or statement.value is None:
        return None
    if varies(subscript.slice) or _reads_slot(statement.value, container, subscript.slice):
        return statement, shown
    return None


def _reads_slot(value: nodes.NodeNG, container: nodes.NodeNG, key: nodes.NodeNG) -> bool:
    """Does ``value`` read the slot it is stored in (``x[k] = x[k] + 1``, ``x.get(k, 0) + 1``)?
    Then repeating the statement changes the object again."""
    if not isinstance(container, nodes.Name):
        return False
    wanted = key.as_string()
    for node in value.nodes_of_class((nodes.Subscript, nodes.Call)):
        if isinstance(node, nodes.Subscript) and isinstance(node.value, nodes.Name) and \
                node.value.name == container.name and node.slice.as_string() == wanted:
            return True
        if isinstance(node, nodes.Call) and isinstance(node.func, nodes.Attribute) and \
                node.func.attrname == "get" and isinstance(node.func.expr, nodes.Name) and \
                node.func.expr.name == container.name and node.args and node.args[0].as_string() == wanted:
            return True
    return False


ONCE_ONLY = ("'.drop(", "'.set_index(", "'.reset_index(", "'.insert(", "'.pop(", "'del ", "'.remove(")


def _failure(how: str, kind: str) -> str:
    if how.startswith(ONCE_ONLY) and (kind == "DataFrame" or how.startswith(("'del ", "'.remove("))):
        return ": it cannot be made twice, so a later rerun or session fails (KeyError or ValueError)"
    return ": one session's data shows up in another's"
