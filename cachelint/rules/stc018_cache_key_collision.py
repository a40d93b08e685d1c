"""STC018 cache-key-collision: two cached functions that Streamlit keys as one.

Streamlit keys a cached function by its ``__module__``, ``__qualname__`` and source
text, plus the hashed arguments; closure variables and globals are not in the key.

* Form A: a cached function nested in a factory reads a variable of the factory. Each
  call of the factory makes a function with the same key, so every instance returns
  the result of the first one (streamlit/streamlit#11157).
* Form B: the same cached function (same qualname, byte-identical source) in two
  scripts that Streamlit runs as ``__main__`` (the main script and its pages) reads a
  module-level name bound to different values in each: after one page ran, the other
  page shows its result.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Iterator

import astroid
from astroid import nodes

from cachelint.analysis.walk import nodes_in
from cachelint.analysis.constants import UNKNOWN, literal
from cachelint.analysis.context import CachedContext, ModuleContext
from cachelint.analysis.discovery import CachedFunction, discover
from cachelint.analysis.infer import qualname
from cachelint.analysis.project import Module
from cachelint.analysis.rerun import RerunState
from cachelint.analysis.values import FUNCTION_NODES, ClassObject, Function, ModuleValue
from cachelint.findings import Confidence, Finding, Related
from cachelint.rules.base import Example, Rule

LOOPS = (nodes.For, nodes.While, nodes.Comprehension)


class CacheKeyCollision(Rule):
    """Two cached functions that Streamlit gives one cache key, with different results.

    ## What it does
    **Nested cached functions.** Finds a cached function defined inside another
    function (a factory) that reads a variable of the factory (a parameter, a local
    computed from one, a loop variable, or a local taken from a widget or per-session
    state) that is not one of its own parameters, when the factory is called with
    different values: call sites with different arguments, a call in a loop, or an
    argument that changes between reruns. Not reported: a variable that is a
    constant of the factory, a function, class or module, `self`, a `nonlocal`
    variable, a variable also passed as an argument, a factory called once with one
    value, and functions the factory gives their own `__qualname__` (assigned, or
    through `functools.wraps`).

    **The same function on two pages.** Finds a cached function whose qualified name
    and source text (decorators included) are identical in two scripts of one app
    that Streamlit runs as `__main__` (the main script and `pages/*.py`, and
    `st.Page` files), when it reads a module-level name bound to different values in
    the two scripts; reported at that name's binding, in the script whose path sorts
    last, with both functions as related locations. Functions imported from a shared
    module, and copies that differ in any character (a comment, a space), have their
    own key and are not reported.

    ## Why is this bad?
    A cached function's key is made of its module, its qualified name, its source
    text and its arguments. A closure variable or a global is not part of it. Every
    function a factory makes has the same qualified name
    (`make_loader.<locals>.load`) and the same source, so the second one finds the
    first one's entry and returns its result: the US loader shows the EU sales
    (streamlit/streamlit#11157). Every page runs as `__main__`, so two pages with the
    same function share its entries the same way.

    ## Example
    ```python
    import streamlit as st


    def make_loader(region):
        @st.cache_data
        def load():
            return f"sales for {region}"

        return load


    st.write(make_loader("EU")(), make_loader("US")())
    ```

    ## Use instead
    ```python
    import streamlit as st


    @st.cache_data
    def load(region):
        return f"sales for {region}"


    st.write(load("EU"), load("US"))
    ```
    """

    code = "STC018"
    INVALID = (
        Example("""
            import streamlit as st


            def report(year):
                @st.cache_data
                def totals():
                    return {"year": year}  # expect: STC018

                return totals()


            for year in (2023, 2024):
                st.write(report(year))
        """),
    )
    VALID = (
        Example("""
            import streamlit as st

            UNIT = "EUR"


            def report(year):
                @st.cache_data
                def totals(year):
                    return {"year": year, "unit": UNIT}

                return totals(year)


            for year in (2023, 2024):
                st.write(report(year))
        """),
    )

    # -- form A: a nested cached function reads a variable of its factory ----------------------
    def check(self, ctx: CachedContext) -> Iterator[Finding]:
        cached = ctx.cached
        factories = [f for f in cached.node.node_ancestors() if isinstance(f, FUNCTION_NODES)]
        if not factories or _renamed(cached.node, factories[0]):
            return
        own_nonlocals = {name for node in cached.node.nodes_of_class(nodes.Nonlocal) for name in node.names}
        passed = _names_passed(ctx)
        rerun = RerunState(ctx.body.streamlit)
        seen: set[str] = set()
        for name in _reads_in(cached.node):
            if name.name in seen or name.name in own_nonlocals or name.name in passed:
                continue
            try:
                scope, stmts = name.lookup(name.name)
            except (astroid.AstroidError, AttributeError, KeyError, RecursionError):
                continue
            if scope not in factories or not stmts:
                continue
            seen.add(name.name)
            why = self._varies(ctx, scope, name.name, stmts, rerun)
            if why is None:
                continue
            shown = qualname(cached.node)
            message = (f"cached '{cached.name}' is defined inside '{scope.name}' and reads '{name.name}' of "
                       f"'{scope.name}', which is not part of its cache key: every '{shown}' has one key "
                       f"(module, qualified name and source: streamlit/streamlit#11157), and {why}, so later "
                       f"calls get the first call's result; pass '{name.name}' as an argument of '{cached.name}'")
            yield self.report(ctx, name, message, Confidence.INFERENCE)

    def _varies(self, ctx: CachedContext, factory: nodes.FunctionDef, name: str, stmts: list,
                rerun: RerunState) -> str | None:
        """Why the factory's ``name`` takes different values from call to call, if it visibly does."""
        module = ctx.inferrer.module_of(factory)
        if module is None:
            return None
        params = {p.name for p in _parameters(factory)}
        reasons = []
        for stmt in stmts:
            if not isinstance(stmt, nodes.AssignName):
                return None  # a def, class or import: the same object every time
            parent = stmt.parent
            if isinstance(parent, nodes.Arguments):
                if _is_self(factory, stmt):
                    return None
                reason = self._argument_varies(ctx, factory, stmt.name, rerun)
            elif isinstance(parent, (nodes.For, nodes.Comprehension)) or (
                    isinstance(parent, (nodes.Tuple, nodes.List)) and isinstance(parent.parent, nodes.For)):
                reason = f"'{name}' is a loop variable of '{factory.name}'"
            elif isinstance(parent, (nodes.Assign, nodes.AnnAssign)) and parent.value is not None:
                reason = self._local_varies(ctx, factory, name, parent.value, params, rerun, module)
            else:
                return None
            if reason is None:
                return None
            reasons.append(reason)
        return reasons[-1] if reasons else None  # the binding nearest the read

    def _local_varies(self, ctx: CachedContext, factory: nodes.FunctionDef, name: str, value: nodes.NodeNG,
                      params: set[str], rerun: RerunState, module: Module) -> str | None:
        if literal(value) is not UNKNOWN:
            return None  # a constant of the factory
        if any(isinstance(v, (Function, ClassObject, ModuleValue)) for v in ctx.inferrer.values(value)):
            return None
        source = rerun.varying(value, module)
        if source is not None:
            return f"'{name}' comes from {source.label}, which changes between reruns"
        for read in [value, *value.nodes_of_class(nodes.Name)]:
            if isinstance(read, nodes.Name) and read.name in params:
                try:
                    scope, _ = read.lookup(read.name)
                except (astroid.AstroidError, AttributeError, KeyError, RecursionError):
                    continue
                if scope is factory:
                    reason = self._argument_varies(ctx, factory, read.name, rerun)
                    if reason is not None:
                        return f"'{name}' is computed from its parameter '{read.name}', and {reason}"
        return None

    def _argument_varies(self, ctx: CachedContext, factory: nodes.FunctionDef, param: str,
                         rerun: RerunState) -> str | None:
        """How the calls of ``factory`` pass different values for ``param``, if they visibly do."""
        sites = _factory_sites(ctx, factory)
        shown: dict[str, nodes.NodeNG] = {}
        default = _default(factory, param)
        for site in sites:
            arg = site.value_node(param) if param in site.arguments else default
            if arg is None:
                continue
            module = site.module
            if any(isinstance(p, LOOPS) for p in _ancestors_in_scope(site.call)) and literal(arg) is UNKNOWN:
                return f"'{factory.name}' is called in a loop (line {site.call.lineno}) with different '{param}'"
            source = rerun.varying(arg, module)
            if source is not None:
                return (f"'{factory.name}' gets its '{param}' from {source.label} (line {site.call.lineno}), "
                        f"which changes between reruns")
            shown.setdefault(arg.as_string(), arg)
        if len(shown) > 1:
            values = sorted(shown)[:2]
            return f"'{factory.name}' is called with different '{param}' ({values[0]}, {values[1]})"
        return None

    # -- form B: one function, two pages -------------------------------------------------------
    def check_module(self, ctx: ModuleContext) -> Iterator[Finding]:
        module = ctx.module
        if not module.is_entry or not ctx.cached_functions:
            return
        names = {cached.name for cached in ctx.cached_functions}
        for other in _sibling_scripts(ctx, names):
            if str(other.path) >= str(module.path):
                continue  # each pair is reported once, in the script whose path sorts last
            theirs = {qualname(c.node): c for c in discover(other, ctx.inferrer)}
            for cached in ctx.cached_functions:
                twin = theirs.get(qualname(cached.node))
                if twin is None or _source(cached) != _source(twin):
                    continue
                differing = _differing_globals(cached, module, other)
                if not differing:
                    continue
                name, mine, their = differing[0]
                binding = module.tree.locals[name][0]
                anchor = binding.parent if isinstance(binding, nodes.AssignName) else binding
                message = (f"'{name}' is {mine} here and {their} in {_relative(other.path, module.path)}, and "
                           f"cached '{cached.name}', which reads it, has the same qualified name and source in "
                           f"both scripts; both run as __main__, so Streamlit gives the two one cache key: the "
                           f"page that runs second shows the first one's result; pass '{name}' as an argument, "
                           f"or define the function once in a shared module")
                related = (Related(module.path, cached.node.lineno, cached.node.col_offset,
                                   f"cached '{cached.name}' here"),
                           Related(other.path, twin.node.lineno, twin.node.col_offset,
                                   f"the same cached '{twin.name}' in {other.path.name}"))
                yield self.report(ctx, anchor, message, Confidence.HIGH, related=related)


# -- form A helpers ---------------------------------------------------------------------------


def _reads_in(func: nodes.FunctionDef) -> Iterator[nodes.Name]:
    """Names read in the cached body (nested functions and lambdas included), in order."""
    found = [n for n in func.nodes_of_class(nodes.Name) if not _in_decorators(n, func)]
    yield from sorted(found, key=lambda n: (n.lineno or 0, n.col_offset or 0))


def _in_decorators(name: nodes.Name, func: nodes.FunctionDef) -> bool:
    decorators = func.decorators
    return decorators is not None and any(parent is decorators for parent in name.node_ancestors())


def _renamed(func: nodes.FunctionDef, factory: nodes.FunctionDef) -> bool:
    """Does the factory give each function its own ``__qualname__`` (``f.__qualname__ +=
    ...``, ``functools.wraps``)? Then each has its own key."""
    for node in factory.nodes_of_class(nodes.AssignAttr):
        if node.attrname in ("__qualname__", "__module__") and isinstance(node.expr, nodes.Name) and \
                node.expr.name == func.name:
            return True
    return any(isinstance(d, nodes.Call) and d.func.as_string().rpartition(".")[2] == "wraps"
               for d in (func.decorators.nodes if func.decorators else ()))


def _names_passed(ctx: CachedContext) -> set[str]:
    """Names that appear in the arguments of the cached function's calls."""
    found = set()
    for site in ctx.sites:
        for arg in [*site.call.args, *(k.value for k in site.call.keywords or ())]:
            found |= {n.name for n in arg.nodes_of_class(nodes.Name)}
            if isinstance(arg, nodes.Name):
                found.add(arg.name)
    return found


def _parameters(func: nodes.FunctionDef) -> list[nodes.AssignName]:
    args = func.args
    return list(args.posonlyargs or []) + list(args.args or []) + list(args.kwonlyargs or [])


def _is_self(func: nodes.FunctionDef, param: nodes.AssignName) -> bool:
    return isinstance(func.parent, nodes.ClassDef) and bool(func.args.args) and func.args.args[0] is param


def _default(func: nodes.FunctionDef, param: str) -> nodes.NodeNG | None:
    args = func.args
    positional = list(args.posonlyargs or []) + list(args.args or [])
    defaults = list(args.defaults or [])
    for arg, default in zip(positional[len(positional) - len(defaults):], defaults):
        if arg.name == param:
            return default
    for arg, default in zip(args.kwonlyargs or [], args.kw_defaults or []):
        if arg.name == param:
            return default
    return None


def _factory_sites(ctx: CachedContext, factory: nodes.FunctionDef):
    module = ctx.inferrer.module_of(factory)
    if module is None:
        return []
    pseudo = CachedFunction(factory, module, "data", factory, None, {factory.name})
    return ctx.analysis.call_sites.sites(pseudo)


def _ancestors_in_scope(node: nodes.NodeNG) -> Iterator[nodes.NodeNG]:
    for parent in node.node_ancestors():
        if isinstance(parent, (*FUNCTION_NODES, nodes.Lambda, nodes.ClassDef, nodes.Module)):
            return
        yield parent


# -- form B helpers ---------------------------------------------------------------------------


def _sibling_scripts(ctx: ModuleContext, names: set[str]) -> list[Module]:
    """The other scripts one Streamlit server runs as ``__main__`` with this one: the pages
    of a ``pages/`` folder, the app's main script when the app root has exactly one, and
    the files its ``st.Page(...)`` calls name. Scripts that are separate apps (two main
    scripts side by side) run in separate servers and are left out."""
    project = ctx.project
    here = ctx.module.path
    root = project.app_root(here)
    folder = root / "pages"
    pages = {p.resolve() for p in folder.glob("*.py")} if folder.is_dir() else set()
    entries = [p.resolve() for p in sorted(root.glob("*.py")) if project.is_entry(p.resolve())]
    if not pages and not any("Page(" in (project.text(script) or "") for script in entries):
        return []  # no pages, no st.Page: every script at the root is an app of its own
    targets_of: dict[Path, set[Path]] = {}
    for script in entries:
        text = project.text(script) or ""
        parsed = project.try_module(script) if "Page(" in text else None
        targets_of[script] = _page_targets(parsed, root) if parsed is not None else set()
    named = set().union(*targets_of.values()) if targets_of else set()
    mains = [script for script in entries if script not in named]
    main = set(mains) if len(mains) == 1 else set()
    group: set[Path] = set()
    for script in main:
        if here in targets_of[script] or here == script:
            group |= targets_of[script] | {script}
    if here in pages or here in main:
        group |= pages | main
    group.discard(here)
    defines = re.compile(r"^\s*(?:async\s+)?def\s+(?:%s)\s*\(" % "|".join(map(re.escape, sorted(names))), re.MULTILINE)
    found = []
    for path in sorted(group):
        if not defines.search(project.text(path) or ""):
            continue  # none of this script's cached functions is defined there: nothing to compare
        parsed = project.try_module(path)
        if parsed is not None and parsed.is_entry:
            found.append(parsed)
    return found


def _page_targets(module: Module, root: Path) -> set[Path]:
    """Files named by ``st.Page("path.py")`` in ``module`` (paths relative to the app root)."""
    if "Page" not in module.text:
        return set()
    found = set()
    for call in nodes_in(module.tree, nodes.Call):
        func = call.func
        name = func.attrname if isinstance(func, nodes.Attribute) else getattr(func, "name", "")
        if name != "Page" or not call.args:
            continue
        target = call.args[0]
        if isinstance(target, nodes.Const) and isinstance(target.value, str) and target.value.endswith(".py"):
            path = (root / target.value).resolve()
            if path.is_file():
                found.add(path)
    return found


def _source(cached: CachedFunction) -> str:
    """The text ``inspect.getsource`` gives: from the first decorator to the end of the body."""
    node = cached.node
    first = min([d.lineno for d in node.decorators.nodes] if node.decorators else [node.lineno])
    lines = cached.module.text.splitlines()
    return "\n".join(lines[first - 1:node.end_lineno])


def _differing_globals(cached: CachedFunction, mine: Module, theirs: Module) -> list[tuple[str, str, str]]:
    """Module-level names the function reads that the two scripts bind differently:
    [(name, how here, how there)]."""
    found = []
    seen = set()
    for name in cached.node.nodes_of_class(nodes.Name):
        if name.name in seen:
            continue
        seen.add(name.name)
        try:
            scope, _ = name.lookup(name.name)
        except (astroid.AstroidError, AttributeError, KeyError, RecursionError):
            continue
        if scope is not mine.tree:
            continue
        here, there = _bindings(mine, name.name), _bindings(theirs, name.name)
        if here is None or there is None or here == there:
            continue
        found.append((name.name, _describe(here), _describe(there)))
    return found


def _bindings(module: Module, name: str) -> tuple[str, ...] | None:
    """How ``module`` binds ``name`` at module level (the source of each binding statement);
    None when it does not, or not in a way that can be compared."""
    stmts = module.tree.locals.get(name)
    if not stmts:
        return None
    shown = []
    for stmt in stmts:
        if isinstance(stmt, nodes.AssignName) and isinstance(stmt.parent, (nodes.Assign, nodes.AnnAssign)) and \
                stmt.parent.value is not None and stmt.scope() is module.tree:
            shown.append(stmt.parent.value.as_string())
        elif isinstance(stmt, FUNCTION_NODES + (nodes.ClassDef,)):
            shown.append(stmt.as_string())
        else:
            return None
    return tuple(shown)


def _describe(binding: tuple[str, ...]) -> str:
    text = binding[-1]
    text = " ".join(text.split())
    return text if len(text) <= 40 else text[:37] + "..."


def _relative(other: Path, here: Path) -> str:
    try:
        return other.relative_to(here.parent).as_posix()
    except ValueError:
        try:
            return "../" + other.relative_to(here.parent.parent).as_posix()
        except ValueError:
            return other.name
