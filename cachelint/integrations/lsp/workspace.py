"""What the language server checks, with no LSP in it (it runs in the worker thread):
editor buffers against the app on disk, under the ``[tool.cachelint]`` of each folder."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from cachelint import __version__, catalog
from cachelint import config as _config
from cachelint.analysis.project import Project
from cachelint.config import AnalysisSettings
from cachelint.docs import rule_reference
from cachelint.files import matches, relative_posix
from cachelint.findings import Finding
from cachelint.service import Service

RULES_DOC = Path(__file__).resolve().parents[3] / "docs" / "rules.md"


def rule_doc_url(code: str) -> str | None:
    """Where a rule is documented: its section of docs/rules.md in a checkout, else of a
    copy written once (from the catalogue) into the user's cache folder."""
    found = catalog.BY_CODE.get(code)
    if found is None:
        return None
    document = RULES_DOC if RULES_DOC.is_file() else _written_reference()
    return f"{document.as_uri()}#{found.anchor}" if document is not None else None


@lru_cache(maxsize=1)
def _written_reference() -> Path | None:
    folder = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "cachelint"
    path = folder / f"rules-{__version__}.md"
    try:
        if not path.is_file():
            folder.mkdir(parents=True, exist_ok=True)
            path.write_text(rule_reference(), encoding="utf-8")
    except OSError:
        return None
    return path


@dataclass
class Folder:
    """What applies to the files of one folder: the [tool.cachelint] found from there."""

    config: _config.Config
    error: str | None = None  # the configuration could not be used: defaults apply

    @classmethod
    def load(cls, folder: Path) -> Folder:
        try:
            return cls(_config.load(folder, cwd=folder))
        except _config.ConfigError as exc:
            return cls(_config.load(folder, isolated=True, cwd=folder), error=str(exc))

    @property
    def settings(self) -> AnalysisSettings:
        return self.config.settings

    def shows(self, path: Path, code: str) -> bool:
        return self.config.reports(code, relative_posix(path, self.config.root))

    def excluded(self, path: Path) -> bool:
        relative = relative_posix(path, self.config.root)
        return any(matches(pattern, relative) for pattern in self.config.exclude)


@dataclass
class CheckResult:
    findings: list[Finding]
    related: set[Path] = field(default_factory=set)  # open documents to check again
    config_error: str | None = None


class Checker:
    """Checks editor buffers. Not thread-safe: one thread (the worker) uses it."""

    def __init__(self) -> None:
        self._folders: dict[Path, Folder] = {}
        self._projects: dict[tuple, Project] = {}

    def reset(self) -> None:
        """Files changed on disk (a save, a new file, pyproject.toml): read everything again."""
        self._folders.clear()
        self._projects.clear()

    def folder(self, path: Path) -> Folder:
        if path.parent not in self._folders:
            self._folders[path.parent] = Folder.load(path.parent)
        return self._folders[path.parent]

    def project(self, settings: AnalysisSettings, documents: dict[Path, str]) -> Project:
        key = (tuple(sorted(settings.entry_scripts)),)
        project = self._projects.get(key)
        if project is None:
            project = self._projects[key] = Project(frozenset(p.resolve() for p in settings.entry_scripts))
        # The project sees open documents as their buffers, every other file as on disk.
        for path, text in documents.items():
            if project.overrides.get(path) != text:
                project.overrides[path] = text
                project.forget(path)
        for path in [p for p in project.overrides if p not in documents]:
            del project.overrides[path]
            project.forget(path)
        return project

    def check(self, path: Path, documents: dict[Path, str], related: bool = True) -> CheckResult:
        """Findings shown for the open document ``path``; ``documents``: every open buffer."""
        text = documents[path]
        folder = self.folder(path)
        if folder.excluded(path):
            return CheckResult([], config_error=folder.error)
        project = self.project(folder.settings, documents)
        service = Service(folder.config, project)  # a fresh engine: nothing stale about other files
        shown = [f for f in service.check(path, text) if f.path == path]
        result = CheckResult(shown, config_error=folder.error)
        if related:
            result.related = self._related(path, project, documents)
        return result

    def _related(self, path: Path, project: Project, documents: dict[Path, str]) -> set[Path]:
        """Other open documents that import ``path``, or that ``path`` imports."""
        found: set[Path] = set()
        module = project.try_module(path)
        if module is not None:
            found |= {m.path for m in project.imports_of(module)}
        for other in documents:
            if other == path or other in found:
                continue
            stem = path.stem if path.name != "__init__.py" else path.parent.name
            if stem not in documents[other]:
                continue  # cheap text test first: it cannot import a module it never names
            parsed = project.try_module(other)
            if parsed is not None and path in {m.path for m in project.imports_of(parsed)}:
                found.add(other)
        return {p for p in found if p in documents and p != path}
