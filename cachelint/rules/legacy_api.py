"""Uses of the legacy caching APIs (``st.cache``, ``st.experimental_memo``,
``st.experimental_singleton``) and their migration to ``st.cache_data`` /
``st.cache_resource``: found once per module for the two rules that report them, STC011
where the target release no longer has the API and STC025 where it still works."""

from __future__ import annotations

from dataclasses import dataclass, field

from astroid import nodes

import libcst as cst
from libcst.metadata import Assignment, GlobalScope, ImportAssignment

from cachelint.analysis.walk import nodes_in
from cachelint.analysis.constants import UNKNOWN, literal
from cachelint.analysis.infer import Inferrer
from cachelint.analysis.project import Module
from cachelint.analysis.values import ModuleValue
from cachelint.findings import Fix
from cachelint.fixes.edits import CstIndex, Edits, arg_has_inner_comment, fix_for, index_of
from cachelint.analysis.context import ModuleContext
from cachelint.streamlit_model.cache_options import NEW_NAMES, REMOVED_APIS, CacheApiModel, LegacyStatus, RemovedApi

STREAMLIT = "streamlit"
# Exceptions whose handler makes a removed-API access a deliberate fallback.
_FALLBACK_ERRORS = frozenset({"AttributeError", "ImportError", "ModuleNotFoundError", "Exception", "BaseException"})
_VERSION_WORDS = ("version", "hasattr", "getattr", "cache_data", "cache_resource")


@dataclass(frozen=True, eq=False)
class RemovedUse:
    """A place where the app reaches a removed caching API."""

    node: nodes.Attribute | nodes.ImportFrom  # ``st.cache`` or ``from streamlit import cache``
    apis: tuple[RemovedApi, ...]  # one for an attribute; the removed names of an import


def removed_api_uses(module: Module, inferrer: Inferrer) -> list[RemovedUse]:
    """Accesses to ``st.cache`` / ``st.experimental_memo`` / ``st.experimental_singleton``
    and imports of them that run on current Streamlit (version-guarded fallbacks and
    names the app itself puts back on ``streamlit`` are left alone)."""
    restored = _restored_names(module, inferrer)
    found: list[RemovedUse] = []
    for node in nodes_in(module.tree, (nodes.Attribute, nodes.ImportFrom)):
        if isinstance(node, nodes.Attribute):
            api = _removed_attribute(node, inferrer)
            if api is not None and api.name not in restored and not _guarded(node):
                found.append(RemovedUse(node, (api,)))
        elif node.modname == STREAMLIT and not node.level:
            apis = tuple(REMOVED_APIS[f"{STREAMLIT}.{name}"] for name, _ in node.names
                         if f"{STREAMLIT}.{name}" in REMOVED_APIS and name not in restored)
            if apis and not _guarded(node):
                found.append(RemovedUse(node, apis))
    return sorted(found, key=lambda u: (u.node.lineno, u.node.col_offset))


def _removed_attribute(node: nodes.Attribute, inferrer: Inferrer) -> RemovedApi | None:
    if f"{STREAMLIT}.{node.attrname}" not in REMOVED_APIS:
        return None
    owners = inferrer.values(node.expr)
    if not owners or any(not (isinstance(v, ModuleValue) and v.name == STREAMLIT and v.path is None) for v in owners):
        return None
    return REMOVED_APIS[f"{STREAMLIT}.{node.attrname}"]


def _restored_names(module: Module, inferrer: Inferrer) -> set[str]:
    """Removed names the app assigns back onto streamlit (``st.cache = st.cache_data``)."""
    names = set()
    for node in nodes_in(module.tree, nodes.AssignAttr):
        if f"{STREAMLIT}.{node.attrname}" in REMOVED_APIS and any(
                isinstance(v, ModuleValue) and v.name == STREAMLIT for v in inferrer.values(node.expr)):
            names.add(node.attrname)
    for call in nodes_in(module.tree, nodes.Call):
        if isinstance(call.func, nodes.Name) and call.func.name == "setattr" and len(call.args) >= 2:
            name = literal(call.args[1])
            if isinstance(name, str) and f"{STREAMLIT}.{name}" in REMOVED_APIS:
                names.add(name)
    return names


def _guarded(node: nodes.NodeNG) -> bool:
    """The access only runs where the removed API exists: a version or ``hasattr``
    check, or the fallback of a ``try`` that catches the AttributeError / ImportError."""
    child, parent = node, node.parent
    while parent is not None and not isinstance(parent, nodes.Module):
        if isinstance(parent, nodes.Try) and child in parent.body and any(
                _catches_fallback(h) for h in parent.handlers):
            return True
        if isinstance(parent, nodes.ExceptHandler) and _catches_fallback(parent) and child is not parent.type:
            return True
        if isinstance(parent, (nodes.If, nodes.IfExp)) and child is not parent.test and _mentions_version(parent.test):
            return True
        if isinstance(parent, nodes.BoolOp) and any(_mentions_version(v) for v in parent.values[:parent.values.index(child)]):
            return True
        child, parent = parent, parent.parent
    return False


def _catches_fallback(handler: nodes.ExceptHandler) -> bool:
    if handler.type is None:
        return True
    types = handler.type.elts if isinstance(handler.type, nodes.Tuple) else [handler.type]
    return any(isinstance(t, (nodes.Name, nodes.Attribute)) and (t.name if isinstance(t, nodes.Name) else t.attrname)
               in _FALLBACK_ERRORS for t in types)


def _mentions_version(test: nodes.NodeNG) -> bool:
    text = test.as_string()
    return any(word in text for word in _VERSION_WORDS)


def suggested_target(node: nodes.Attribute, api: RemovedApi) -> str | None:
    """Which decorator replaces this use: "data", "resource", or None when the code
    does not say (``st.cache`` with a computed ``allow_output_mutation``)."""
    if api.target is not None:
        return api.target
    call = node.parent
    if isinstance(call, nodes.Call) and call.func is node:
        for keyword in call.keywords or ():
            if keyword.arg is None:
                return None
            if keyword.arg == "allow_output_mutation":
                value = literal(keyword.value)
                if value is UNKNOWN or not isinstance(value, bool):
                    return None
                return "resource" if value else "data"
        return "data"
    if isinstance(call, nodes.Decorators):
        return "data"
    return None


@dataclass(frozen=True, eq=False)
class LegacyUse:
    """A use of a legacy caching API, judged on the target release."""

    use: RemovedUse
    error: str | None  # what it raises on the target (None: it still works there)
    statuses: tuple[LegacyStatus, ...]  # of the APIs the use names
    fix: Fix | None  # the migration (the same whether it fails or is deprecated)


def legacy_uses(ctx: ModuleContext) -> list[LegacyUse]:
    """Every use of ``st.cache`` / ``st.experimental_memo`` / ``st.experimental_singleton``
    in the module with what it does on the target and its migration: computed once for
    STC011 (the uses that fail there) and STC025 (those that still work)."""

    def compute() -> list[LegacyUse]:
        uses = removed_api_uses(ctx.module, ctx.inferrer)
        index = index_of(ctx) if uses else None
        fixes = MigrationPlanner(index, ctx.model.api).fixes(uses) if index is not None else {}
        found = []
        for use in uses:
            statuses = tuple(ctx.model.legacy[api.name] for api in use.apis)
            found.append(LegacyUse(use, _raised_on_target(use, statuses), statuses, fixes.get(use)))
        return found

    return ctx.memo("legacy-cache-api-uses", compute)


def _raised_on_target(use: RemovedUse, statuses: tuple[LegacyStatus, ...]) -> str | None:
    if isinstance(use.node, nodes.ImportFrom):
        return next((s.from_import for s in statuses if s.from_import), None)
    status = statuses[0]
    if _is_clear(use.node):
        return status.access or status.clear
    return status.access


def _is_clear(node: nodes.NodeNG) -> bool:
    return isinstance(node.parent, nodes.Attribute) and node.parent.attrname == "clear"


def replacement(use: RemovedUse) -> str:
    """What to write instead of the use, in words: "st.cache_data", "import cache_data instead"."""
    if isinstance(use.node, nodes.ImportFrom):
        targets = " / ".join(dict.fromkeys(
            NEW_NAMES[t] for api in use.apis for t in ((api.target,) if api.target else ("data", "resource"))))
        return f"import {targets} instead"
    api = use.apis[0]
    if _is_clear(use.node):
        if api.target is None:
            return "call st.cache_data.clear() and/or st.cache_resource.clear() instead"
        return f"call st.{NEW_NAMES[api.target]}.clear() instead"
    target = suggested_target(use.node, api)
    if target is None:
        return "use st.cache_resource if it returns a shared object (allow_output_mutation=True), else st.cache_data"
    if api.target is None and target == "resource":
        return "use st.cache_resource, which returns the shared object as allow_output_mutation=True did"
    return f"use st.{NEW_NAMES[target]}"


def shown_use(use: RemovedUse) -> str:
    if isinstance(use.node, nodes.ImportFrom):
        return f"from streamlit import {', '.join(api.name for api in use.apis)}"
    return use.node.as_string() + (".clear()" if _is_clear(use.node) else "")


def only_compared(use: RemovedUse) -> bool:
    """``if st.cache is not None:``: the line reads the API to compare it, not to cache."""
    return isinstance(use.node, nodes.Attribute) and isinstance(use.node.parent, nodes.Compare)


# -- the fix: migrate to st.cache_data / st.cache_resource ------------------------------------
MAX_ALIAS_DEPTH = 3


@dataclass
class _Site:
    """One place that names a removed API: how it is used and what it needs."""

    expr: cst.BaseExpression  # the Attribute (st.cache) or Name (cache) naming it
    context: str  # "call", "decorator", "clear", "alias", "other"
    node: cst.CSTNode | None = None  # the Call, the Decorator, the clear() Call, the alias Name
    kind: str | None = None  # what a call / decorator needs: "data" / "resource" (None: cannot tell)
    children: list[_Site] = field(default_factory=list)  # uses of an alias
    simple_alias: bool = True


class MigrationPlanner:
    """Plans the migration of each removed-API use of a module, one fix per use.

    ``experimental_memo`` becomes ``cache_data`` and ``experimental_singleton``
    ``cache_resource``; ``st.cache`` becomes ``cache_resource`` where it is called with
    ``allow_output_mutation=True`` and ``cache_data`` otherwise. Options the new
    decorator does not accept (in the target release) are dropped; the others are kept.
    The same happens through aliases: ``from streamlit import cache`` (the import and
    every use of the name), ``memo = st.experimental_memo``, and ``st.cache.clear()``. A
    use whose target the code does not show (``allow_output_mutation=flag``,
    ``st.cache`` passed around) gets no fix.
    """

    def __init__(self, index: CstIndex, model: CacheApiModel):
        self.index = index
        self.model = model
        self.edits = Edits()
        self._description = ""
        self._cache_kinds: set[str] = set()  # what this module's st.cache uses became
        self._pending_clears: list[tuple[RemovedUse, _Site]] = []

    def fixes(self, uses: list[RemovedUse]) -> dict[RemovedUse, Fix]:
        found: dict[RemovedUse, Fix] = {}
        for use in uses:
            self.edits, self._description = Edits(), ""
            if use.node.__class__.__name__ == "ImportFrom":
                self._plan_import(use)
            else:
                self._plan_attribute(use)
            self._keep(use, found)
        for use, site in self._pending_clears:  # once every st.cache use has its target
            self.edits, self._description = Edits(), ""
            self._plan_clear(use, site)
            self._keep(use, found)
        return found

    def _keep(self, use: RemovedUse, found: dict[RemovedUse, Fix]) -> None:
        fix = fix_for(self.index, self.edits, self._description)
        if fix is not None:
            found[use] = fix

    # -- st.cache / st.experimental_memo attributes -------------------------------------------
    def _plan_attribute(self, use: RemovedUse) -> None:
        api = use.apis[0]
        attribute = self.index.find(use.node, cst.Attribute)
        if attribute is None:
            return
        site = self._site(attribute, api, 0)
        if site.context == "clear":
            self._pending_clears.append((use, site))
            return
        target = self._target(site, api)
        if target is None:
            return
        self.edits.rename_attr[attribute] = NEW_NAMES[target]
        dropped = self._drop_options(site, api, target)
        if api.target is None:
            self._cache_kinds.add(target)
        self._applied(use, f"{self.index.code(attribute)} -> "
                           f"{self.index.code(attribute.value)}.{NEW_NAMES[target]}", dropped)

    def _plan_clear(self, use: RemovedUse, site: _Site) -> None:
        api = use.apis[0]
        attribute = site.expr
        if api.target is not None or len(self._cache_kinds) == 1:
            target = api.target or next(iter(self._cache_kinds))
            self.edits.rename_attr[attribute] = NEW_NAMES[target]
            self._applied(use, f"{self.index.code(attribute)}.clear() -> "
                               f"{self.index.code(attribute.value)}.{NEW_NAMES[target]}.clear()", [])
            return
        # st.cache.clear() cleared every st.cache entry: now split between the two caches.
        statement = self._statement_of(site.node)
        if statement is None:
            return
        owner = self.index.code(attribute.value)
        lines = [statement.with_changes(body=[cst.Expr(cst.parse_expression(f"{owner}.{name}.clear()"))],
                                        leading_lines=[])
                 for name in (NEW_NAMES["data"], NEW_NAMES["resource"])]
        lines[0] = lines[0].with_changes(trailing_whitespace=cst.TrailingWhitespace())
        self.edits.statements[statement] = lines
        self._applied(use, f"{owner}.cache.clear() -> {owner}.cache_data.clear() and "
                           f"{owner}.cache_resource.clear()", [])

    def _statement_of(self, call: cst.CSTNode | None) -> cst.SimpleStatementLine | None:
        """The line, when ``call`` is a statement of its own (``st.cache.clear()``)."""
        expr = self.index.parent(call) if call is not None else None
        line = self.index.parent(expr) if isinstance(expr, cst.Expr) else None
        if isinstance(line, cst.SimpleStatementLine) and len(line.body) == 1 and expr.value is call:
            return line
        return None

    # -- from streamlit import cache ----------------------------------------------------------
    def _plan_import(self, use: RemovedUse) -> None:
        node = self.index.find(use.node, cst.ImportFrom)
        if node is None or isinstance(node.names, cst.ImportStar):
            return
        removed = {api.name: api for api in use.apis}
        scope = self.index.scopes.get(node)
        for position, alias in enumerate(node.names):
            name = self.index.code(alias.name)
            api = removed.get(name)
            if api is None:
                continue
            bound = alias.asname.name.value if alias.asname and isinstance(alias.asname.name, cst.Name) else name
            assignment = self._import_assignment(scope, node, bound)
            if assignment is None:
                continue
            sites = [self._reference_site(access.node, api, 0) for access in assignment.references]
            plan = self._import_plan(api, bound, alias.asname is not None, sites, scope, assignment)
            if plan is None:
                continue
            names, renames = plan
            self.edits.import_names.setdefault(node, {})[position] = names
            dropped: list[str] = []
            for site, target in renames:
                dropped += self._drop_options(site, api, target)
            for site, new_name in self._name_renames(names, renames, bound):
                self.edits.rename_name[site.expr] = new_name
            old = name + (f" as {bound}" if alias.asname else "")
            shown = ", ".join(n if a is None else f"{n} as {a}" for n, a in names)
            self._applied(use, f"from streamlit import {old} -> from streamlit import {shown}", dropped)

    @staticmethod
    def _import_assignment(scope, node: cst.ImportFrom, bound: str) -> Assignment | None:
        if scope is None:
            return None
        for assignment in scope.assignments[bound]:
            if isinstance(assignment, ImportAssignment) and assignment.node is node:
                return assignment
        return None

    def _import_plan(self, api: RemovedApi, bound: str, has_alias: bool, sites: list[_Site], scope,
                     assignment: Assignment):
        """([(name, asname)] replacing the imported name, [(site, target)])."""
        needs: set[str] = set()
        for site in sites:
            need = self._needs(site, api)
            if need is None:
                return None
            needs |= need
        if any(s.context == "clear" for s in sites) and api.target is None:
            if len(needs) != 1:
                return None
        if api.target is not None:
            needs = {api.target}
        if not needs:
            needs = {"data"}
        renamable = self._renamable(bound, scope, assignment)
        if len(needs) == 1:
            target = next(iter(needs))
            new = NEW_NAMES[target]
            if api.target is None:
                self._cache_kinds.add(target)
            if has_alias or not renamable or not self._free(new, scope, sites):
                return [(new, bound)], [(s, target) for s in sites]
            return [(new, None)], [(s, target) for s in sites]
        # st.cache used both ways: import both decorators and rename each use.
        if has_alias and not renamable:
            return None
        if not renamable or not all(self._free(NEW_NAMES[k], scope, sites) for k in needs):
            return None
        pairs = [(s, self._single(self._needs(s, api))) for s in sites]
        if any(target is None for _, target in pairs):
            return None
        self._cache_kinds.update(needs)
        return [(NEW_NAMES["data"], None), (NEW_NAMES["resource"], None)], pairs

    @staticmethod
    def _single(kinds: set[str] | None) -> str | None:
        return next(iter(kinds)) if kinds and len(kinds) == 1 else None

    @staticmethod
    def _name_renames(names: list[tuple[str, str | None]], renames: list[tuple[_Site, str | None]],
                      bound: str) -> list[tuple[_Site, str]]:
        """References to rename: when the import no longer binds ``bound``."""
        if any(asname == bound for _, asname in names):
            return []
        return [(site, NEW_NAMES[target]) for site, target in renames if target is not None]

    def _renamable(self, bound: str, scope, assignment: Assignment) -> bool:
        """Every use of ``bound`` is this import's, and renaming cannot break anything."""
        if not isinstance(scope, GlobalScope) or len(scope.assignments[bound]) != 1:
            return False
        for access in assignment.references:
            if set(access.referents) != {assignment} or not isinstance(access.node, cst.Name):
                return False
        return "__all__" not in self.index.text and f"global {bound}" not in self.index.text

    def _free(self, new: str, scope, sites: list[_Site]) -> bool:
        """Where the import and its uses stand, ``new`` names nothing but Streamlit's own
        decorator (``from streamlit import cache_data``), so renaming to it is safe."""
        scopes = [scope] + [self.index.scopes.get(site.expr) for site in sites]
        for current in scopes:
            if current is None:
                return False
            for assignment in current[new]:
                if not (isinstance(assignment, ImportAssignment) and _imports_streamlit_name(assignment.node, new)):
                    return False
        return True

    # -- uses --------------------------------------------------------------------------------------
    def _site(self, expr: cst.BaseExpression, api: RemovedApi, depth: int) -> _Site:
        parent = self.index.parent(expr)
        if isinstance(parent, cst.Attribute) and parent.value is expr:
            call = self.index.parent(parent)
            if parent.attr.value == "clear" and isinstance(call, cst.Call) and call.func is parent and not call.args:
                return _Site(expr, "clear", call)
            return _Site(expr, "other")
        if isinstance(parent, cst.Call) and parent.func is expr:
            return _Site(expr, "call", parent, self._call_kind(parent, api))
        if isinstance(parent, cst.Decorator) and parent.decorator is expr:
            return _Site(expr, "decorator", parent, api.target or "data")
        if (isinstance(parent, cst.Assign) and parent.value is expr and len(parent.targets) == 1
                and isinstance(parent.targets[0].target, cst.Name)):
            target = parent.targets[0].target
            site = _Site(expr, "alias", target)
            if depth >= MAX_ALIAS_DEPTH:
                site.simple_alias = False
                return site
            scope = self.index.scopes.get(parent)
            assignments = list(scope.assignments[target.value]) if scope is not None else []
            if len(assignments) != 1:
                site.simple_alias = False
                return site
            for access in assignments[0].references:
                if set(access.referents) != set(assignments) or not isinstance(access.node, cst.Name):
                    site.simple_alias = False
                    return site
                site.children.append(self._reference_site(access.node, api, depth + 1))
            return site
        return _Site(expr, "other")

    def _reference_site(self, name: cst.CSTNode, api: RemovedApi, depth: int) -> _Site:
        return self._site(name, api, depth)

    @staticmethod
    def _call_kind(call: cst.Call, api: RemovedApi) -> str | None:
        if api.target is not None:
            return api.target
        if any(arg.star for arg in call.args) or sum(arg.keyword is None for arg in call.args) > 1:
            return None
        for arg in call.args:
            if arg.keyword is not None and arg.keyword.value == "allow_output_mutation":
                value = arg.value
                if isinstance(value, cst.Name) and value.value in ("True", "False"):
                    return "resource" if value.value == "True" else "data"
                return None
        return "data"

    def _needs(self, site: _Site, api: RemovedApi) -> set[str] | None:
        """The targets this use asks for; None when the code does not say."""
        if site.context in ("call", "decorator"):
            return {site.kind} if site.kind else None
        if site.context == "clear":
            return set()
        if site.context == "alias" and site.simple_alias:
            found: set[str] = set()
            for child in site.children:
                need = self._needs(child, api)
                if need is None:
                    return None
                found |= need
            if api.target is None and any(c.context == "clear" for c in site.children):
                return None  # the alias's own clear(): which cache it meant is not shown
            return found
        return {api.target} if api.target is not None else None

    def _target(self, site: _Site, api: RemovedApi) -> str | None:
        if api.target is not None:
            return api.target
        needs = self._needs(site, api)
        if needs is None or len(needs) > 1:
            return None
        return next(iter(needs)) if needs else "data"

    def _drop_options(self, site: _Site, api: RemovedApi, target: str) -> list[str]:
        """Drop the options ``target`` does not accept from every call this use reaches."""
        dropped: list[str] = []
        if site.context == "call" and isinstance(site.node, cst.Call):
            unwanted = api.options - self.model.options[target]
            for position, arg in enumerate(site.node.args):
                if arg.keyword is not None and arg.keyword.value in unwanted and not arg_has_inner_comment(arg):
                    self.edits.drop(site.node, position)
                    dropped.append(arg.keyword.value)
        for child in site.children:
            dropped += self._drop_options(child, api, target)
        return dropped

    def _applied(self, use: RemovedUse, description: str, dropped: list[str]) -> None:
        description = " ".join(description.split())
        if dropped:
            description += f" (dropped {', '.join(dict.fromkeys(dropped))})"
        self._description = (self._description + "; " if self._description else "") + description


def _imports_streamlit_name(node: cst.CSTNode, name: str) -> bool:
    """``from streamlit import <name>`` (not under another name)."""
    if not isinstance(node, cst.ImportFrom) or node.relative or isinstance(node.names, cst.ImportStar):
        return False
    if node.module is None or cst.Module([]).code_for_node(node.module) != "streamlit":
        return False
    return any(isinstance(alias.name, cst.Name) and alias.name.value == name and alias.asname is None
               for alias in node.names)
