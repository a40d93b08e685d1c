"""The flake8 plugin: ``flake8 --select STC``.

flake8 hands over one file at a time (possibly in worker processes); the service reads
the app's other modules from disk, and one service per configuration and process keeps
what it parsed. ``# noqa``, ``--select`` and ``--ignore`` of flake8 itself apply as
for any plugin; ``[tool.cachelint]`` in the nearest ``pyproject.toml`` applies too
(its ``select``/``ignore``/``per-file-ignores`` as well: a finding cachelint's own
configuration hides is hidden here too), as for ``cachelint check``. A configuration
that cannot be used is reported once on stderr, and the defaults apply.

flake8 never reads pyproject.toml itself, so the settings can also be flake8 options,
read from the command line or flake8's own config files (``setup.cfg``, ``tox.ini``,
``.flake8``); an option given there replaces the key of ``[tool.cachelint]``::

    [flake8]
    cachelint-hashable-types = mylib.Money, mylib.Point
    cachelint-unhashable-types = mylib.Session
    cachelint-entry-scripts = streamlit_app.py
    cachelint-target-streamlit = 1.67
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any, Iterator

from cachelint import __version__
from cachelint.config import Overrides
from cachelint.service import Services
from cachelint.source import mentions_streamlit

_services = Services()  # one per flake8 process


class CachelintChecker:
    name = "cachelint"
    version = __version__
    overrides = Overrides()

    def __init__(self, tree: ast.AST, filename: str, lines: list[str]):
        self.filename = filename
        self.lines = lines

    @staticmethod
    def add_options(manager: Any) -> None:
        manager.add_option(
            "--cachelint-hashable-types", default="", parse_from_config=True, comma_separated_list=True,
            help="Qualified names of types Streamlit can hash (as hashable-types in [tool.cachelint]).",
        )
        manager.add_option(
            "--cachelint-unhashable-types", default="", parse_from_config=True, comma_separated_list=True,
            help="Qualified names of types Streamlit cannot hash (as unhashable-types).",
        )
        manager.add_option(
            "--cachelint-entry-scripts", default="", parse_from_config=True, comma_separated_list=True,
            normalize_paths=True,
            help="Files Streamlit runs as __main__ (as entry-scripts); relative to the config file.",
        )
        manager.add_option(
            "--cachelint-preview", action="store_true", default=None, parse_from_config=True,
            help="Also run cachelint's preview rules (as preview = true in [tool.cachelint]).",
        )
        manager.add_option(
            "--cachelint-target-streamlit", default=None, parse_from_config=True,
            help="Streamlit version whose behaviour to model (default: target-streamlit in [tool.cachelint], "
                 "else the app's pin, else the installed one, else the latest modelled).",
        )

    @classmethod
    def parse_options(cls, options: Any) -> None:
        def given(name: str) -> list[str] | None:
            value = getattr(options, name, None)
            return list(value) if value else None

        entries = given("cachelint_entry_scripts")
        cls.overrides = Overrides(
            hashable_types=given("cachelint_hashable_types"),
            unhashable_types=given("cachelint_unhashable_types"),
            entry_scripts=[str(Path(p).resolve()) for p in entries] if entries else None,
            target_streamlit=getattr(options, "cachelint_target_streamlit", None) or None,
            preview=True if getattr(options, "cachelint_preview", None) else None,
        )

    def run(self) -> Iterator[tuple[int, int, str, type]]:
        text = "".join(self.lines)
        if not mentions_streamlit(text):
            return
        path = Path(self.filename)
        if self.filename in ("stdin", "-") or not path.exists():
            path = Path.cwd() / "stdin.py"
        path = path.resolve()
        for finding in _services.for_file(path, self.overrides).check(path, text, noqa=False):
            yield finding.line, finding.col, finding.flake8_text(), type(self)
