"""Symbolic values: what an expression evaluates to, as far as the analysis can tell.

Classes and functions of the app are kept as their astroid definitions; anything from
an installed package is kept by its qualified name (``pandas.DataFrame``) and never
loaded, so inference never pays for parsing pandas or streamlit.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from astroid import nodes

FUNCTION_NODES = (nodes.FunctionDef, nodes.AsyncFunctionDef)


@dataclass(frozen=True)
class ClassRef:
    """A class: one of the app's (``node`` set) or an external one known by name."""

    qualname: str  # "builtins.list", "pandas.DataFrame", or the app class's qualname
    node: nodes.ClassDef | None = None

    @property
    def name(self) -> str:
        return self.node.name if self.node is not None else self.qualname.rpartition(".")[2]

    def __repr__(self) -> str:
        return f"ClassRef({self.qualname})"


@dataclass(frozen=True)
class Instance:
    """An instance of ``cls``; ``items`` are the element types of a container."""

    cls: ClassRef
    items: tuple = ()

    def describe(self) -> str:
        if self.items and self.cls.qualname.startswith("builtins."):
            inner = ", ".join(sorted({v.describe() for v in self.items}))
            return f"{self.cls.name}[{inner}]"
        return self.cls.name


@dataclass(frozen=True)
class ClassObject:
    """A class used as a value (``f(MyClass)``)."""

    cls: ClassRef

    def describe(self) -> str:
        return f"type[{self.cls.name}]"


@dataclass(frozen=True)
class Function:
    """A function of the app (``node``) or an external callable known by name."""

    qualname: str
    node: nodes.FunctionDef | nodes.Lambda | None = None

    def describe(self) -> str:
        if isinstance(self.node, nodes.Lambda):
            return "lambda"
        return f"function {self.qualname.rpartition('.')[2]}"


@dataclass(frozen=True)
class BoundMethod:
    function: Function
    receiver: "Value"

    def describe(self) -> str:
        return f"bound method {self.function.qualname.rpartition('.')[2]}"


@dataclass(frozen=True)
class ModuleValue:
    """A module of the app (``path`` set) or an installed one (then only its name)."""

    name: str
    path: Path | None = None

    def describe(self) -> str:
        return f"module {self.name}"


@dataclass(frozen=True)
class External:
    """A name from outside the app whose kind is not known (``pandas.read_csv``)."""

    qualname: str

    def describe(self) -> str:
        return self.qualname


@dataclass(frozen=True)
class CacheDecorator:
    """``st.cache_data`` / ``st.cache_resource`` itself, or a call of it with options."""

    kind: str  # "data" or "resource"
    call: nodes.Call | None = None  # the call that gave the options


@dataclass(frozen=True)
class CachedCallable:
    """What ``st.cache_data(func)`` returns: the wrapped function, still cached."""

    function: Function
    decorator: CacheDecorator
    call: nodes.Call


Value = Instance | ClassObject | Function | BoundMethod | ModuleValue | External | CacheDecorator | CachedCallable


def builtin(name: str) -> ClassRef:
    return ClassRef(f"builtins.{name}")


def instance_of(qualname: str, items: tuple = ()) -> Instance:
    return Instance(ClassRef(qualname), items)
