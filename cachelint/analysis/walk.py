"""The nodes of a module's tree by class, from one walk of the tree.

Rules and the analysis look for calls, assignments, imports... in whole modules, each
with its own ``tree.nodes_of_class(...)``: on a 37k-line page that is a dozen walks of
140k nodes each. The module's nodes are listed once (in ``nodes_of_class`` order) and
filtered by class for each question. Trees never change once built (an edited file is
a new tree), so the list is kept as long as its tree lives.
"""

from __future__ import annotations

import weakref

from astroid import nodes

_EVERY: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def nodes_in(tree: nodes.Module, klass: type | tuple[type, ...]) -> list[nodes.NodeNG]:
    """``list(tree.nodes_of_class(klass))``, for a module's tree."""
    every = _EVERY.get(tree)
    if every is None:
        every = _EVERY[tree] = list(tree.nodes_of_class(nodes.NodeNG))
    return [node for node in every if isinstance(node, klass)]
