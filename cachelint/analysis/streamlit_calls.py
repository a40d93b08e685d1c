"""Which expressions are Streamlit commands, containers and per-session state.

Names are resolved by the inferrer (``st``, ``import streamlit as s``,
``from streamlit import sidebar, session_state as ss``); containers are followed
through the app's own assignments (``c1, c2 = st.columns(2)``,
``tab = st.tabs([...])[0]``, ``with st.expander("x") as box``, ``for col in
st.columns(3)``), which the general inferrer leaves unknown because it never
models library return values. What counts as a widget is data:
``cachelint.streamlit_model.widgets``.
"""

from __future__ import annotations

from dataclasses import dataclass

import astroid
from astroid import nodes

from cachelint.analysis.infer import Inferrer
from cachelint.analysis.values import BoundMethod, External, Function, ModuleValue
from cachelint.streamlit_model import session, widgets

MAX_DEPTH = 6


@dataclass(frozen=True)
class WidgetCall:
    """A call that registers a widget; ``label`` is how the message names it."""

    call: nodes.Call
    label: str  # "st.slider", "st.dataframe(on_select=...)", "custom component 'comp'"


@dataclass(frozen=True)
class StateAccess:
    """A read of per-session state (``st.session_state["k"]``, ``st.user.email``)."""

    node: nodes.NodeNG  # the whole access expression, where findings are located
    qualname: str  # "streamlit.session_state"

    @property
    def label(self) -> str:
        return session.PER_SESSION_STATE[self.qualname]


class StreamlitCalls:
    def __init__(self, inferrer: Inferrer):
        self.inferrer = inferrer
        self._containers: dict[nodes.NodeNG, str | None] = {}

    # -- commands ------------------------------------------------------------------
    def command(self, call: nodes.Call) -> str | None:
        """The DeltaGenerator command a call runs (``"button"``), on any container."""
        for value in self.inferrer.values(call.func):
            if isinstance(value, External):
                owner, _, name = value.qualname.rpartition(".")
                if (owner == widgets.STREAMLIT_MODULE or owner in widgets.CONTAINER_SINGLETONS) and \
                        widgets.is_command(name):
                    return name
        func = call.func
        if isinstance(func, nodes.Attribute) and widgets.is_command(func.attrname):
            if self.container_kind(func.expr) == "container":
                return func.attrname
        return None

    def widget(self, call: nodes.Call) -> WidgetCall | None:
        """The widget a call registers, if it does (CachedWidgetWarning in a cached function)."""
        name = self.command(call)
        if name is not None:
            if name in widgets.WIDGET_COMMANDS or name in widgets.FORM_COMMANDS:
                return WidgetCall(call, f"st.{name}")
            for activation in widgets.CONDITIONAL_WIDGETS.get(name, ()):
                if self._activated(call, activation):
                    return WidgetCall(call, f"st.{name}({activation.keyword}=...)")
            if name in widgets.BUTTON_COLUMN_HOSTS and self._button_column(call):
                return WidgetCall(call, f"st.{name} with a keyed ButtonColumn")
            return None
        component = self._component(call.func)
        if component is not None:
            return WidgetCall(call, f"custom component '{component}'")
        return None

    def _activated(self, call: nodes.Call, activation: widgets.Activation) -> bool:
        value = next((k.value for k in call.keywords or () if k.arg == activation.keyword), None)
        if value is None:
            return False
        if isinstance(value, nodes.Const):
            if activation.on:
                return value.value in activation.on
            return value.value not in activation.off
        if activation.on:
            return False
        if isinstance(value, nodes.Lambda):
            return True
        # A callback function is "on"; a variable holding an unknown string is not reported.
        return any(isinstance(v, (Function, BoundMethod)) for v in self.inferrer.values(value))

    def _button_column(self, call: nodes.Call) -> bool:
        for keyword in call.keywords or ():
            if keyword.arg != "column_config":
                continue
            for inner in keyword.value.nodes_of_class(nodes.Call):
                if any(isinstance(v, External) and v.qualname == widgets.BUTTON_COLUMN
                       for v in self.inferrer.values(inner.func)):
                    if self._activated(inner, widgets.BUTTON_COLUMN_ACTIVATION):
                        return True
        return False

    def _component(self, func: nodes.NodeNG) -> str | None:
        """The name a custom component is called by, when ``func`` is one."""
        made_by = [func] if isinstance(func, nodes.Call) else self._assigned_values(func)
        for value in made_by:
            if isinstance(value, nodes.Call) and any(
                    isinstance(v, External) and v.qualname in widgets.COMPONENT_FACTORIES
                    for v in self.inferrer.values(value.func)):
                name = value.args[0] if value.args else None
                return name.value if isinstance(name, nodes.Const) and isinstance(name.value, str) else \
                    func.as_string()
        return None

    # -- containers ----------------------------------------------------------------
    def container_kind(self, expr: nodes.NodeNG, depth: int = 0) -> str | None:
        """"container" (a DeltaGenerator), "containers" (a list of them) or None."""
        if depth > MAX_DEPTH:
            return None
        if expr in self._containers:
            return self._containers[expr]
        self._containers[expr] = None  # cycles resolve to "unknown"
        kind = self._container_kind(expr, depth)
        self._containers[expr] = kind
        return kind

    def _container_kind(self, expr: nodes.NodeNG, depth: int) -> str | None:
        for value in self.inferrer.values(expr):
            if isinstance(value, ModuleValue) and value.path is None and value.name == widgets.STREAMLIT_MODULE:
                return "container"
            if isinstance(value, External) and value.qualname in widgets.CONTAINER_SINGLETONS:
                return "container"
        if isinstance(expr, nodes.Call):
            name = self.command(expr)
            if name in widgets.CONTAINER_LIST_COMMANDS:
                return "containers"
            if name in widgets.CONTAINER_COMMANDS:
                return "container"
            return None
        if isinstance(expr, nodes.Subscript):
            return "container" if self.container_kind(expr.value, depth + 1) == "containers" else None
        if isinstance(expr, nodes.Name):
            kinds = {self._binding_kind(stmt, depth) for stmt in self._bindings(expr)}
            if len(kinds) == 1:
                return kinds.pop()
        return None

    def _binding_kind(self, target: nodes.NodeNG, depth: int) -> str | None:
        if not isinstance(target, nodes.AssignName):
            return None
        parent = target.parent
        if isinstance(parent, (nodes.Assign, nodes.AnnAssign, nodes.NamedExpr)) and parent.value is not None:
            return self.container_kind(parent.value, depth + 1)
        if isinstance(parent, (nodes.Tuple, nodes.List)):
            holder = parent.parent
            if isinstance(holder, (nodes.Assign, nodes.For, nodes.Comprehension)):
                source = holder.value if isinstance(holder, nodes.Assign) else holder.iter
                if self.container_kind(source, depth + 1) == "containers":
                    return "container"
            return None
        if isinstance(parent, (nodes.For, nodes.Comprehension)):
            return "container" if self.container_kind(parent.iter, depth + 1) == "containers" else None
        if isinstance(parent, nodes.With):
            for item, var in parent.items:
                if var is target:
                    return self.container_kind(item, depth + 1)
        if isinstance(parent, nodes.Arguments):
            annotation, _ = Inferrer.signature_of(parent.parent, target.name) if isinstance(
                parent.parent, (nodes.FunctionDef, nodes.AsyncFunctionDef)) else (None, None)
            if annotation is not None and annotation.as_string().rpartition(".")[2].strip("'\"") == "DeltaGenerator":
                return "container"
        return None

    # -- per-session state -----------------------------------------------------------
    def state_read(self, node: nodes.NodeNG) -> StateAccess | None:
        """A read of ``st.session_state`` / ``st.query_params`` / ``st.context`` / ``st.user``.

        ``node`` is a Name or Attribute that evaluates to one of them; writes
        (``st.session_state["k"] = v``, ``st.query_params.update(...)``) and plain
        aliases (``state = st.session_state``) are not reads.
        """
        if not isinstance(node, (nodes.Name, nodes.Attribute)):
            return None
        qualname = next((v.qualname for v in self.inferrer.values(node)
                         if isinstance(v, External) and v.qualname in session.PER_SESSION_STATE), None)
        if qualname is None:
            return None
        access, parent = node, node.parent
        writes = session.WRITE_ONLY_METHODS.get(qualname, frozenset())
        if isinstance(parent, nodes.Subscript) and parent.value is node:
            if _stored(parent):
                return None
            access = parent
        elif isinstance(parent, (nodes.AssignAttr, nodes.DelAttr)) and parent.expr is node:
            if not isinstance(parent.parent, nodes.AugAssign):
                return None
            access = parent
        elif isinstance(parent, nodes.Attribute) and parent.expr is node:
            access = parent
            if isinstance(parent.parent, nodes.Call) and parent.parent.func is parent:
                if parent.attrname in writes:
                    return None
                access = parent.parent
        elif isinstance(parent, (nodes.Assign, nodes.AnnAssign)) and parent.value is node:
            return None  # an alias: its uses are the reads
        return StateAccess(access, qualname)

    # -- helpers ---------------------------------------------------------------------
    def _bindings(self, name: nodes.Name) -> list[nodes.NodeNG]:
        try:
            _, stmts = name.lookup(name.name)
        except (astroid.AstroidError, AttributeError, KeyError, RecursionError):
            return []
        return list(stmts)[-8:]

    def _assigned_values(self, expr: nodes.NodeNG) -> list[nodes.NodeNG]:
        """Expressions a Name was assigned from (``comp = declare_component(...)``)."""
        if not isinstance(expr, nodes.Name):
            return []
        found = []
        for stmt in self._bindings(expr):
            if isinstance(stmt, nodes.AssignName) and isinstance(stmt.parent, (nodes.Assign, nodes.AnnAssign)):
                if stmt.parent.value is not None:
                    found.append(stmt.parent.value)
        return found


def _stored(subscript: nodes.Subscript) -> bool:
    """``x[k] = v`` / ``del x[k]`` (a write); ``x[k] += v`` reads too."""
    ctx = getattr(subscript, "ctx", None)
    if ctx is None or ctx.name == "Load":
        return False
    return not isinstance(subscript.parent, nodes.AugAssign)
