"""The ``hash_funcs`` table of a cached function: its entries, the types they cover, and
the functions they map to.

Streamlit looks an argument's exact type up in the table (by qualified name) and
hashes what the entry's function returns for it. The rules about entries (STC003,
STC004, STC005, STC014) share what is here: the entries, the callable behind a value
(``resolve``), which parameters receive a keyed class, and a hash function to suggest.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from astroid import nodes

from cachelint.analysis.walk import nodes_in
from cachelint.analysis.discovery import CachedFunction
from cachelint.analysis.hashability import HashFuncsKeys
from cachelint.analysis.infer import Inferrer, assigned_values, qualname
from cachelint.analysis.values import BoundMethod, ClassRef, Function, Instance

if TYPE_CHECKING:
    from cachelint.analysis.context import CachedContext


@dataclass
class HashFuncsEntry:
    key: nodes.NodeNG
    value: nodes.NodeNG
    name: str | None  # the key as a string, when it is one
    classes: list[ClassRef]  # the classes the key names (a class key, or a string resolved in the app)


def hash_funcs_dict(cached: CachedFunction, inferrer: Inferrer) -> nodes.Dict | None:
    """The dict literal given as ``hash_funcs=``, following one name if needed."""
    option = cached.option("hash_funcs")
    if isinstance(option, nodes.Name):
        option = next((v for v in assigned_values(option) if v is not None), None)
    return option if isinstance(option, nodes.Dict) else None


def entries(cached: CachedFunction, inferrer: Inferrer) -> list[HashFuncsEntry]:
    table = hash_funcs_dict(cached, inferrer)
    if table is None:
        return []
    found = []
    for key, value in table.items:
        if isinstance(key, nodes.DictUnpack):
            continue
        if isinstance(key, nodes.Const) and isinstance(key.value, str):
            found.append(HashFuncsEntry(key, value, key.value, classes_named(key.value, cached, inferrer)))
        else:
            found.append(HashFuncsEntry(key, value, None, inferrer.class_object(key)))
    return found


def covered_keys(cached: CachedFunction, inferrer: Inferrer) -> HashFuncsKeys | None:
    """What the table covers; None when there is a table the analysis cannot read."""
    if cached.option("hash_funcs") is None:
        return HashFuncsKeys()
    if hash_funcs_dict(cached, inferrer) is None:
        return None
    keys = HashFuncsKeys()
    for entry in entries(cached, inferrer):
        if entry.name is not None:
            keys.names.add(entry.name)
        for cls in entry.classes:
            if cls.node is not None:
                keys.classes.add(cls.node)
            else:
                keys.names.add(cls.qualname)
        if entry.name is None and not entry.classes and not _covers_nothing(entry.key, inferrer):
            return None  # a key the analysis cannot resolve may cover anything
    return keys


def classes_named(name: str, cached: CachedFunction, inferrer: Inferrer) -> list[ClassRef]:
    """App classes whose qualified name (``__main__.X``, ``utils.X``, ``__main__.Outer.Inner``) is ``name``.

    Only modules the running app would hold under that name count: ``__main__`` is the
    cached function's own module when it is a script, else the scripts that import it;
    a dotted name is resolved as an import from the cached function's module.
    """
    found: list[ClassRef] = []
    parts = name.split(".")
    for split in range(1, len(parts)):
        module_name, wanted = ".".join(parts[:split]), ".".join(parts[split:])
        for module in _modules_named(module_name, cached, inferrer):
            for cls in nodes_in(module.tree, nodes.ClassDef):
                ref = inferrer.class_ref(cls)
                if qualname(cls) == wanted and ref not in found:
                    found.append(ref)
    return found


def _modules_named(module_name: str, cached: CachedFunction, inferrer: Inferrer) -> list:
    project = inferrer.project
    if module_name == "__main__":
        if cached.module.is_entry:
            return [cached.module]
        return [m for m in project.callers(cached.module, cached.names) if m.is_entry]
    if module_name in (cached.module.name, cached.module.runtime_name):
        return [cached.module]
    imported = project.resolve_import(module_name, cached.module)
    return [imported] if imported is not None else []


def _covers_nothing(key: nodes.NodeNG, inferrer: Inferrer) -> bool:
    """Keys no object's type is ever named after: typing unions (Streamlit files them as "typing.Union")."""
    if isinstance(key, nodes.Name):  # Shape = Union[Square, Circle]
        aliased = assigned_values(key)
        if len(aliased) == 1 and isinstance(aliased[0], (nodes.BinOp, nodes.Subscript)):
            key = aliased[0]
    if isinstance(key, nodes.BinOp) and key.op == "|":
        return True
    if isinstance(key, nodes.Subscript):
        origin = {getattr(v, "qualname", None) for v in inferrer.values(key.value)}
        return bool(origin & {"typing.Union", "typing.Optional"})
    return False  # (a function key covers nothing too, but STC005 reports it with its consequence)


MAX_CALL_DEPTH = 3


def hashes_arguments(cached: CachedFunction) -> bool:
    """Does Streamlit hash any argument of the cached function (and so consult hash_funcs)?"""
    return any(not param.name.startswith("_") for param in cached.params()) or bool(
        cached.node.args.vararg or cached.node.args.kwarg)


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


def instance_attribute_names(cls: ClassRef, inferrer: Inferrer) -> list[str]:
    return inferrer.instance_attribute_names(cls.node) if cls.node is not None else []


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
