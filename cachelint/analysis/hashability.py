"""Can Streamlit hash this value? A walk of the hasher table for one Streamlit release.

The evaluator follows ``_CacheFuncHasher._to_bytes``: the first step whose test
matches decides, containers and dataclasses recurse into their items and fields, and
``hash_funcs`` entries are consulted at every level for the exact type. Anything the
analysis cannot see (a class with an unknown base, a library type not in the tables)
is UNKNOWN, and rules only report UNHASHABLE.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from astroid import nodes

from cachelint.analysis.infer import Inferrer, qualname
from cachelint.analysis.values import (
    BoundMethod,
    ClassObject,
    ClassRef,
    Function,
    Instance,
    ModuleValue,
    Value,
)
from cachelint.streamlit_model import hashing, library
from cachelint.streamlit_model.hashing import HasherModel

UNKNOWN = "unknown"
MAX_DEPTH = 8
DATACLASS_DECORATORS = frozenset({"dataclasses.dataclass", "pydantic.dataclasses.dataclass"})
# What makes a pydantic model write its fields its own way (not judged).
_CUSTOM_SERIALIZERS = ("field_serializer", "model_serializer", "json_encoders", "PlainSerializer",
                       "WrapSerializer", "PlainValidator")


@dataclass(frozen=True)
class Verdict:
    outcome: str  # hashing.HASHABLE, hashing.UNHASHABLE or UNKNOWN
    culprit: Value | None = None  # the innermost value Streamlit fails on
    step: str = ""  # which check of the hasher decided

    @property
    def unhashable(self) -> bool:
        return self.outcome == hashing.UNHASHABLE


HASHABLE = Verdict(hashing.HASHABLE)
NOT_KNOWN = Verdict(UNKNOWN)


@dataclass
class HashFuncsKeys:
    """The types a ``hash_funcs`` table covers: by qualified name or by class."""

    names: set[str] = field(default_factory=set)
    classes: set[nodes.ClassDef] = field(default_factory=set)

    def covers(self, cls: ClassRef, other_names: set[str]) -> bool:
        if cls.node is not None and cls.node in self.classes:
            return True
        return cls.qualname in self.names or bool(other_names & self.names)


@dataclass
class ClassFacts:
    ancestry: list[ClassRef]  # the class first, then its bases, nearest first
    complete: bool  # every base is known
    names: set[str]  # qualified names of the class and its bases (all spellings)


class Hashability:
    def __init__(self, inferrer: Inferrer, model: HasherModel = hashing.LATEST,
                 hashable_types: frozenset[str] = frozenset(), unhashable_types: frozenset[str] = frozenset()):
        self.inferrer = inferrer
        self.model = model
        self.declared_hashable = hashable_types  # the user's word for library types
        self.declared_unhashable = unhashable_types
        self._facts: dict[ClassRef, ClassFacts] = {}
        self._known = {name for step in model.steps for name in step.names} | set(model.reduce_results) | set(
            library.LIBRARY_BASES)

    def verdict(self, value: Value, keys: HashFuncsKeys | None = None, depth: int = 0) -> Verdict:
        keys = keys or HashFuncsKeys()
        if depth > MAX_DEPTH:
            return NOT_KNOWN
        if isinstance(value, Instance):
            return self._instance(value, keys, depth)
        if isinstance(value, (ClassObject, ModuleValue)):
            return HASHABLE
        if isinstance(value, Function):
            if value.node is None:
                return HASHABLE if value.qualname.startswith("builtins.") else NOT_KNOWN
            if "builtins.function" in keys.names:
                return HASHABLE
            return Verdict(self.model.reduce_results.get("builtins.function", UNKNOWN), value, "a function")
        if isinstance(value, BoundMethod):
            # __reduce__ of a bound method is (getattr, (receiver, name)).
            inner = self.verdict(value.function if value.receiver is None else value.receiver, keys, depth + 1)
            return inner if inner.unhashable else NOT_KNOWN if inner.outcome == UNKNOWN else HASHABLE
        return NOT_KNOWN

    # -- instances -------------------------------------------------------------------
    def _instance(self, value: Instance, keys: HashFuncsKeys, depth: int) -> Verdict:
        facts = self.facts(value.cls)
        exact_names = {value.cls.qualname, library.canonical(value.cls.qualname)}
        if not keys.covers(value.cls, self._other_names(value.cls)):
            if facts.names & self.declared_hashable:
                return Verdict(hashing.HASHABLE, step="declared hashable")
            if exact_names & self.declared_unhashable:
                return Verdict(hashing.UNHASHABLE, value, "declared unhashable")
        for step in self.model.steps:
            test = step.test
            if test == "exact":
                matched = bool(exact_names & step.names)
            elif test == "isinstance":
                matched = bool(facts.names & step.names)
                if not matched and not facts.complete:
                    return NOT_KNOWN  # an unknown base might make it match
            elif test == "hash_funcs":
                matched = keys.covers(value.cls, self._other_names(value.cls))
            elif test == "dataclass":
                matched = any(self._is_dataclass(ref) for ref in facts.ancestry)
            elif test == "reduce":
                return self._reduce(value, facts, keys, depth)
            else:  # tests for functions, modules and classes: not an instance
                matched = False
            if not matched:
                continue
            if step.outcome == hashing.ITEMS:
                items = value.items or tuple(self._annotated_fields(facts))
                return self._all(items, keys, depth, step.what)
            if step.outcome == hashing.FIELDS:
                return self._all(tuple(self._annotated_fields(facts, dataclasses_only=True)), keys, depth, step.what)
            if step.outcome == hashing.PARTIAL:
                return self._all(value.items, keys, depth, step.what)
            if step.outcome == hashing.MODEL_JSON:
                return self._model_json(facts, depth, step.what)
            return Verdict(step.outcome, value if step.outcome == hashing.UNHASHABLE else None, step.what)
        return NOT_KNOWN

    def _reduce(self, value: Instance, facts: ClassFacts, keys: HashFuncsKeys, depth: int) -> Verdict:
        for ref in facts.ancestry:
            if ref.node is not None:
                if "__reduce__" in ref.node.locals:
                    return Verdict(hashing.HASHABLE, step="its own __reduce__")
                continue
            outcome = self.model.reduce_results.get(library.canonical(ref.qualname))
            if outcome is None:
                if library.bases_of(library.canonical(ref.qualname)):
                    continue  # a library class that inherits __reduce__ from a base we know
                return NOT_KNOWN
            if outcome == hashing.ITEMS:
                return self._all(value.items, keys, depth, "items")
            why = "object.__reduce__ (copyreg._reconstructor)" if ref.qualname == "builtins.object" else ref.qualname
            return Verdict(outcome, value if outcome == hashing.UNHASHABLE else None, why)
        return NOT_KNOWN

    def _model_json(self, facts: ClassFacts, depth: int, what: str) -> Verdict:
        """A pydantic model is hashed as its ``model_dump_json()``: a field pydantic cannot
        write as JSON (an instance of a plain class, allowed by ``arbitrary_types_allowed``)
        makes it unhashable. hash_funcs do not apply inside; custom serializers are not judged."""
        for ref in facts.ancestry:
            if ref.node is not None and any(word in ref.node.as_string() for word in _CUSTOM_SERIALIZERS):
                return NOT_KNOWN
        return self._all(tuple(self._annotated_fields(facts)), HashFuncsKeys(), depth, what)

    def _all(self, items: tuple, keys: HashFuncsKeys, depth: int, what: str) -> Verdict:
        unknown = False
        for item in sorted(items, key=repr):
            inner = self.verdict(item, keys, depth + 1)
            if inner.unhashable:
                return inner
            unknown = unknown or inner.outcome == UNKNOWN
        return NOT_KNOWN if unknown else Verdict(hashing.HASHABLE, step=what)

    # -- class facts --------------------------------------------------------------------
    def facts(self, cls: ClassRef) -> ClassFacts:
        if cls not in self._facts:
            self._facts[cls] = ClassFacts([], True, set())  # breaks cycles in bad code
            self._facts[cls] = self._compute_facts(cls)
        return self._facts[cls]

    def _compute_facts(self, cls: ClassRef) -> ClassFacts:
        ancestry: list[ClassRef] = []
        complete = True
        queue = [cls]
        while queue and len(ancestry) < 64:
            current = queue.pop(0)
            if current in ancestry:
                continue
            ancestry.append(current)
            if current.node is not None:
                bases, known = self.inferrer.bases(current.node)
                complete = complete and known and self._decorators_known(current.node)
                queue.extend(bases)
                if not current.node.bases:
                    queue.append(ClassRef("builtins.object"))
            else:
                name = library.canonical(current.qualname)
                if name not in self._known and name != "builtins.object":
                    complete = False
                queue.extend(ClassRef(b) for b in library.bases_of(name))
        if ClassRef("builtins.object") in ancestry:  # object comes last in every MRO
            ancestry.remove(ClassRef("builtins.object"))
            ancestry.append(ClassRef("builtins.object"))
        names: set[str] = set()
        for ref in ancestry:
            names.add(library.canonical(ref.qualname))
            names |= self._other_names(ref)
        return ClassFacts(ancestry, complete, names)

    def _other_names(self, cls: ClassRef) -> set[str]:
        """Spellings of an app class's name that a hash_funcs key may use."""
        if cls.node is None:
            return {library.canonical(cls.qualname)}
        module = self.inferrer.module_of(cls.node)
        if module is None:
            return set()
        spellings = self.inferrer.project.module_names(module.path) + [module.name, "__main__"]
        return {f"{name}.{qualname(cls.node)}" for name in spellings}

    def _decorators_known(self, cls: nodes.ClassDef) -> bool:
        """A class decorator may replace the class or add ``__reduce__``: only known ones keep it plain."""
        for dec in cls.decorators.nodes if cls.decorators else ():
            target = dec.func if isinstance(dec, nodes.Call) else dec
            names = {getattr(v, "qualname", None) for v in self.inferrer.values(target)}
            if not names & library.PLAIN_CLASS_DECORATORS:
                return False
        return True

    def _is_dataclass(self, ref: ClassRef) -> bool:
        if ref.node is None or not ref.node.decorators:
            return False
        for dec in ref.node.decorators.nodes:
            target = dec.func if isinstance(dec, nodes.Call) else dec
            for value in self.inferrer.values(target):
                if getattr(value, "qualname", None) in DATACLASS_DECORATORS and value.__class__.__name__ == "External":
                    return True
        return False

    def _annotated_fields(self, facts: ClassFacts, dataclasses_only: bool = False) -> list[Value]:
        """Values of the annotated fields of the app's classes in the ancestry."""
        found: list[Value] = []
        for ref in facts.ancestry:
            if ref.node is None or (dataclasses_only and not self._is_dataclass(ref)):
                continue
            for stmt in ref.node.body:
                if isinstance(stmt, nodes.AnnAssign) and isinstance(stmt.target, nodes.AssignName):
                    text = stmt.annotation.as_string()
                    if "ClassVar" in text or "InitVar" in text:
                        continue
                    found.extend(sorted(self.inferrer.annotation(stmt.annotation), key=repr))
        return found
