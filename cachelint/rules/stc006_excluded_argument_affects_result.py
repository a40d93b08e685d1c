from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

from astroid import nodes

from cachelint.analysis.callsites import CallSite
from cachelint.analysis.infer import assigned_values, decorator_names
from cachelint.analysis.lifetime import survives_reruns
from cachelint.analysis.provenance import Provenance
from cachelint.analysis.rerun import RerunState
from cachelint.analysis.streamlit_calls import StreamlitCalls
from cachelint.analysis.values import ClassObject, External, Instance, Value
from cachelint.findings import Confidence, Finding, Related
from cachelint.analysis.context import CachedContext
from cachelint.rules.base import Example, Rule
from cachelint.rules.messages import type_name
from cachelint.streamlit_model import excluded, library

DATA, RESOURCE, UNKNOWN = "data", "resource", "unknown"


@dataclass
class Evidence:
    confidence: Confidence
    detail: str  # "", or "; line 12 passes a value the hashed arguments do not decide"


class ExcludedArgumentAffectsResult(Rule):
    """A parameter left out of the cache key carries data the result depends on.

    ## What it does
    Finds `_`-prefixed parameters of cached functions that hold data (a DataFrame,
    an array, a list, a dict, a string, a number, a dataclass...) and that the body
    reads, and cached methods whose `self` is named `_self` while the body reads
    instance attributes that differ between the instances the app builds. Excluding
    resources (connections, clients, sessions, engines, models, locks) is the
    documented idiom and is never reported. A call whose excluded value is decided
    by the hashed arguments of the same call (`summarize(load(name), name)`), or a
    value that is the same at every call, is not reported either.

    ## Why is this bad?
    Streamlit does not hash parameters whose name starts with an underscore: they
    are not part of the cache key. When the result depends on one, a call with
    different data but the same hashed arguments finds the entry of an earlier
    call and returns its result: the app silently shows stale or wrong data.

    ## Example
    ```python
    import pandas as pd
    import streamlit as st

    sales = pd.DataFrame({"amount": [10, 20]})
    refunds = pd.DataFrame({"amount": [5, 6]})


    @st.cache_data
    def summarize(_df: pd.DataFrame, column: str) -> pd.Series:
        return _df[column].describe()

    st.write(summarize(sales, "amount"))
    st.write(summarize(refunds, "amount"))  # shows the summary of sales
    ```

    ## Use instead
    ```python
    @st.cache_data
    def summarize(df: pd.DataFrame, column: str) -> pd.Series:
        return df[column].describe()
    ```
    or keep the underscore and pass what identifies the data as a hashed argument
    (`summarize(load(name), name)`).
    """

    code = "STC006"
    INVALID = (
        Example("""
            import streamlit as st


            @st.cache_data
            def greet(_name: str) -> str:  # expect: STC006
                return f"hello {_name}"


            st.write(greet(st.text_input("Name")))
        """),
    )
    VALID = (
        Example("""
            import sqlite3

            import streamlit as st


            @st.cache_data
            def count(_conn: sqlite3.Connection, table: str) -> int:
                return _conn.execute(f"select count(*) from {table}").fetchone()[0]
        """),
        Example("""
            import streamlit as st


            # No call in view, and the hashed `symbol` may well identify `_ticker`.
            @st.cache_data(ttl=600)
            def quote(_ticker: str, symbol: str) -> str:
                return f"{_ticker} ({symbol})"
        """),
    )

    def check(self, ctx: CachedContext) -> Iterator[Finding]:
        cached = ctx.cached
        params = cached.params()
        self_param = None
        if cached.method_kind in ("instance", "class") and cached.positional_params():
            if cached.method_kind == "instance" and params[0].name.startswith("_"):
                self_param = params[0]
            params = params[1:]
        provenance = Provenance(ctx.inferrer, ctx.analysis, RerunState(ctx.body.streamlit))
        every_excluded = bool(params) and all(p.name.startswith("_") for p in params)
        deciding = []  # (parameter, what it is, evidence, typed): one finding per function
        for param in params:
            name = param.name
            if not name.startswith("_") or not _reads(cached.node, name):
                continue
            if excluded.names_secret(name) and any(not p.name.startswith("_") and excluded.names_identity(p.name)
                                                   for p in params):
                continue  # get_events(username, _password): the hashed user name tells users apart
            kind, shown = classify_all(_param_values(ctx, name), ctx)
            typed = kind != UNKNOWN
            if not typed:
                kind, shown = _data_without_types(ctx, name, every_excluded, provenance)
            if kind != DATA:
                continue
            evidence = _stale_calls(ctx, name, provenance, every_excluded)
            if evidence is not None:
                deciding.append((param, shown, evidence, typed))
        if deciding:
            param, shown, evidence, typed = deciding[0]
            name = param.name
            # An unknown type may be one Streamlit cannot hash: dropping the underscore would raise.
            drop = "drop the underscore" if typed else "drop the underscore if Streamlit can hash the value"
            others = [p.name for p, *_ in deciding[1:]]
            also = f" (so do {', '.join(repr(o) for o in others)})" if others else ""
            message = (f"argument '{name}' of cached '{cached.name}' is left out of the cache key (leading "
                       f"underscore) but the result depends on it ({shown}{evidence.detail}){also}: a call with "
                       f"a different '{name}' gets an earlier call's result; {drop}, or also pass a hashed "
                       f"argument that identifies it")
            related = tuple(Related(ctx.cached.module.path, p.lineno, p.col_offset or 0,
                                    f"also left out of the key and deciding the result: '{p.name}' ({what})")
                            for p, what, *_ in deciding[1:])
            yield self.report(ctx, param, message, evidence.confidence, related=related)
        if self_param is not None:
            finding = self._check_self(ctx, self_param, provenance)
            if finding is not None:
                yield finding

    # -- _self ---------------------------------------------------------------------------
    def _check_self(self, ctx: CachedContext, param: nodes.AssignName, provenance: Provenance) -> Finding | None:
        cached, inferrer = ctx.cached, ctx.inferrer
        cls = cached.owner
        receiver = Instance(inferrer.class_ref(cls))
        state = InstanceState(ctx, cls, provenance)
        for attr in _state_reads(cached.node, param.name, cls, inferrer):
            differs = state.differs(attr)
            if differs is None:
                continue
            values = set(inferrer.attribute(receiver, attr)) | state.argument_values(attr)
            kind, shown = classify_all(values, ctx)
            if kind != DATA:
                continue
            message = (f"cached method '{cached.name}' leaves '{param.name}' out of the cache key but reads "
                       f"{param.name}.{attr} ({shown}), which differs between '{cls.name}' instances ({differs}): "
                       f"every instance gets the first one's result; pass '{attr}' as an argument, or name it "
                       f"'self' with hash_funcs={{{cls.name}: lambda o: o.{attr}}}")
            return self.report(ctx, param, message, Confidence.INFERENCE)
        return None


# -- what the parameter holds --------------------------------------------------------------
def _reads(func: nodes.FunctionDef, name: str) -> bool:
    return any(n.name == name for n in func.nodes_of_class(nodes.Name))


def _param_values(ctx: CachedContext, name: str) -> set[Value]:
    inferrer = ctx.inferrer
    annotation, default = inferrer.signature_of(ctx.cached.node, name)
    values = set(inferrer.annotation(annotation))
    values |= inferrer.values(default)
    for site in ctx.sites:
        if name in site.arguments:
            values |= inferrer.values(site.value_node(name))
    return values


def classify_all(values: set[Value], ctx: CachedContext) -> tuple[str, str]:
    """DATA only when some value is data and none is a resource or a callable."""
    kinds = {}
    for value in sorted(values, key=repr):
        kinds.setdefault(classify(value, ctx), value)
    if RESOURCE in kinds or DATA not in kinds:
        return (RESOURCE if RESOURCE in kinds else UNKNOWN), ""
    return DATA, _article(type_name(kinds[DATA]))


def classify(value: Value, ctx: CachedContext) -> str | None:
    if isinstance(value, (ClassObject, External)):
        return UNKNOWN
    if not isinstance(value, Instance):
        return RESOURCE  # functions, bound methods, modules: behaviour, not data (and never reported)
    name = library.canonical(value.cls.qualname)
    if name in excluded.NEUTRAL_TYPES:
        return None
    cls = value.cls.node
    if cls is None:
        if excluded.is_resource_type(name):
            return RESOURCE
        return DATA if excluded.is_data_type(name) else UNKNOWN
    if excluded.names_resource(cls.name):
        return RESOURCE
    data = "dataclass" in decorator_names(cls)
    for current in ctx.inferrer.project_mro(cls):
        bases, _ = ctx.inferrer.bases(current)
        for base in bases:
            base_name = library.canonical(base.qualname)
            if base.node is None and excluded.is_resource_type(base_name):
                return RESOURCE
            if base.node is None and base_name in ("builtins.tuple", "builtins.dict", "builtins.list", "enum.Enum",
                                                   "enum.IntEnum", "enum.StrEnum", "pydantic.BaseModel"):
                data = True
    return DATA if data else UNKNOWN


def _data_without_types(ctx: CachedContext, name: str, every_excluded: bool,
                        provenance: Provenance) -> tuple[str, str]:
    """DATA for a parameter of unknown type that its name, the values calls pass or the
    signature show to be data: ``_username``, ``_df``, a value from session state, or any
    parameter when every parameter is excluded (the key is then the function alone)."""
    if excluded.names_resource(name):
        return UNKNOWN, ""
    if excluded.names_credential(name):
        return DATA, "a credential, by its name"
    if _passes_per_session_value(ctx, name, provenance):
        return DATA, "a per-session value"
    if excluded.names_data(name):
        return DATA, "data, by its name"
    if every_excluded and not _used_as_client(ctx.cached.node, name):
        return DATA, "every parameter is left out of the key"
    return UNKNOWN, ""


def _used_as_client(func: nodes.FunctionDef, name: str) -> bool:
    """Is the parameter only ever the object of a method call or attribute read
    (``_supabase.table("t").select("*").execute()``)? That is how a connection or client
    is used, Streamlit's own idiom for an excluded parameter (``def load(_conn)``); data is
    indexed, iterated or passed on."""
    reads = [n for n in func.nodes_of_class(nodes.Name) if n.name == name]
    return bool(reads) and all(isinstance(n.parent, nodes.Attribute) and n.parent.expr is n for n in reads)


def _passes_per_session_value(ctx: CachedContext, name: str, provenance: Provenance) -> bool:
    """Does a call pass a widget's value or per-session state for ``name`` (directly, or as
    what an app function returns: ``er = require_login()`` returning the session's client)?"""
    calls = StreamlitCalls(ctx.inferrer)
    for site in ctx.sites:
        if name not in site.arguments:
            continue
        for source in provenance.sources(site.value_node(name)).uncovered:
            inner = source.expr if isinstance(source, nodes.Attribute) else (
                source.value if isinstance(source, nodes.Subscript) else None)
            if isinstance(source, nodes.Call) and (calls.widget(source) is not None
                                                   or provenance.returns_varying(source)):
                return True
            if any(n is not None and calls.state_read(n) is not None for n in (source, inner)):
                return True
    return False


def _article(shown: str) -> str:
    return f"an {shown}" if shown[:1].lower() in "aeiou" or shown.startswith("nd") else f"a {shown}"


# -- do calls with different values share a key? --------------------------------------------
def _stale_calls(ctx: CachedContext, name: str, provenance: Provenance, every_excluded: bool) -> Evidence | None:
    """Evidence that calls can pass different values under one key, or None when they cannot.

    With no call in view, only a function whose every parameter is excluded is reported:
    any two calls share its one entry. (A hashed parameter may well identify the data.)
    """
    if not ctx.sites:
        return Evidence(Confidence.INFERENCE, "; every call shares one entry") if every_excluded else None
    _, default = ctx.inferrer.signature_of(ctx.cached.node, name)
    groups: dict[tuple, set[str]] = {}
    for site in ctx.sites:
        value = site.value_node(name) if name in site.arguments else default
        if value is None:
            if _has_unpacking(site):
                return Evidence(Confidence.INFERENCE, "")
            continue
        hashed = {p: site.value_node(p) for p in sorted(site.arguments) if not p.startswith("_")}
        receiver = site.call.func.expr if site.receiver is not None and isinstance(site.call.func, nodes.Attribute) \
            else None
        covered: set[nodes.NodeNG] = set()
        for expr in [*hashed.values(), *([receiver] if receiver is not None else [])]:
            covered |= provenance.sources(expr).seen
        sources = provenance.sources(value, covered)
        if sources.uncovered or _has_unpacking(site):
            why = next((sources.why[s] for s in sorted(sources.uncovered, key=_position) if s in sources.why), None)
            what = why or "a value the hashed arguments do not decide"
            return Evidence(Confidence.HIGH if not _has_unpacking(site) else Confidence.INFERENCE,
                            f"; line {site.call.lineno} passes {what}")
        key = (receiver.as_string() if receiver is not None else None,
               tuple((p, e.as_string()) for p, e in hashed.items()))
        groups.setdefault(key, set()).add(value.as_string())
    for texts in groups.values():
        if len(texts) > 1:
            shown = " and ".join(sorted(texts)[:2])
            return Evidence(Confidence.HIGH, f"; calls pass {shown} with the same hashed arguments")
    return None


def _position(node: nodes.NodeNG) -> tuple[int, int]:
    return node.lineno or 0, node.col_offset or 0


def _has_unpacking(site: CallSite) -> bool:
    return any(isinstance(a, nodes.Starred) for a in site.call.args) or any(
        k.arg is None for k in site.call.keywords or ())


# -- _self: instance state read by the body ------------------------------------------------
def _state_reads(func: nodes.FunctionDef, this: str, cls: nodes.ClassDef, inferrer, depth: int = 0) -> list[str]:
    """Attributes of ``this`` the body reads, through the class's own methods and properties."""
    found: list[str] = []
    for node in func.nodes_of_class(nodes.Attribute):
        if not (isinstance(node.expr, nodes.Name) and node.expr.name == this):
            continue
        members = [s for c in inferrer.project_mro(cls) for s in c.locals.get(node.attrname, [])]
        methods = [m for m in members if isinstance(m, (nodes.FunctionDef, nodes.AsyncFunctionDef))]
        if methods:
            method = methods[0]
            if depth < 2 and method.args.args and not {"staticmethod", "classmethod"} & decorator_names(method):
                found.extend(_state_reads(method, method.args.args[0].name, cls, inferrer, depth + 1))
            continue
        found.append(node.attrname)
    return list(dict.fromkeys(found))


def _built_each_rerun(expr: nodes.NodeNG, ctx: CachedContext) -> bool:
    """``Loader()`` or a name bound only to one, in code that runs on every rerun."""
    if survives_reruns(expr, ctx.inferrer):
        return False
    if isinstance(expr, nodes.Name):
        assigned = assigned_values(expr)
        return bool(assigned) and all(v is not None and _built_each_rerun(v, ctx) for v in assigned)
    return isinstance(expr, nodes.Call) and any(isinstance(v, ClassObject) for v in ctx.inferrer.values(expr.func))


class InstanceState:
    """Which attributes of a class's instances differ from one instance to another."""

    def __init__(self, ctx: CachedContext, cls: nodes.ClassDef, provenance: Provenance):
        self.ctx = ctx
        self.cls = cls
        self.provenance = provenance
        self.init = next((s for c in ctx.inferrer.project_mro(cls) for s in c.locals.get("__init__", [])
                          if isinstance(s, nodes.FunctionDef)), None)
        self._constructions: list[tuple[nodes.Call, dict[str, nodes.NodeNG]]] | None = None

    def outlives_rerun(self) -> bool:
        """Can state a method sets on one call still be there at a later call? Not when every
        call in view is on an object the script builds anew each rerun (``Loader().get(q)``):
        then the state on entry is the same every time."""
        receivers = [site.call.func.expr for site in self.ctx.sites if isinstance(site.call.func, nodes.Attribute)]
        if not receivers or len(receivers) < len(self.ctx.sites):
            return True
        return not all(_built_each_rerun(r, self.ctx) for r in receivers)

    def init_params(self) -> list[str]:
        if self.init is not None:
            args = self.init.args
            return [a.name for a in (args.posonlyargs or []) + (args.args or [])][1:] + [
                a.name for a in args.kwonlyargs or []]
        if "dataclass" in decorator_names(self.cls):
            return [s.target.name for s in self.cls.body
                    if isinstance(s, nodes.AnnAssign) and isinstance(s.target, nodes.AssignName)
                    and "ClassVar" not in s.annotation.as_string()]
        return []

    def feeding_params(self, attr: str) -> tuple[set[str], str | None]:
        """Constructor parameters the attribute comes from, and why it varies otherwise (or None)."""
        params: set[str] = set()
        assigned = False
        for current in self.ctx.inferrer.project_mro(self.cls):
            for method in current.mymethods():
                if not method.args.args:
                    continue
                this = method.args.args[0].name
                for node in method.nodes_of_class(nodes.AssignAttr):
                    if node.attrname != attr or not (isinstance(node.expr, nodes.Name) and node.expr.name == this):
                        continue
                    assigned = True
                    parent = node.parent
                    value = parent.value if isinstance(parent, (nodes.Assign, nodes.AnnAssign)) else None
                    if method is not self.init or value is None:
                        if self.outlives_rerun():
                            return params, f"'{method.name}' reassigns it"
                        continue  # the same steps from the same start on every rerun
                    sources = self.provenance.sources(value)
                    for source in sources.uncovered:
                        if isinstance(source, nodes.AssignName) and isinstance(source.parent, nodes.Arguments):
                            if source.name != this:
                                params.add(source.name)
                        else:
                            return params, "it is set from a value that changes"
        if not assigned and attr in self.init_params() and self.init is None:
            params.add(attr)  # a dataclass field
        return params, None

    def constructions(self) -> list[tuple[nodes.Call, dict[str, nodes.NodeNG]]]:
        if self._constructions is None:
            self._constructions = []
            analysis = self.ctx.analysis
            module = analysis.project.module_of(self.cls)
            if module is not None:
                for caller in analysis.project.callers(module, {self.cls.name}):
                    for call in analysis.call_sites.calls_named(caller, self.cls.name):
                        if any(isinstance(v, ClassObject) and v.cls.node is self.cls
                               for v in self.ctx.inferrer.values(call.func)):
                            self._constructions.append((call, self._bind(call)))
        return self._constructions

    def _bind(self, call: nodes.Call) -> dict[str, nodes.NodeNG]:
        params = self.init_params()
        bound: dict[str, nodes.NodeNG] = {}
        for param, arg in zip(params, call.args):
            if isinstance(arg, nodes.Starred):
                break
            bound[param] = arg
        for keyword in call.keywords or ():
            if keyword.arg in params:
                bound[keyword.arg] = keyword.value
        return bound

    def differs(self, attr: str) -> str | None:
        """Why instances hold different values of ``attr``, or None when nothing shows they do."""
        params, other = self.feeding_params(attr)
        if other is not None:
            return other
        if not params:
            return None
        texts: set[str] = set()
        for call, bound in self.constructions():
            for param in sorted(params):
                arg = bound.get(param)
                if arg is None and self.init is not None:
                    arg = self.ctx.inferrer.signature_of(self.init, param)[1]  # the default
                if arg is None:
                    continue
                if self.provenance.sources(arg).uncovered:
                    return f"line {call.lineno} builds one from a value that changes"
                texts.add(arg.as_string())
        if len(texts) > 1:
            return "the app builds them with " + " and ".join(sorted(texts)[:2])
        return None

    def argument_values(self, attr: str) -> set[Value]:
        params, _ = self.feeding_params(attr)
        values: set[Value] = set()
        for _, bound in self.constructions():
            for param in params:
                if param in bound:
                    values |= self.ctx.inferrer.values(bound[param])
        if self.init is not None:
            for param in params:
                annotation, _ = self.ctx.inferrer.signature_of(self.init, param)
                values |= self.ctx.inferrer.annotation(annotation)
        return values
