"""Symbolic inference over the app's astroid trees.

Names are resolved with astroid's scope lookup (no imports are executed, no installed
package is parsed); values flow through assignments, imports between the app's
modules, attributes (``self.x = ...`` included), containers, comprehensions, calls of
the app's functions, methods and classes, and a table of well-known library calls.
Every result is a set of possible values; an empty set means "unknown". Work is
bounded by a recursion depth and a per-expression value count.
"""

from __future__ import annotations

from typing import Iterable, Iterator

import astroid
from astroid import nodes

from cachelint.analysis.project import Module, Project
from cachelint.analysis.values import (
    BoundMethod,
    CacheDecorator,
    CachedCallable,
    ClassObject,
    ClassRef,
    External,
    Function,
    Instance,
    ModuleValue,
    Value,
    builtin,
    instance_of,
)
from cachelint.streamlit_model import library
from cachelint.streamlit_model.caching_api import CACHE_DECORATORS

MAX_DEPTH = 12
# Annotations that say nothing about the type a call passes.
OPAQUE_ANNOTATIONS = frozenset({"typing.Any", "builtins.object", "typing.Callable", "collections.abc.Callable",
                                "builtins.complex", "typing.Hashable", "collections.abc.Hashable"})
MAX_VALUES = 24
EMPTY: frozenset = frozenset()

_CONST_TYPES = {str: "str", int: "int", float: "float", bool: "bool", bytes: "bytes",
                complex: "complex", type(None): "NoneType", type(...): "ellipsis"}


def qualname(node: nodes.ClassDef | nodes.FunctionDef) -> str:
    """``__qualname__`` of a class or function, as Python computes it."""
    parts = [node.name]
    parent = node.parent
    while parent is not None and not isinstance(parent, nodes.Module):
        if isinstance(parent, (nodes.FunctionDef, nodes.AsyncFunctionDef)):
            parts.append("<locals>")
            parts.append(parent.name)
        elif isinstance(parent, nodes.ClassDef):
            parts.append(parent.name)
        parent = parent.parent
    return ".".join(reversed(parts))


def _body(func: nodes.FunctionDef | nodes.Lambda) -> list[nodes.NodeNG]:
    return list(func.body) if isinstance(func.body, list) else [func.body]  # a copy: callers pop from it


def returns_of(func: nodes.FunctionDef) -> Iterator[nodes.Return]:
    """The function's own return statements (not those of nested functions)."""
    stack = _body(func)
    while stack:
        node = stack.pop()
        if isinstance(node, nodes.Return):
            yield node
        if isinstance(node, (nodes.FunctionDef, nodes.AsyncFunctionDef, nodes.ClassDef, nodes.Lambda)):
            continue
        stack.extend(node.get_children())


def assigned_values(name: nodes.Name) -> list[nodes.NodeNG | None]:
    """For each binding of ``name`` visible where it stands, the value a plain
    ``name = value`` assigns (None for any other kind of binding: import, def, loop...)."""
    try:
        _, stmts = name.lookup(name.name)
    except Exception:  # noqa: BLE001 - astroid lookup on odd code
        return []
    return [s.parent.value if isinstance(s, nodes.AssignName) and isinstance(s.parent, nodes.Assign) else None
            for s in stmts]


def is_generator(func: nodes.FunctionDef) -> bool:
    stack = _body(func)
    while stack:
        node = stack.pop()
        if isinstance(node, (nodes.Yield, nodes.YieldFrom)):
            return True
        if isinstance(node, (nodes.FunctionDef, nodes.AsyncFunctionDef, nodes.ClassDef, nodes.Lambda)):
            continue
        stack.extend(node.get_children())
    return False


def decorator_names(func: nodes.FunctionDef | nodes.ClassDef) -> set[str]:
    """Last dotted component of each decorator (``functools.cache`` -> ``cache``)."""
    names = set()
    for dec in func.decorators.nodes if func.decorators else ():
        target = dec.func if isinstance(dec, nodes.Call) else dec
        if isinstance(target, nodes.Name):
            names.add(target.name)
        elif isinstance(target, nodes.Attribute):
            names.add(target.attrname)
    return names


class BudgetExceeded(Exception):
    """The analysis of one cached function ran past its budget of inference steps."""


class Inferrer:
    def __init__(self, project: Project):
        self.project = project
        # Results that did not hit the depth limit or a cycle hold whatever order the
        # questions come in, so they are kept for the run. Cut-short ones are kept only
        # for the current top-level question: results never depend on file order.
        self._memo: dict[nodes.NodeNG, frozenset] = {}
        self._partial: dict[nodes.NodeNG, frozenset] = {}
        self._active: set[nodes.NodeNG] = set()
        self._depth = 0
        self._cuts = 0
        self.steps = 0  # expressions inferred so far (memo misses): the unit of work
        self._step_limit: int | None = None

    # -- entry points -------------------------------------------------------------
    def values(self, expr: nodes.NodeNG | None) -> frozenset:
        """Possible values of an expression."""
        if expr is None:
            return EMPTY
        if expr in self._memo:
            return self._memo[expr]
        if self._depth == 0:
            self._partial.clear()
        elif expr in self._partial:
            return self._partial[expr]
        if expr in self._active or self._depth >= MAX_DEPTH:
            self._cuts += 1
            return EMPTY
        self._check_budget()
        cuts_before = self._cuts
        self._active.add(expr)
        self._depth += 1
        try:
            result = frozenset(self._limit(self._values(expr)))
        except (RecursionError, astroid.AstroidError, AttributeError, ValueError, TypeError, KeyError):
            result = EMPTY
        finally:
            self._depth -= 1
            self._active.discard(expr)
        if self._cuts == cuts_before:
            self._memo[expr] = result
        else:
            self._partial[expr] = result
        return result

    def _check_budget(self) -> None:
        self.steps += 1
        if self._step_limit is not None and self.steps > self._step_limit:
            raise BudgetExceeded

    def set_budget(self, steps: int | None) -> None:
        """Allow ``steps`` more inference steps before BudgetExceeded (None: no limit).

        Steps, not seconds: the same code always takes the same number of steps (the memo
        of one file's analysis starts empty), so the same input gives the same result on a
        busy CI runner as on an idle laptop."""
        self._step_limit = None if steps is None else self.steps + steps

    def check_budget(self) -> None:
        """Count one step of work that is not inference (reading a caller's module...)."""
        self._check_budget()

    def lookup(self, anchor: nodes.NodeNG, name: str) -> frozenset:
        """Values a name can have where ``anchor`` stands."""
        try:
            scope, stmts = anchor.lookup(name)
        except (astroid.AstroidError, AttributeError, KeyError, RecursionError):
            return EMPTY
        if isinstance(scope, nodes.Module) and scope.name == "builtins":
            return frozenset(self._builtin(name, stmts))
        found: set[Value] = set()
        for stmt in stmts:
            found |= self._binding(stmt, name)
        return frozenset(self._limit(found))

    def annotation(self, expr: nodes.NodeNG | None) -> frozenset:
        """Values an annotation allows (instances of the annotated types)."""
        if expr is None:
            return EMPTY
        return frozenset(self._limit(self._annotation(expr, expr, 0)))

    def class_object(self, expr: nodes.NodeNG) -> list[ClassRef]:
        """Classes an expression (a base, a hash_funcs key) names."""
        return [v.cls for v in self.values(expr) if isinstance(v, ClassObject)] + [
            ClassRef(library.canonical(v.qualname)) for v in self.values(expr)
            if isinstance(v, External) and library.looks_like_class(v.qualname)
        ]

    def module_of(self, node: nodes.NodeNG) -> Module | None:
        return self.project.module_of(node)

    # -- expressions ----------------------------------------------------------------
    def _values(self, expr: nodes.NodeNG) -> Iterable[Value]:
        if isinstance(expr, nodes.Name):
            return self.lookup(expr, expr.name)
        if isinstance(expr, nodes.Attribute):
            return self._attribute_values(expr)
        if isinstance(expr, nodes.Call):
            return self._call_values(expr)
        if isinstance(expr, nodes.Const):
            return {builtin_instance(_CONST_TYPES.get(type(expr.value), "object"))}
        if isinstance(expr, (nodes.List, nodes.Tuple, nodes.Set)):
            kind = {nodes.List: "list", nodes.Tuple: "tuple", nodes.Set: "set"}[type(expr)]
            return {Instance(builtin(kind), self._items(expr.elts))}
        if isinstance(expr, nodes.Dict):
            elements = [part for pair in expr.items for part in pair]
            return {Instance(builtin("dict"), self._items(elements))}
        if isinstance(expr, (nodes.ListComp, nodes.SetComp)):
            kind = "list" if isinstance(expr, nodes.ListComp) else "set"
            return {Instance(builtin(kind), self._items([expr.elt]))}
        if isinstance(expr, nodes.DictComp):
            return {Instance(builtin("dict"), self._items([expr.key, expr.value]))}
        if isinstance(expr, nodes.GeneratorExp):
            return {Instance(builtin("generator"), self._items([expr.elt]))}
        if isinstance(expr, nodes.JoinedStr):
            return {builtin_instance("str")}
        if isinstance(expr, nodes.Lambda):
            return {Function("<lambda>", expr)}
        if isinstance(expr, nodes.IfExp):
            return self.values(expr.body) | self.values(expr.orelse)
        if isinstance(expr, nodes.BoolOp):
            return set().union(*(self.values(v) for v in expr.values))
        if isinstance(expr, nodes.NamedExpr):
            return self.values(expr.value)
        if isinstance(expr, nodes.Subscript):
            return self._subscript_values(expr)
        if isinstance(expr, nodes.BinOp):
            return self._binop_values(expr)
        return EMPTY

    def _items(self, elements: Iterable[nodes.NodeNG]) -> tuple:
        items: set[Value] = set()
        for element in elements:
            if element is None or isinstance(element, nodes.Starred):
                continue
            items |= self.values(element)
        return tuple(sorted(self._limit(items), key=repr))

    def _subscript_values(self, expr: nodes.Subscript) -> set[Value]:
        found: set[Value] = set()
        for container in self.values(expr.value):
            if isinstance(container, Instance) and container.items:
                if container.cls.qualname == "builtins.dict":
                    found |= set(container.items)  # keys and values are kept together
                else:
                    found |= set(container.items)
        return found

    def _binop_values(self, expr: nodes.BinOp) -> set[Value]:
        left, right = self.values(expr.left), self.values(expr.right)
        if expr.op == "%" and any(v == builtin_instance("str") for v in left):
            return {builtin_instance("str")}
        found: set[Value] = set()
        for value in left:
            if isinstance(value, Instance) and value.cls.qualname in ("builtins.list", "builtins.tuple", "builtins.str"):
                if any(isinstance(r, Instance) and r.cls == value.cls for r in right):
                    items = set(value.items).union(*(r.items for r in right if isinstance(r, Instance)))
                    found.add(Instance(value.cls, tuple(sorted(items, key=repr))))
        return found

    # -- names ----------------------------------------------------------------------
    def _builtin(self, name: str, stmts: list) -> set[Value]:
        if not stmts:
            return set()
        stmt = stmts[0]
        if isinstance(stmt, nodes.ClassDef):
            return {ClassObject(builtin(name))}
        return {Function(f"builtins.{name}")}

    def _binding(self, stmt: nodes.NodeNG, name: str) -> set[Value]:
        module = self.module_of(stmt)
        if isinstance(stmt, nodes.ClassDef):
            return {ClassObject(self.class_ref(stmt))}
        if isinstance(stmt, (nodes.FunctionDef, nodes.AsyncFunctionDef)):
            return {Function(self.function_qualname(stmt), stmt)}
        if isinstance(stmt, nodes.Import):
            for modname, alias in stmt.names:
                if (alias or modname.split(".")[0]) == name:
                    target = modname if alias else modname.split(".")[0]
                    return {self._module_value(target, module, 0)}
            return set()
        if isinstance(stmt, nodes.ImportFrom):
            for imported, alias in stmt.names:
                if (alias or imported) == name:
                    return self._from_import(stmt, imported, module)
            return set()
        if isinstance(stmt, nodes.AssignName):
            return self._assigned(stmt)
        return set()

    def _module_value(self, modname: str, importer: Module | None, level: int) -> Value:
        if importer is not None:
            found = self.project.resolve_import(modname, importer, level)
            if found is not None:
                return ModuleValue(found.name, found.path)
        return ModuleValue(modname)  # an installed module: known by name only

    def _from_import(self, stmt: nodes.ImportFrom, imported: str, importer: Module | None) -> set[Value]:
        level = stmt.level or 0
        if importer is None:
            return {self._external(f"{stmt.modname}.{imported}")} if not level else set()
        source = self._module_value(stmt.modname, importer, level)
        if level and source.path is None:
            return set()
        return self._module_attribute(source, imported)

    def _module_attribute(self, module_value: ModuleValue, name: str) -> set[Value]:
        if module_value.path is None:
            return {self._external(f"{module_value.name}.{name}")}
        module = self.project.try_module(module_value.path)
        if module is None:
            return set()
        stmts = module.tree.locals.get(name)
        if stmts:
            found: set[Value] = set()
            for stmt in stmts[-3:]:
                found |= self._binding(stmt, name)
            return found
        if module.path.name == "__init__.py":  # a submodule of a package
            sub = self.project.resolve_import(name, module, 1)
            if sub is not None:
                return {ModuleValue(sub.name, sub.path)}
        return set()

    def _external(self, qualname: str) -> Value:
        kind = CACHE_DECORATORS.get(qualname)
        if kind is not None:
            return CacheDecorator(kind)
        return External(qualname)

    def _assigned(self, target: nodes.AssignName) -> set[Value]:
        parent = target.parent
        if isinstance(parent, nodes.Arguments):
            return set(self.parameter(parent.parent, target.name))
        if isinstance(parent, (nodes.Assign, nodes.AnnAssign)) and parent.value is not None:
            if isinstance(parent, nodes.AnnAssign) and parent.value is None:
                return set(self.annotation(parent.annotation))
            return set(self.values(parent.value))
        if isinstance(parent, nodes.AnnAssign):
            return set(self.annotation(parent.annotation))
        if isinstance(parent, nodes.NamedExpr):
            return set(self.values(parent.value))
        if isinstance(parent, (nodes.Tuple, nodes.List)):
            return self._unpacked(target)
        if isinstance(parent, (nodes.For, nodes.Comprehension)):
            return self._element_values(parent.iter)
        if isinstance(parent, nodes.With):
            for expr, var in parent.items:
                if var is target:
                    return set(self.values(expr))
        if isinstance(parent, nodes.ExceptHandler) and parent.type is not None:
            return {Instance(c) for c in self.class_object(parent.type)}
        return set()

    def _unpacked(self, target: nodes.AssignName) -> set[Value]:
        """``a, b = x, y`` and ``for k, v in ...``: match positions where the value shows them."""
        container = target.parent
        position = container.elts.index(target)
        holder = container.parent
        if isinstance(holder, nodes.Assign) and isinstance(holder.value, (nodes.Tuple, nodes.List)):
            elts = holder.value.elts
            if len(elts) == len(container.elts) and not any(isinstance(e, nodes.Starred) for e in elts):
                return set(self.values(elts[position]))
        return set()

    def _element_values(self, iterable: nodes.NodeNG) -> set[Value]:
        found: set[Value] = set()
        for value in self.values(iterable):
            if isinstance(value, Instance) and value.cls.qualname != "builtins.dict":
                found |= set(value.items)
        return found

    # -- parameters -------------------------------------------------------------------
    def parameter(self, func: nodes.NodeNG, name: str) -> frozenset:
        """What a parameter holds inside its function, from the signature alone."""
        if not isinstance(func, (nodes.FunctionDef, nodes.AsyncFunctionDef, nodes.Lambda)):
            return EMPTY
        args = func.args
        positional = (args.posonlyargs or []) + (args.args or [])
        if isinstance(func, nodes.FunctionDef) and positional and positional[0].name == name:
            owner = func.parent
            if isinstance(owner, nodes.ClassDef):
                kinds = decorator_names(func)
                if "staticmethod" not in kinds:
                    cls = self.class_ref(owner)
                    return frozenset({ClassObject(cls) if "classmethod" in kinds else Instance(cls)})
        annotation, default = self.signature_of(func, name)
        if annotation is not None:
            return self.annotation(annotation)
        if default is not None:
            return self.values(default)
        return EMPTY

    @staticmethod
    def signature_of(func: nodes.FunctionDef, name: str) -> tuple[nodes.NodeNG | None, nodes.NodeNG | None]:
        """(annotation, default) of parameter ``name``."""
        args = func.args
        positional = (args.posonlyargs or []) + (args.args or [])
        annotations = (args.posonlyargs_annotations or []) + (args.annotations or [])
        for index, arg in enumerate(positional):
            if arg.name == name:
                offset = index - (len(positional) - len(args.defaults or []))
                default = args.defaults[offset] if offset >= 0 else None
                return (annotations[index] if index < len(annotations) else None), default
        for index, arg in enumerate(args.kwonlyargs or []):
            if arg.name == name:
                annotation = args.kwonlyargs_annotations[index] if args.kwonlyargs_annotations else None
                default = args.kw_defaults[index] if args.kw_defaults else None
                return annotation, default
        return None, None

    # -- attributes ---------------------------------------------------------------------
    def _attribute_values(self, expr: nodes.Attribute) -> set[Value]:
        found: set[Value] = set()
        for owner in self.values(expr.expr):
            found |= self.attribute(owner, expr.attrname)
        return found

    def attribute(self, owner: Value, name: str) -> set[Value]:
        if isinstance(owner, ModuleValue):
            return self._module_attribute(owner, name)
        if isinstance(owner, External):
            return {self._external(f"{owner.qualname}.{name}")}
        if isinstance(owner, CacheDecorator):
            return set()
        if isinstance(owner, (Instance, ClassObject)) and owner.cls.node is not None:
            return self._class_attribute(owner, name)
        return set()

    def _class_attribute(self, owner: Instance | ClassObject, name: str) -> set[Value]:
        found: set[Value] = set()
        for cls in self.project_mro(owner.cls.node):
            stmts = cls.locals.get(name)
            if stmts:
                for stmt in stmts[-3:]:
                    found |= self._member(stmt, owner, name)
                return found
            if isinstance(owner, Instance):
                for assign in self._instance_assignments(cls, name):
                    found |= self.values(assign)
                if found:
                    return found
        return found

    def _member(self, stmt: nodes.NodeNG, owner: Instance | ClassObject, name: str) -> set[Value]:
        if isinstance(stmt, (nodes.FunctionDef, nodes.AsyncFunctionDef)):
            function = Function(self.function_qualname(stmt), stmt)
            kinds = decorator_names(stmt)
            if "property" in kinds or "cached_property" in kinds:
                return self.returned(stmt) if isinstance(owner, Instance) else set()
            if "staticmethod" in kinds:
                return {function}
            if "classmethod" in kinds:
                return {BoundMethod(function, ClassObject(owner.cls))}
            return {BoundMethod(function, owner)} if isinstance(owner, Instance) else {function}
        if isinstance(stmt, nodes.AssignName) and isinstance(stmt.parent, nodes.AnnAssign) and stmt.parent.value is None:
            return set(self.annotation(stmt.parent.annotation)) if isinstance(owner, Instance) else set()
        return self._binding(stmt, name)

    def instance_attribute_names(self, cls: nodes.ClassDef, public_only: bool = True) -> list[str]:
        """Names in an instance's ``__dict__``: annotated fields (not ClassVar), then every
        ``self.x = ...`` of its methods; ``public_only`` leaves out ``_private`` ones."""
        names: list[str] = []
        for current in self.project_mro(cls):
            for stmt in current.body:
                if isinstance(stmt, nodes.AnnAssign) and isinstance(stmt.target, nodes.AssignName):
                    if "ClassVar" not in stmt.annotation.as_string():
                        names.append(stmt.target.name)
            for method in current.mymethods():
                if not method.args.args:
                    continue
                this = method.args.args[0].name
                for node in method.nodes_of_class(nodes.AssignAttr):
                    if isinstance(node.expr, nodes.Name) and node.expr.name == this:
                        names.append(node.attrname)
        return [n for n in dict.fromkeys(names) if not (public_only and n.startswith("_"))]

    @staticmethod
    def _instance_assignments(cls: nodes.ClassDef, name: str) -> Iterator[nodes.NodeNG]:
        """Values assigned to ``self.<name>`` in the class's methods."""
        for method in cls.mymethods():
            if not method.args.args:
                continue
            this = method.args.args[0].name
            for node in method.nodes_of_class(nodes.AssignAttr):
                if node.attrname == name and isinstance(node.expr, nodes.Name) and node.expr.name == this:
                    parent = node.parent
                    if isinstance(parent, (nodes.Assign, nodes.AnnAssign)) and parent.value is not None:
                        if isinstance(parent, nodes.AnnAssign):
                            yield parent.annotation  # the annotation tells more than the value
                        else:
                            yield parent.value

    # -- calls ----------------------------------------------------------------------------
    def _call_values(self, call: nodes.Call) -> set[Value]:
        found: set[Value] = set()
        for callee in self.values(call.func):
            found |= self.call_result(callee, call)
        return found

    def call_result(self, callee: Value, call: nodes.Call) -> set[Value]:
        if isinstance(callee, ClassObject):
            return self._construct(callee.cls, call)
        if isinstance(callee, Function):
            if callee.node is None:
                return self._library_call(callee.qualname, call)
            return self.returned(callee.node)
        if isinstance(callee, BoundMethod):
            return self.returned(callee.function.node) if callee.function.node is not None else set()
        if isinstance(callee, CachedCallable):
            return self.returned(callee.function.node)
        if isinstance(callee, CacheDecorator):
            wrapped = self._wrapped_function(call)
            if callee.call is None and wrapped is None:
                return {CacheDecorator(callee.kind, call)}
            if wrapped is not None:
                return {CachedCallable(wrapped, callee if callee.call is not None else CacheDecorator(callee.kind, call), call)}
            return set()
        if isinstance(callee, External):
            return self._library_call(callee.qualname, call)
        return set()

    def _wrapped_function(self, call: nodes.Call) -> Function | None:
        if len(call.args) != 1:
            return None
        for value in self.values(call.args[0]):
            if isinstance(value, Function) and isinstance(value.node, (nodes.FunctionDef, nodes.AsyncFunctionDef)):
                return value
        return None

    def _construct(self, cls: ClassRef, call: nodes.Call) -> set[Value]:
        name = cls.qualname
        if cls.node is None and name in ("builtins.list", "builtins.tuple", "builtins.set", "builtins.frozenset"):
            items = self._element_values(call.args[0]) if call.args else set()
            return {Instance(cls, tuple(sorted(items, key=repr)))}
        if cls.node is None and name == "builtins.type":
            return set()
        return {Instance(cls)}

    def _library_call(self, qualname: str, call: nodes.Call) -> set[Value]:
        qualname = library.canonical(qualname)
        if qualname == "functools.partial" and call.args:
            items = self._items(call.args)
            return {Instance(ClassRef("functools.partial"), items)}
        if qualname in library.CLASS_FACTORIES:
            return {ClassObject(ClassRef(library.CLASS_FACTORIES[qualname]))}
        if qualname in library.CALL_RESULTS:
            return {instance_of(library.CALL_RESULTS[qualname])}
        if qualname.startswith("builtins."):
            return set()
        last = qualname.rpartition(".")[2]
        if last[:1].isupper() and not last.isupper():  # CapWords: a class by convention
            return {Instance(ClassRef(qualname))}
        return set()

    def returned(self, func: nodes.FunctionDef | nodes.Lambda) -> set[Value]:
        """What calling the app's function gives."""
        if isinstance(func, nodes.Lambda):
            return set(self.values(func.body))
        if isinstance(func, nodes.AsyncFunctionDef):
            return {instance_of("builtins.coroutine")}
        if is_generator(func):
            return {instance_of("builtins.generator")}
        if func.returns is not None:
            declared = self.annotation(func.returns)
            if declared:
                return set(declared)
        found: set[Value] = set()
        for ret in returns_of(func):
            found |= self.values(ret.value) if ret.value is not None else {builtin_instance("NoneType")}
        return found

    # -- classes -------------------------------------------------------------------------
    def class_ref(self, node: nodes.ClassDef) -> ClassRef:
        module = self.module_of(node)
        prefix = module.runtime_name if module else node.root().name
        return ClassRef(f"{prefix}.{qualname(node)}", node)

    def function_qualname(self, node: nodes.FunctionDef) -> str:
        module = self.module_of(node)
        prefix = module.runtime_name if module else node.root().name
        return f"{prefix}.{qualname(node)}"

    def bases(self, cls: nodes.ClassDef) -> tuple[list[ClassRef], bool]:
        """The classes ``cls`` derives from, and whether all of them are known."""
        found: list[ClassRef] = []
        complete = True
        for base in cls.bases:
            expr = base.value if isinstance(base, nodes.Subscript) else base  # Generic[T], list[int]
            refs = self.class_object(expr)
            if not refs:
                complete = False
            found.extend(refs[:1])
        metaclass = getattr(cls, "_metaclass", None)
        if metaclass is not None:
            names = {ref.qualname for ref in self.class_object(metaclass)}
            if not names or not names <= {"abc.ABCMeta", "builtins.type"}:
                complete = False  # a metaclass can change what instances are and answer
        return found, complete

    def project_mro(self, cls: nodes.ClassDef, limit: int = 32) -> list[nodes.ClassDef]:
        """The app's own classes in ``cls``'s ancestry, nearest first (depth-first, de-duplicated)."""
        order: list[nodes.ClassDef] = []
        stack = [cls]
        while stack and len(order) < limit:
            current = stack.pop(0)
            if current in order:
                continue
            order.append(current)
            stack.extend(ref.node for ref in self.bases(current)[0] if ref.node is not None)
        return order

    # -- annotations ------------------------------------------------------------------------
    def _annotation(self, expr: nodes.NodeNG, anchor: nodes.NodeNG, depth: int) -> set[Value]:
        if depth > 6:
            return set()
        if isinstance(expr, nodes.Const):
            if expr.value is None:
                return {builtin_instance("NoneType")}
            if isinstance(expr.value, str):
                try:
                    parsed = astroid.extract_node(expr.value)
                except (astroid.AstroidSyntaxError, ValueError, TypeError):
                    return set()
                return self._annotation(parsed, anchor, depth + 1)
            return set()
        if isinstance(expr, nodes.BinOp) and expr.op == "|":
            return self._annotation(expr.left, anchor, depth + 1) | self._annotation(expr.right, anchor, depth + 1)
        if isinstance(expr, nodes.Subscript):
            return self._generic(expr, anchor, depth)
        if isinstance(expr, (nodes.Name, nodes.Attribute)):
            return {self._as_instance(v) for v in self._names_in_annotation(expr, anchor)} - {None}
        return set()

    def _names_in_annotation(self, expr: nodes.NodeNG, anchor: nodes.NodeNG) -> frozenset:
        """Resolve a name of an annotation; a parsed string annotation resolves where it was written."""
        if isinstance(expr, nodes.Name):
            values = self.lookup(expr if expr.root() is anchor.root() else anchor, expr.name)
            if not values:
                # Forward references ("Invoice" defined further down, or any annotation
                # under ``from __future__ import annotations``) see the whole module.
                found: set[Value] = set()
                for stmt in anchor.root().locals.get(expr.name, [])[-3:]:
                    found |= self._binding(stmt, expr.name)
                values = frozenset(found)
            return values
        if isinstance(expr, nodes.Attribute):
            found: set[Value] = set()
            for owner in self._names_in_annotation(expr.expr, anchor):
                found |= self.attribute(owner, expr.attrname)
            return frozenset(found)
        return EMPTY

    def _as_instance(self, value: Value) -> Value | None:
        if isinstance(value, ClassObject):
            # `x: object` accepts anything; `x: complex` accepts floats and ints too (PEP 484).
            return None if value.cls.qualname in OPAQUE_ANNOTATIONS else Instance(value.cls)
        if isinstance(value, External):
            name = library.canonical(value.qualname)
            if name in OPAQUE_ANNOTATIONS:
                return None
            return Instance(ClassRef(name))
        return None

    def _generic(self, expr: nodes.Subscript, anchor: nodes.NodeNG, depth: int) -> set[Value]:
        origins = self._names_in_annotation(expr.value, anchor)
        names = {library.canonical(v.qualname) if isinstance(v, External) else
                 (v.cls.qualname if isinstance(v, ClassObject) else None) for v in origins}
        args = expr.slice.elts if isinstance(expr.slice, nodes.Tuple) else [expr.slice]
        if names & {"typing.Optional"}:
            return self._annotation(args[0], anchor, depth + 1) | {builtin_instance("NoneType")}
        if names & {"typing.Union"}:
            return set().union(*(self._annotation(a, anchor, depth + 1) for a in args))
        if names & {"typing.Annotated", "typing_extensions.Annotated"}:
            return self._annotation(args[0], anchor, depth + 1)
        if names & {"typing.ClassVar", "typing.Final", "typing.Literal", "typing.Type", "builtins.type",
                    "typing.Callable", "collections.abc.Callable"}:
            return set()
        items: set[Value] = set()
        for arg in args:
            if not (isinstance(arg, nodes.Const) and arg.value is Ellipsis):
                items |= self._annotation(arg, anchor, depth + 1)
        item_tuple = tuple(sorted(items, key=repr))
        found: set[Value] = set()
        for name in names - {None}:
            if name in ("builtins.list", "builtins.tuple", "builtins.dict", "builtins.set", "builtins.frozenset"):
                found.add(Instance(ClassRef(name), item_tuple))
            elif name.startswith(("typing.", "collections.abc.")):
                last = name.rpartition(".")[2]
                kind = {"Iterable": "list", "Collection": "list", "AbstractSet": "set", "MutableSet": "set",
                        "Iterator": None, "Generator": None}.get(last, None)
                if kind:
                    found.add(Instance(builtin(kind), item_tuple))
            else:
                found.add(Instance(ClassRef(name)))
        for value in origins:
            if isinstance(value, ClassObject) and value.cls.node is not None:
                found.add(Instance(value.cls))
        return found

    @staticmethod
    def _limit(values: Iterable[Value]) -> set[Value]:
        values = set(values)
        if len(values) > MAX_VALUES:
            return set(sorted(values, key=repr)[:MAX_VALUES])
        return values


def builtin_instance(name: str) -> Instance:
    return Instance(builtin(name))
