"""The ``hash_funcs`` table of a cached function: its entries and the types they cover."""

from __future__ import annotations

from dataclasses import dataclass

from astroid import nodes

from cachelint.analysis.discovery import CachedFunction
from cachelint.analysis.hashability import HashFuncsKeys
from cachelint.analysis.infer import Inferrer, assigned_values, qualname
from cachelint.analysis.values import ClassRef


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
            for cls in module.tree.nodes_of_class(nodes.ClassDef):
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
