"""What Python's ``hash()`` does for an instance of a class, and the class's MRO.

``hash(obj)`` is the object's identity for a plain class, its fields' hash for a
frozen dataclass or pydantic model, and raises for a class that defines ``__eq__``
without ``__hash__`` (Python sets ``__hash__ = None``), a non-frozen dataclass, a
dict/list/set subclass... Rules about ``hash_funcs`` that call ``hash`` ask here.
"""

from __future__ import annotations

from dataclasses import dataclass

from astroid import extract_node, nodes
from astroid.exceptions import AstroidSyntaxError

from cachelint.analysis.infer import Inferrer
from cachelint.analysis.values import ClassObject, ClassRef, External
from cachelint.streamlit_model import library


IDENTITY_HASHED_LIBRARY_CLASSES = frozenset({"builtins.object", "builtins.BaseException", "builtins.Exception"})


# What ``hash(obj)`` does for instances of a class.
IDENTITY = "identity"  # object.__hash__: the object's id
VALUE = "value"  # a __hash__ of the class's own (or a frozen dataclass / pydantic model)
RAISES = "raises"  # __hash__ is None, or the generated __hash__ meets an unhashable field
UNKNOWN = "unknown"


# Library classes whose instances Python cannot hash (``__hash__`` is None).
UNHASHABLE_LIBRARY_CLASSES = {
    "builtins.dict": "dict",
    "builtins.list": "list",
    "builtins.set": "set",
    "builtins.bytearray": "bytearray",
    "collections.OrderedDict": "OrderedDict",
    "collections.defaultdict": "defaultdict",
    "collections.Counter": "Counter",
    "collections.deque": "deque",
}


VALUE_HASHED_LIBRARY_CLASSES = frozenset({
    "builtins.int", "builtins.str", "builtins.float", "builtins.tuple", "builtins.frozenset",
    "builtins.bytes", "builtins.bool", "enum.Enum",
})
PYDANTIC_MODEL = "pydantic.BaseModel"


@dataclass(frozen=True)
class ClassHash:
    kind: str  # IDENTITY, VALUE, RAISES or UNKNOWN
    reason: str = ""  # why hash() raises ("defines __eq__ without __hash__", ...)
    cause: str = ""  # for RAISES: "eq", "none", "dataclass", "pydantic", "container" or "field"


def class_hash(cls: ClassRef, inferrer: Inferrer) -> ClassHash:
    """What ``hash(obj)`` does for an instance of ``cls``: the first class of its MRO that decides."""
    mro = class_mro(cls, inferrer)
    if mro is None:
        return ClassHash(UNKNOWN)
    pydantic = any(library.canonical(ref.qualname) == PYDANTIC_MODEL for ref in mro)
    for ref in mro:
        if ref.node is None:
            return _library_class_hash(library.canonical(ref.qualname), derived=ref is not mro[0])
        decided = _own_hash(ref.node, pydantic, inferrer)
        if decided is not None:
            return decided
    return ClassHash(UNKNOWN)


def _library_class_hash(name: str, derived: bool) -> ClassHash:
    if name in IDENTITY_HASHED_LIBRARY_CLASSES:
        return ClassHash(IDENTITY)
    if name == PYDANTIC_MODEL:
        return ClassHash(RAISES, "it is a pydantic model that is not frozen (BaseModel sets __hash__ to None)",
                         "pydantic")
    if name in UNHASHABLE_LIBRARY_CLASSES:
        kind = UNHASHABLE_LIBRARY_CLASSES[name]
        return ClassHash(RAISES, f"it derives from {kind}" if derived else f"it is a {kind}", "container")
    if name in VALUE_HASHED_LIBRARY_CLASSES:
        return ClassHash(VALUE)
    return ClassHash(UNKNOWN)


def _own_hash(cls: nodes.ClassDef, pydantic: bool, inferrer: Inferrer) -> ClassHash | None:
    """What the body and decorators of ``cls`` itself do to ``__hash__``; None: nothing."""
    hash_stmts = cls.locals.get("__hash__")
    if hash_stmts:
        stmt = hash_stmts[-1]
        if (isinstance(stmt, nodes.AssignName) and isinstance(stmt.parent, nodes.Assign)
                and isinstance(stmt.parent.value, nodes.Const) and stmt.parent.value.value is None):
            return ClassHash(RAISES, f"'{cls.name}' sets __hash__ = None", "none")
        return ClassHash(VALUE)
    if pydantic:
        frozen = _pydantic_frozen(cls)
        if frozen is None:
            return ClassHash(UNKNOWN)
        if frozen:
            return _fields_hash(cls, inferrer, f"'{cls.name}' is a frozen pydantic model")
    dataclass_options = _dataclass_options(cls, inferrer)
    if dataclass_options is not None:
        decided = _dataclass_hash(cls, dataclass_options, inferrer)
        if decided is not None:
            return decided
    if "__eq__" in cls.locals:
        return ClassHash(RAISES, f"'{cls.name}' defines __eq__ without __hash__", "eq")
    if cls.decorators and dataclass_options is None:
        return ClassHash(UNKNOWN)  # a class decorator (attrs...) may add __eq__ / __hash__
    return None


def _dataclass_options(cls: nodes.ClassDef, inferrer: Inferrer) -> dict[str, nodes.NodeNG] | None:
    for dec in cls.decorators.nodes if cls.decorators else ():
        target = dec.func if isinstance(dec, nodes.Call) else dec
        if any(isinstance(v, External) and v.qualname.endswith("dataclass") for v in inferrer.values(target)):
            return {k.arg: k.value for k in dec.keywords or ()} if isinstance(dec, nodes.Call) else {}
    return None


def _dataclass_hash(cls: nodes.ClassDef, options: dict[str, nodes.NodeNG], inferrer: Inferrer) -> ClassHash | None:
    """``dataclasses``' table for ``__hash__``, from the decorator's options."""
    flags = {}
    for name, default in (("eq", True), ("frozen", False), ("unsafe_hash", False)):
        value = options.get(name)
        if value is None:
            flags[name] = default
        elif isinstance(value, nodes.Const) and isinstance(value.value, bool):
            flags[name] = value.value
        else:
            return ClassHash(UNKNOWN)
    if flags["unsafe_hash"] or (flags["eq"] and flags["frozen"]):
        return _fields_hash(cls, inferrer, f"'{cls.name}' is a frozen dataclass")
    if flags["eq"]:
        return ClassHash(RAISES, f"'{cls.name}' is a dataclass that is not frozen (eq=True sets __hash__ to None)",
                         "dataclass")
    return None


def _fields_hash(cls: nodes.ClassDef, inferrer: Inferrer, what: str) -> ClassHash:
    """A generated ``__hash__`` hashes the tuple of the fields: it raises on a list/dict/set field."""
    for stmt in cls.body:
        if not isinstance(stmt, nodes.AnnAssign) or not isinstance(stmt.target, nodes.AssignName):
            continue
        if isinstance(stmt.value, nodes.Call):
            continue  # field(hash=False / compare=False ...), Field(...): not read here
        kind = mutable_container_annotation(stmt.annotation, inferrer)
        if kind is not None:
            return ClassHash(RAISES, f"{what} whose generated __hash__ hashes field '{stmt.target.name}', a {kind}",
                             "field")
    return ClassHash(VALUE)


MUTABLE_CONTAINERS = {
    "builtins.list": "list", "builtins.dict": "dict", "builtins.set": "set", "builtins.bytearray": "bytearray",
    "typing.List": "list", "typing.Dict": "dict", "typing.Set": "set", "typing.DefaultDict": "dict",
    "collections.defaultdict": "dict", "collections.OrderedDict": "dict", "collections.Counter": "dict",
    "collections.deque": "deque",
}


def mutable_container_annotation(annotation: nodes.NodeNG | None, inferrer: Inferrer) -> str | None:
    """"list" for an annotation that is literally a list (``list``, ``list[str]``, ``List[int]``), etc.

    Abstract types (``Sequence``, ``Iterable``, ``Mapping``) and unions are not
    reported: a tuple or a frozenset may stand behind them.
    """
    if isinstance(annotation, nodes.Const) and isinstance(annotation.value, str):
        try:
            annotation = extract_node(annotation.value)
        except (AstroidSyntaxError, ValueError, TypeError):
            return None
    if isinstance(annotation, nodes.Subscript):
        annotation = annotation.value
    if not isinstance(annotation, (nodes.Name, nodes.Attribute)):
        return None
    kinds = set()
    for value in inferrer.values(annotation):
        if isinstance(value, ClassObject) and value.cls.node is None:
            kinds.add(MUTABLE_CONTAINERS.get(value.cls.qualname))
        elif isinstance(value, External):
            kinds.add(MUTABLE_CONTAINERS.get(value.qualname))
        else:
            kinds.add(None)
    return kinds.pop() if len(kinds) == 1 else None


def _pydantic_frozen(cls: nodes.ClassDef) -> bool | None:
    """``frozen`` as the class body of a pydantic model sets it: True, False (not set), None (unreadable)."""
    for keyword in cls.keywords or ():
        if keyword.arg == "frozen":
            return _truth(keyword.value)
    config = cls.locals.get("model_config")
    if config:
        stmt = config[-1]
        value = stmt.parent.value if isinstance(stmt, nodes.AssignName) and isinstance(
            stmt.parent, (nodes.Assign, nodes.AnnAssign)) else None
        if isinstance(value, nodes.Call) and not value.args:
            items = {k.arg: k.value for k in value.keywords or ()}
            if None in items:
                return None  # ConfigDict(**options)
        elif isinstance(value, nodes.Dict):
            items = {}
            for key, item in value.items:
                if not (isinstance(key, nodes.Const) and isinstance(key.value, str)):
                    return None
                items[key.value] = item
        else:
            return None
        return _truth(items["frozen"]) if "frozen" in items else False
    inner = cls.locals.get("Config")
    if inner:
        if not isinstance(inner[-1], nodes.ClassDef):
            return None
        for name in ("frozen", "allow_mutation"):
            stmts = inner[-1].locals.get(name)
            if stmts:
                stmt = stmts[-1]
                if not (isinstance(stmt, nodes.AssignName) and isinstance(stmt.parent, nodes.Assign)):
                    return None
                truth = _truth(stmt.parent.value)
                if truth is None:
                    return None
                return truth if name == "frozen" else not truth
    return False


def _truth(expr: nodes.NodeNG) -> bool | None:
    return expr.value if isinstance(expr, nodes.Const) and isinstance(expr.value, bool) else None


def class_mro(cls: ClassRef, inferrer: Inferrer, depth: int = 0) -> list[ClassRef] | None:
    """C3 linearisation over the app's classes and known library bases; None when a base is unknown."""
    if depth > 24:
        return None
    if cls.node is None:
        name = library.canonical(cls.qualname)
        bases = [ClassRef(b) for b in library.bases_of(name)]
        if name != "builtins.object" and not bases:
            bases = [ClassRef("builtins.object")]
    else:
        refs, complete = inferrer.bases(cls.node)
        if not complete or len(refs) != len(cls.node.bases):
            return None
        bases = refs or [ClassRef("builtins.object")]
    sequences = []
    for base in bases:
        linear = class_mro(base, inferrer, depth + 1)
        if linear is None:
            return None
        sequences.append(linear)
    sequences.append(list(bases))
    result = [cls]
    while any(sequences):
        for sequence in sequences:
            if not sequence:
                continue
            head = sequence[0]
            if not any(head in other[1:] for other in sequences):
                break
        else:
            return None  # no consistent order: Python would refuse the class
        result.append(head)
        sequences = [s[1:] if s and s[0] == head else s for s in sequences]
    return result
