"""The language server, end to end as an editor drives it: a real LSP client over stdio.

Each test starts ``cachelint lsp`` as a subprocess with pytest-lsp's client (pygls),
opens documents written to a temporary folder, edits them as an editor would
(incremental changes, unsaved) and watches the published diagnostics.
"""

from __future__ import annotations

import asyncio
import functools
import sys
from pathlib import Path
from typing import Callable, Sequence

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient, client_capabilities, make_test_lsp_client

from cachelint.integrations.lsp import Checker, document_key
from cachelint.integrations.lsp.actions import FIX_ALL_TITLE, finding_fixes, fix_all
from cachelint.noqa import noqa_insertion

SERVER = [sys.executable, "-m", "cachelint", "lsp"]  # `cachelint lsp`
TIMEOUT = 45  # seconds for a publish; generous: CI machines can be busy

APP = """\
import streamlit as st


class Point:
    def __init__(self, x):
        self.x = x


@st.cache_data
def norm(p: Point) -> float:
    return p.x


st.write(norm(Point(3)))
"""


def lsp(coroutine_function: Callable) -> Callable:
    """Run an async test body in its own event loop (no pytest-asyncio mode to configure)."""

    @functools.wraps(coroutine_function)
    def run(*args, **kwargs):
        asyncio.run(asyncio.wait_for(coroutine_function(*args, **kwargs), timeout=150))

    return run


async def start(root: Path, command: Sequence[str] = SERVER) -> LanguageClient:
    client = make_test_lsp_client()
    registrations: list[types.Registration] = []
    client.registrations = registrations

    @client.feature(types.CLIENT_REGISTER_CAPABILITY)
    def register(params: types.RegistrationParams) -> None:
        registrations.extend(params.registrations)

    await client.start_io(*command, cwd=str(root))
    await client.initialize_session(types.InitializeParams(
        capabilities=client_capabilities("visual-studio-code"),
        root_uri=root.as_uri(),
        workspace_folders=[types.WorkspaceFolder(uri=root.as_uri(), name=root.name)],
    ))
    return client


async def stop(client: LanguageClient) -> None:
    """Shut down as an editor does and check the server exited by itself, with 0."""
    server = client._server
    await client.shutdown_session()
    assert server is not None and server.returncode == 0
    await client.stop()


def open_document(client: LanguageClient, path: Path, text: str | None = None) -> str:
    uri = path.as_uri()
    client.text_document_did_open(types.DidOpenTextDocumentParams(text_document=types.TextDocumentItem(
        uri=uri, language_id="python", version=1, text=path.read_text() if text is None else text)))
    return uri


_versions: dict[str, int] = {}


def change(client: LanguageClient, uri: str, *edits: tuple[types.Range, str]) -> None:
    _versions[uri] = _versions.get(uri, 1) + 1
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=_versions[uri]),
        content_changes=[types.TextDocumentContentChangePartial(range=r, text=t) for r, t in edits]))


def span(line: int, start: int, end: int) -> types.Range:
    return types.Range(start=types.Position(line=line, character=start), end=types.Position(line=line, character=end))


async def diagnostics(client: LanguageClient, uri: str,
                      wanted: Callable[[Sequence[types.Diagnostic]], bool]) -> Sequence[types.Diagnostic]:
    """The document's diagnostics, once the server has published ones that are ``wanted``."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + TIMEOUT
    while True:
        found = client.diagnostics.get(uri)
        if found is not None and wanted(found):
            return found
        if loop.time() > deadline:
            raise AssertionError(f"no wanted diagnostics for {uri}; last: {found}")
        await asyncio.sleep(0.05)


def codes(found: Sequence[types.Diagnostic]) -> list[str]:
    return sorted(str(d.code) for d in found)


def apply(text: str, edits: Sequence[types.TextEdit]) -> str:
    """Apply LSP text edits (ASCII text: positions are code points) to a string."""
    lines = text.splitlines(keepends=True)

    def offset(position: types.Position) -> int:
        return sum(len(line) for line in lines[:position.line]) + position.character

    for edit in sorted(edits, key=lambda e: offset(e.range.start), reverse=True):
        text = text[:offset(edit.range.start)] + edit.new_text + text[offset(edit.range.end):]
    return text


@lsp
async def test_diagnostic_range_fix_and_noqa_action(tmp_path: Path) -> None:
    app = tmp_path / "app.py"
    app.write_text(APP)
    client = await start(tmp_path)
    uri = open_document(client, app)

    found = await diagnostics(client, uri, lambda d: len(d) > 0)
    assert len(found) == 1
    diagnostic = found[0]
    assert diagnostic.code == "STC001"
    assert diagnostic.source == "cachelint"
    assert diagnostic.severity == types.DiagnosticSeverity.Error
    assert diagnostic.range == types.Range(start=types.Position(line=9, character=9),
                                           end=types.Position(line=9, character=17))  # `p: Point`
    assert "'p'" in diagnostic.message and "UnhashableParamError" in diagnostic.message
    assert diagnostic.code_description is not None
    assert diagnostic.code_description.href.endswith("rules.md#stc001-unhashable-argument")

    # The editor renames the parameter `_p` (unsaved): the finding goes away.
    change(client, uri, (span(9, 9, 10), "_p"), (span(10, 11, 12), "_p"))
    assert await diagnostics(client, uri, lambda d: len(d) == 0) == ()

    # And back: it returns, with a quick fix that adds `# noqa: STC001`.
    change(client, uri, (span(9, 9, 11), "p"), (span(10, 11, 13), "p"))
    (diagnostic,) = await diagnostics(client, uri, lambda d: codes(d) == ["STC001"])
    actions = await client.text_document_code_action_async(types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri=uri), range=diagnostic.range,
        context=types.CodeActionContext(diagnostics=[diagnostic])))
    noqa = [a for a in actions or [] if "noqa" in a.title]
    assert len(noqa) == 1 and noqa[0].kind == types.CodeActionKind.QuickFix
    edits = noqa[0].edit.changes[uri]
    fixed = apply(APP, edits)
    assert fixed.splitlines()[9] == "def norm(p: Point) -> float:  # noqa: STC001"

    # The editor applies it: the diagnostic goes away.
    change(client, uri, *[(e.range, e.new_text) for e in edits])
    assert await diagnostics(client, uri, lambda d: len(d) == 0) == ()

    await stop(client)


@lsp
async def test_syntax_error_while_typing_keeps_serving(tmp_path: Path) -> None:
    app = tmp_path / "app.py"
    app.write_text(APP)
    client = await start(tmp_path)
    uri = open_document(client, app)
    await diagnostics(client, uri, lambda d: codes(d) == ["STC001"])

    # Mid-typing: `def norm(p: Point) -> float:` loses its closing parenthesis.
    change(client, uri, (span(9, 17, 18), ""))
    (broken,) = await diagnostics(client, uri, lambda d: codes(d) == ["STC900"])
    assert broken.range.start.line == 9
    assert "not checked" in broken.message

    # The server is still there: code actions answer, and finishing the line brings STC001 back.
    actions = await client.text_document_code_action_async(types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri=uri), range=broken.range,
        context=types.CodeActionContext(diagnostics=[broken])))
    assert actions is not None
    change(client, uri, (span(9, 17, 17), ")"))
    await diagnostics(client, uri, lambda d: codes(d) == ["STC001"])
    await stop(client)


@lsp
async def test_change_in_an_imported_module_refreshes_its_importers(tmp_path: Path) -> None:
    """`utils.area` is edited (unsaved) to leave `shape` out of the key: app.py's call is fine."""
    (tmp_path / "utils.py").write_text(
        "import streamlit as st\n\n\n@st.cache_data\ndef area(shape):\n    return shape.w * shape.h\n")
    (tmp_path / "app.py").write_text(
        "import streamlit as st\n\nimport utils\n\n\nclass Rect:\n    def __init__(self, w, h):\n"
        "        self.w, self.h = w, h\n\n\nst.write(utils.area(Rect(2, 3)))\n")
    client = await start(tmp_path)
    app_uri = open_document(client, tmp_path / "app.py")
    (call,) = await diagnostics(client, app_uri, lambda d: codes(d) == ["STC001"])
    assert call.range == span(10, 20, 30)  # the argument `Rect(2, 3)`
    utils_uri = open_document(client, tmp_path / "utils.py")
    assert await diagnostics(client, utils_uri, lambda d: True) == ()

    change(client, utils_uri, (span(4, 9, 14), "_shape"), (span(5, 11, 16), "_shape"),
           (span(5, 21, 26), "_shape"))
    assert await diagnostics(client, app_uri, lambda d: len(d) == 0) == ()
    assert (tmp_path / "utils.py").read_text().count("_shape") == 0  # nothing was saved
    await stop(client)


@lsp
async def test_noqa_and_config_are_honoured(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.cachelint]\nignore = ["STC003"]\n')
    app = tmp_path / "app.py"
    app.write_text(APP.replace("def norm(p: Point) -> float:", "def norm(p: Point) -> float:  # NOQA:STC001")
                   + '\n\n@st.cache_data(hash_funcs={Point: id})\ndef twice(p: Point):\n    return p.x\n')
    client = await start(tmp_path)
    uri = open_document(client, app)
    assert await diagnostics(client, uri, lambda d: True) == ()
    # Without the comment STC001 shows; STC003 (the `id` hash_funcs) stays ignored by the config.
    change(client, uri, (span(9, 28, 43), ""))
    await diagnostics(client, uri, lambda d: codes(d) == ["STC001"])
    await stop(client)


@lsp
async def test_fix_code_action_is_the_clis_fix(tmp_path: Path) -> None:
    app = tmp_path / "app.py"
    text = ("import streamlit as st\n\n\n@st.experimental_memo  # the old name\ndef load(n: int):\n"
            "    return list(range(n))\n\n\nst.write(load(3))\n")
    app.write_text(text)
    client = await start(tmp_path)
    uri = open_document(client, app)
    (diagnostic,) = await diagnostics(client, uri, lambda d: codes(d) == ["STC011"])
    actions = await client.text_document_code_action_async(types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri=uri), range=diagnostic.range,
        context=types.CodeActionContext(diagnostics=[diagnostic])))
    titles = [a.title for a in actions or []]
    assert len(titles) == 2 and titles[0].startswith("Fix STC011") and "noqa" in titles[1], titles
    fix = actions[0]
    assert fix.is_preferred and list(fix.diagnostics) == [diagnostic]
    edits = fix.edit.changes[uri]
    assert apply(text, edits) == text.replace("@st.experimental_memo", "@st.cache_data")
    change(client, uri, *[(e.range, e.new_text) for e in edits])
    assert await diagnostics(client, uri, lambda d: len(d) == 0) == ()
    await stop(client)


@lsp
@pytest.mark.parametrize("folder", ["with space", "with+plus", "café"])
async def test_percent_encoded_uris_get_diagnostics(tmp_path: Path, folder: str) -> None:
    """Editors send file:///.../with%20space/app.py: the document still gets its findings,
    published under the URI the editor used."""
    root = tmp_path / folder
    root.mkdir()
    app = root / "app.py"
    app.write_text(APP)
    client = await start(root)
    uri = app.as_uri()  # percent-encoded, as VS Code and Neovim send it
    assert "%" in uri
    open_document(client, app)
    found = await diagnostics(client, uri, lambda d: len(d) > 0)
    assert codes(found) == ["STC001"]
    await stop(client)


@lsp
async def test_fix_all_on_save_as_source_action(tmp_path: Path) -> None:
    app = tmp_path / "app.py"
    text = ("import streamlit as st\n\n\n@st.experimental_memo\ndef load(n: int):\n    return n\n\n\n"
            "@st.cache_data(suppress_st_warning=True)\ndef other(n: int):\n    return n\n")
    app.write_text(text)
    client = await start(tmp_path)
    uri = open_document(client, app)
    await diagnostics(client, uri, lambda d: codes(d) == ["STC011", "STC012"])
    actions = await client.text_document_code_action_async(types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri=uri), range=span(0, 0, 0),
        context=types.CodeActionContext(diagnostics=[], only=["source.fixAll"])))
    assert [a.kind for a in actions] == ["source.fixAll.cachelint"], actions
    fixed = apply(text, actions[0].edit.changes[uri])
    assert fixed == text.replace("@st.experimental_memo", "@st.cache_data").replace("(suppress_st_warning=True)", "")
    await stop(client)


def test_fix_actions_one_per_finding_and_all_together(tmp_path: Path) -> None:
    path = tmp_path / "app.py"
    text = ("import streamlit as st\n\n\n@st.experimental_memo\ndef load(n: int):\n    return n\n\n\n"
            "@st.cache_data(suppress_st_warning=True)\ndef other(n: int):\n    return n\n\n\n"
            "@st.experimental_memo  # noqa: STC011\ndef kept(n: int):\n    return n\n")
    path.write_text(text)
    findings = Checker().check(path.resolve(), {path.resolve(): text}).findings
    actions = finding_fixes(findings)
    assert [(a.finding.code, a.finding.line) for a in actions] == [("STC011", 4), ("STC012", 9)]
    assert [a.title for a in actions] == ["Fix STC011: st.experimental_memo -> st.cache_data",
                                          "Fix STC012: dropped suppress_st_warning=True"]
    everything = fix_all(text, path.resolve())
    assert everything.title == FIX_ALL_TITLE and everything.finding is None
    from cachelint.fixes.patch import apply as apply_edits

    assert apply_edits(text, everything.edits) == text.replace("@st.experimental_memo\n", "@st.cache_data\n").replace(
        "(suppress_st_warning=True)", "")  # the noqa'd one is left alone
    assert fix_all("import streamlit as st\n", path.resolve()) is None


def test_checker_sees_other_buffers_and_then_the_disk(tmp_path: Path) -> None:
    """Without the protocol: overrides follow the open buffers; a closed buffer is read from disk."""
    (tmp_path / "utils.py").write_text("import streamlit as st\n\n\n@st.cache_data\ndef area(_shape):\n    return 1\n")
    app = tmp_path / "app.py"
    app_text = ("import streamlit as st\n\nimport utils\n\n\nclass Rect:\n    pass\n\n\n"
                "st.write(utils.area(Rect()))\n")
    app.write_text(app_text)
    utils = (tmp_path / "utils.py").resolve()
    app = app.resolve()
    checker = Checker()
    assert checker.check(app, {app: app_text}).findings == []
    unsaved = (tmp_path / "utils.py").read_text().replace("_shape", "shape")
    result = checker.check(app, {app: app_text, utils: unsaved})
    assert [f.code for f in result.findings] == ["STC001"]
    assert result.related == {utils}
    assert checker.check(utils, {app: app_text, utils: unsaved}).related == {app}
    assert checker.check(app, {app: app_text}).findings == []


def test_checker_sees_an_import_typed_but_not_saved(tmp_path: Path) -> None:
    """app.py on disk does not import utils; its buffer does, and calls a cached function of it."""
    (tmp_path / "utils.py").write_text("import streamlit as st\n\n\n@st.cache_data\ndef area(shape):\n    return 1\n")
    app = tmp_path / "app.py"
    app.write_text("import streamlit as st\n\nst.write(1)\n")
    app = app.resolve()
    typed = ("import streamlit as st\n\nimport utils\n\n\nclass Rect:\n    pass\n\n\n"
             "st.write(utils.area(Rect()))\n")
    checker = Checker()
    assert checker.check(app, {app: app.read_text()}).findings == []
    assert [(f.line, f.code) for f in checker.check(app, {app: typed}).findings] == [(10, "STC001")]
    assert checker.check(app, {app: app.read_text()}).findings == []  # and undone


@pytest.mark.parametrize(("text", "line", "expected"), [
    ("x = f(a)\n", 1, (1, 8, "  # noqa: STC001")),
    ("x = f(a)  # noqa: STC003\n", 1, (1, 24, ",STC001")),
    ("x = f(a)  # noqa:STC003 \n", 1, (1, 23, ",STC001")),
    ("x = f(a)  # noqa\n", 1, None),
    ('x = f(a, """\nabc""")\n', 1, (2, 7, "  # noqa: STC001")),  # not inside the string
    ("def f(\n    a,\n):\n", 2, (2, 6, "  # noqa: STC001")),
    ("def f(\n", 1, (1, 6, "  # noqa: STC001")),  # does not tokenize: the line itself
])
def test_noqa_insertion(text: str, line: int, expected) -> None:
    assert noqa_insertion(text, line, "STC001") == expected


@pytest.mark.parametrize(("uri", "key"), [
    ("file:///tmp/with%20space/app.py", "file:///tmp/with space/app.py"),
    ("file:///tmp/with%2Bplus/app.py", "file:///tmp/with+plus/app.py"),
    ("file:///tmp/caf%C3%A9/app.py", "file:///tmp/café/app.py"),
    ("file:///c%3A/Users/me/app.py", "file:///c:/Users/me/app.py"),  # VS Code on Windows
    ("file:///c:/Users/me/app.py", "file:///c:/Users/me/app.py"),
])
def test_uris_are_compared_in_one_form(uri: str, key: str) -> None:
    from pygls.uris import to_fs_path

    assert document_key(uri) == key == document_key(key)
    assert to_fs_path(document_key(uri)) == to_fs_path(uri)


def test_rule_links_work_without_a_checkout(tmp_path: Path, monkeypatch) -> None:
    """Installed from a wheel there is no docs/rules.md: the link points at a copy written
    from the catalogue, with the rule's section."""
    from cachelint.integrations.lsp import workspace

    monkeypatch.setattr(workspace, "RULES_DOC", tmp_path / "missing.md")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    workspace._written_reference.cache_clear()
    url = workspace.rule_doc_url("STC001")
    assert url.startswith((tmp_path / "cache" / "cachelint").as_uri()) and url.endswith("#stc001-unhashable-argument")
    written = Path(url.split("#")[0].replace("file://", ""))
    assert "## STC001 unhashable-argument" in written.read_text(encoding="utf-8")
    workspace._written_reference.cache_clear()
