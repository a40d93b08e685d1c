"""The nodes of a module's tree by class, from one walk of the tree.

Rules and the analysis look for calls, assignments, imports... in whole modules, each
with its own ``tree.nodes_of_class(...)``: on a 37k-line page that is a dozen walks of
140k nodes each. The module's nodes are listed once (in ``nodes_of_class`` order) and
filtered by class for each question. Trees never change once built (an edited file is
a new tree). The list is kept on the tree itself, so that it goes with the tree (a
weak-keyed table would keep every tree alive: the list refers to the tree's nodes,
which refer to the tree).
"""

from __future__ import annotations

from astroid import nodes

_ATTRIBUTE = "_cachelint_every_node"


def nodes_in(tree: nodes.Module, klass: type | tuple[type, ...]) -> list[nodes.NodeNG]:
    """``list(tree.nodes_of_class(klass))``, for a module's tree."""
    every = tree.__dict__.get(_ATTRIBUTE)
    if every is None:
        every = list(tree.nodes_of_class(nodes.NodeNG))
        setattr(tree, _ATTRIBUTE, every)
    return [node for node in every if isinstance(node, klass)]
