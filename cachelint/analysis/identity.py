"""Identity hashing: which hash functions hash by ``id``, which classes hash by identity,
and which objects live across reruns (so that their identity is stable)."""

from __future__ import annotations

from dataclasses import dataclass

from astroid import nodes

from cachelint.analysis.infer import Inferrer, returns_of
from cachelint.analysis.values import (
    BoundMethod,
    CacheDecorator,
    CachedCallable,
    ClassObject,
    ClassRef,
    External,
    Function,
    ModuleValue,
)

IDENTITY_HASHED_LIBRARY_CLASSES = frozenset({"builtins.object", "builtins.BaseException", "builtins.Exception"})


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
    if cls.node is None:
        return cls.qualname in IDENTITY_HASHED_LIBRARY_CLASSES
    for current in inferrer.project_mro(cls.node):
        if "__hash__" in current.locals or "__eq__" in current.locals:
            return False
        if _dataclass_changes_hash(current, inferrer):
            return False
        bases, complete = inferrer.bases(current)
        if not complete:
            return False
        if any(base.node is None and base.qualname not in IDENTITY_HASHED_LIBRARY_CLASSES for base in bases):
            return False
    return True


def _dataclass_changes_hash(cls: nodes.ClassDef, inferrer: Inferrer) -> bool:
    """A dataclass with eq=True (the default) sets __hash__ to None or to a value hash."""
    for dec in cls.decorators.nodes if cls.decorators else ():
        target = dec.func if isinstance(dec, nodes.Call) else dec
        if not any(isinstance(v, External) and v.qualname.endswith("dataclass") for v in inferrer.values(target)):
            continue
        options = {k.arg: k.value for k in dec.keywords or ()} if isinstance(dec, nodes.Call) else {}
        eq = options.get("eq")
        unsafe = options.get("unsafe_hash")
        if isinstance(unsafe, nodes.Const) and unsafe.value:
            return True
        return not (isinstance(eq, nodes.Const) and eq.value is False)
    return False


def survives_reruns(expr: nodes.NodeNG, inferrer: Inferrer) -> bool:
    """Is the object ``expr`` evaluates to the same across reruns?

    True for results of ``st.cache_resource`` functions, values kept in
    ``st.session_state``, and globals of imported (non-entry) modules.
    """
    if isinstance(expr, nodes.Name):
        try:
            _, stmts = expr.lookup(expr.name)
        except Exception:  # noqa: BLE001 - astroid lookup on odd code
            return False
        assigned = [s.parent.value for s in stmts if isinstance(s, nodes.AssignName) and isinstance(s.parent, nodes.Assign)]
        return bool(assigned) and len(assigned) == len(stmts) and all(survives_reruns(v, inferrer) for v in assigned)
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

