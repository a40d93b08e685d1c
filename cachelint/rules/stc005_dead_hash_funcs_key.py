"""STC005 dead-hash-funcs-key: a ``hash_funcs`` key no hashed object can match.

Streamlit looks an entry up by the exact type's ``__module__ + "." + __qualname__``:
a misspelled name, a base class of what is passed, a type hashed before hash_funcs
is consulted, or an object that is not a type at all never matches.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

from astroid import nodes

from cachelint.analysis.walk import nodes_in
from cachelint.analysis.context import CachedContext
from cachelint.analysis.hash_funcs import HashFuncsEntry, hashes_arguments, receiving_params
from cachelint.analysis.hashability import HashFuncsKeys
from cachelint.analysis.infer import Inferrer, qualname
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
from cachelint.findings import Confidence, Finding
from cachelint.rules.base import Example, Rule
from cachelint.rules.messages import article
from cachelint.streamlit_model import hashing, library, type_names


class DeadHashFuncsKey(Rule):
    """A `hash_funcs` key that never matches, so its entry is ignored.

    ## What it does
    Finds `hash_funcs` keys that no hashed object can match:
    a string that is not the type's fully qualified name `module.QualName`
    (`"MyClass"` instead of `"__main__.MyClass"`; the entry script's classes are
    `__main__.X`, an imported module's are named by its dotted path from the
    app's folder, nested classes by their `__qualname__`; the right spelling is
    suggested), a class whose calls only ever pass a subclass (Streamlit matches
    the exact type), `bytes` / `bytearray` (hashed before `hash_funcs` are looked
    at), a key that is not a class at all (a function, a module, an instance), and
    library classes spelled by a name they do not carry at run time
    (`"pd.DataFrame"`; `"pandas.core.frame.DataFrame"` under pandas 3, whose
    DataFrame is `pandas.DataFrame`, judged from the installed pandas), and
    `pathlib.Path`, whose objects are all `PosixPath` (or `WindowsPath`).
    Functions that hash no argument are not reported: they never consult the table.

    ## Why is this bad?
    Streamlit looks an entry up by `type(obj).__module__ + "." +
    type(obj).__qualname__` of the exact type, so a misspelled key is silently
    ignored: the argument still raises `UnhashableParamError`, or is hashed the
    default way, as if there were no entry. A key that is an object rather than a
    type (an instance, a module) makes Streamlit raise `AttributeError` on the
    first call instead.

    ## Example
    ```python
    class Doc:
        def __init__(self, text):
            self.text = text

    @st.cache_data(hash_funcs={"Doc": lambda d: d.text})
    def summarize(doc: Doc) -> str: ...
    ```

    ## Use instead
    ```python
    @st.cache_data(hash_funcs={Doc: lambda d: d.text})  # or "__main__.Doc"
    def summarize(doc: Doc) -> str: ...
    ```
    """

    code = "STC005"
    supersedes = frozenset({"STC003", "STC004", "STC014"})  # a function never called cannot misbehave
    INVALID = (
        Example("""
            import streamlit as st


            class Doc:
                def __init__(self, text):
                    self.text = text


            @st.cache_data(hash_funcs={"Doc": lambda d: d.text})  # expect: STC005
            def summarize(doc: Doc) -> str:
                return doc.text[:100]


            st.write(summarize(Doc("hello")))
        """),
    )
    VALID = (
        Example("""
            import streamlit as st


            class Doc:
                def __init__(self, text):
                    self.text = text


            @st.cache_data(hash_funcs={"__main__.Doc": lambda d: d.text})
            def summarize(doc: Doc) -> str:
                return doc.text[:100]


            st.write(summarize(Doc("hello")))
        """),
    )

    def check(self, ctx: CachedContext) -> Iterator[Finding]:
        if not hashes_arguments(ctx.cached):
            return  # no argument is hashed: hash_funcs is never consulted
        for entry in ctx.hash_funcs:
            dead = dead_key(entry, ctx)
            if dead is None:
                continue
            shown = repr(entry.name) if entry.name is not None else entry.key.as_string()
            if dead.raises:
                message = (f"hash_funcs key {shown} is {dead.reason}, not a type: Streamlit reads the key's "
                           f"__module__ and __qualname__ to name it and raises AttributeError on the first call "
                           f"of cached '{ctx.cached.name}'; {dead.fix}")
            else:
                message = (f"hash_funcs key {shown} never matches: {dead.reason}; the entry is ignored and "
                           f"{self._consequence(ctx, dead)}; {dead.fix}")
            confidence = Confidence.INFERENCE if dead.meant and "subclass" in dead.reason else Confidence.HIGH
            yield self.report(ctx, entry.key, message, confidence, subject=entry.key)

    @staticmethod
    def _consequence(ctx: CachedContext, dead: DeadKey) -> str:
        if not dead.meant:
            return "Streamlit hashes the objects as if there were no entry"
        verdicts = [ctx.hashability.verdict(Instance(cls), HashFuncsKeys()) for cls in dead.meant]
        if all(v.unhashable for v in verdicts):
            params = receiving_params(ctx, list(dead.meant))
            where = f"argument '{params[0]}'" if params else f"a '{dead.meant[0].name}' argument"
            return f"{where} still raises UnhashableParamError"
        if all(v.outcome == "hashable" for v in verdicts):
            return f"Streamlit hashes '{dead.meant[0].name}' its default way instead"
        return "Streamlit hashes the objects as if there were no entry"


@dataclass(frozen=True)
class DeadKey:
    reason: str  # why the key never matches
    fix: str  # what to write instead
    raises: bool = False  # Streamlit raises AttributeError on the first call instead
    meant: tuple[ClassRef, ...] = ()  # the classes the author meant, when known


def dead_key(entry: HashFuncsEntry, ctx: CachedContext) -> DeadKey | None:
    """Why the entry's key can never match an object the cached function hashes."""
    if entry.name is not None:
        return _dead_string_key(entry, ctx)
    key = entry.key
    if isinstance(key, nodes.Const):
        return DeadKey(f"{article(type(key.value).__name__)} {type(key.value).__name__} value",
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
        return DeadKey(f"{article(cls.name)} '{cls.name}' object",
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


def _is_metaclass(cls: ClassRef, ctx: CachedContext) -> bool:
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


def _dead_class_key(classes: list[ClassRef], entry: HashFuncsEntry, ctx: CachedContext) -> DeadKey | None:
    for cls in classes:
        facts = ctx.hashability.facts(cls)
        step = _pre_hash_funcs_step(facts.names, ctx.hashability.model)
        if step:
            return DeadKey(f"Streamlit hashes {step} values itself before it looks at hash_funcs",
                           "remove the entry", meant=(cls,))
    if len(classes) != 1 or classes[0].node is None:
        return None
    return _subclass_only(classes[0], entry, ctx)


def _subclass_only(cls: ClassRef, entry: HashFuncsEntry, ctx: CachedContext) -> DeadKey | None:
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


def _keyed_classes(ctx: CachedContext) -> set[ClassRef]:
    keyed: set[ClassRef] = set()
    for entry in ctx.hash_funcs:
        keyed.update(entry.classes)
    return keyed


def observed_classes(ctx: CachedContext) -> set[ClassRef] | None:
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


def _dead_string_key(entry: HashFuncsEntry, ctx: CachedContext) -> DeadKey | None:
    name = entry.name
    model = ctx.hashability.model
    scope = ctx.scope_modules
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
    majors = ctx.model.library_majors
    runtime = type_names.runtime_name(name, majors)
    if runtime is not None and runtime != name:
        version = ""
        library_name = name.split(".")[0]
        major = majors.get(library_name)
        if name in type_names.VERSIONED_SPELLINGS and major is not None:
            version = f" under {library_name} {major}.x"
        public = type_names.VERSIONED_SPELLINGS.get(name, name)
        return DeadKey(f"Streamlit names the type '{runtime}'{version}", f"use '{runtime}' or the class object itself",
                       meant=(ClassRef(library.canonical(public)),))
    module_part, _, last = name.rpartition(".")
    first = name.split(".")[0]
    if module_part and first in type_names.MODULE_ALIASES and not _app_module(first, ctx):
        expanded = type_names.MODULE_ALIASES[first] + name[len(first):]
        spelled = type_names.runtime_name(expanded, majors) or expanded
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


def _runtime_module(cls: ClassRef, ctx: CachedContext) -> str:
    module = ctx.inferrer.module_of(cls.node)
    return module.runtime_name if module else cls.qualname.rpartition(".")[0]


def _app_classes_named(name: str, ctx: CachedContext) -> list[ClassRef]:
    found: list[ClassRef] = []
    for module in ctx.scope_modules:
        for cls in nodes_in(module.tree, nodes.ClassDef):
            if cls.name == name:
                ref = ctx.inferrer.class_ref(cls)
                if ref not in found:
                    found.append(ref)
    return found


def _app_module(dotted: str, ctx: CachedContext) -> Module | None:
    for module in ctx.scope_modules:
        if module.name == dotted and not module.is_entry:
            return module
    return ctx.analysis.project.resolve_import(dotted, ctx.cached.module, 0)


def _binds_otherwise(module_part: str, last: str, ctx: CachedContext) -> bool:
    """Could ``module_part.last`` still be a class the analysis cannot see (a nested or dynamic one)?"""
    if module_part == "__main__":
        return False
    module = _app_module(module_part, ctx)
    if module is None:
        # "pkg.Outer.Inner": the module is a prefix; classes_named would have found it.
        return True
    stmts = module.tree.locals.get(last, [])
    return any(not isinstance(s, (nodes.ClassDef, nodes.ImportFrom, nodes.Import)) for s in stmts)


def _main_is_known(ctx: CachedContext) -> bool:
    """Is every script that runs as ``__main__`` and calls the function in view?"""
    if ctx.cached.module.is_entry:
        return True
    return bool(ctx.sites) and all(site.module.is_entry or site.module is ctx.cached.module for site in ctx.sites)
