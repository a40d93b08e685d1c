"""The pygls server: scheduling checks off the message loop, publishing diagnostics, and
answering code actions.

Documents are keyed by their unquoted URI, as pygls's workspace keys them, so that
``file:///a%20b/app.py`` and ``file:///a b/app.py`` (and VS Code's ``file:///c%3A/...``)
are one document; diagnostics are published under the URI the client used.

Checks run one at a time in a background thread, never on the message loop: the
editor keeps getting answers (code actions, other documents) while a slow file is
analysed. A document that changed again while it was being checked is simply checked
again; at most one check per document is ever waiting.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import queue
import threading
from pathlib import Path
from typing import Callable, Iterable
from urllib.parse import unquote

from cachelint import __version__, catalog
from cachelint.findings import Finding
from cachelint.integrations.lsp.actions import FixAction, finding_fixes, fix_all
from cachelint.integrations.lsp.positions import edit_range, finding_range
from cachelint.integrations.lsp.workspace import Checker, CheckResult, rule_doc_url
from cachelint.noqa import noqa_insertion

log = logging.getLogger("cachelint.lsp")

SOURCE = "cachelint"
DEBOUNCE_SECONDS = 0.3
FIX_TIMEOUT = 10.0  # seconds a code action request waits for "fix all" before answering without it
FIX_ALL_KIND = "source.fixAll.cachelint"


def document_key(uri: str) -> str:
    """One spelling per document, as pygls's workspace keys documents."""
    return unquote(uri)


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
            self.published: dict[str, tuple[int | None, list[Finding]]] = {}  # key -> (version, findings)
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
            for key, document in list(self.workspace.text_documents.items()):
                path = to_fs_path(key) if key.startswith("file:") else None
                if path is not None and (document.language_id == "python" or path.endswith((".py", ".pyi"))):
                    found[key] = Path(path).resolve()
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
            self.published[uri] = (current.version, result.findings)
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

        def publish(self, key: str, document, findings: Iterable[Finding]) -> None:
            """Diagnostics for a document, under the URI the client gave it."""
            lines = document.lines
            units = self.workspace.position_codec.client_num_units
            diagnostics = []
            for finding in findings:
                url = rule_doc_url(finding.code)
                diagnostics.append(types.Diagnostic(
                    range=finding_range(finding, lines, units),
                    message=finding.message,
                    severity=(types.DiagnosticSeverity.Error if catalog.severity(finding.code) == catalog.ERROR
                              else types.DiagnosticSeverity.Warning),
                    code=finding.code,
                    code_description=types.CodeDescription(href=url) if url else None,
                    source=SOURCE,
                ))
            self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(
                uri=document.uri, diagnostics=diagnostics, version=document.version))

        def quick_fixes(self, document, diagnostics) -> list[types.CodeAction]:
            """Each of our diagnostics' fix (from the finding it was published for), and a
            ``# noqa`` for each."""
            ours = [d for d in diagnostics if d.source == SOURCE and isinstance(d.code, str)
                    and d.code.startswith("STC")]
            version, findings = self.published.get(document_key(document.uri), (None, []))
            fixes: list[types.CodeAction] = []
            noqas: list[types.CodeAction] = []
            for diagnostic in ours:
                if version == document.version:
                    for action in finding_fixes([f for f in findings if f.code == diagnostic.code
                                                 and f.line == diagnostic.range.start.line + 1
                                                 and f.message == diagnostic.message]):
                        fixes.append(self.code_action_for(document, action, types.CodeActionKind.QuickFix,
                                                          [diagnostic], preferred=True))
                noqa = self.noqa_action(document, diagnostic)
                if noqa is not None:
                    noqas.append(noqa)
            return fixes + noqas

        def noqa_action(self, document, diagnostic) -> types.CodeAction | None:
            insertion = noqa_insertion(document.source, diagnostic.range.start.line + 1, diagnostic.code)
            if insertion is None:
                return None
            line, column, new_text = insertion
            units = self.workspace.position_codec.client_num_units
            lines = document.lines
            text = lines[line - 1].rstrip("\r\n") if 0 < line <= len(lines) else ""
            position = types.Position(line=line - 1, character=units(text[:column]))
            return types.CodeAction(
                title=f"Add `# noqa: {diagnostic.code}` (cachelint)", kind=types.CodeActionKind.QuickFix,
                diagnostics=[diagnostic],
                edit=types.WorkspaceEdit(changes={document.uri: [types.TextEdit(
                    range=types.Range(start=position, end=position), new_text=new_text)]}))

        def code_action_for(self, document, action: FixAction, kind: str, diagnostics: list,
                            preferred: bool = False) -> types.CodeAction:
            units = self.workspace.position_codec.client_num_units
            edits = [types.TextEdit(range=edit_range(edit, document.lines, units), new_text=edit.text)
                     for edit in action.edits]
            return types.CodeAction(title=action.title, kind=kind, diagnostics=diagnostics,
                                    is_preferred=preferred or None,
                                    edit=types.WorkspaceEdit(changes={document.uri: edits}))

        async def fix_everything(self, document) -> FixAction | None:
            """``--fix`` on the buffer, in the fix worker (never queued behind checks)."""
            key = document_key(document.uri)
            path = self.open_documents().get(key)
            if path is None:
                return None
            try:
                return await asyncio.wait_for(asyncio.wrap_future(
                    self.fix_worker.submit(fix_all, document.source, path)), timeout=FIX_TIMEOUT)
            except Exception:  # noqa: BLE001 - no fix is better than a failed request
                log.exception("cachelint fixes failed on %s", path)
                return None

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
        ls.schedule(document_key(params.text_document.uri))

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: CachelintServer, params: types.DidChangeTextDocumentParams) -> None:
        ls.schedule(document_key(params.text_document.uri), delay=ls.debounce)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: CachelintServer, params: types.DidSaveTextDocumentParams) -> None:
        ls._reset = True  # what other files import, and which files exist, may have changed
        ls.schedule(document_key(params.text_document.uri))

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: CachelintServer, params: types.DidCloseTextDocumentParams) -> None:
        key = document_key(params.text_document.uri)
        ls.unschedule(key)
        ls.published.pop(key, None)
        ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=params.text_document.uri,
                                                                            diagnostics=[]))
        for other in ls.open_documents():  # they now see the file as it is on disk
            if other != key:
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
                    types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix, FIX_ALL_KIND]))
    async def code_action(ls: CachelintServer, params: types.CodeActionParams) -> list[types.CodeAction]:
        key = document_key(params.text_document.uri)
        if key not in ls.workspace.text_documents:
            return []
        document = ls.workspace.get_text_document(key)
        only = params.context.only
        if only and not any(FIX_ALL_KIND.startswith(kind) or kind == types.CodeActionKind.QuickFix for kind in only):
            return []
        actions: list[types.CodeAction] = []
        if not only or types.CodeActionKind.QuickFix in only:
            actions += ls.quick_fixes(document, params.context.diagnostics)
        wants_fix_all = not only or any(FIX_ALL_KIND.startswith(kind) for kind in only)
        version, findings = ls.published.get(key, (None, []))
        fixable = [f for f in findings if f.fix is not None and f.fix.safe]
        if wants_fix_all and version == document.version and (fixable if only else len(fixable) > 1):
            fixed = await ls.fix_everything(document)
            if fixed is not None:
                kind = FIX_ALL_KIND if only else types.CodeActionKind.QuickFix
                actions.append(ls.code_action_for(document, fixed, kind, list(params.context.diagnostics)))
        return actions

    return server


