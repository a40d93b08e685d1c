"""flake8, pylint, the command line and the language server report the same findings.

Every host calls the one service (``cachelint.service``) and keeps only its own I/O, so
on every fixture file the four report the same (path, line, code) set. Each host runs
once over a copy of tests/fixtures (a session fixture), as a user runs it:

* flake8 ``--select STC``; pylint with the plugin and every cachelint message enabled
  (its ids mapped back to STC codes); ``cachelint check --format json``; and
  ``cachelint lsp`` through pytest-lsp's client, each fixture file opened as in an editor;
* the preview rules on for all four at once, the way every host takes it: one
  ``pyproject.toml`` above the copied fixtures with ``preview = true`` and the opt-in
  STC023 selected (the language server has no command-line switch). It replaces
  tests/fixtures/preview's own table: flake8, pylint and the language server read the
  nearest table of each file, while ``cachelint check`` reads the one above the paths it
  is given (docs/cli.md, "Configuration"), so a nested table is where the hosts differ;
* without tests/fixtures/bad: inputs that do not parse or decode, which pylint and
  flake8 report themselves, before any plugin runs (tests/test_reliability.py covers them).

All files are compared, none sampled: with the three commands running beside the language
server the whole test takes about 85 s on 2 cores (hence ``slow``).
"""

from __future__ import annotations

import asyncio
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from lsprotocol import types
from pytest_lsp import make_test_lsp_client

from expectations import FIXTURES

from cachelint import catalog
from cachelint.pylint_plugin import pylint_id

Finding = tuple[str, int, str]  # (path relative to the copied fixtures, line, code)
LSP_TIMEOUT = 300  # seconds for every file's diagnostics


@pytest.fixture(scope="session")
def fixture_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("hosts")
    shutil.copytree(FIXTURES, root / "fixtures", ignore=shutil.ignore_patterns("bad", "__pycache__", "pyproject.toml"))
    (root / "pyproject.toml").write_text('[tool.cachelint]\npreview = true\nextend-select = ["STC023"]\n')
    assert list(root.rglob("pyproject.toml")) == [root / "pyproject.toml"]
    return root


@pytest.fixture(scope="session")
def fixture_files(fixture_copy: Path) -> list[str]:
    return sorted(p.relative_to(fixture_copy).as_posix() for p in (fixture_copy / "fixtures").rglob("*.py"))


@pytest.fixture(scope="session")
def by_host(fixture_copy: Path, fixture_files: list[str]) -> dict[str, set[Finding]]:
    """Each host's findings over the whole copy: the three commands run side by side while
    the language server checks the files."""
    to_code = {pylint_id(c.code): c.code for c in catalog.CODES}
    commands = {
        "flake8": [sys.executable, "-m", "flake8", "--select", "STC", "--format", "%(path)s:%(row)d:%(code)s",
                   "fixtures"],
        "pylint": [sys.executable, "-m", "pylint", "--disable=all", f"--enable={','.join(to_code)}",
                   "--load-plugins=cachelint.pylint_plugin", "--recursive=y", "--jobs=1", "--persistent=n",
                   "--output-format=json", "fixtures"],
        "cli": [sys.executable, "-m", "cachelint", "check", "--format", "json", "--no-cache", "-j", "1",
                "fixtures"],
    }
    running = {host: subprocess.Popen(command, cwd=fixture_copy, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                      text=True) for host, command in commands.items()}
    try:
        from_lsp = asyncio.run(asyncio.wait_for(_lsp_findings(fixture_copy, fixture_files), LSP_TIMEOUT))
        outputs = {host: process.communicate(timeout=600) for host, process in running.items()}
    finally:
        for process in running.values():
            if process.poll() is None:
                process.kill()
    for host, (out, err) in outputs.items():
        assert running[host].returncode in (0, 1) or host == "pylint", f"{host}: {err}"
        assert "Traceback" not in err, f"{host}: {err}"

    flake8 = set()
    for line in outputs["flake8"][0].splitlines():
        path, row, code = line.rsplit(":", 2)
        flake8.add((Path(path).as_posix(), int(row), code))
    messages = json.loads(outputs["pylint"][0])
    assert {m["message-id"] for m in messages} <= set(to_code), messages  # no pylint crash message (F0002)
    pylint = {(Path(m["path"]).as_posix(), m["line"], to_code[m["message-id"]]) for m in messages}
    document = json.loads(outputs["cli"][0])
    cli = {(f["path"], f["location"]["line"], f["code"]) for f in document["findings"]}
    return {"flake8": flake8, "pylint": pylint, "cli": cli, "lsp": from_lsp}


async def _lsp_findings(root: Path, files: list[str]) -> set[Finding]:
    client = make_test_lsp_client()
    await client.start_io(sys.executable, "-m", "cachelint", "lsp", cwd=str(root))
    await client.initialize_session(types.InitializeParams(
        capabilities=types.ClientCapabilities(), root_uri=root.as_uri(),
        workspace_folders=[types.WorkspaceFolder(uri=root.as_uri(), name=root.name)]))
    uris = {}
    for name in files:
        path = root / name
        uris[path.as_uri()] = name
        client.text_document_did_open(types.DidOpenTextDocumentParams(text_document=types.TextDocumentItem(
            uri=path.as_uri(), language_id="python", version=1, text=path.read_text(encoding="utf-8"))))
    while not set(uris) <= set(client.diagnostics):
        await asyncio.sleep(0.1)
    found = {(uris[uri], d.range.start.line + 1, str(d.code))
             for uri, diagnostics in client.diagnostics.items() for d in diagnostics}
    await client.shutdown_session()
    await client.stop()
    return found


def _on(findings: set[Finding], path: str) -> list[tuple[int, str]]:
    return sorted((line, code) for where, line, code in findings if where == path)


def test_the_four_hosts_report_the_same_findings_on_every_fixture_file(
        by_host: dict[str, set[Finding]], fixture_files: list[str]) -> None:
    flake8 = by_host["flake8"]
    # Not vacuous: the copy has the fixtures, findings of stable and preview rules (the
    # preview table reached every host), and files without any.
    assert len(fixture_files) >= 400
    codes = {code for _, _, code in flake8}
    assert {"STC001", "STC011", "STC021", "STC022", "STC023", "STC024"} <= codes, sorted(codes)
    assert len({path for path, _, _ in flake8}) >= 200
    for host, findings in by_host.items():
        assert {path for path, _, _ in findings} <= set(fixture_files), host
    differ = {path: {host: _on(findings, path) for host, findings in by_host.items()}
              for path in fixture_files
              if len({tuple(_on(findings, path)) for findings in by_host.values()}) > 1}
    assert differ == {}
