"""Edits on a libcst tree that keep every comment and formatting choice.

Planners (one per rule) find the libcst nodes their findings are about through
``CstIndex`` (astroid positions are UTF-8 byte columns, libcst's are characters) and
record what to change in an ``Edits``; ``apply_edits`` makes all the changes in one
pass. Only the tokens that change are touched: a renamed decorator keeps its
parentheses, line breaks and comments; a dropped keyword hands its comments and
line breaks to its neighbours.
"""

from __future__ import annotations

import ast
import re
import warnings
from dataclasses import dataclass, field

import libcst as cst
from astroid import nodes
from libcst.metadata import MetadataWrapper, ParentNodeProvider, PositionProvider, ScopeProvider

from cachelint.findings import Fix
from cachelint.fixes.patch import edits_between

_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n|$)")


class CstIndex:
    """A parsed libcst module with positions, parents and scopes, and a way to find the
    libcst node that stands where an astroid node stands."""

    def __init__(self, text: str, module: cst.Module | None = None):
        self.text = text
        self.module = module if module is not None else cst.parse_module(text)
        self.wrapper = MetadataWrapper(self.module, unsafe_skip_copy=True)
        self.positions = self.wrapper.resolve(PositionProvider)
        self.parents = self.wrapper.resolve(ParentNodeProvider)
        self._scopes = None
        self._lines = _LINE.findall(text)
        self._by_start: dict[tuple[int, int], list[cst.CSTNode]] = {}
        for node, where in self.positions.items():
            self._by_start.setdefault((where.start.line, where.start.column), []).append(node)

    @property
    def scopes(self):
        if self._scopes is None:
            self._scopes = self.wrapper.resolve(ScopeProvider)
        return self._scopes

    def char_column(self, line: int, byte_col: int) -> int:
        if not 0 < line <= len(self._lines):
            return byte_col
        return len(self._lines[line - 1].encode("utf-8")[:byte_col].decode("utf-8", "ignore"))

    def find(self, node: nodes.NodeNG, kind: type[cst.CSTNode]) -> cst.CSTNode | None:
        """The libcst node of type ``kind`` that starts where the astroid ``node`` starts
        (and ends where it ends, when astroid knows the end)."""
        if node.lineno is None or node.col_offset is None:
            return None
        start = (node.lineno, self.char_column(node.lineno, node.col_offset))
        candidates = [c for c in self._by_start.get(start, ()) if isinstance(c, kind)]
        end_line, end_col = getattr(node, "end_lineno", None), getattr(node, "end_col_offset", None)
        if len(candidates) > 1 and end_line is not None and end_col is not None:
            end = (end_line, self.char_column(end_line, end_col))
            exact = [c for c in candidates if (self.positions[c].end.line, self.positions[c].end.column) == end]
            candidates = exact or candidates
        return candidates[0] if candidates else None

    def parent(self, node: cst.CSTNode) -> cst.CSTNode | None:
        return self.parents.get(node)

    def line_of(self, node: cst.CSTNode) -> int:
        return self.positions[node].start.line

    def code(self, node: cst.CSTNode) -> str:
        return self.module.code_for_node(node)


@dataclass
class Edits:
    """Every change one pass makes, keyed by the original libcst nodes."""

    rename_attr: dict[cst.Attribute, str] = field(default_factory=dict)
    rename_name: dict[cst.Name, str] = field(default_factory=dict)
    drop_args: dict[cst.Call, set[int]] = field(default_factory=dict)
    arg_values: dict[cst.Arg, cst.BaseExpression] = field(default_factory=dict)
    statements: dict[cst.SimpleStatementLine, list[cst.SimpleStatementLine]] = field(default_factory=dict)
    # ImportFrom -> {alias index: [(name, asname), ...] that replace that alias}
    import_names: dict[cst.ImportFrom, dict[int, list[tuple[str, str | None]]]] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return any((self.rename_attr, self.rename_name, self.drop_args, self.arg_values, self.statements,
                    self.import_names))

    def drop(self, call: cst.Call, index: int) -> None:
        self.drop_args.setdefault(call, set()).add(index)


def index_of(ctx) -> CstIndex | None:
    """The libcst view of a rule context's module, parsed once for the rules that fix
    (None when libcst cannot read it: such a file gets no fixes)."""
    def parse() -> CstIndex | None:
        try:
            return CstIndex(ctx.module.text)
        except (cst.ParserSyntaxError, RecursionError, ValueError):
            return None

    return ctx.memo("libcst", parse)


def apply_edits(module: cst.Module, edits: Edits) -> cst.Module:
    return module.visit(_Apply(edits))


def fix_for(index: CstIndex, edits: Edits, description: str, safe: bool = True) -> Fix | None:
    """The fix that makes ``edits`` to the module, as text edits; None when it changes
    nothing or its result does not parse (a fix must never break the file)."""
    if not edits:
        return None
    new = apply_edits(index.module, edits).code
    if new == index.text or not parses(new):
        return None
    return Fix(" ".join(description.split()), edits_between(index.text, new), safe)


def parses(text: str) -> bool:
    """Does ``text`` parse, both for Python and for libcst?"""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # invalid escape sequences and the like: not ours
            ast.parse(text)
        cst.parse_module(text)
    except (SyntaxError, ValueError, cst.ParserSyntaxError, RecursionError, MemoryError):
        return False
    return True


class _Apply(cst.CSTTransformer):
    def __init__(self, edits: Edits):
        super().__init__()
        self.edits = edits
        self._emptied: set[cst.Call] = set()

    def leave_Attribute(self, original: cst.Attribute, updated: cst.Attribute) -> cst.BaseExpression:
        new = self.edits.rename_attr.get(original)
        return updated.with_changes(attr=updated.attr.with_changes(value=new)) if new else updated

    def leave_Name(self, original: cst.Name, updated: cst.Name) -> cst.BaseExpression:
        new = self.edits.rename_name.get(original)
        return updated.with_changes(value=new) if new else updated

    def leave_Arg(self, original: cst.Arg, updated: cst.Arg) -> cst.Arg:
        value = self.edits.arg_values.get(original)
        return updated.with_changes(value=value) if value is not None else updated

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        drop = self.edits.drop_args.get(original)
        if not drop:
            return updated
        for index in sorted(drop, reverse=True):
            updated = remove_arg(updated, index)
        if not updated.args:
            self._emptied.add(original)
        return updated

    def leave_Decorator(self, original: cst.Decorator, updated: cst.Decorator) -> cst.Decorator:
        call = updated.decorator
        if (original.decorator in self._emptied and isinstance(call, cst.Call) and not call.args
                and not _has_comment(call.whitespace_before_args) and not call.lpar):
            return updated.with_changes(decorator=call.func)  # @st.cache_data() -> @st.cache_data
        return updated

    def leave_ImportFrom(self, original: cst.ImportFrom, updated: cst.ImportFrom) -> cst.ImportFrom:
        changes = self.edits.import_names.get(original)
        if not changes or isinstance(updated.names, cst.ImportStar):
            return updated
        aliases: list[cst.ImportAlias] = []
        for index, alias in enumerate(updated.names):
            if index not in changes:
                aliases.append(alias)
                continue
            replacement = changes[index]
            for position, (name, asname) in enumerate(replacement):
                last = position == len(replacement) - 1
                new = alias.with_changes(
                    name=alias.name.with_changes(value=name) if isinstance(alias.name, cst.Name) else alias.name,
                    asname=_asname(alias, asname),
                    comma=alias.comma if last else cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
                aliases.append(new)
        updated = updated.with_changes(names=_fix_last_comma(aliases, updated))
        return _dedupe_imports(updated)

    def leave_SimpleStatementLine(self, original: cst.SimpleStatementLine,
                                  updated: cst.SimpleStatementLine):
        replacement = self.edits.statements.get(original)
        if replacement is None:
            return updated
        first = replacement[0].with_changes(leading_lines=updated.leading_lines)
        return cst.FlattenSentinel([first, *replacement[1:]])


def _asname(alias: cst.ImportAlias, asname: str | None) -> cst.AsName | None:
    if asname is None:
        return None
    if alias.asname is not None:
        return alias.asname.with_changes(name=cst.Name(asname))
    return cst.AsName(name=cst.Name(asname))


def _fix_last_comma(aliases: list[cst.ImportAlias], node: cst.ImportFrom) -> list[cst.ImportAlias]:
    """Without parentheses an import cannot end with a comma."""
    if aliases and node.lpar is None and isinstance(aliases[-1].comma, cst.Comma):
        aliases[-1] = aliases[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
    return aliases


def _dedupe_imports(node: cst.ImportFrom) -> cst.ImportFrom:
    """``from streamlit import cache_data, cache_data`` -> one of them."""
    seen: set[tuple[str, str | None]] = set()
    index = 0
    while index < len(node.names):
        alias = node.names[index]
        key = (cst.Module([]).code_for_node(alias.name),
               alias.asname.name.value if alias.asname and isinstance(alias.asname.name, cst.Name) else None)
        if key in seen:
            node = remove_import_alias(node, index)
            continue
        seen.add(key)
        index += 1
    return node


# -- whitespace --------------------------------------------------------------------------------
Whitespace = cst.SimpleWhitespace | cst.ParenthesizedWhitespace


def _has_comment(ws) -> bool:
    if isinstance(ws, cst.ParenthesizedWhitespace):
        return ws.first_line.comment is not None or any(line.comment is not None for line in ws.empty_lines)
    return False


def merge_whitespace(*parts: Whitespace) -> Whitespace:
    """The whitespace that replaces several adjacent pieces: line breaks and every
    comment are kept, in order (a comment that ended a line comes back on a line of
    its own, indented like the code it followed)."""
    parts = tuple(p for p in parts if isinstance(p, (cst.SimpleWhitespace, cst.ParenthesizedWhitespace)))
    multiline = [p for p in parts if isinstance(p, cst.ParenthesizedWhitespace)]
    if not multiline:
        return min(parts, key=lambda p: len(p.value)) if parts else cst.SimpleWhitespace("")
    first, last = multiline[0], multiline[-1]
    empty_lines = list(first.empty_lines)
    for previous, piece in zip(multiline, multiline[1:]):
        if piece.first_line.comment is not None:
            empty_lines.append(cst.EmptyLine(indent=previous.indent, whitespace=previous.last_line,
                                             comment=piece.first_line.comment))
        empty_lines.extend(piece.empty_lines)
    return cst.ParenthesizedWhitespace(first_line=first.first_line, empty_lines=empty_lines,
                                       indent=last.indent, last_line=last.last_line)


def _joined(before: list[Whitespace], after: list[Whitespace], closing: bool) -> Whitespace:
    """Whitespace for the gap left by a removed item, from the pieces before and after it.

    The gap keeps the shape of the side that still touches code (what follows, before a
    closing parenthesis; what precedes, otherwise); the other side's line breaks go
    with the removed item, its comments stay.
    """
    other = before if closing else after
    if not any(_has_comment(p) for p in other):
        return merge_whitespace(*(after if closing else before))
    return merge_whitespace(*before, *after)


def _comma_pieces(comma) -> list[Whitespace]:
    if isinstance(comma, cst.Comma):
        return [comma.whitespace_before, comma.whitespace_after]
    return []


def _after_comma(element, pieces: list[Whitespace], closing: bool):
    """``element`` (an argument, an imported name) with the white space and comments of a
    removed neighbour (``pieces``) joined after its comma."""
    comma = element.comma
    return element.with_changes(comma=comma.with_changes(
        whitespace_after=_joined([comma.whitespace_after], pieces, closing=closing)))


def remove_arg(call: cst.Call, index: int) -> cst.Call:
    """``call`` without its argument ``index``; its comments stay, in the gap it leaves."""
    args = list(call.args)
    victim = args[index]
    pieces = [victim.whitespace_after_arg, *_comma_pieces(victim.comma)]
    last = index == len(args) - 1
    if index == 0 and (not last or len(args) == 1):
        merged = _joined([call.whitespace_before_args], pieces, closing=last)
        if len(args) == 1 and not _has_comment(merged):
            merged = cst.SimpleWhitespace("")
        call = call.with_changes(whitespace_before_args=merged)
    elif not last:
        args[index - 1] = _after_comma(args[index - 1], pieces, closing=False)
    else:
        previous = args[index - 1]
        if isinstance(victim.comma, cst.Comma):  # a trailing comma stays a trailing comma
            args[index - 1] = _after_comma(previous, pieces, closing=True)
        else:
            args[index - 1] = previous.with_changes(
                comma=cst.MaybeSentinel.DEFAULT,
                whitespace_after_arg=_joined([previous.whitespace_after_arg, *_comma_pieces(previous.comma)],
                                             pieces, closing=True))
    del args[index]
    return call.with_changes(args=args)


def remove_import_alias(node: cst.ImportFrom, index: int) -> cst.ImportFrom:
    """``node`` without the name ``index`` (never the only one)."""
    names = list(node.names)
    victim = names[index]
    pieces = _comma_pieces(victim.comma)
    last = index == len(names) - 1
    if index == 0:
        if node.lpar is not None:
            node = node.with_changes(lpar=node.lpar.with_changes(
                whitespace_after=_joined([node.lpar.whitespace_after], pieces, closing=False)))
    elif not last:
        names[index - 1] = _after_comma(names[index - 1], pieces, closing=False)
    else:
        previous = names[index - 1]
        if isinstance(victim.comma, cst.Comma):
            names[index - 1] = _after_comma(previous, pieces, closing=True)
        elif node.rpar is not None:
            node = node.with_changes(rpar=node.rpar.with_changes(whitespace_before=_joined(
                _comma_pieces(previous.comma), [*pieces, node.rpar.whitespace_before], closing=True)))
            names[index - 1] = previous.with_changes(comma=cst.MaybeSentinel.DEFAULT)
        else:
            names[index - 1] = previous.with_changes(comma=cst.MaybeSentinel.DEFAULT)
    del names[index]
    return node.with_changes(names=names)


def arg_has_inner_comment(arg: cst.Arg) -> bool:
    """A comment inside the argument itself (not after it): dropping it would lose the comment."""
    return has_comment(arg.with_changes(comma=cst.MaybeSentinel.DEFAULT, whitespace_after_arg=cst.SimpleWhitespace("")))


def has_comment(node: cst.CSTNode) -> bool:
    """Does the node hold a comment anywhere inside it?"""
    found = False

    class _Finder(cst.CSTVisitor):
        def visit_Comment(self, _: cst.Comment) -> bool:
            nonlocal found
            found = True
            return False

    node.visit(_Finder())
    return found
