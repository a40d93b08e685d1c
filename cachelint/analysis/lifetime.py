"""How long an object lives: one rerun, or across reruns (and sessions).

A script runs top to bottom on every rerun, so what it builds at module level or in
the functions it calls is new each time. An object outlives the rerun when it is the
result of an ``st.cache_resource`` function, is kept in ``st.session_state``, or is a
global of an imported module (imported modules run once per process).
"""

from __future__ import annotations

from astroid import nodes

from cachelint.analysis.infer import Inferrer, assigned_values
from cachelint.analysis.values import BoundMethod, CacheDecorator, CachedCallable, External, Function, ModuleValue


def survives_reruns(expr: nodes.NodeNG, inferrer: Inferrer) -> bool:
    """Is the object ``expr`` evaluates to the same across reruns?

    True for results of ``st.cache_resource`` functions, values kept in
    ``st.session_state``, and globals of imported (non-entry) modules.
    """
    if isinstance(expr, nodes.Name):
        if _global_of_imported_module(expr, inferrer):
            return True
        assigned = assigned_values(expr)
        return bool(assigned) and None not in assigned and all(survives_reruns(v, inferrer) for v in assigned)
    if isinstance(expr, (nodes.Subscript, nodes.Attribute)):
        inner = expr.value if isinstance(expr, nodes.Subscript) else expr.expr
        for value in inferrer.values(inner):
            if isinstance(value, External) and value.qualname.startswith("streamlit.session_state"):
                return True
            if isinstance(value, ModuleValue) and value.path is not None:
                module = inferrer.project.try_module(value.path)
                if module is not None and not module.is_entry:
                    return True
        return False
    if isinstance(expr, nodes.Call):
        for callee in inferrer.values(expr.func):
            if isinstance(callee, CachedCallable) and callee.decorator.kind == "resource":
                return True
            node = callee.node if isinstance(callee, Function) else (
                callee.function.node if isinstance(callee, BoundMethod) else None)
            if isinstance(node, (nodes.FunctionDef, nodes.AsyncFunctionDef)) and _cached_resource(node, inferrer):
                return True
    return False


def _cached_resource(func: nodes.FunctionDef, inferrer: Inferrer) -> bool:
    for dec in func.decorators.nodes if func.decorators else ():
        if any(isinstance(v, CacheDecorator) and v.kind == "resource" for v in inferrer.values(dec)):
            return True
    return False



def _global_of_imported_module(name: nodes.Name, inferrer: Inferrer) -> bool:
    try:
        scope, _ = name.lookup(name.name)
    except Exception:  # noqa: BLE001 - astroid lookup on odd code
        return False
    if not isinstance(scope, nodes.Module):
        return False
    module = inferrer.module_of(name)
    return module is not None and not module.is_entry and scope is module.tree
