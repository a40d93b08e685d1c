"""STC014 failing-hash-func: a ``hash_funcs`` function that raises for the type it is keyed on.

Only what a hash function always evaluates is judged: a lambda's body, and the
statements of a ``def`` before its first branch (``if``, ``try``, loops). A name
the analysis cannot resolve, or a class it cannot see whole, is never reported.
"""

from __future__ import annotations

import difflib
import functools
from dataclasses import dataclass
from typing import Iterator

from astroid import nodes

from cachelint.analysis.class_hash import RAISES, class_hash, class_mro, mutable_container_annotation
from cachelint.analysis.context import CachedContext
from cachelint.analysis.hash_funcs import (
    HashCallable,
    HashFuncsEntry,
    fields_lambda,
    hashes_arguments,
    instance_attribute_names,
    resolve,
)
from cachelint.analysis.infer import Inferrer
from cachelint.analysis.project import Module
from cachelint.analysis.values import ClassObject, ClassRef, External, Function, Instance
from cachelint.findings import Confidence, Finding
from cachelint.rules.base import Example, Rule
from cachelint.rules.messages import article
from cachelint.streamlit_model import library


class FailingHashFunc(Rule):
    """A `hash_funcs` entry whose function raises for the type it is keyed on.

    ## What it does
    Finds `hash_funcs` values that always raise when Streamlit calls them on an
    object of the key's type:
    `hash` / `lambda o: hash(o)` / a named function calling `hash(o)` for a class
    whose `__hash__` is `None` (it defines `__eq__` without `__hash__`, directly or
    through a base; a dataclass with `eq=True` that is not frozen; a pydantic
    model that is not frozen; a subclass of `dict`, `list` or `set`),
    `hash(o.attr)` where the attribute is a list, dict or set, an attribute the
    class never defines, and a function that cannot be called with one argument.
    A class with its own `__hash__`, a frozen dataclass or pydantic model (with
    hashable fields), and `hash` of an int or str attribute are fine.

    ## Why is this bad?
    Streamlit calls the hash function on every call of the cached function, and
    turns any exception into `UserHashError`: the page shows a traceback every
    time. Python sets `__hash__ = None` on every class that defines `__eq__`
    without `__hash__`, so `hash(obj)` raises `TypeError: unhashable type` —
    trading `UnhashableParamError` for another crash.

    ## Example
    ```python
    import pydantic
    import streamlit as st


    class Client(pydantic.BaseModel):
        url: str
        token: str


    @st.cache_data(hash_funcs={Client: hash})
    def fetch(client: Client, path: str) -> dict:
        return {"url": client.url + path}
    ```

    ## Use instead
    ```python
    @st.cache_data(hash_funcs={Client: lambda c: (c.url, c.token)})
    def fetch(client: Client, path: str) -> dict:
        return {"url": client.url + path}
    ```
    or make the model frozen (`model_config = ConfigDict(frozen=True)`), or
    drop the entry: Streamlit hashes pydantic models and dataclasses itself.
    """

    code = "STC014"
    supersedes = frozenset({"STC003", "STC004"})  # it raises before the result matters
    INVALID = (
        Example("""
            import streamlit as st


            class Point:
                def __init__(self, x):
                    self.x = x

                def __eq__(self, other):
                    return self.x == other.x


            @st.cache_data(hash_funcs={Point: hash})  # expect: STC014
            def norm(point: Point) -> int:
                return abs(point.x)


            st.write(norm(Point(-3)))
        """),
    )
    VALID = (
        Example("""
            import streamlit as st


            class Point:
                def __init__(self, x):
                    self.x = x

                def __eq__(self, other):
                    return self.x == other.x

                def __hash__(self):
                    return hash(self.x)


            @st.cache_data(hash_funcs={Point: hash})
            def norm(point: Point) -> int:
                return abs(point.x)


            st.write(norm(Point(-3)))
        """),
    )

    def check(self, ctx: CachedContext) -> Iterator[Finding]:
        if not hashes_arguments(ctx.cached):
            return  # no argument is hashed: hash_funcs is never consulted
        for entry in ctx.hash_funcs:
            found = failure(entry, ctx)
            if found is None:
                continue
            label = entry.name or (entry.classes[0].name if entry.classes else entry.key.as_string())
            message = (f"hash_funcs entry for '{label}' raises: {found.reason}, so every call of cached "
                       f"'{ctx.cached.name}' fails with UserHashError; {found.fix}")
            confidence = Confidence.HIGH if found.node is entry.value else Confidence.INFERENCE
            yield self.report(ctx, entry.value, message, confidence, subject=entry.key)


@dataclass(frozen=True)
class Failure:
    node: nodes.NodeNG  # what raises
    reason: str  # for the message: what raises and why
    fix: str  # for the message: what to do


def failure(entry: HashFuncsEntry, ctx: CachedContext) -> Failure | None:
    """How calling the entry's hash function on an object of its key's type always raises."""
    inferrer = ctx.inferrer
    func = resolve(entry.value, inferrer)
    if func is None:
        return None
    classes = entry.classes
    if func.builtin == "builtins.hash":
        why = _hash_raises(classes, inferrer)
        if why:
            return Failure(entry.value, f"hash() of {why}", _object_fix(classes, inferrer))
        return None
    if func.node is None:
        return None
    problem = arity_problem(func)
    if problem:
        return Failure(entry.value, problem, "make it take exactly one argument, the object to hash")
    if func.param is None or not classes:
        return None
    for expr in always_evaluated(func):
        for part in evaluated_parts(expr):
            found = _raising_part(part, func, classes, ctx)
            if found is not None:
                return found
    return None


def _raising_part(part: nodes.NodeNG, func: HashCallable, classes: list[ClassRef],
                  ctx: CachedContext) -> Failure | None:
    inferrer = ctx.inferrer
    if isinstance(part, nodes.Call) and len(part.args) == 1 and not part.keywords \
            and _calls_builtin(part, "builtins.hash", inferrer):
        arg = part.args[0]
        why = _hashed_value_raises(arg, func, classes, inferrer)
        if why:
            fix = (_object_fix(classes, inferrer) if _is_param(arg, func) else
                   f"return it without hash(): Streamlit hashes lists, dicts and sets itself, e.g. "
                   f"lambda o: {arg.as_string().replace(func.param + '.', 'o.', 1)}"
                   if isinstance(arg, nodes.Attribute) else f"hash its fields instead, e.g. "
                   f"{fields_lambda(classes, inferrer)}")
            return Failure(part, f"hash() of {why}", fix)
    if isinstance(part, nodes.Call) and not part.args and isinstance(part.func, nodes.Attribute) \
            and part.func.attrname == "__hash__" and _is_param(part.func.expr, func):
        why = _hash_raises(classes, inferrer)
        if why:
            return Failure(part, f"{part.func.as_string()}() on {why} ('NoneType' object is not callable)",
                           _object_fix(classes, inferrer))
    if isinstance(part, nodes.Attribute) and _is_param(part.expr, func):
        modules = ctx.scope_modules
        missing = [c for c in classes if defines_attribute(c, part.attrname, inferrer, modules) is False]
        if missing and len(missing) == len(classes):
            names = instance_attribute_names(classes[0], inferrer)
            close = _closest(part.attrname, names)
            hint = f"did you mean '{close}'?" if close else (
                f"'{classes[0].name}' has {', '.join(repr(n) for n in names[:4])}" if names else
                f"'{classes[0].name}' defines no attributes")
            return Failure(part, f"'{part.as_string()}' reads an attribute '{classes[0].name}' never defines "
                                 f"(AttributeError)", hint)
    return None


def _hash_raises(classes: list[ClassRef], inferrer: Inferrer) -> str | None:
    """"a 'Config' object, which ..." when hash() raises for every class."""
    verdicts = _hash_verdicts(classes, inferrer)
    if verdicts is None:
        return None
    cls, verdict = verdicts[0]
    return f"{article(cls.name)} '{cls.name}' object, which Python cannot hash: {verdict.reason}"


def _hash_verdicts(classes: list[ClassRef], inferrer: Inferrer):
    if not classes:
        return None
    verdicts = [(cls, class_hash(cls, inferrer)) for cls in classes]
    return verdicts if all(v.kind == RAISES for _, v in verdicts) else None


REMEDIES = {
    "pydantic": "make the model frozen (model_config = ConfigDict(frozen=True)) or drop the entry: Streamlit "
                "hashes pydantic models itself",
    "dataclass": "drop the entry: Streamlit hashes dataclasses field by field",
    "container": "drop the entry: Streamlit hashes dict, list and set subclasses by their items",
    "eq": "give the class a __hash__, or hash its fields instead, e.g. {fields}",
}


def _object_fix(classes: list[ClassRef], inferrer: Inferrer) -> str:
    """What to do when hash(obj) raises for the key's class."""
    verdicts = _hash_verdicts(classes, inferrer) or []
    causes = {v.cause for _, v in verdicts}
    fields = fields_lambda(classes, inferrer)
    if len(causes) == 1 and next(iter(causes)) in REMEDIES:
        return REMEDIES[next(iter(causes))].format(fields=fields)
    return f"hash its fields instead, e.g. {fields}"


def _hashed_value_raises(arg: nodes.NodeNG, func: HashCallable, classes: list[ClassRef],
                         inferrer: Inferrer) -> str | None:
    if _is_param(arg, func):
        return _hash_raises(classes, inferrer)
    if isinstance(arg, nodes.Attribute) and _is_param(arg.expr, func):
        kinds = {attribute_unhashable(cls, arg.attrname, inferrer) for cls in classes}
        if len(kinds) == 1 and None not in kinds:
            return f"'{arg.as_string()}', {kinds.pop()}"
        return None
    if isinstance(arg, (nodes.Tuple, nodes.List)) and isinstance(arg, nodes.Tuple):
        for element in arg.elts:
            why = _hashed_value_raises(element, func, classes, inferrer)
            if why:
                return why
    return None


def attribute_unhashable(cls: ClassRef, attr: str, inferrer: Inferrer) -> str | None:
    """"a list" when every value the app gives ``obj.attr`` is something ``hash()`` rejects."""
    sources = list(_attribute_sources(cls, attr, inferrer))
    if not sources or any(s is None for s in sources):
        return None
    kinds = {_unhashable_kind(node, annotation, inferrer) for node, annotation in sources}
    return kinds.pop() if len(kinds) == 1 and None not in kinds else None


def _attribute_sources(cls: ClassRef, attr: str, inferrer: Inferrer) -> Iterator[tuple[nodes.NodeNG, bool] | None]:
    """(expression, is_annotation) for each place the class gives ``attr`` a value; None: unreadable."""
    mro = class_mro(cls, inferrer)
    if mro is None:
        yield None
        return
    for ref in mro:
        if ref.node is None:
            continue
        for stmt in ref.node.locals.get(attr, []):
            if isinstance(stmt, nodes.AssignName) and isinstance(stmt.parent, nodes.AnnAssign):
                yield stmt.parent.annotation, True
            elif isinstance(stmt, nodes.AssignName) and isinstance(stmt.parent, nodes.Assign):
                yield stmt.parent.value, False
            else:
                yield None
        for node in ref.node.nodes_of_class(nodes.AssignAttr):
            if node.attrname != attr:
                continue
            parent = node.parent
            if isinstance(parent, nodes.AnnAssign):
                yield parent.annotation, True
            elif isinstance(parent, nodes.Assign) and node in parent.targets:
                yield parent.value, False
            else:
                yield None


def _unhashable_kind(expr: nodes.NodeNG, is_annotation: bool, inferrer: Inferrer) -> str | None:
    if is_annotation:
        kind = mutable_container_annotation(expr, inferrer)
        return f"a {kind}" if kind else None
    literal = {nodes.List: "list", nodes.ListComp: "list", nodes.Dict: "dict", nodes.DictComp: "dict",
               nodes.Set: "set", nodes.SetComp: "set"}.get(type(expr))
    if literal:
        return f"a {literal}"
    if isinstance(expr, nodes.Call):
        kinds = {v.cls.qualname for v in inferrer.values(expr.func) if isinstance(v, ClassObject)}
        if len(kinds) == 1 and kinds & {"builtins.list", "builtins.dict", "builtins.set"}:
            return f"a {kinds.pop().rpartition('.')[2]}"
    if isinstance(expr, nodes.Name):
        try:
            _, stmts = expr.lookup(expr.name)
        except Exception:  # noqa: BLE001 - astroid lookup on odd code
            return None
        if len(stmts) == 1 and isinstance(stmts[0].parent, nodes.Arguments):
            func = stmts[0].parent.parent
            annotation, default = inferrer.signature_of(func, expr.name)
            kind = mutable_container_annotation(annotation, inferrer)
            if kind and (default is None or _unhashable_kind(default, False, inferrer)):
                return f"a {kind}"
            values = inferrer.annotation(annotation) if annotation is not None else frozenset()
            if values and all(isinstance(v, Instance) and v.cls.node is not None
                              and class_hash(v.cls, inferrer).kind == RAISES for v in values):
                name = next(iter(values)).cls.name
                return f"a '{name}' object, which Python cannot hash"
    return None


def defines_attribute(cls: ClassRef, attr: str, inferrer: Inferrer, modules: list[Module]) -> bool | None:
    """Can an instance of ``cls`` have ``attr``? None when the analysis cannot tell.

    ``modules`` are the modules that may set attributes on the object from outside
    its class (``obj.attr = ...``): the cached function's, its callers', and what
    they import."""
    if attr.startswith("__") and attr.endswith("__"):
        return True
    if cls.node is None:
        return None
    mro = class_mro(cls, inferrer)
    if mro is None:
        return None
    for ref in mro:
        if ref.node is None:
            if library.canonical(ref.qualname) != "builtins.object":
                return None  # a library base brings attributes of its own
            continue
        node = ref.node
        if node.decorators and not _only_dataclass_decorators(node, inferrer):
            return None
        if {"__getattr__", "__getattribute__", "__slots__", "__dict__"} & set(node.locals):
            return None
        if attr in node.locals:
            return True
        for assigned in node.nodes_of_class(nodes.AssignAttr):
            if assigned.attrname == attr:
                return True
        if any(_dynamic_attributes(call) for call in node.nodes_of_class(nodes.Call)):
            return None
    owner = inferrer.module_of(cls.node)
    for module in [*modules, *([owner] if owner is not None else [])]:
        assigned = _assigned_names(module.tree)
        if attr in assigned or "*" in assigned:
            return None  # ``obj.attr = ...`` or ``setattr(obj, name, ...)`` outside the class
    return False


def _only_dataclass_decorators(node: nodes.ClassDef, inferrer: Inferrer) -> bool:
    for dec in node.decorators.nodes:
        target = dec.func if isinstance(dec, nodes.Call) else dec
        values = inferrer.values(target)
        if not values or not all(isinstance(v, External) and v.qualname == "dataclasses.dataclass" for v in values):
            return False
    return True


def _dynamic_attributes(call: nodes.Call) -> bool:
    func = call.func
    name = func.name if isinstance(func, nodes.Name) else getattr(func, "attrname", None)
    return name in ("setattr", "__setattr__", "update")


@functools.lru_cache(maxsize=512)
def _assigned_names(tree: nodes.Module) -> frozenset[str]:
    names = {node.attrname for node in tree.nodes_of_class(nodes.AssignAttr)}
    for call in tree.nodes_of_class(nodes.Call):
        if isinstance(call.func, nodes.Name) and call.func.name == "setattr" and len(call.args) >= 2:
            arg = call.args[1]
            names.add(arg.value if isinstance(arg, nodes.Const) and isinstance(arg.value, str) else "*")
    return frozenset(names)


def _closest(name: str, candidates: list[str]) -> str | None:
    matches = difflib.get_close_matches(name, candidates, n=1, cutoff=0.6)
    return matches[0] if matches else None


def arity_problem(func: HashCallable) -> str | None:
    """Why ``func(obj)`` cannot be called with one positional argument."""
    if func.node is None:
        return None
    args = func.node.args
    positional = (list(args.posonlyargs or []) + list(args.args or []))
    bound = positional[:func.skip]
    free = positional[func.skip:]
    defaults = len(args.defaults or [])
    required = max(0, len(positional) - defaults - len(bound))
    missing_kw = [a.name for a, d in zip(args.kwonlyargs or [], args.kw_defaults or []) if d is None]
    if not free and args.vararg is None:
        return f"{func.label} takes no argument, but Streamlit calls it with the object (TypeError)"
    if required > 1:
        return f"{func.label} needs {required} arguments, but Streamlit passes only the object (TypeError)"
    if missing_kw:
        return (f"{func.label} needs the keyword argument '{missing_kw[0]}', which Streamlit never passes "
                f"(TypeError)")
    return None


def always_evaluated(func: HashCallable) -> list[nodes.NodeNG]:
    """Expressions the function evaluates on every call, in order."""
    if isinstance(func.node, nodes.Lambda):
        return [func.node.body]
    found: list[nodes.NodeNG] = []
    for stmt in func.node.body:
        if isinstance(stmt, (nodes.Assign, nodes.AnnAssign, nodes.Expr, nodes.Return)):
            if stmt.value is not None:
                found.append(stmt.value)
            if isinstance(stmt, nodes.Return):
                break
        elif isinstance(stmt, (nodes.Pass, nodes.Global, nodes.Nonlocal)):
            continue
        else:
            break  # a branch, a loop, a try: what follows may not run
    return found


def evaluated_parts(expr: nodes.NodeNG) -> Iterator[nodes.NodeNG]:
    """``expr`` and the sub-expressions Python always evaluates along with it."""
    yield expr
    children: list[nodes.NodeNG] = []
    if isinstance(expr, nodes.Call):
        children = [expr.func, *expr.args, *(k.value for k in expr.keywords or ())]
    elif isinstance(expr, nodes.Attribute):
        children = [expr.expr]
    elif isinstance(expr, nodes.Subscript):
        children = [expr.value, expr.slice]
    elif isinstance(expr, (nodes.Tuple, nodes.List, nodes.Set)):
        children = list(expr.elts)
    elif isinstance(expr, nodes.Dict):
        children = [part for pair in expr.items for part in pair]
    elif isinstance(expr, nodes.BinOp):
        children = [expr.left, expr.right]
    elif isinstance(expr, nodes.UnaryOp):
        children = [expr.operand]
    elif isinstance(expr, nodes.Compare):
        children = [expr.left, expr.ops[0][1]] if expr.ops else [expr.left]
    elif isinstance(expr, nodes.BoolOp):
        children = expr.values[:1]
    elif isinstance(expr, nodes.IfExp):
        children = [expr.test]
    elif isinstance(expr, nodes.JoinedStr):
        children = list(expr.values)
    elif isinstance(expr, nodes.FormattedValue):
        children = [expr.value]
    elif isinstance(expr, (nodes.Starred, nodes.NamedExpr)):
        children = [expr.value]
    for child in children:
        if child is not None:
            yield from evaluated_parts(child)


def _is_param(expr: nodes.NodeNG, func: HashCallable) -> bool:
    """Is ``expr`` the parameter holding the hashed object (and never rebound)?

    Compared by scope rather than with astroid's lookup, which misses the
    parameters of a lambda written inside a decorator.
    """
    param = func.param
    if param is None or not isinstance(expr, nodes.Name) or expr.name != param:
        return False
    bindings = func.node.locals.get(param, [])
    return expr.scope() is func.node and len(bindings) == 1 and isinstance(bindings[0].parent, nodes.Arguments)


def _calls_builtin(call: nodes.Call, name: str, inferrer: Inferrer) -> bool:
    values = inferrer.values(call.func)
    return bool(values) and all(isinstance(v, Function) and v.node is None and v.qualname == name for v in values)
