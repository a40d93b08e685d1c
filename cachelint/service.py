"""The one path every host calls: a file (and its text) in, the findings shown for it out.

flake8, pylint, the command line and the language server keep only their own I/O; what
a finding is and whether it is shown is decided here, once:

    read (as Python decodes source) -> prefilter -> engine -> crash containment
    -> selection (most specific selector wins) -> per-file-ignores -> ``# noqa``

Severity comes with the code from ``cachelint.catalog``. The engine (and astroid with
it) is imported on first use: a run the result cache answers never needs it (importing
astroid costs 0.14 s, PERFORMANCE.md).
"""

from __future__ import annotations

import sys
import traceback
from pathlib import Path

from cachelint.catalog import BUDGET_EXCEEDED, INTERNAL_ERROR, SYNTAX_ERROR
from cachelint.config import AnalysisSettings, Config, ConfigError, Overrides, load
from cachelint.files import relative_posix
from cachelint.findings import Finding
from cachelint.noqa import Noqa
from cachelint.source import Unreadable, mentions_streamlit, read_source

class Service:
    """Checks files for one configuration; keeps one engine (parsed modules, inference)
    across the files it is given, so an app's shared modules are parsed once."""

    def __init__(self, config: Config | None = None, project=None):
        self.config = config or Config(AnalysisSettings(), Path.cwd())
        self._project = project
        self._engine = None

    @property
    def settings(self) -> AnalysisSettings:
        return self.config.settings

    @property
    def engine(self):
        if self._engine is None:
            # lazy: a warm run (every file answered by the result cache) never imports the engine,
            # astroid or libcst: -0.5 s (median of 5, imported after cachelint.service).
            from cachelint.engine import Engine

            self._engine = Engine(self.settings, self._project)
        return self._engine

    def analyse(self, path: Path, text: str | None = None) -> list[Finding]:
        """Every finding the engine makes in ``path`` (``text``: its unsaved content), before
        selection and ``# noqa``. Never raises: a failure is an STC900/STC901 finding."""
        if text is None:
            try:
                size = path.stat().st_size
            except OSError as exc:
                return [Finding(path, 1, 0, SYNTAX_ERROR,
                                f"cannot read the file: {exc.strerror or type(exc).__name__}")]
            if size > self.settings.max_file_bytes:
                return [self._too_big(path, f"{size:,} bytes")]
            try:
                text = read_source(path)
            except Unreadable as unreadable:
                return [unreadable.finding]
        if not mentions_streamlit(text):
            return []
        if len(text) > self.settings.max_file_bytes:
            return [self._too_big(path, f"{len(text):,} characters")]
        try:
            return sorted(self.engine.check_file(path, text))
        except RecursionError:
            return [Finding(path, 1, 0, INTERNAL_ERROR, "internal error while checking this file, please report "
                                                        "it: inference recursed too deeply")]
        except Exception as exc:  # noqa: BLE001 - one file's failure must not stop the run
            return [crash(path, exc)]

    def shown(self, path: Path, findings: list[Finding], text: str | None) -> list[Finding]:
        """The findings the configuration and the file's ``# noqa`` comments let through."""
        relative = relative_posix(path, self.config.root)
        noqa = Noqa(text) if text is not None and findings else None
        return [f for f in findings
                if self.config.reports(f.code, relative) and not (noqa and noqa.suppresses(f.line, f.code))]

    def check(self, path: Path, text: str | None = None, *, noqa: bool = True) -> list[Finding]:
        """The findings shown for ``path``. ``noqa=False`` leaves ``# noqa`` to the host
        (flake8 applies it itself, and honours its ``--disable-noqa``)."""
        found = self.analyse(path, text)
        if noqa and found and text is None:
            try:
                text = read_source(path)
            except Unreadable:
                text = None
        return self.shown(path, found, text if noqa else None)

    def _too_big(self, path: Path, size: str) -> Finding:
        return Finding(path, 1, 0, BUDGET_EXCEEDED,
                       f"file not analysed: {size} is over the {self.settings.max_file_bytes:,} limit "
                       f"(generated code?); exclude it or raise the limit")


class Services:
    """One service per configuration, for hosts handed one file at a time (flake8, pylint):
    each file gets the ``[tool.cachelint]`` of its nearest ``pyproject.toml``, with the
    host's own options (``overrides``) on top. A configuration that cannot be used is
    reported once on stderr, and the defaults apply."""

    def __init__(self) -> None:
        self._configs: dict[tuple[Path, str], Config] = {}
        self._services: dict[str, Service] = {}
        self._warned: set[str] = set()

    def for_file(self, path: Path, overrides: Overrides | None = None) -> Service:
        overrides = overrides or Overrides()
        key = (path.parent, repr(overrides))
        config = self._configs.get(key)
        if config is None:
            try:
                config = load(path.parent, overrides, cwd=path.parent)
            except ConfigError as exc:
                if str(exc) not in self._warned:
                    self._warned.add(str(exc))
                    print(f"cachelint: {exc} (using the defaults)", file=sys.stderr)
                config = load(path.parent, overrides, isolated=True, cwd=path.parent)
            self._configs[key] = config
        name = repr(config)
        if name not in self._services:
            self._services[name] = Service(config)
        return self._services[name]


def crash(path: Path, exc: BaseException) -> Finding:
    """An STC901 finding for an exception that escaped the engine."""
    where = traceback.extract_tb(exc.__traceback__)[-1] if exc.__traceback__ else None
    place = f" ({Path(where.filename).name}:{where.lineno})" if where else ""
    return Finding(path, 1, 0, INTERNAL_ERROR,
                   f"internal error while checking this file, please report it: {type(exc).__name__}: {exc}{place}")
