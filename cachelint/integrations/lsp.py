"""cachelint as a language server: ``cachelint lsp`` (or ``python -m cachelint.integrations.lsp``).

Speaks LSP over stdio (pygls 2). Diagnostics are published when a document is
opened or saved, and shortly after it stops changing (changes are debounced per
document). Each check runs the same engine as flake8 and the CLI on the editor's
unsaved text, with the app's other modules read from disk (or from their editor
buffers when they are open too); when a document changes, the open documents that
import it, or that it imports, are checked again. ``# noqa`` comments and the
project's ``[tool.cachelint]`` table apply as on the command line.

Checks run one at a time in a background thread, never on the message loop: the
editor keeps getting answers (code actions, other documents) while a slow file is
analysed, and the engine's own per-file time budget bounds that file. A document
that changed again while it was being checked is simply checked again; at most one
check per document is ever waiting. The user's code is parsed, never imported or run.

Code actions: "add ``# noqa: STCxxx``" for every diagnostic, and the CLI's safe fixes
when the ``cachelint.fixes`` package provides them.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import os
import queue
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Sequence

from astroid import nodes

from cachelint import __version__, catalog
from cachelint.analysis.project import Module, Project
from cachelint.service import Service
from cachelint.findings import Finding
from cachelint import config as _config
from cachelint.files import matches, relative_posix
from cachelint.noqa import Noqa, noqa_insertion  # noqa_insertion: the quick fix
from cachelint.catalog import SYNTAX_ERROR
from cachelint.config import AnalysisSettings

log = logging.getLogger("cachelint.lsp")

SOURCE = "cachelint"
DEBOUNCE_SECONDS = 0.3
FIX_TIMEOUT = 10.0  # seconds a code action request waits for fixes before answering without them
RULES_DOC = Path(__file__).resolve().parents[2] / "docs" / "rules.md"


# -- what a check finds (no LSP here: runs in the worker thread) ---------------------

def rule_doc_url(code: str) -> str | None:
    """Where a rule is documented: its section of docs/rules.md (None: no section)."""
    found = catalog.BY_CODE.get(code)
    if found is None or not RULES_DOC.is_file():
        return None
    return f"{RULES_DOC.as_uri()}#{found.anchor}"


def severity_of(code: str) -> str:
    """"error" or "warning", as the catalogue says (the same in every output)."""
    return catalog.severity(code)


def noqa_filter(text: str) -> Callable[[str, int], bool]:
    """(code, line) -> is it silenced by a ``# noqa`` comment of ``text``? (flake8's rules)"""
    noqa = Noqa(text)
    return lambda code, line: noqa.suppresses(line, code)


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
            found |= _imported_paths(module, project)
        for other in documents:
            if other == path or other in found:
                continue
            stem = path.stem if path.name != "__init__.py" else path.parent.name
            if stem not in documents[other]:
                continue  # cheap text test first: it cannot import a module it never names
            parsed = project.try_module(other)
            if parsed is not None and path in _imported_paths(parsed, project):
                found.add(other)
        return {p for p in found if p in documents and p != path}


def _imported_paths(module: Module, project: Project) -> set[Path]:
    """Files of the app that ``module`` imports (modules and ``from pkg import mod``)."""
    found: set[Path] = set()
    for node in module.tree.nodes_of_class((nodes.Import, nodes.ImportFrom)):
        if isinstance(node, nodes.Import):
            targets = [(name, 0) for name, _ in node.names]
        else:
            level = node.level or 0
            targets = [(node.modname, level)]
            targets += [(f"{node.modname}.{name}" if node.modname else name, level) for name, _ in node.names]
        for name, level in targets:
            imported = project.resolve_import(name, module, level)
            if imported is not None:
                found.add(imported.path)
    return found


# -- positions and edits -------------------------------------------------------------

def _char_index(line: str, byte_col: int) -> int:
    """astroid columns count UTF-8 bytes; Python strings count code points."""
    return len(line.encode("utf-8")[:byte_col].decode("utf-8", errors="ignore"))


def _line_at(lines: Sequence[str], index: int) -> str:
    return lines[index].rstrip("\r\n") if 0 <= index < len(lines) else ""


def finding_range(finding: Finding, lines: Sequence[str], units: Callable[[str], int]):
    """The LSP range of a finding; ``units`` counts a string in the client's position encoding."""
    from lsprotocol import types

    start_line = max(finding.line - 1, 0)
    text = _line_at(lines, start_line)
    # SyntaxError offsets count code points; node offsets count UTF-8 bytes.
    to_chars = (lambda _line, col: col) if finding.code == SYNTAX_ERROR else _char_index
    start = min(to_chars(text, finding.col), len(text))
    if finding.end_line and (finding.end_line, finding.end_col) > (finding.line, finding.col):
        end_line = finding.end_line - 1
        end_text = _line_at(lines, end_line)
        end = min(to_chars(end_text, finding.end_col), len(end_text))
    else:  # no extent: to the end of the line, so the editor shows more than a dot
        end_line, end_text, end = start_line, text, len(text)
        if end <= start and start > 0:
            start = end - 1
    return types.Range(start=types.Position(line=start_line, character=units(text[:start])),
                       end=types.Position(line=end_line, character=units(end_text[:end])))


def minimal_edit(old: str, new: str) -> tuple[int, int, str]:
    """One replacement (start offset, end offset in ``old``, new text) turning old into new."""
    prefix = 0
    limit = min(len(old), len(new))
    while prefix < limit and old[prefix] == new[prefix]:
        prefix += 1
    suffix = 0
    while suffix < limit - prefix and old[-1 - suffix] == new[-1 - suffix]:
        suffix += 1
    return prefix, len(old) - suffix, new[prefix:len(new) - suffix]


def _fixes():
    """``cachelint.fixes`` (fix_source and the codes it fixes), or None before it exists."""
    try:
        from cachelint import fixes
        from cachelint.fixes import fixer
    except ImportError:
        return None
    return fixes.fix_source, frozenset(getattr(fixer, "FIXABLE", ()))


def fixable_codes() -> frozenset[str]:
    found = _fixes()
    return found[1] if found else frozenset()


@dataclass(frozen=True)
class FixAction:
    title: str
    new_text: str
    finding: tuple[str, int] | None  # (code, line) it fixes; None: every fixable finding


def fix_actions(text: str, path: Path, wanted: Sequence[tuple[str, int]]) -> list[FixAction]:
    """The CLI's safe fixes as code actions: one per (code, line) asked for that has a fix,
    and one fixing them all (what ``cachelint check --fix`` would do) when there are several."""
    found = _fixes()
    if found is None:
        return []
    fix_source, _ = found
    folder = Folder.load(path.parent)
    silenced = noqa_filter(text)
    actions = []
    for code, line in dict.fromkeys(wanted):
        result = fix_source(text, path, settings=folder.settings, report_remaining=False,
                            keep=lambda c, n, _text, code=code, line=line: (c, n) == (code, line))
        if result.applied and result.new_text != text:
            actions.append(FixAction(f"Fix {code}: {result.applied[0].description}", result.new_text, (code, line)))
    if len(actions) > 1:
        result = fix_source(text, path, settings=folder.settings, report_remaining=False,
                            keep=lambda c, n, _text: folder.shows(path, c) and not silenced(c, n))
        if result.applied and result.new_text != text:
            actions.append(FixAction("Apply every safe cachelint fix", result.new_text, None))
    return actions


# -- the worker thread ---------------------------------------------------------------

class _Worker:
    """One daemon thread running jobs in order: a check still running never delays exit."""

    def __init__(self) -> None:
        self._jobs: queue.Queue = queue.Queue()
        self._thread = threading.Thread(target=self._run, name="cachelint-checks", daemon=True)
        self._thread.start()

    def submit(self, function: Callable, *args) -> concurrent.futures.Future:
        future: concurrent.futures.Future = concurrent.futures.Future()
        self._jobs.put((future, function, args))
        return future

    def stop(self) -> None:
        self._jobs.put(None)

    def _run(self) -> None:
        while (job := self._jobs.get()) is not None:
            future, function, args = job
            if not future.set_running_or_notify_cancel():
                continue
            try:
                future.set_result(function(*args))
            except BaseException as exc:  # noqa: BLE001 - handed to the awaiting side
                future.set_exception(exc)


# -- the server ----------------------------------------------------------------------

def build_server():
    """The language server, its features registered (start it with ``.start_io()``)."""
    from lsprotocol import types
    from pygls.lsp.server import LanguageServer
    from pygls.uris import to_fs_path

    class CachelintServer(LanguageServer):
        def __init__(self) -> None:
            super().__init__("cachelint", __version__,
                             text_document_sync_kind=types.TextDocumentSyncKind.Incremental)
            self.checker = Checker()
            self.worker = _Worker()
            self.fix_worker = _Worker()  # fixes for code actions: never queued behind checks
            self.debounce = DEBOUNCE_SECONDS
            self._timers: dict[str, asyncio.TimerHandle] = {}
            self._dirty: dict[str, bool] = {}  # uri -> also check the documents related to it
            self._reset = False
            self._wakeup: asyncio.Event | None = None
            self._loop_task: asyncio.Task | None = None
            self._shown_errors: set[str] = set()
            self._stopped = False

        # scheduling (message loop only)
        def schedule(self, uri: str, delay: float = 0.0, related: bool = True) -> None:
            if self._stopped:
                return
            timer = self._timers.pop(uri, None)
            if timer is not None:
                timer.cancel()
            if delay > 0:
                self._timers[uri] = asyncio.get_running_loop().call_later(
                    delay, self.schedule, uri, 0.0, related)
                return
            self._dirty[uri] = self._dirty.get(uri, False) or related
            if self._wakeup is None:
                self._wakeup = asyncio.Event()
                self._loop_task = asyncio.get_running_loop().create_task(self._check_loop())
            self._wakeup.set()

        def unschedule(self, uri: str) -> None:
            timer = self._timers.pop(uri, None)
            if timer is not None:
                timer.cancel()
            self._dirty.pop(uri, None)

        def open_documents(self) -> dict[str, Path]:
            found = {}
            for uri, document in list(self.workspace.text_documents.items()):
                path = to_fs_path(uri) if uri.startswith("file:") else None
                if path is not None and (document.language_id == "python" or path.endswith((".py", ".pyi"))):
                    found[uri] = Path(path).resolve()
            return found

        async def _check_loop(self) -> None:
            assert self._wakeup is not None
            while not self._stopped:
                await self._wakeup.wait()
                self._wakeup.clear()
                while self._dirty and not self._stopped:
                    uri, related = next(iter(self._dirty.items()))
                    del self._dirty[uri]
                    try:
                        await self._check_one(uri, related)
                    except Exception:  # noqa: BLE001 - the loop must outlive any one document
                        log.exception("cachelint: checking %s failed", uri)

        async def _check_one(self, uri: str, related: bool) -> None:
            uris = self.open_documents()
            if uri not in uris:
                return
            document = self.workspace.get_text_document(uri)
            version, path = document.version, uris[uri]
            documents = {p: self.workspace.get_text_document(u).source for u, p in uris.items()}
            reset, self._reset = self._reset, False
            try:
                result = await asyncio.wrap_future(self.worker.submit(self._run_check, path, documents,
                                                                      related, reset))
            except Exception as exc:  # noqa: BLE001 - one bad check must not stop the server
                log.exception("cachelint failed on %s", path)
                self.window_log_message(types.LogMessageParams(
                    type=types.MessageType.Error, message=f"cachelint failed on {path}: {exc!r}"))
                return
            if self._stopped or uri not in self.workspace.text_documents:
                return
            current = self.workspace.get_text_document(uri)
            if current.version != version or current.source != documents[path]:
                self.schedule(uri, related=related)  # changed meanwhile: that text gets its own check
                return
            self.publish(uri, current, result.findings)
            if result.config_error and result.config_error not in self._shown_errors:
                self._shown_errors.add(result.config_error)
                self.window_show_message(types.ShowMessageParams(
                    type=types.MessageType.Warning,
                    message=f"cachelint: {result.config_error} (using the defaults)"))
            by_path = {p: u for u, p in uris.items()}
            for other in sorted(result.related):
                if other in by_path and by_path[other] not in self._timers:
                    self.schedule(by_path[other], related=False)

        def _run_check(self, path: Path, documents: dict[Path, str], related: bool, reset: bool) -> CheckResult:
            if reset:
                self.checker.reset()
            return self.checker.check(path, documents, related)

        def publish(self, uri: str, document, findings: Iterable[Finding]) -> None:
            lines = document.lines
            units = self.workspace.position_codec.client_num_units
            diagnostics = []
            for finding in findings:
                url = rule_doc_url(finding.code)
                diagnostics.append(types.Diagnostic(
                    range=finding_range(finding, lines, units),
                    message=finding.message,
                    severity=(types.DiagnosticSeverity.Error if severity_of(finding.code) == "error"
                              else types.DiagnosticSeverity.Warning),
                    code=finding.code,
                    code_description=types.CodeDescription(href=url) if url else None,
                    source=SOURCE,
                ))
            self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(
                uri=uri, diagnostics=diagnostics, version=document.version))

        def stop_checks(self) -> None:
            self._stopped = True
            for timer in self._timers.values():
                timer.cancel()
            self._timers.clear()
            self._dirty.clear()
            if self._wakeup is not None:
                self._wakeup.set()
            self.worker.stop()
            self.fix_worker.stop()

    server = CachelintServer()

    @server.feature(types.INITIALIZED)
    def initialized(ls: CachelintServer, params: types.InitializedParams) -> None:
        watched = ls.client_capabilities.workspace and ls.client_capabilities.workspace.did_change_watched_files
        if watched and watched.dynamic_registration:
            options = types.DidChangeWatchedFilesRegistrationOptions(watchers=[
                types.FileSystemWatcher(glob_pattern="**/*.py"),
                types.FileSystemWatcher(glob_pattern="**/pyproject.toml"),
            ])
            ls.client_register_capability(types.RegistrationParams(registrations=[types.Registration(
                id="cachelint-watched-files", method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
                register_options=options)]))

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: CachelintServer, params: types.DidOpenTextDocumentParams) -> None:
        ls.schedule(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: CachelintServer, params: types.DidChangeTextDocumentParams) -> None:
        ls.schedule(params.text_document.uri, delay=ls.debounce)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: CachelintServer, params: types.DidSaveTextDocumentParams) -> None:
        ls._reset = True  # what other files import, and which files exist, may have changed
        ls.schedule(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: CachelintServer, params: types.DidCloseTextDocumentParams) -> None:
        uri = params.text_document.uri
        ls.unschedule(uri)
        ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))
        for other in ls.open_documents():  # they now see the file as it is on disk
            if other != uri:
                ls.schedule(other, related=False)

    @server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    def did_change_watched_files(ls: CachelintServer, params: types.DidChangeWatchedFilesParams) -> None:
        ls._reset = True
        for uri in ls.open_documents():
            ls.schedule(uri, related=False)

    @server.feature(types.SHUTDOWN)
    def shutdown(ls: CachelintServer, params: None) -> None:
        ls.stop_checks()

    @server.feature(types.TEXT_DOCUMENT_CODE_ACTION,
                    types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix]))
    async def code_action(ls: CachelintServer, params: types.CodeActionParams) -> list[types.CodeAction]:
        uri = params.text_document.uri
        ours = [d for d in params.context.diagnostics
                if d.source == SOURCE and isinstance(d.code, str) and d.code.startswith("STC")]
        if not ours or uri not in ls.workspace.text_documents:
            return []
        document = ls.workspace.get_text_document(uri)
        text, lines = document.source, document.lines
        units = ls.workspace.position_codec.client_num_units
        actions = []
        for diagnostic in ours:
            insertion = noqa_insertion(text, diagnostic.range.start.line + 1, diagnostic.code)
            if insertion is None:
                continue
            line, column, new_text = insertion
            position = types.Position(line=line - 1, character=units(_line_at(lines, line - 1)[:column]))
            actions.append(types.CodeAction(
                title=f"Add `# noqa: {diagnostic.code}` (cachelint)",
                kind=types.CodeActionKind.QuickFix,
                diagnostics=[diagnostic],
                edit=types.WorkspaceEdit(changes={uri: [types.TextEdit(
                    range=types.Range(start=position, end=position), new_text=new_text)]}),
            ))
        path = to_fs_path(uri)
        fixable = [d for d in ours if d.code in fixable_codes()]
        fix_code_actions: list[types.CodeAction] = []
        if path is not None and fixable:
            wanted = [(d.code, d.range.start.line + 1) for d in fixable]
            try:
                fixes = await asyncio.wait_for(asyncio.wrap_future(
                    ls.fix_worker.submit(fix_actions, text, Path(path).resolve(), wanted)), timeout=FIX_TIMEOUT)
            except Exception:  # noqa: BLE001 - no fix is better than a failed request
                log.exception("cachelint fixes failed on %s", path)
                fixes = []
            for fix in fixes:
                start, end, replacement = minimal_edit(text, fix.new_text)
                edit = types.TextEdit(range=types.Range(start=document.client_position_at_offset(start),
                                                        end=document.client_position_at_offset(end)),
                                      new_text=replacement)
                fixed = [d for d in fixable if fix.finding in (None, (d.code, d.range.start.line + 1))]
                fix_code_actions.append(types.CodeAction(
                    title=fix.title, kind=types.CodeActionKind.QuickFix, diagnostics=fixed,
                    is_preferred=fix.finding is not None or None,
                    edit=types.WorkspaceEdit(changes={uri: [edit]})))
        return fix_code_actions + actions

    return server


def main() -> int:
    """Serve LSP over stdio until the client says exit (then the process ends)."""
    try:
        import pygls  # noqa: F401 - the optional dependency
    except ImportError:
        print("cachelint lsp needs pygls: pip install 'streamlit-cachelint[lsp]'", file=sys.stderr)
        return 2
    server = build_server()
    server.start_io()
    # The client said exit: 0 after a shutdown request, 1 without (LSP). stdout is closed
    # by now, and tearing down the parsed trees would only delay the editor: leave at once.
    code = 0 if getattr(server.protocol, "_shutdown", False) else 1
    logging.shutdown()
    sys.stderr.flush()
    os._exit(code)


if __name__ == "__main__":
    raise SystemExit(main())
