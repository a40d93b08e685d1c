"""What a ``hash_funcs`` value does when Streamlit calls it on an object of the key's type.

Streamlit calls ``hash_func(obj)`` and hashes what it returns, with the same
``hash_funcs`` table. Three things go wrong: the call raises (``UserHashError``),
the result is new on every call (the cache never hits), or the result cannot be
hashed (``UnhashableParamError``). And before any of that, the key must match:
Streamlit looks entries up by the exact type's fully qualified name.

Only what a hash function always evaluates is judged: a lambda's body, and the
statements of a ``def`` before its first branch (``if``, ``try``, loops). A name
the analysis cannot resolve, or a class it cannot see whole, is never reported.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterator

from astroid import nodes

from cachelint.analysis.hash_funcs import HashFuncsEntry
from cachelint.analysis.identity import (
    RAISES,
    class_hash,
    mutable_container_annotation,
    class_mro,
)
from cachelint.analysis.infer import Inferrer, qualname, returns_of
from cachelint.analysis.project import Module
from cachelint.analysis.values import (
    BoundMethod,
    CachedCallable,
    ClassObject,
    ClassRef,
    External,
    Function,
    Instance,
    ModuleValue,
)
from cachelint.streamlit_model import hashing, library, type_names
from cachelint.streamlit_model.volatile_calls import (
    PRESERVING_BUILTINS,
    VOLATILE_PROJECTIONS,
    volatile_call,
)

if TYPE_CHECKING:
    from cachelint.rules.base import CachedContext

MAX_CALL_DEPTH = 3


def _memo(ctx: "CachedContext", key, compute):
    """Results shared by the rules that ask about one cached function (STC003-005, STC014)."""
    memo = ctx.__dict__.setdefault("_hash_func_memo", {})
    if key not in memo:
        memo[key] = compute()
    return memo[key]


def hashes_arguments(ctx: "CachedContext") -> bool:
    """Does Streamlit hash any argument of the cached function (and so consult hash_funcs)?"""
    return any(not param.name.startswith("_") for param in ctx.cached.params()) or bool(
        ctx.cached.node.args.vararg or ctx.cached.node.args.kwarg)


# ---------------------------------------------------------------------------
# The callable behind a hash_funcs value


@dataclass(frozen=True)
class HashCallable:
    """A resolved hash function: the app's lambda or ``def``, or a builtin."""

    node: nodes.Lambda | nodes.FunctionDef | None
    builtin: str | None = None  # "builtins.hash" ...
    skip: int = 0  # parameters already bound (``self`` of a bound method)

    @property
    def label(self) -> str:
        if self.builtin is not None:
            return self.builtin.rpartition(".")[2]
        return "lambda" if isinstance(self.node, nodes.Lambda) else f"{self.node.name}()"

    def positional(self) -> list[nodes.AssignName]:
        args = self.node.args
        return (list(args.posonlyargs or []) + list(args.args or []))[self.skip:]

    @property
    def param(self) -> str | None:
        """The parameter that receives the object being hashed."""
        positional = self.positional()
        return positional[0].name if positional else None


def resolve(expr: nodes.NodeNG, inferrer: Inferrer) -> HashCallable | None:
    """The one callable ``expr`` evaluates to, or None when it is not certain."""
    if isinstance(expr, nodes.Lambda):
        return HashCallable(expr)
    values = inferrer.values(expr)
    if len(values) != 1:
        return None
    value = next(iter(values))
    if isinstance(value, Function) and value.node is None and value.qualname.startswith("builtins."):
        return HashCallable(None, value.qualname)
    if isinstance(value, Function) and isinstance(value.node, (nodes.Lambda, nodes.FunctionDef)):
        if isinstance(value.node, nodes.FunctionDef) and (value.node.decorators or _is_generator_like(value.node)):
            return None  # a decorator may change what gets called
        return HashCallable(value.node)
    if isinstance(value, BoundMethod) and isinstance(value.function.node, nodes.FunctionDef):
        if value.function.node.decorators and not {"classmethod"} & _decorator_names(value.function.node):
            return None
        return HashCallable(value.function.node, skip=1)
    return None


def _decorator_names(func: nodes.FunctionDef) -> set[str]:
    return {d.name if isinstance(d, nodes.Name) else getattr(d, "attrname", "") for d in func.decorators.nodes}


def _is_generator_like(func: nodes.FunctionDef) -> bool:
    return isinstance(func, nodes.AsyncFunctionDef) or any(
        isinstance(n, (nodes.Yield, nodes.YieldFrom)) for n in func.nodes_of_class((nodes.Yield, nodes.YieldFrom)))


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


# ---------------------------------------------------------------------------
# STC014: the hash function raises


@dataclass(frozen=True)
class Failure:
    node: nodes.NodeNG  # what raises
    reason: str  # for the message: what raises and why
    fix: str  # for the message: what to do


def failure(entry: HashFuncsEntry, ctx: "CachedContext") -> Failure | None:
    """How calling the entry's hash function on an object of its key's type always raises."""
    return _memo(ctx, ("failure", entry.value), lambda: _failure(entry, ctx))


def _failure(entry: HashFuncsEntry, ctx: "CachedContext") -> Failure | None:
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
                  ctx: "CachedContext") -> Failure | None:
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
        modules = _scope_modules(ctx)
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
    return f"{_article(cls.name)} '{cls.name}' object, which Python cannot hash: {verdict.reason}"


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


def instance_attribute_names(cls: ClassRef, inferrer: Inferrer) -> list[str]:
    return inferrer.instance_attribute_names(cls.node) if cls.node is not None else []


def _closest(name: str, candidates: list[str]) -> str | None:
    import difflib

    matches = difflib.get_close_matches(name, candidates, n=1, cutoff=0.6)
    return matches[0] if matches else None


def fields_lambda(classes: list[ClassRef], inferrer: Inferrer, hashability=None) -> str:
    """``lambda o: (o.a, o.b)`` over the instance attributes of the first class
    (with ``hashability``, only those Streamlit can hash: the advice must not fail too)."""
    cls = next((c for c in classes if c.node is not None), None)
    fields = instance_attribute_names(cls, inferrer) if cls else []
    if hashability is not None and cls is not None:
        fields = [f for f in fields if not any(hashability.verdict(v).unhashable
                                               for v in inferrer.attribute(Instance(cls), f))]
    if len(fields) == 1:
        return f"lambda o: o.{fields[0]}"
    if fields:
        return "lambda o: (" + ", ".join(f"o.{f}" for f in fields[:3]) + ")"
    return "lambda o: (o.field1, o.field2)"


# ---------------------------------------------------------------------------
# STC004: the result changes on every call, or cannot be hashed


@dataclass(frozen=True)
class Volatility:
    node: nodes.NodeNG  # the volatile call
    what: str  # "time.time()", "make_key() (returns uuid.uuid4())"


def volatility(entry: HashFuncsEntry, inferrer: Inferrer) -> Volatility | None:
    """The call that makes every result of the entry's hash function new, if there is one."""
    func = resolve(entry.value, inferrer)
    if func is None or func.node is None:
        return None
    return _function_volatility(func.node, inferrer, 0)


def _function_volatility(node: nodes.Lambda | nodes.FunctionDef, inferrer: Inferrer,
                         depth: int) -> Volatility | None:
    if depth > MAX_CALL_DEPTH:
        return None
    if isinstance(node, nodes.Lambda):
        results = [node.body]
    else:
        returns = list(returns_of(node))
        if not returns or any(r.value is None for r in returns):
            return None
        results = [r.value for r in returns]
    found = [_volatile(expr, inferrer, depth) for expr in results]
    if found and all(found):
        return found[0]
    return None


def _volatile(expr: nodes.NodeNG, inferrer: Inferrer, depth: int) -> Volatility | None:
    """Is every evaluation of ``expr`` a value never seen before?"""
    if isinstance(expr, nodes.Call):
        callees = inferrer.values(expr.func)
        if len(callees) != 1:
            return _projection(expr, inferrer, depth)
        callee = next(iter(callees))
        qualified = None
        if isinstance(callee, External) or (isinstance(callee, Function) and callee.node is None):
            qualified = callee.qualname
        elif isinstance(callee, ClassObject) and callee.cls.node is None:
            qualified = callee.cls.qualname  # str(...), tuple(...): builtin classes
        if qualified is not None:
            what = volatile_call(library.canonical(qualified))
            if what:
                return Volatility(expr, what)
            if qualified in PRESERVING_BUILTINS and expr.args:
                return _first(expr.args, inferrer, depth)
            return None
        if isinstance(callee, Function) and isinstance(callee.node, (nodes.FunctionDef, nodes.Lambda)):
            inner = _function_volatility(callee.node, inferrer, depth + 1)
            if inner:
                name = callee.node.name if isinstance(callee.node, nodes.FunctionDef) else "lambda"
                return Volatility(expr, f"{name}() (which returns {inner.what})")
            return None
        return _projection(expr, inferrer, depth)
    if isinstance(expr, nodes.Attribute) and expr.attrname in VOLATILE_PROJECTIONS:
        return _volatile(expr.expr, inferrer, depth)
    if isinstance(expr, (nodes.Tuple, nodes.List, nodes.Set)):
        return _first(expr.elts, inferrer, depth)
    if isinstance(expr, nodes.Dict):
        return _first([part for pair in expr.items for part in pair], inferrer, depth)
    if isinstance(expr, nodes.JoinedStr):
        return _first([v.value for v in expr.values if isinstance(v, nodes.FormattedValue)], inferrer, depth)
    if isinstance(expr, nodes.BinOp) and expr.op == "%" and isinstance(expr.left, nodes.Const):
        return _volatile(expr.right, inferrer, depth)
    if isinstance(expr, nodes.NamedExpr):
        return _volatile(expr.value, inferrer, depth)
    if isinstance(expr, nodes.Name):
        return _local_volatile(expr, inferrer, depth)
    return None


def _projection(call: nodes.Call, inferrer: Inferrer, depth: int) -> Volatility | None:
    """``uuid.uuid4().hex``, ``datetime.now().isoformat()``, ``"{}".format(time.time())``."""
    func = call.func
    if isinstance(func, nodes.Attribute):
        if func.attrname in VOLATILE_PROJECTIONS and not call.args:
            return _volatile(func.expr, inferrer, depth)
        if func.attrname == "format" and isinstance(func.expr, nodes.Const) and isinstance(func.expr.value, str):
            return _first([*call.args, *(k.value for k in call.keywords or ())], inferrer, depth)
    return None


def _first(exprs, inferrer: Inferrer, depth: int) -> Volatility | None:
    for expr in exprs:
        found = _volatile(expr, inferrer, depth)
        if found:
            return found
    return None


def _local_volatile(name: nodes.Name, inferrer: Inferrer, depth: int) -> Volatility | None:
    """A local variable of the hash function bound once to a volatile value."""
    try:
        scope, stmts = name.lookup(name.name)
    except Exception:  # noqa: BLE001 - astroid lookup on odd code
        return None
    if not isinstance(scope, nodes.FunctionDef) or len(stmts) != 1:
        return None
    stmt = stmts[0]
    if isinstance(stmt, nodes.AssignName) and isinstance(stmt.parent, nodes.Assign) \
            and stmt.parent.parent is scope and len(stmt.parent.targets) == 1:
        return _volatile(stmt.parent.value, inferrer, depth)
    return None


def unhashable_result(entry: HashFuncsEntry, ctx: "CachedContext"):
    """(value, culprit) when everything the hash function can return is something Streamlit cannot hash."""
    func = resolve(entry.value, ctx.inferrer)
    if func is None or func.node is None:
        return None
    if isinstance(func.node, nodes.Lambda):
        values = ctx.inferrer.values(func.node.body)
    else:  # what the returns give (a return annotation such as `-> object` says too little)
        returns = list(returns_of(func.node))
        if not returns or any(r.value is None for r in returns):
            return None
        values = frozenset().union(*(ctx.inferrer.values(r.value) for r in returns))
    if not values:
        return None
    found = None
    for value in sorted(values, key=repr):
        if isinstance(value, Instance) and any(value.cls == c for c in entry.classes):
            return None  # hashed again through this very entry
        verdict = ctx.hashability.verdict(value, ctx.keys)
        if not verdict.unhashable:
            return None
        found = found or (value, verdict.culprit)
    return found


def receiving_params(ctx: "CachedContext", classes: list[ClassRef]) -> list[str]:
    """Hashed parameters of the cached function that receive an instance of one of ``classes``."""
    wanted = set(classes)
    cached, inferrer = ctx.cached, ctx.inferrer
    found: list[str] = []
    params = cached.params()
    if cached.method_kind == "instance" and params:
        if inferrer.class_ref(cached.owner) in wanted or any(
                isinstance(s.receiver, Instance) and s.receiver.cls in wanted for s in ctx.sites):
            found.append(params[0].name)
        params = params[1:]
    elif cached.method_kind == "class" and params:
        params = params[1:]
    for param in params:
        name = param.name
        if name.startswith("_") or name in found:
            continue
        annotation, _ = inferrer.signature_of(cached.node, name)
        values = set(inferrer.annotation(annotation))
        for site in ctx.sites:
            if name in site.arguments:
                values |= inferrer.values(site.value_node(name))
        if any(_holds(v, wanted, 0) for v in values):
            found.append(name)
    return found


def _holds(value, wanted: set[ClassRef], depth: int) -> bool:
    if not isinstance(value, Instance) or depth > 4:
        return False
    return value.cls in wanted or any(_holds(item, wanted, depth + 1) for item in value.items)


# ---------------------------------------------------------------------------
# STC005: keys that never match


@dataclass(frozen=True)
class DeadKey:
    reason: str  # why the key never matches
    fix: str  # what to write instead
    raises: bool = False  # Streamlit raises AttributeError on the first call instead
    meant: tuple[ClassRef, ...] = ()  # the classes the author meant, when known


def dead_key(entry: HashFuncsEntry, ctx: "CachedContext") -> DeadKey | None:
    """Why the entry's key can never match an object the cached function hashes."""
    return _memo(ctx, ("dead", entry.key), lambda: _dead_key(entry, ctx))


def _dead_key(entry: HashFuncsEntry, ctx: "CachedContext") -> DeadKey | None:
    if entry.name is not None:
        return _dead_string_key(entry, ctx)
    key = entry.key
    if isinstance(key, nodes.Const):
        return DeadKey(f"{_article(type(key.value).__name__)} {type(key.value).__name__} value",
                       "key the entry by the class of the objects to hash", raises=True)
    values = ctx.inferrer.values(key)
    if not values:
        return None
    if all(isinstance(v, ClassObject) for v in values):
        return _dead_class_key([v.cls for v in values], entry, ctx)
    if len(values) == 1 and isinstance(next(iter(values)), External):
        return _never_instantiated(library.canonical(next(iter(values)).qualname))
    if all(isinstance(v, (Function, BoundMethod, CachedCallable)) for v in values):
        value = next(iter(values))
        name = _callable_name(value)
        made = _classes_made_by(value, ctx.inferrer)
        fix = (f"key the entry by the class it returns, {made[0].name}" if made else
               "key the entry by the class of the objects to hash")
        return DeadKey(f"'{key.as_string()}' is a function, not a type: Streamlit looks it up as '{name}', "
                       f"the name of no object's type", fix, meant=tuple(made))
    if all(isinstance(v, ModuleValue) for v in values):
        return DeadKey("a module",
                       "key the entry by the class of the objects to hash", raises=True)
    if all(isinstance(v, Instance) and v.cls.node is not None and not _is_metaclass(v.cls, ctx) for v in values):
        cls = next(iter(values)).cls
        return DeadKey(f"{_article(cls.name)} '{cls.name}' object",
                       f"key it by the class: {cls.name}", raises=True, meant=(cls,))
    return None


def _never_instantiated(name: str) -> DeadKey | None:
    """``pathlib.Path``: its constructor makes ``PosixPath`` / ``WindowsPath`` objects."""
    made = type_names.INSTANCE_TYPES.get(name)
    if not made:
        return None
    short = name.rpartition(".")[2]
    return DeadKey(f"{short}(...) creates '{made[0]}' objects ('{made[1]}' on Windows), and Streamlit matches "
                   f"the exact type", f"key the entry by {made[0]} (and {made[1]})", meant=(ClassRef(made[0]),))


def _article(word: str) -> str:
    return "an" if word[:1].lower() in "aeiou" else "a"


def _classes_made_by(value, inferrer: Inferrer) -> list[ClassRef]:
    """The app classes a function key returns instances of (the type the author meant)."""
    node = value.node if isinstance(value, Function) else value.function.node
    if not isinstance(node, (nodes.FunctionDef, nodes.Lambda)):
        return []
    made = {v.cls for v in inferrer.returned(node) if isinstance(v, Instance) and v.cls.node is not None}
    return sorted(made, key=lambda c: c.qualname)[:1] if len(made) == 1 else []


def _callable_name(value) -> str:
    if isinstance(value, Function):
        return value.qualname
    if isinstance(value, BoundMethod):
        return value.function.qualname
    return value.function.qualname


def _is_metaclass(cls: ClassRef, ctx: "CachedContext") -> bool:
    facts = ctx.hashability.facts(cls)
    return not facts.complete or "builtins.type" in facts.names


def _pre_hash_funcs_step(names: set[str], model: hashing.HasherModel) -> str | None:
    """The check Streamlit makes before consulting hash_funcs that objects with these names meet."""
    for step in model.steps:
        if step.test == "hash_funcs":
            return None
        if step.test in ("exact", "isinstance") and names & step.names:
            return step.what
    return None


def _dead_class_key(classes: list[ClassRef], entry: HashFuncsEntry, ctx: "CachedContext") -> DeadKey | None:
    for cls in classes:
        facts = ctx.hashability.facts(cls)
        step = _pre_hash_funcs_step(facts.names, ctx.hashability.model)
        if step:
            return DeadKey(f"Streamlit hashes {step} values itself before it looks at hash_funcs",
                           "remove the entry", meant=(cls,))
    if len(classes) != 1 or classes[0].node is None:
        return None
    return _subclass_only(classes[0], entry, ctx)


def _subclass_only(cls: ClassRef, entry: HashFuncsEntry, ctx: "CachedContext") -> DeadKey | None:
    """The calls pass only subclasses of the key's class: an exact-type lookup never matches."""
    seen = observed_classes(ctx)
    if seen is None or not seen:
        return None
    if cls in seen:
        return None
    keyed = _keyed_classes(ctx)
    subclasses = [c for c in seen if c.node is not None and c not in keyed
                  and any(ref.node is cls.node for ref in ctx.hashability.facts(c).ancestry[1:])]
    if not subclasses:
        return None
    if any(c.node is not None and c not in subclasses for c in seen):
        return None  # another app object passed may hold a key-class instance in a field
    sub = sorted(subclasses, key=lambda c: c.qualname)[0]
    return DeadKey(f"the calls pass '{sub.name}', a subclass of '{cls.name}', and Streamlit matches the exact "
                   f"type only", f"key the entry by '{sub.name}' (or add one per subclass)", meant=(sub,))


def _keyed_classes(ctx: "CachedContext") -> set[ClassRef]:
    keyed: set[ClassRef] = set()
    for entry in ctx.hash_funcs:
        keyed.update(entry.classes)
    return keyed


def observed_classes(ctx: "CachedContext") -> set[ClassRef] | None:
    """Classes of the objects the call sites hand to hashed parameters (items included).

    None when a call passes something the analysis cannot see, which might be anything.
    """
    cached, inferrer = ctx.cached, ctx.inferrer
    seen: set[ClassRef] = set()
    names = [p.name for p in cached.params() if not p.name.startswith("_")]
    for site in ctx.sites:
        if site.receiver is not None and isinstance(site.receiver, Instance) and cached.method_kind == "instance":
            _collect(site.receiver, seen, 0)
        for name in names:
            if name not in site.arguments:
                continue
            values = inferrer.values(site.value_node(name))
            if not values:
                return None
            for value in values:
                _collect(value, seen, 0)
    return seen


def _collect(value, seen: set[ClassRef], depth: int) -> None:
    if isinstance(value, Instance) and depth < 5:
        seen.add(value.cls)
        for item in value.items:
            _collect(item, seen, depth + 1)


def _dead_string_key(entry: HashFuncsEntry, ctx: "CachedContext") -> DeadKey | None:
    name = entry.name
    model = ctx.hashability.model
    scope = _scope_modules(ctx)
    classes = [c for c in entry.classes if c.node is None or ctx.inferrer.module_of(c.node) in scope]
    if classes:
        spellings = sorted({f"{_runtime_module(c, ctx)}.{qualname(c.node)}" for c in classes
                            if c.node is not None})
        if spellings and name not in spellings:
            fix = " or ".join(f"'{s}'" for s in spellings[:2])
            return DeadKey(f"Streamlit names the type {fix} (the script Streamlit runs is '__main__')",
                           f"use {fix} or the class object itself", meant=tuple(classes))
        if len(classes) == 1:
            return _subclass_only(classes[0], entry, ctx)
        return None
    step = _pre_hash_funcs_step({name}, model)
    if step:
        return DeadKey(f"Streamlit hashes {step} values itself before it looks at hash_funcs", "remove the entry",
                       meant=(ClassRef(name),))
    abstract = _never_instantiated(name)
    if abstract:
        return abstract
    runtime = type_names.runtime_name(name)
    if runtime is not None and runtime != name:
        version = ""
        library_name = name.split(".")[0]
        major = type_names.installed_major(library_name)
        if name in type_names.VERSIONED_SPELLINGS and major is not None:
            version = f" under {library_name} {major}.x"
        public = type_names.VERSIONED_SPELLINGS.get(name, name)
        return DeadKey(f"Streamlit names the type '{runtime}'{version}", f"use '{runtime}' or the class object itself",
                       meant=(ClassRef(library.canonical(public)),))
    module_part, _, last = name.rpartition(".")
    first = name.split(".")[0]
    if module_part and first in type_names.MODULE_ALIASES and not _app_module(first, ctx):
        expanded = type_names.MODULE_ALIASES[first] + name[len(first):]
        spelled = type_names.runtime_name(expanded) or expanded
        return DeadKey(f"'{first}' is an import alias, not a module name; Streamlit names the type '{spelled}'",
                       f"use '{spelled}' or the class object itself", meant=(ClassRef(library.canonical(expanded)),))
    candidates = _app_classes_named(last, ctx)
    spellings = sorted({f"{_runtime_module(c, ctx)}.{qualname(c.node)}" for c in candidates})
    if name in spellings:
        return None  # a class the hash_funcs table did not resolve, spelled right
    known_module = not module_part or module_part == "__main__" or _app_module(module_part, ctx) is not None
    if not module_part or (known_module and not _binds_otherwise(module_part, last, ctx)):
        if candidates:
            fix = " or ".join(f"'{s}'" for s in spellings[:2])
            return DeadKey(f"Streamlit names the type {fix}", f"use {fix} or the class object itself",
                           meant=tuple(candidates))
        if not module_part:
            return DeadKey("a fully qualified type name always has a module part",
                           "use 'module.ClassName' (the entry script's classes are '__main__.ClassName') "
                           "or the class object itself")
        if module_part != "__main__" or _main_is_known(ctx):
            return DeadKey(f"no class '{last}' is defined in '{module_part}'",
                           "key the entry by the class object itself")
    return None


def _runtime_module(cls: ClassRef, ctx: "CachedContext") -> str:
    module = ctx.inferrer.module_of(cls.node)
    return module.runtime_name if module else cls.qualname.rpartition(".")[0]


def _scope_modules(ctx: "CachedContext") -> list[Module]:
    """Modules whose classes a key of this cached function may mean: the function's
    module, the modules that call it, and what these import (not other apps' scripts
    that happen to share the folder)."""
    return _memo(ctx, "scope", lambda: _find_scope_modules(ctx))


def _find_scope_modules(ctx: "CachedContext") -> list[Module]:
    modules: list[Module] = [ctx.cached.module]
    for site in ctx.sites:
        if site.module not in modules:
            modules.append(site.module)
    index = 0
    while index < len(modules) and len(modules) < 64:
        for imported in _imports(modules[index], ctx):
            if imported not in modules:
                modules.append(imported)
        index += 1
    return modules


def _imports(module: Module, ctx: "CachedContext") -> list[Module]:
    found = []
    project = ctx.analysis.project
    for node in module.tree.nodes_of_class((nodes.Import, nodes.ImportFrom)):
        names = [n for n, _ in node.names] if isinstance(node, nodes.Import) else [node.modname]
        for name in names:
            imported = project.resolve_import(name, module, getattr(node, "level", 0) or 0)
            if imported is not None:
                found.append(imported)
    return found


def _app_classes_named(name: str, ctx: "CachedContext") -> list[ClassRef]:
    found: list[ClassRef] = []
    for module in _scope_modules(ctx):
        for cls in module.tree.nodes_of_class(nodes.ClassDef):
            if cls.name == name:
                ref = ctx.inferrer.class_ref(cls)
                if ref not in found:
                    found.append(ref)
    return found


def _app_module(dotted: str, ctx: "CachedContext") -> Module | None:
    for module in _scope_modules(ctx):
        if module.name == dotted and not module.is_entry:
            return module
    return ctx.analysis.project.resolve_import(dotted, ctx.cached.module, 0)


def _binds_otherwise(module_part: str, last: str, ctx: "CachedContext") -> bool:
    """Could ``module_part.last`` still be a class the analysis cannot see (a nested or dynamic one)?"""
    if module_part == "__main__":
        return False
    module = _app_module(module_part, ctx)
    if module is None:
        # "pkg.Outer.Inner": the module is a prefix; classes_named would have found it.
        return True
    stmts = module.tree.locals.get(last, [])
    return any(not isinstance(s, (nodes.ClassDef, nodes.ImportFrom, nodes.Import)) for s in stmts)


def _main_is_known(ctx: "CachedContext") -> bool:
    """Is every script that runs as ``__main__`` and calls the function in view?"""
    if ctx.cached.module.is_entry:
        return True
    return bool(ctx.sites) and all(site.module.is_entry or site.module is ctx.cached.module for site in ctx.sites)

