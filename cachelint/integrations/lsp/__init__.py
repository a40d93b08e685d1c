"""cachelint as a language server: ``cachelint lsp`` (or ``python -m cachelint.integrations.lsp``).

Speaks LSP over stdio (pygls 2). Diagnostics are published when a document is opened
or saved, and shortly after it stops changing (changes are debounced per document).
Each check runs the same service as flake8 and the CLI on the editor's unsaved text,
with the app's other modules read from disk (or from their editor buffers when they
are open too); when a document changes, the open documents that import it, or that it
imports, are checked again. ``# noqa`` comments and the project's ``[tool.cachelint]``
table apply as on the command line. The user's code is parsed, never imported or run.

Code actions: "add ``# noqa: STCxxx``" for every diagnostic, the fix each finding
carries, "apply every safe fix", and ``source.fixAll.cachelint`` for fix-on-save.

    workspace.py   what a check finds (no LSP types): folders, configuration, checks
    positions.py   ranges and columns in the client's position encoding
    actions.py     code actions as plain data
    server.py      the pygls server: scheduling, publishing, answering
"""

from __future__ import annotations

import logging
import os
import sys

from cachelint.integrations.lsp.server import build_server, document_key
from cachelint.integrations.lsp.workspace import Checker, Folder

__all__ = ["Checker", "Folder", "build_server", "document_key", "main"]


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
