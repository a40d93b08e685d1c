"""Run flake8 with only the named third-party plugins loaded.

    python benchmarks/flake8_with.py none -- --select STC PATH       # pyflakes + pycodestyle only
    python benchmarks/flake8_with.py cachelint -- --select STC PATH
    python benchmarks/flake8_with.py bugbear -- --select B019 PATH

flake8 runs every installed plugin whatever ``--select`` says, so comparing "with" and
"without" a plugin in one environment needs the others hidden. flake8-bugbear is
looked for in ``benchmarks/.deps`` (``pip install --target benchmarks/.deps
flake8-bugbear``) so that it does not slow down everyone's flake8 in the project venv.
"""

from __future__ import annotations

import sys
from pathlib import Path

PACKAGES = {"cachelint": "streamlit-cachelint", "bugbear": "flake8-bugbear"}
BUILT_IN = {"flake8", "pyflakes", "pycodestyle"}


def main() -> int:
    wanted, separator, *args = sys.argv[1:]
    if separator != "--":
        raise SystemExit(__doc__)
    allowed = set(BUILT_IN)
    for name in filter(None, wanted.split(",")):
        if name != "none":
            allowed.add(PACKAGES[name])
    deps = Path(__file__).resolve().parent / ".deps"
    if deps.is_dir():
        sys.path.append(str(deps))

    from flake8.plugins import finder

    found = finder._find_importlib_plugins

    def only_allowed():
        for plugin in found():
            if plugin.package in allowed:
                yield plugin

    finder._find_importlib_plugins = only_allowed
    loaded = {p.package for p in found()} & allowed
    missing = allowed - BUILT_IN - loaded
    if missing:
        raise SystemExit(f"flake8 plugins not installed: {', '.join(sorted(missing))}")

    from flake8.main.cli import main as flake8_main

    return flake8_main(args)


if __name__ == "__main__":
    sys.exit(main())
