"""The flake8 plugin: ``flake8 --select STC``.

flake8 hands over one file at a time (possibly in worker processes); cross-module
inference reads the app's other modules from disk, and one engine per process keeps
what it parsed. ``# noqa``, ``--select`` and ``--ignore`` are applied by flake8 itself.

flake8 never reads pyproject.toml, so the settings of ``[tool.cachelint]`` are flake8
options here, read from the command line or flake8's own config files
(``setup.cfg``, ``tox.ini``, ``.flake8``)::

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
from cachelint.settings import Settings
from cachelint.source import mentions_streamlit

_engine = None
_engine_settings: Settings | None = None


def _shared_engine(settings: Settings):
    global _engine, _engine_settings
    if _engine is None or _engine_settings != settings:
        from cachelint.engine import Engine  # imported on first use: astroid is not free

        _engine = Engine(settings)
        _engine_settings = settings
    return _engine


def _installed_streamlit() -> str | None:
    from cachelint.config import installed_streamlit

    return installed_streamlit()


def _installed_major(distribution: str) -> int | None:
    from cachelint.config import installed_major

    return installed_major(distribution)


class CachelintChecker:
    name = "cachelint"
    version = __version__
    settings = Settings()

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
            "--cachelint-target-streamlit", default=None, parse_from_config=True,
            help="Streamlit version whose behaviour to model (default: the installed one, else the latest).",
        )

    @classmethod
    def parse_options(cls, options: Any) -> None:
        target = getattr(options, "cachelint_target_streamlit", None) or _installed_streamlit()
        cls.settings = Settings(
            hashable_types=frozenset(getattr(options, "cachelint_hashable_types", None) or ()),
            unhashable_types=frozenset(getattr(options, "cachelint_unhashable_types", None) or ()),
            entry_scripts=frozenset(Path(p).resolve()
                                    for p in getattr(options, "cachelint_entry_scripts", None) or ()),
            target_streamlit=target,
            target_pandas=_installed_major("pandas"),
        )

    def run(self) -> Iterator[tuple[int, int, str, type]]:
        text = "".join(self.lines)
        if not mentions_streamlit(text):
            return
        path = Path(self.filename)
        if self.filename in ("stdin", "-") or not path.exists():
            path = Path.cwd() / "stdin.py"
        try:
            findings = _shared_engine(self.settings).check_file(path.resolve(), text)
        except Exception as exc:  # noqa: BLE001 - never take flake8's whole run down with us
            yield 1, 0, f"STC901 internal error, please report it: {type(exc).__name__}: {exc}", type(self)
            return
        for finding in findings:
            yield finding.line, finding.col, finding.flake8_text(), type(self)
