"""Applying the fixes findings carry: ``cachelint check --fix`` / ``--diff`` /
``--unsafe-fixes``, the language server's "fix all", and ``fix_source`` for editors.

    from cachelint.autofix import fix_source
    result = fix_source(text, "app.py")            # safe fixes only
    result.new_text, result.applied, result.remaining

A pass runs the one service every host runs (so selection, per-file-ignores and
``# noqa`` apply to fixes as they do to findings), applies the fixes of the findings it
reports (safe ones; unsafe ones too when asked), earliest first, leaving a fix that
overlaps one already taken to the next pass, and re-parses the result: a result that
does not parse is thrown away (the text of the pass before is kept). Passes repeat
until no fix applies (a migrated ``st.cache`` may reveal an option to fix), at most
``MAX_PASSES`` times. Fixes keep every comment and formatting choice (each rule plans
its own with libcst, ``cachelint.fixes``), the file's encoding and line endings; files
are replaced atomically (temporary file + rename, permissions kept). ``--diff`` prints
what ``--fix`` would change as a unified diff and writes nothing.
"""

from __future__ import annotations

import difflib
import io
import logging
import os
import tokenize
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence, TextIO

from cachelint.config import AnalysisSettings, Config, Targets
from cachelint.files import FileFinder, write_atomically
from cachelint.findings import Finding
from cachelint.fixes.edits import parses
from cachelint.fixes.patch import apply, span
from cachelint.noqa import physical_lines
from cachelint.service import Service
from cachelint.source import MENTIONS_BYTES, mentions_streamlit

MAX_PASSES = 10


@dataclass(frozen=True)
class AppliedFix:
    code: str  # the finding the fix resolves
    line: int  # where it was, in the text the fix was made on
    description: str  # "st.cache -> st.cache_resource (dropped allow_output_mutation)"
    safe: bool = True  # False: applied only because unsafe fixes were asked for


@dataclass
class FixResult:
    new_text: str
    applied: list[AppliedFix] = field(default_factory=list)
    remaining: list[Finding] = field(default_factory=list)  # findings left in new_text

    @property
    def changed(self) -> bool:
        return bool(self.applied)

log = logging.getLogger(__name__)


def fix_source(text: str, path: str | os.PathLike, unsafe: bool = False, *, config: Config | None = None,
               report_remaining: bool = True, service: Service | None = None) -> FixResult:
    """Fix ``text`` (the content of ``path``); nothing is read from or written to ``path``
    itself, though the app's other modules are read to resolve imports.

    ``unsafe`` also applies fixes that change what the code says (see each rule's
    "Fix safety"). ``config`` (or ``service``'s) decides which findings are fixed, as it
    decides which are shown. ``service`` lets a run over many files parse the app's
    shared modules once; the text's own override is removed afterwards.
    ``report_remaining=False`` skips the final check (``remaining`` stays empty).
    """
    path = Path(path).resolve()
    if not mentions_streamlit(text):
        return FixResult(text)
    service = service or Service(config or Config(AnalysisSettings(), Path.cwd()))
    current, applied = text, []
    findings: list[Finding] = []
    try:
        for _ in range(MAX_PASSES):
            findings = service.check(path, current)
            new_text, fixes = _one_pass(current, findings, unsafe)
            if not fixes:
                break
            if not parses(new_text):
                log.warning("cachelint: fixes for %s produced code that does not parse; left unchanged", path)
                break
            current = new_text
            applied.extend(fixes)
            findings = []
        remaining = (findings or service.check(path, current)) if report_remaining else []
    finally:
        project = service.engine.project if service._engine is not None else None
        if project is not None:  # later files read this one from disk again
            project.overrides.pop(path, None)
            project.forget(path)
    return FixResult(current, applied, remaining)


def _one_pass(text: str, findings: list[Finding], unsafe: bool) -> tuple[str, list[AppliedFix]]:
    """The text with every fix applied that does not overlap one taken before it."""
    lines = physical_lines(text)
    taken: list[tuple[int, int]] = []
    chosen: list[Finding] = []
    for finding in sorted(findings, key=lambda f: (f.line, f.col)):
        fix = finding.fix
        if fix is None or not fix.edits or (not fix.safe and not unsafe):
            continue
        start, end = span(lines, fix.edits)
        if any(start < other_end and other_start < end or (start == end == other_start)
               for other_start, other_end in taken):
            continue
        taken.append((start, end))
        chosen.append(finding)
    edits = [edit for finding in chosen for edit in finding.fix.edits]
    return apply(text, edits), [AppliedFix(f.code, f.line, f.fix.description, f.fix.safe) for f in chosen]


def fix_bytes(data: bytes, path: str | os.PathLike, unsafe: bool = False, *, config: Config | None = None,
              report_remaining: bool = True, service: Service | None = None) -> tuple[bytes, FixResult]:
    """``fix_source`` on a file's bytes: the encoding (PEP 263 cookie, BOM) and the line
    endings come back as they were."""
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        text = data.decode(encoding)
    except (SyntaxError, UnicodeDecodeError, LookupError):
        return data, FixResult(data.decode("latin-1"))
    result = fix_source(text, path, unsafe, config=config, report_remaining=report_remaining, service=service)
    if not result.changed:
        return data, result
    try:
        return result.new_text.encode(encoding), result
    except UnicodeEncodeError:  # pragma: no cover - fixes only write ASCII
        return data, FixResult(text, [], result.remaining)


def fix_file(path: str | os.PathLike, unsafe: bool = False, *, config: Config | None = None,
             write: bool = True) -> tuple[bytes, bytes, FixResult]:
    """Fix the file at ``path`` in place (atomically) unless ``write`` is False.
    Returns (old bytes, new bytes, result)."""
    path = Path(path)
    data = path.read_bytes()
    new, result = fix_bytes(data, path, unsafe, config=config)
    if write and new != data:
        write_atomically(path, new)
    return data, new, result


# -- the command line ---------------------------------------------------------------------------
@dataclass
class FixSummary:
    files: int = 0  # files changed (or that --diff would change)
    fixes: int = 0  # fixes applied
    failed: int = 0  # files that could not be read or written
    applied: dict[Path, list[str]] = field(default_factory=dict)  # the codes of the fixes written, by file


def run_fixes(paths: Sequence[Path], config, *, diff: bool, unsafe: bool, stdout: TextIO, stderr: TextIO,
              cwd: Path) -> FixSummary:
    """Fix (or, with ``diff``, show the fixes of) every file a check of ``paths`` covers."""
    summary = FixSummary()
    # Each app folder is fixed for its own Streamlit release (its pin), as the check runs it;
    # one service per configuration, so an app's shared modules are parsed once.
    targets = Targets(config)
    services: dict[int, Service] = {}
    for path in FileFinder.for_config(config).find(paths):
        try:
            data = path.read_bytes()
        except OSError as exc:
            stderr.write(f"cachelint: cannot read {path}: {exc.strerror or exc}\n")
            summary.failed += 1
            continue
        if MENTIONS_BYTES.search(data) is None:
            continue
        own = targets.config_for(path.resolve())
        if id(own) not in services:
            services[id(own)] = Service(own)
        service = services[id(own)]
        new, result = fix_bytes(data, path, unsafe, report_remaining=False, service=service)
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
            continue
        summary.applied[path] = [fix.code for fix in result.applied]
    verb = "Would fix" if diff else "Fixed"
    if summary.fixes:
        stderr.write(f"cachelint: {verb} {summary.fixes} finding{'s' * (summary.fixes != 1)} in "
                     f"{summary.files} file{'s' * (summary.files != 1)}\n")
    return summary


def fix_text(text: str, path: Path, config, *, unsafe: bool) -> str:
    """Fix text that is not on disk (stdin), as if it were ``path`` (for the release of its app folder)."""
    own = Targets(config).config_for(path.resolve())
    return fix_source(text, path, unsafe, config=own, report_remaining=False).new_text


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
