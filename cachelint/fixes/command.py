"""``cachelint --fix`` / ``--diff`` / ``--unsafe-fixes``: fix the files a check would look at.

Only findings the check would report are fixed: the configuration's selection and
per-file ignores, and ``# noqa`` comments, apply to fixes as they do to findings.
``--diff`` prints what ``--fix`` would change as a unified diff and writes nothing.
"""

from __future__ import annotations

import difflib
import io
import re
import tokenize
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence, TextIO

from cachelint.fixes.fixer import fix_bytes, write_atomically
from cachelint.fixes.model import Keep

_MENTIONS = re.compile(rb"cache_data|cache_resource|experimental_memo|experimental_singleton|streamlit")


@dataclass
class FixSummary:
    files: int = 0  # files changed (or that --diff would change)
    fixes: int = 0  # fixes applied
    failed: int = 0  # files that could not be read or written


def run_fixes(paths: Sequence[Path], config, *, diff: bool, unsafe: bool, stdout: TextIO, stderr: TextIO,
              cwd: Path) -> FixSummary:
    """Fix (or, with ``diff``, show the fixes of) every file a check of ``paths`` covers."""
    from cachelint.files import FileFinder, relative_posix

    from cachelint.engine import Engine

    summary = FixSummary()
    engine = Engine(config.settings)  # one for the run: the app's shared modules are parsed once
    for path in FileFinder(config.root, config.exclude).find(paths):
        try:
            data = path.read_bytes()
        except OSError as exc:
            stderr.write(f"cachelint: cannot read {path}: {exc.strerror or exc}\n")
            summary.failed += 1
            continue
        if _MENTIONS.search(data) is None:
            continue
        new, result = fix_bytes(data, path, unsafe, settings=config.settings, report_remaining=False, engine=engine,
                                keep=keep_reported(config, relative_posix(path, config.root)))
        if new == data:
            continue
        summary.files += 1
        summary.fixes += len(result.applied)
        if diff:
            stdout.write(unified_diff(data, new, _shown(path, cwd)))
            continue
        try:
            write_atomically(path, new)
        except OSError as exc:
            stderr.write(f"cachelint: cannot write {path}: {exc.strerror or exc}\n")
            summary.failed += 1
            summary.files -= 1
            summary.fixes -= len(result.applied)
    verb = "Would fix" if diff else "Fixed"
    if summary.fixes:
        stderr.write(f"cachelint: {verb} {summary.fixes} finding{'s' * (summary.fixes != 1)} in "
                     f"{summary.files} file{'s' * (summary.files != 1)}\n")
    return summary


def fix_text(text: str, path: Path, config, *, unsafe: bool) -> str:
    """Fix text that is not on disk (stdin), as if it were ``path``."""
    from cachelint.files import relative_posix
    from cachelint.fixes.fixer import fix_source

    return fix_source(text, path, unsafe, settings=config.settings, report_remaining=False,
                      keep=keep_reported(config, relative_posix(path, config.root))).new_text


def keep_reported(config, relative: str) -> Keep:
    """Fix a finding only if the check would report it (selection, per-file ignores, noqa)."""
    from cachelint.noqa import Noqa

    cached: dict[str, Noqa] = {}

    def keep(code: str, line: int, text: str) -> bool:
        if not config.reports(code, relative):
            return False
        noqa = cached.get(text)
        if noqa is None:
            cached.clear()
            noqa = cached[text] = Noqa(text)
        return not noqa.suppresses(line, code)

    return keep


def unified_diff(old: bytes, new: bytes, name: str) -> str:
    old_lines, new_lines = _lines(old), _lines(new)
    return "".join(difflib.unified_diff(old_lines, new_lines, f"a/{name}", f"b/{name}"))


def _lines(data: bytes) -> list[str]:
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        text = data.decode(encoding)
    except (SyntaxError, UnicodeDecodeError, LookupError):
        text = data.decode("latin-1")
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith(("\n", "\r")):
        lines[-1] += "\n\\ No newline at end of file\n"
    return lines


def _shown(path: Path, cwd: Path) -> str:
    try:
        return path.resolve().relative_to(cwd).as_posix()
    except ValueError:
        return path.as_posix()
