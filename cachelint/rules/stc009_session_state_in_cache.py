"""STC009 session-state-in-cache: a global cache whose result depends on per-session state.

A read is not a leak: the rule follows the *value* of each per-session read (with
``analysis.dataflow``) and reports a cached function only when a read can change what it
returns, or where it writes files, for the same hashed arguments. Reads that are not
per-session in fact are left alone: a session-state key only ever set to app-wide values
(constants, configuration, a memo of what a hashed argument decides) or never set at all,
a fallback for an argument every call passes, a value the hashed arguments already
carry. One finding per cached function, at the read that leaks, with the other leaking
reads as related locations; a global cache that stores the result of a session-dependent
cached callee is reported too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from astroid import nodes

from cachelint.analysis.walk import nodes_in
from cachelint.analysis.body import Body, is_cached, own_nodes
from cachelint.analysis.context import CachedContext
from cachelint.analysis.dataflow import Dependence, Hit
from cachelint.analysis.discovery import CachedFunction
from cachelint.analysis.infer import assigned_values
from cachelint.analysis.streamlit_calls import StreamlitCalls
from cachelint.analysis.values import FUNCTION_NODES
from cachelint.findings import Confidence, Finding, Related
from cachelint.rules.base import Example, Rule
from cachelint.streamlit_model import session

MIN_PATTERN_LETTERS = 4  # an f-string key with fewer literal letters could be any key
MAX_WRITER_MODULES = 100
MAX_CALLER_DEPTH = 2  # calls followed up from a function that stores its parameter  # app modules scanned for the writes of session-state keys
# Read names that decide *who* asks rather than *what* is fetched, when they only authenticate.
SECRET_WORDS = ("token", "jwt", "cookie", "password", "passwd", "secret", "credential", "api_key", "auth")
# Calls that write a file at the path they are given: a per-session path means the file is
# written for the first session only.
FILE_WRITERS = frozenset({"to_csv", "to_parquet", "to_excel", "to_json", "to_pickle", "write_text", "write_bytes",
                          "mkdir", "makedirs", "copy", "copyfile", "copy2", "copytree", "move", "savefig", "save",
                          "dump"})


class SessionStateInCache(Rule):
    """A globally cached function whose result depends on per-session state.

    ## What it does
    Finds `@st.cache_data` / `@st.cache_resource` functions with the default
    `scope="global"` whose result can change with `st.session_state`,
    `st.query_params`, `st.context` (headers, cookies...) or `st.user`, read in the
    function itself: the value read reaches what the function returns (directly, or by
    choosing which value is returned), or the path of a file it writes. One finding per
    function, at the read that leaks, with the other leaking reads as related locations.

    Leaks the analysis can only infer are STC026 (preview, `--preview`): a read in the
    app's helpers that the function calls, a global cache storing the result of a leaking
    cached function, a value that only authenticates a request. On public apps those were
    right about half the time (per-session toggles between equivalent back ends, tokens
    on shared queries), so they are opt-in until they are precise.

    Not reported: reads whose value never reaches the result (error logs, timings,
    write-behind queues, `setdefault(...).append(...)`); a session-state key that the app
    only ever sets to app-wide values (constants, configuration, a client built from
    settings, a memo of what a hashed argument decides) or never sets at all; a fallback
    `if arg is None: arg = st.session_state[...]` that every call fills; a value a hashed
    argument already carries. With `scope="session"` Streamlit keeps one cache per session, so
    nothing is reported; except with `st.cache_data(persist="disk")`, whose files on
    disk every session reads whatever the scope.

    ## Why is this bad?
    The cache key is made of the arguments only. The first session to call the
    function stores its result, and every other session (another user, another
    tab) gets that result: stale results, and one user's data shown to another.

    ## Example
    ```python
    import streamlit as st


    @st.cache_data
    def load_orders():
        return f"orders of {st.session_state['customer_id']}"


    st.session_state.customer_id = st.text_input("Customer")
    st.write(load_orders())
    ```

    ## Use instead
    ```python
    @st.cache_data
    def load_orders(customer_id):
        return f"orders of {customer_id}"


    st.write(load_orders(st.session_state["customer_id"]))
    ```
    or `@st.cache_data(scope="session")` (Streamlit 1.53+) for a result that belongs
    to the session. Pass plain values (a user id), not objects Streamlit cannot hash.
    """

    code = "STC009"
    INVALID = (
        Example("""
            import streamlit as st


            @st.cache_data
            def orders():
                return f"orders of {st.session_state['customer']}"  # expect: STC009


            st.session_state.customer = st.text_input("Customer")
            st.write(orders())
        """),
    )
    VALID = (
        Example("""
            import streamlit as st


            @st.cache_data
            def orders(customer):
                return f"orders of {customer}"


            st.session_state.setdefault("customer", "ann")
            st.write(orders(st.session_state["customer"]))
        """),
        Example("""
            import streamlit as st

            API_URL = "https://example.com"


            @st.cache_data(ttl=600)
            def prices(symbol):
                try:
                    return {"symbol": symbol, "url": st.session_state.get("server_url", API_URL)}
                except ValueError as error:
                    st.session_state.setdefault("errors", []).append(str(error))  # a log only
                    return {}


            st.session_state.server_url = API_URL  # the only value the key ever gets
            st.write(prices("ACME"))
        """),
    )

    def check(self, ctx: CachedContext) -> Iterator[Finding]:
        finding = leak_finding(self, ctx)
        if finding is not None and finding.confidence == Confidence.HIGH:
            yield finding  # leaks seen only through helpers, outer caches or tokens: STC026 (preview)

    def check_quickly(self, ctx: CachedContext) -> Iterator[Finding]:
        """Over budget: a direct read in the body itself, named by the module's own imports."""
        if shared_across_sessions(ctx.cached) is None:
            return
        aliases = _streamlit_aliases(ctx.cached.module.tree)
        for node in own_nodes(ctx.cached.node, nodes.Attribute):
            if node.attrname in ("session_state", "query_params", "user", "context") and \
                    isinstance(node.expr, nodes.Name) and node.expr.name in aliases:
                scope = ", or use scope=\"session\"" if _has_scope(ctx) else ""
                message = (f"cached '{ctx.cached.name}' reads st.{node.attrname} (the analysis of its data flow "
                           f"was cut short), and its cache is shared by all sessions; pass the value as an "
                           f"argument{scope}")
                yield self.report(ctx, node, message, Confidence.INFERENCE)
                return



def leak_finding(rule: Rule, ctx: CachedContext) -> Finding | None:
    """The one finding (reported as ``rule``) of a cached function whose result depends on
    per-session state: HIGH confidence for a read in its own body (STC009), lower for one
    inferred through helpers, an outer cache or a token (STC026)."""
    shared = shared_across_sessions(ctx.cached)
    if shared is None:
        return None
    leaks = leaks_of(ctx, ctx.cached)
    if not leaks:
        return None
    return _finding(rule, ctx, leaks, shared)


def _finding(rule: Rule, ctx: CachedContext, leaks: list[Leak], shared: str) -> Finding:
    name = ctx.cached.name
    primary = min(leaks, key=lambda leak: leak.rank)
    others = [leak for leak in leaks if leak is not primary]
    anchor = primary.hit.via[0].call if primary.hit.via else primary.node
    if primary.callee is not None:
        what = (f"stores the result of cached '{primary.callee}', which depends on per-session state "
                f"({primary.label})")
        scope = f", or use scope=\"session\" on '{name}' too" if _has_scope(ctx) else ""
        fix = (f"pass the value as an argument to both (a plain value, not an object){scope}: fixing "
               f"'{primary.callee}' alone leaves this cache leaking")
    else:
        effect = "decides where it writes files" if primary.writes else "decides what it returns"
        if primary.hit.via:
            what = f"calls {_chain(primary.hit)}, which {primary.label} (line {primary.node.lineno})"
        else:
            what = primary.label
        fix = _fix_phrase(ctx, primary)
    users = _also_reached(ctx, primary)
    also = f"; the same read is reached from {users} other cached function{'s' * (users != 1)}" if users else ""
    if primary.hit.auth_only:
        message = (f"cached '{name}' {what} to authenticate its requests, and its cache is shared by all sessions: "
                   f"if the backend filters rows by user, one user's rows are served to all; {fix}{also}")
        confidence = Confidence.INFERENCE
    elif primary.callee is not None:
        message = f"cached '{name}' {what}, but {shared}; {fix}{also}"
        confidence = Confidence.INFERENCE
    else:
        message = f"cached '{name}' {what}, per-session state that {effect}, but {shared}; {fix}{also}"
        confidence = Confidence.HIGH if not primary.hit.via else Confidence.INFERENCE
    related = tuple(Related(ctx.project.module_of(leak.node).path if ctx.project.module_of(leak.node) else
                            ctx.cached.module.path, leak.node.lineno, leak.node.col_offset or 0,
                            f"also {leak.label}") for leak in others[:20])
    # A helper's read reached from several cached functions of a file is one finding.
    group = primary.node if primary.hit.via and primary.callee is None else None
    return rule.report(ctx, anchor, message, confidence, related=related, group=group)


# -- the leaks of a cached function -------------------------------------------------------------
@dataclass(frozen=True)
class Leak:
    hit: Hit
    node: nodes.NodeNG  # the read itself (or the call of a leaking cached function)
    label: str  # "reads st.session_state['user']"
    key: str | None = None  # the session-state key, when it is a literal
    callee: str | None = None  # the leaking cached function called, for an outer cache
    writes: bool = False  # it decides where files are written, not what is returned

    @property
    def rank(self) -> tuple:
        """Which leak to name first: one in the function itself, a secret, then the first."""
        secret = self.key is not None and any(w in self.key.lower() for w in SECRET_WORDS)
        return (self.hit.auth_only, self.callee is not None, len(self.hit.via), not secret,
                self.node.lineno or 0, self.node.col_offset or 0)


def shared_across_sessions(cached: CachedFunction) -> str | None:
    """Why results are shared between sessions, or None when they are not (or it is unclear)."""
    scope = cached.option("scope")
    if scope is None or (isinstance(scope, nodes.Const) and scope.value == session.DEFAULT_SCOPE):
        return "its cache is shared by all sessions: one session's result is served to every user"
    if _disk_persisted(cached) and isinstance(scope, nodes.Const) and scope.value == session.SESSION_SCOPE:
        return (f"persist={cached.option('persist').as_string()} stores results on disk, where every session reads "
                f"them even with scope=\"session\": another user gets this session's result")
    return None  # scope="session", or a scope the analysis cannot read


def _disk_persisted(cached: CachedFunction) -> bool:
    persist = cached.option("persist")
    return cached.kind == "data" and isinstance(persist, nodes.Const) and \
        any(persist.value == v and type(persist.value) is type(v) for v in session.DISK_PERSIST_VALUES)


def leaks_of(ctx: CachedContext, cached: CachedFunction) -> list[Leak]:
    """The per-session reads that can change what ``cached`` returns or where it writes."""
    memo = ctx.analysis.memo(("stc009-leaks",), dict)
    if cached.node in memo:
        return memo[cached.node]
    memo[cached.node] = []  # a cycle of cached functions calling each other: no leak through it
    flow = _flow(ctx)
    hits = set(flow.result(cached.node))
    hits |= flow.side_effects(cached.node, _file_written)
    writes = set(flow.side_effects(cached.node, _file_written)) - set(flow.result(cached.node))
    leaks = []
    for hit in sorted(hits, key=_hit_order):
        leak = _leak(ctx, cached, hit, hit in writes)
        if leak is not None:
            leaks.append(leak)
    memo[cached.node] = leaks
    return leaks


def _flow(ctx: CachedContext) -> Dependence:
    def build() -> Dependence:
        calls = StreamlitCalls(ctx.inferrer)

        def is_source(node: nodes.NodeNG) -> bool:
            if isinstance(node, (nodes.Name, nodes.Attribute)):
                return calls.state_read(node) is not None
            return isinstance(node, nodes.Call) and _leaking_cached_callee(ctx, node) is not None

        return Dependence(ctx.inferrer, is_source)

    return ctx.analysis.memo(("stc009-flow",), build)


def _leak(ctx: CachedContext, cached: CachedFunction, hit: Hit, writes: bool) -> Leak | None:
    source = hit.source
    if isinstance(source, nodes.Call):  # a call of a cached function that leaks
        inner = _leaking_cached_callee(ctx, source)
        first = inner[1][0]
        if all(leak.hit.auth_only for leak in inner[1]):
            hit = hit.authenticating()  # the inner function only authenticates with it: so does this one
        return Leak(hit, source, first.label, first.key, callee=inner[0].name)
    access = StreamlitCalls(ctx.inferrer).state_read(source)
    if access is None:
        return None
    key = _key(access.node)
    leak = Leak(hit, access.node, f"reads {_shown(access, key)}", key, writes=writes)
    if access.qualname.endswith("session_state") and _app_wide_key(ctx, key, access.node):
        return None
    if _unreachable_fallback(ctx, cached, hit, access.node):
        return None
    if _carried_by_arguments(ctx, cached, hit, key):
        return None
    if hit.decided_in is not None and _memo_or_compute(ctx, hit.decided_in):
        return None
    return leak


def _shown(access, key: str | None) -> str:
    """``st.session_state['k']``, ``st.user.email``, ``st.query_params.get('city')``..."""
    node, name = access.node, access.label
    if key is None:
        return name
    if key.startswith("re:"):
        return node.as_string()
    if isinstance(node, nodes.Subscript):
        return f"{name}[{key!r}]"
    if isinstance(node, nodes.Attribute):
        return f"{name}.{key}"
    if isinstance(node, nodes.Call) and isinstance(node.func, nodes.Attribute):
        return f"{name}.{node.func.attrname}({key!r})"
    return f"{key!r} in {name}"


def _hit_order(hit: Hit) -> tuple:
    """A total order of hits (they come from sets): the read, then the calls leading to it,
    so that the same input always names the same path."""
    calls = tuple((step.call.root().file or "", step.call.lineno or 0, step.call.col_offset or 0)
                  for step in hit.via)
    decided = (hit.decided_in.lineno or 0, hit.decided_in.col_offset or 0) if hit.decided_in is not None else ()
    return (hit.source.root().file or "", hit.source.lineno or 0, hit.source.col_offset or 0, len(hit.via),
            calls, hit.auth_only, decided)


# -- reads that are not per-session in fact --------------------------------------------------
def _key(access: nodes.NodeNG) -> str | None:
    """The key a session-state access uses: ``ss["k"]``, ``ss.k``, ``ss.get("k")``, ``"k" in ss``
    give "k"; an f-string key gives a pattern ("re:logs_.*"); None when it cannot be read."""
    parent = access.parent
    if isinstance(parent, nodes.Compare) and access is not parent.left and \
            any(op in ("in", "not in") for op, _ in parent.ops):  # "k" in st.session_state
        return _literal_key(parent.left)
    if isinstance(access, nodes.Subscript):
        return _literal_key(access.slice)
    if isinstance(access, nodes.Attribute):
        return access.attrname
    if isinstance(access, nodes.Call) and access.args:
        return _literal_key(access.args[0])
    return None


def _key_names(expr: nodes.NodeNG, depth: int = 0) -> frozenset[str]:
    """The names an f-string key is built from (through a name bound once to it)."""
    if isinstance(expr, nodes.Name) and depth < 2:
        values = assigned_values(expr)
        return _key_names(values[0], depth + 1) if len(values) == 1 and values[0] is not None else frozenset()
    if isinstance(expr, (nodes.JoinedStr, nodes.BinOp)):
        return frozenset(n.name for n in expr.nodes_of_class(nodes.Name))
    return frozenset()


def _literal_key(expr: nodes.NodeNG, depth: int = 0) -> str | None:
    """A literal key, an f-string pattern, or what a name bound once to one of them holds."""
    if isinstance(expr, nodes.Const) and isinstance(expr.value, str):
        return expr.value
    if isinstance(expr, nodes.Name) and depth < 2:
        values = assigned_values(expr)
        if len(values) == 1 and values[0] is not None:
            return _literal_key(values[0], depth + 1)
        return None
    if isinstance(expr, nodes.BinOp) and expr.op == "+" and depth < 3:  # cache_key + "_data"
        left, right = _literal_key(expr.left, depth + 1), _literal_key(expr.right, depth + 1)
        if left is None or right is None:
            return None
        as_regex = [part[3:] if part.startswith("re:") else re.escape(part) for part in (left, right)]
        return "re:" + "".join(as_regex)
    return _pattern(expr)


@dataclass(frozen=True)
class _Write:
    key: str | None  # None: a key the analysis cannot read (it may be any)
    value: nodes.NodeNG | None  # None: a widget's value (per session)
    scope: nodes.NodeNG  # the function (or module) the write is in
    key_names: frozenset[str] = frozenset()  # names the key is built from (f"creds_{name}")


def _writes(ctx: CachedContext, key: str) -> list[_Write]:
    """Every write of the session-state key ``key`` (a literal or an f-string pattern) in the
    project: any script of it may run in the same session (pages, ``st.navigation`` targets,
    login pages), so writes are looked for everywhere, never only in the modules nearby."""
    def scan() -> list[_Write]:
        calls = StreamlitCalls(ctx.inferrer)
        found: list[_Write] = []
        for module in _modules_mentioning(ctx, _words(key)):
            found.extend(w for w in _module_writes(ctx, module, calls) if
                         _matches(w.key, key) or (key.startswith("re:") and _same_shape(w.key, key)))
        return found

    return ctx.analysis.memo(("stc009-writes", key), scan)


def _module_writes(ctx: CachedContext, module, calls: StreamlitCalls) -> list[_Write]:
    """The session-state writes of ``module`` whose key the analysis can read, in order;
    walked once per module for all the keys looked for (a 37k-line page has many)."""
    def scan() -> list[_Write]:
        # A key the analysis cannot read is left out: keys built at run time are
        # configuration and widget bookkeeping far more often than logins.
        return [w for node in nodes_in(module.tree, (nodes.Subscript, nodes.AssignAttr, nodes.Call))
                for w in _writes_at(node, calls) if w.key is not None]

    return ctx.analysis.memo(("stc009-module-writes", module), scan)


def _words(key: str) -> list[str]:
    """Text a file must contain to write ``key``: the key, or the literal parts of its pattern."""
    if not key.startswith("re:"):
        return [key]
    return [re.sub(r"\\(.)", r"\1", part) for part in key[3:].split(".*") if len(part) >= 3]


def _modules_mentioning(ctx: CachedContext, words: list[str]) -> list:
    """The project's modules whose text mentions session state (or widget keys) and ``words``."""
    project = ctx.project
    path = ctx.cached.module.path
    found: list = []
    for folder in dict.fromkeys((project.app_root(path), project.project_top(path))):
        for file in project.layout.python_files(str(folder)):
            text = project.text(Path(file))
            if not text or not ("session_state" in text or "key=" in text) or not all(w in text for w in words):
                continue
            module = project.try_module(Path(file))
            if module is not None and module not in found:
                found.append(module)
                if len(found) >= MAX_WRITER_MODULES:
                    return found
    return found


def _writes_at(node: nodes.NodeNG, calls: StreamlitCalls) -> Iterator[_Write]:
    scope = node.scope()
    if isinstance(node, nodes.Subscript) and getattr(node, "ctx", None) is not None and node.ctx.name == "Store":
        if _is_session_state(node.value, calls):
            yield _Write(_literal_key(node.slice), _assigned(node), scope, _key_names(node.slice))
    elif isinstance(node, nodes.AssignAttr) and _is_session_state(node.expr, calls):
        yield _Write(node.attrname, _assigned(node), scope)
    elif isinstance(node, nodes.Call):
        func = node.func
        if isinstance(func, nodes.Attribute) and _is_session_state(func.expr, calls):
            if func.attrname == "setdefault" and node.args:
                key = node.args[0].value if isinstance(node.args[0], nodes.Const) else None
                yield _Write(key, node.args[1] if len(node.args) > 1 else None, scope)
            elif func.attrname == "update":
                for keyword in node.keywords or ():
                    yield _Write(keyword.arg, keyword.value, scope)
                for arg in node.args:
                    if isinstance(arg, nodes.Dict):
                        for key, value in arg.items:
                            yield _Write(key.value if isinstance(key, nodes.Const) else None, value, scope)
                    else:
                        yield _Write(None, arg, scope)
        widget_key = next((k.value for k in node.keywords or () if k.arg == "key"), None)
        if widget_key is not None and calls.widget(node) is not None:
            yield _Write(_literal_key(widget_key), None, scope)


def _is_session_state(expr: nodes.NodeNG, calls: StreamlitCalls) -> bool:
    return any(getattr(v, "qualname", None) == "streamlit.session_state" for v in calls.inferrer.values(expr))


def _assigned(target: nodes.NodeNG) -> nodes.NodeNG | None:
    parent = target.parent
    if isinstance(parent, (nodes.Assign, nodes.AnnAssign, nodes.AugAssign)):
        return parent.value
    return None  # tuple unpacking, for targets...: unknown


def _pattern(expr: nodes.NodeNG) -> str | None:
    """A regular expression for an f-string key (``f"c_{key}"`` -> ``c_.*``), else None."""
    if isinstance(expr, nodes.JoinedStr):
        literal = "".join(str(v.value) for v in expr.values if isinstance(v, nodes.Const))
        if len(literal) < MIN_PATTERN_LETTERS:
            return None  # f"{a}_{b}": it could be any key
        parts = [re.escape(str(v.value)) if isinstance(v, nodes.Const) else ".*" for v in expr.values]
        return "re:" + "".join(parts)
    return None


def _matches(write_key: str | None, key: str) -> bool:
    if write_key is None:
        return True
    if write_key.startswith("re:"):
        return re.fullmatch(write_key[3:], key) is not None
    return write_key == key


def _app_wide_key(ctx: CachedContext, key: str | None, access: nodes.NodeNG) -> bool:
    """Is every value the app ever stores under ``key`` the same for every session? (No write
    at all: every session reads the default.) A key read through an f-string matches the
    writes of the same shape."""
    if key is None:
        return False
    return all(w.value is not None and _app_wide(ctx, w) for w in _writes(ctx, key))


def _same_shape(write_key: str, read_pattern: str) -> bool:
    if write_key.startswith("re:"):
        return write_key == read_pattern
    return re.fullmatch(read_pattern[3:], write_key) is not None


def _app_wide(ctx: CachedContext, write: _Write) -> bool:
    """Is the value stored the same in every session? It must depend on no per-session input
    (session state, a widget), nor be written under a test that does (a button), except the
    memo idiom's own ``if key not in st.session_state``; what it takes from the parameters of
    the function writing it must be app-wide at every call of that function (a cached
    function's parameters are: they are its hashed key)."""
    return _independent(ctx, write.value, write.scope, 0, write.key_names, write.key) and all(
        _independent(ctx, test, write.scope, 0, write.key_names, write.key) for test in _guards(write))


def _reads_key(ctx: CachedContext, node: nodes.NodeNG, key: str) -> bool:
    """Is ``node`` a session-state read of ``key`` (or of a key of the same pattern)?"""
    if not isinstance(node, (nodes.Name, nodes.Attribute)):
        return False
    access = StreamlitCalls(ctx.inferrer).state_read(node)
    read = _key(access.node) if access is not None else None
    return read is not None and (read == key or _matches(read, key) or _matches(key, read) or (
        key.startswith("re:") and read.startswith("re:") and _same_shape(read, key)))


def _value_flow(ctx: CachedContext) -> Dependence:
    def build() -> Dependence:
        calls = StreamlitCalls(ctx.inferrer)

        def per_session(node: nodes.NodeNG) -> bool:
            if isinstance(node, (nodes.Name, nodes.Attribute)) and calls.state_read(node) is not None:
                return True
            if isinstance(node, nodes.Name) and _parameter_of_scope(node) is not None:
                return True  # judged at the calls of the function (see _independent)
            return isinstance(node, nodes.Call) and calls.widget(node) is not None

        return Dependence(ctx.inferrer, per_session)

    return ctx.analysis.memo(("stc009-values",), build)


def _independent(ctx: CachedContext, expr: nodes.NodeNG | None, scope: nodes.NodeNG, depth: int,
                 key_names: frozenset[str] = frozenset(), own_key: str | None = None) -> bool:
    if expr is None:
        return False
    for hit in _value_flow(ctx).of(expr, scope):
        function = _parameter_of_scope(hit.source) if isinstance(hit.source, nodes.Name) else None
        if function is None:
            if own_key is not None and _reads_key(ctx, hit.source, own_key):
                continue  # the memo's own earlier value: app-wide if every write is
            return False  # session state or a widget
        if is_cached(function, ctx.inferrer):
            continue  # a hashed argument
        if hit.source.name in key_names and not hit.via:
            continue  # ss[f"creds_{key}"] = lookup(key): for one key, one value, whoever asks
        if depth >= MAX_CALLER_DEPTH:
            return False
        if hit.via and hit.via[-1].function is function:
            # A parameter of a helper the value went through: what that one call passes.
            step = hit.via[-1]
            argument = _binder(step.call, function)(hit.source.name)
            if argument is None or not _independent(ctx, argument, step.call.scope(), depth + 1, key_names, own_key):
                return False
            continue
        calls = _calls_of(ctx, function)
        if not calls:
            return False  # nobody in view calls it: its argument could be anything
        for call, argument in calls:
            if argument(hit.source.name) is None or not _independent(ctx, argument(hit.source.name),
                                                                      call.scope(), depth + 1):
                return False
    return True


def _guards(write: _Write) -> list[nodes.NodeNG]:
    """The tests a write runs under, but the memo idiom's ``key not in st.session_state``."""
    tests = []
    node = write.value if write.value is not None else write.scope
    parent = node.parent if node is not None else None
    while parent is not None and parent is not write.scope:
        if isinstance(parent, (nodes.If, nodes.While)) and not _memo_test(parent.test):
            tests.append(parent.test)
        parent = parent.parent
    return tests


def _memo_test(test: nodes.NodeNG) -> bool:
    """``k not in st.session_state`` (or ``... or st.session_state.k is None``): the memo idiom."""
    if isinstance(test, nodes.BoolOp):
        return all(_memo_test(value) or isinstance(value, nodes.Compare) for value in test.values)
    if isinstance(test, nodes.UnaryOp) and test.op == "not":
        return True  # not st.session_state.get(k)
    return isinstance(test, nodes.Compare) and any(op in ("not in", "is", "==") for op, _ in test.ops)


def _parameter_of_scope(name: nodes.Name) -> nodes.FunctionDef | None:
    """The function whose parameter ``name`` is, read in that function itself."""
    scope = name.scope()
    if not isinstance(scope, FUNCTION_NODES):
        return None
    bindings = scope.locals.get(name.name, [])
    if len(bindings) == 1 and isinstance(bindings[0].parent, nodes.Arguments):
        return scope
    return None


def _calls_of(ctx: CachedContext, function: nodes.FunctionDef) -> list:
    """(call, argument(param) -> the expression passed for it) for each call of ``function``
    in its module and the modules importing it."""
    def find() -> list:
        module = ctx.inferrer.module_of(function)
        if module is None:
            return []
        found = []
        for where in [module, *ctx.project.importers(module)][:MAX_WRITER_MODULES]:
            for call in nodes_in(where.tree, nodes.Call):
                func = call.func
                name = func.name if isinstance(func, nodes.Name) else getattr(func, "attrname", None)
                if name != function.name:
                    continue
                if any(getattr(v, "node", None) is function for v in ctx.inferrer.values(func)):
                    found.append((call, _binder(call, function)))
        return found

    return ctx.analysis.memo(("calls-of", function), find)


def _binder(call: nodes.Call, function: nodes.FunctionDef):
    positional = [a.name for a in (function.args.posonlyargs or []) + (function.args.args or [])]
    if positional and positional[0] in ("self", "cls") and isinstance(call.func, nodes.Attribute):
        positional = positional[1:]
    bound = {name: arg for name, arg in zip(positional, call.args) if not isinstance(arg, nodes.Starred)}
    bound.update({k.arg: k.value for k in call.keywords or () if k.arg is not None})
    defaults = dict(zip(positional[len(positional) - len(function.args.defaults or []):], function.args.defaults or []))
    return lambda param: bound.get(param, defaults.get(param))


def _memo_or_compute(ctx: CachedContext, function: nodes.NodeNG) -> bool:
    """Does every return of ``function`` give back a session-state memo, or a value it also
    stores in session state (or a constant fallback)? Then a test choosing between them (a
    refresh flag, a file's modification time) chooses between two copies of the same data."""
    if not isinstance(function, FUNCTION_NODES):
        return False
    calls = StreamlitCalls(ctx.inferrer)
    stored = {_assigned(n).as_string() for n in own_nodes(function, nodes.Subscript)
              if getattr(n, "ctx", None) is not None and n.ctx.name == "Store" and _assigned(n) is not None
              and _is_session_state(n.value, calls)}
    returns = [r.value for r in own_nodes(function, nodes.Return)]
    memo = False
    for value in returns:
        if value is None or isinstance(value, nodes.Const) or (isinstance(value, nodes.Call) and not value.args):
            continue  # a fallback (None, pd.DataFrame())
        access = calls.state_read(value.value) if isinstance(value, nodes.Subscript) else None
        if access is not None or value.as_string() in stored:
            memo = True
            continue
        return False
    return memo


def _unreachable_fallback(ctx: CachedContext, cached: CachedFunction, hit: Hit, read: nodes.NodeNG) -> bool:
    """``if arg is None: arg = <read>`` (or ``arg or <read>``) where every call passes ``arg``."""
    function = hit.via[-1].function if hit.via else cached.node
    param = _guarding_param(read, function)
    if param is None:
        return False
    if hit.via:
        call = hit.via[-1].call
        return _passes(call, function, param)
    sites = ctx.sites  # no call in view (a dynamic import, a file that does not parse): keep it
    return bool(sites) and all(param in site.arguments and not _is_none(site.value_node(param)) for site in sites)


def _guarding_param(read: nodes.NodeNG, function: nodes.NodeNG) -> str | None:
    params = {a.name for a in (function.args.args or []) + (function.args.kwonlyargs or [])} \
        if isinstance(function, FUNCTION_NODES) else set()
    child, parent = read, read.parent
    while parent is not None and parent is not function:
        if isinstance(parent, nodes.If) and child in parent.body:
            name = _none_test(parent.test)
            if name in params:
                return name
        if isinstance(parent, nodes.IfExp) and child is parent.orelse and _none_test(parent.test, negated=True) in params:
            return _none_test(parent.test, negated=True)
        if isinstance(parent, nodes.IfExp) and child is parent.body and _none_test(parent.test) in params:
            return _none_test(parent.test)
        if isinstance(parent, nodes.BoolOp) and parent.op == "or" and child is not parent.values[0] \
                and isinstance(parent.values[0], nodes.Name) and parent.values[0].name in params:
            return parent.values[0].name
        child, parent = parent, parent.parent
    return None


def _none_test(test: nodes.NodeNG, negated: bool = False) -> str | None:
    """``x is None`` / ``not x`` -> "x" (``x is not None`` / ``x`` with ``negated``)."""
    if isinstance(test, nodes.Compare) and len(test.ops) == 1 and isinstance(test.left, nodes.Name) \
            and isinstance(test.ops[0][1], nodes.Const) and test.ops[0][1].value is None:
        op = test.ops[0][0]
        return test.left.name if op == ("is not" if negated else "is") else None
    if not negated and isinstance(test, nodes.UnaryOp) and test.op == "not" and isinstance(test.operand, nodes.Name):
        return test.operand.name
    if negated and isinstance(test, nodes.Name):
        return test.name
    return None


def _passes(call: nodes.Call, function: nodes.FunctionDef, param: str) -> bool:
    positional = [a.name for a in (function.args.posonlyargs or []) + (function.args.args or [])]
    if positional and positional[0] in ("self", "cls") and isinstance(call.func, nodes.Attribute):
        positional = positional[1:]
    for name, arg in zip(positional, call.args):
        if isinstance(arg, nodes.Starred):
            return False
        if name == param:
            return not _is_none(arg)
    return any(k.arg == param and not _is_none(k.value) for k in call.keywords or ())


def _is_none(node: nodes.NodeNG) -> bool:
    return isinstance(node, nodes.Const) and node.value is None


def _carried_by_arguments(ctx: CachedContext, cached: CachedFunction, hit: Hit, key: str | None) -> bool:
    """Every call passes, in a hashed argument, the same read (or the call of the same helper)."""
    sites = ctx.sites
    if not sites:
        return False
    helper = hit.via[0].function if hit.via else None
    hashed = [p.name for p in cached.params() if not p.name.startswith("_")]
    for site in sites:
        arguments = [site.value_node(name) for name in hashed if name in site.arguments]
        if not any(_mentions(ctx, arg, key, helper) for arg in arguments):
            return False
    return True


def _mentions(ctx: CachedContext, expr: nodes.NodeNG, key: str | None, helper) -> bool:
    calls = StreamlitCalls(ctx.inferrer)
    for node in [expr, *expr.nodes_of_class((nodes.Call, nodes.Name, nodes.Attribute))]:
        if helper is not None and isinstance(node, nodes.Call):
            if any(getattr(getattr(v, "node", None), "name", None) == helper.name
                   and getattr(v, "node", None) is helper for v in ctx.inferrer.values(node.func)):
                return True
        if key is not None and isinstance(node, (nodes.Name, nodes.Attribute)):
            access = calls.state_read(node)
            if access is not None and _key(access.node) == key:
                return True
    return False


# -- cached callees, files written -------------------------------------------------------------
def _leaking_cached_callee(ctx: CachedContext, call: nodes.Call):
    """(the cached function, its leaks) when ``call`` runs a global-scope cached function that leaks."""
    for cached in ctx.analysis.cached_callees(call.func):
        if shared_across_sessions(cached) is None:
            continue
        leaks = leaks_of(ctx, cached)
        if leaks:
            return cached, leaks
    return None


def _file_written(call: nodes.Call) -> list[nodes.NodeNG]:
    """The path argument of a call that writes a file (``open(p, "w")``, ``df.to_csv(p)``...)."""
    func = call.func
    name = func.attrname if isinstance(func, nodes.Attribute) else getattr(func, "name", None)
    if name == "open" and call.args:
        mode = call.args[1] if len(call.args) > 1 else next((k.value for k in call.keywords or () if k.arg == "mode"),
                                                              None)
        if isinstance(mode, nodes.Const) and isinstance(mode.value, str) and set(mode.value) & set("wax"):
            return [call.args[0]]
        return []
    if name in FILE_WRITERS:
        if isinstance(func, nodes.Attribute) and name in ("mkdir", "write_text", "write_bytes"):
            return [func.expr]  # Path(...).mkdir(): the path is the receiver
        return list(call.args[:2])
    return []


# -- phrases ----------------------------------------------------------------------------------------
def _chain(hit: Hit) -> str:
    return " -> ".join(f"'{step.function.name}'" for step in hit.via)


def _fix_phrase(ctx: CachedContext, leak: Leak) -> str:
    what = f"'{leak.key}'" if leak.key and not leak.key.startswith("re:") else "the value"
    caution = "" if _plain(ctx, leak) else " (a plain value such as a user id, not an object Streamlit cannot hash)"
    outer = _storing_callers(ctx)
    if outer:  # a fix here alone leaves the outer cache serving the first session's result
        names = " and ".join(f"'{name}'" for name in outer)
        scope = f"use scope=\"session\" here and on {names}" if _has_scope(ctx) else ""
        other = "drop persist" if _disk_persisted(ctx.cached) else scope
        return (f"pass {what} as an argument{caution}, through {names} too, whose global cache stores this "
                f"result" + (f", or {other}" if other else ""))
    other = "drop persist" if _disk_persisted(ctx.cached) else "use scope=\"session\"" if _has_scope(ctx) else ""
    return f"pass {what} as an argument{caution}" + (f", or {other}" if other else "")


def _storing_callers(ctx: CachedContext) -> list[str]:
    """Global caches that call this cached function and so store its result (sorted names)."""
    names = set()
    for site in ctx.sites:
        outer = ctx.analysis.cached_function(site.call.frame())
        if outer is not None and outer.node is not ctx.cached.node and shared_across_sessions(outer) is not None:
            names.add(outer.name)
    return sorted(names)


def _has_scope(ctx: CachedContext) -> bool:
    """Does the target release have scope= (1.53+)? A suggested fix must work there."""
    return session.SESSION_SCOPE in ctx.model.api.scopes


def _plain(ctx: CachedContext, leak: Leak) -> bool:
    """Is the value read a plain value (a string from the URL, the browser, the login, or a
    widget's value), so that passing it as an argument cannot raise UnhashableParamError?"""
    access = StreamlitCalls(ctx.inferrer).state_read(leak.hit.source)
    if access is None or not access.qualname.endswith("session_state"):
        return True
    writes = [w for w in _writes(ctx, leak.key) if w.key is not None] if leak.key else []
    calls = StreamlitCalls(ctx.inferrer)
    return bool(writes) and all(w.value is None or (isinstance(w.value, nodes.Call) and calls.widget(w.value))
                                for w in writes)


def _also_reached(ctx: CachedContext, leak: Leak) -> int:
    """Other cached functions of the file's view that call the helper the leak is in."""
    if not leak.hit.via:
        return 0
    helper = leak.hit.via[-1].function
    count = 0
    for other in ctx.analysis.memo(("cached-functions",), list):
        if other.node is ctx.cached.node:
            continue
        body = ctx.analysis.memo(("body", other.node), lambda: _body_functions(ctx, other))
        if helper in body:
            count += 1
    return count


def _body_functions(ctx: CachedContext, cached: CachedFunction) -> set:
    return {function for function, _ in Body(cached.node, ctx.inferrer).functions()}


def _streamlit_aliases(tree: nodes.Module) -> set[str]:
    names = set()
    for node in tree.nodes_of_class(nodes.Import):
        for name, alias in node.names:
            if name == "streamlit":
                names.add(alias or name)
    return names
