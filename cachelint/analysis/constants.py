"""Values an expression has for certain, when the source spells them out.

``ttl="5 mins"``, ``max_entries=-1``, ``ttl=60 * 60``, or a module constant bound
once (``TTL = "1h"`` ... ``ttl=TTL``). Anything else is ``UNKNOWN``: rules that
judge option values report only what the source makes certain.
"""

from __future__ import annotations

import operator
import weakref

import astroid
from astroid import nodes


class _Unknown:
    def __repr__(self) -> str:
        return "UNKNOWN"

    def __bool__(self) -> bool:
        raise TypeError("UNKNOWN has no truth value: compare with `is UNKNOWN`")


UNKNOWN = _Unknown()

_BINARY = {"+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv,
           "//": operator.floordiv}
_LITERAL_TYPES = (str, bytes, int, float, bool, type(None))


def literal(node: nodes.NodeNG | None, depth: int = 0):
    """The value of ``node`` if the source makes it certain, else ``UNKNOWN``."""
    if node is None or depth > 8:
        return UNKNOWN
    if isinstance(node, nodes.Const):
        return node.value if isinstance(node.value, _LITERAL_TYPES) else UNKNOWN
    if isinstance(node, nodes.UnaryOp) and node.op in ("-", "+"):
        value = literal(node.operand, depth + 1)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return -value if node.op == "-" else value
        return UNKNOWN
    if isinstance(node, nodes.BinOp) and node.op in _BINARY:
        left, right = literal(node.left, depth + 1), literal(node.right, depth + 1)
        numbers = all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (left, right))
        strings = node.op == "+" and all(isinstance(v, str) for v in (left, right))
        if numbers or strings:
            try:
                return _BINARY[node.op](left, right)
            except (ArithmeticError, ValueError):
                return UNKNOWN
        return UNKNOWN
    if isinstance(node, nodes.Name):
        return _bound_once(node, depth)
    return UNKNOWN


def _bound_once(name: nodes.Name, depth: int):
    """A name assigned exactly once, in a plain ``NAME = <literal>`` statement."""
    try:
        scope, stmts = name.lookup(name.name)
    except (astroid.AstroidError, AttributeError, KeyError, RecursionError):
        return UNKNOWN
    if len(stmts) != 1 or len(scope.locals.get(name.name, ())) != 1:
        return UNKNOWN
    target = stmts[0]
    assign = target.parent
    if not isinstance(target, nodes.AssignName) or not isinstance(assign, (nodes.Assign, nodes.AnnAssign)):
        return UNKNOWN
    if isinstance(assign, nodes.Assign) and (len(assign.targets) != 1 or assign.targets[0] is not target):
        return UNKNOWN
    if name.name in _global_names(scope):
        return UNKNOWN
    return literal(assign.value, depth + 1)


_GLOBALS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _global_names(scope: nodes.NodeNG) -> frozenset[str]:
    """Every name a ``global`` statement anywhere under ``scope`` declares (walked once per
    scope: a 37k-line page asked it for each option constant)."""
    found = _GLOBALS.get(scope)
    if found is None:
        found = _GLOBALS[scope] = frozenset(n for g in scope.nodes_of_class(nodes.Global) for n in g.names)
    return found
