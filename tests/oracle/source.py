"""What a marker's line points at in the fixture's source (shared by several probes).

Probes name the cached function (or ``hash_funcs`` entry) a finding is about
from the fixture's own source, so that they can look for its runtime
consequence in Streamlit's per-function metrics and errors.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path


def cached_function_at(path: Path, line: int) -> str | None:
    """Qualified name of the cached function whose decorator (or cache call) holds ``line``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))

    def spans(node: ast.AST) -> bool:
        return node.lineno <= line <= (node.end_lineno or node.lineno)

    def visit(node: ast.AST, prefix: str) -> str | None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                qualname = prefix + child.name
                if any(spans(d) for d in child.decorator_list):
                    return qualname
                found = visit(child, qualname + ".<locals>.")
            elif isinstance(child, ast.ClassDef):
                found = visit(child, prefix + child.name + ".")
            elif isinstance(child, ast.Call) and spans(child) and child.args and isinstance(child.args[0], ast.Name):
                # load = st.cache_data(_load, hash_funcs={...})
                found = prefix + child.args[0].id
            else:
                found = visit(child, prefix)
            if found:
                return found
        return None

    return visit(tree, "")


def function_named_at(path: Path, line: int) -> str | None:
    """Name of the function whose ``def`` is on ``line``."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.lineno == line:
            return node.name
    return None


def functions_around(path: Path, line: int) -> list[str]:
    """Qualified names of the functions whose body holds ``line``, innermost first."""
    found: list[str] = []

    def visit(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                qualname = prefix + child.name
                if child.lineno <= line <= (child.end_lineno or child.lineno):
                    found.insert(0, qualname)
                visit(child, qualname + ".<locals>.")
            elif isinstance(child, ast.ClassDef):
                visit(child, prefix + child.name + ".")
            else:
                visit(child, prefix)

    visit(ast.parse(path.read_text(encoding="utf-8")), "")
    return found


@dataclass(frozen=True)
class HashFuncsKey:
    label: str
    exact: str | None  # a string key, as written
    last: str | None  # the last dotted part of a class (or other object) key

    def matches(self, name: str) -> bool:
        """Is ``name`` (how Streamlit's hasher keys the table) this key?"""
        if self.exact is not None:
            return name == self.exact
        return self.last is not None and name.rsplit(".", 1)[-1] == self.last


def hash_funcs_key_at(path: Path, line: int, keys_only: bool = False) -> HashFuncsKey | None:
    """The key of the dict entry whose key (or value, unless ``keys_only``) starts on ``line``."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Dict):
            continue
        for key, value in zip(node.keys, node.values):
            if key is None or (key.lineno != line and (keys_only or value.lineno != line)):
                continue
            text = ast.unparse(key)
            if isinstance(key, ast.Constant):
                return HashFuncsKey(text, key.value if isinstance(key.value, str) else None, None)
            return HashFuncsKey(text, None, text.rsplit(".", 1)[-1])
    return None
