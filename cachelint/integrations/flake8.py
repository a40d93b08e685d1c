"""The flake8 plugin: ``flake8 --select STC``.

flake8 hands over one file at a time (possibly in worker processes); cross-module
inference reads the app's other modules from disk, and one engine per process keeps
what it parsed. ``# noqa`` is applied by flake8 itself.
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Iterator

from cachelint import __version__
from cachelint.source import mentions_streamlit

_engine = None


def _shared_engine():
    global _engine
    if _engine is None:
        from cachelint.engine import Engine  # imported on first use: astroid is not free

        _engine = Engine()
    return _engine


class CachelintChecker:
    name = "cachelint"
    version = __version__

    def __init__(self, tree: ast.AST, filename: str, lines: list[str]):
        self.filename = filename
        self.lines = lines

    def run(self) -> Iterator[tuple[int, int, str, type]]:
        text = "".join(self.lines)
        if not mentions_streamlit(text):
            return
        path = Path(self.filename)
        if self.filename in ("stdin", "-") or not path.exists():
            path = Path.cwd() / "stdin.py"
        for finding in _shared_engine().check_file(path.resolve(), text):
            yield finding.line, finding.col, finding.flake8_text(), type(self)
