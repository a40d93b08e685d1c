"""Fix a file: analyse, plan edits per rule, apply them with libcst, check, repeat.

A pass analyses the text (the same engine the checks use, so aliases and imports
resolve the same way), asks each rule's fixer for edits, applies them in one libcst
transform, and re-parses the result; a result that does not parse is thrown away
(the text is returned unchanged). Passes repeat until nothing changes (a migrated
``st.cache`` may reveal an option to fix), at most ``MAX_PASSES`` times. What is
left is the engine's findings on the final text.
"""

from __future__ import annotations

import ast
import io
import logging
import os
import stat
import tempfile
import tokenize
import warnings
from pathlib import Path

import libcst as cst

from cachelint.fixes.cache_options import plan_option_fixes
from cachelint.fixes.edits import CstIndex, Edits, apply_edits
from cachelint.fixes.model import AppliedFix, FixResult, Keep
from cachelint.fixes.removed_api import RemovedApiFixer
from cachelint.config import AnalysisSettings
from cachelint.source import mentions_streamlit

MAX_PASSES = 4
FIXABLE = ("STC011", "STC012")

log = logging.getLogger(__name__)


def fix_source(text: str, path: str | os.PathLike, unsafe: bool = False, *, settings: AnalysisSettings | None = None,
               keep: Keep | None = None, report_remaining: bool = True, engine=None) -> FixResult:
    """Fix ``text`` (the content of ``path``); nothing is read from or written to ``path``
    itself, though the app's other modules are read to resolve imports.

    ``unsafe`` also applies fixes that change what the code says (see each rule's
    "Fix safety"). ``keep(code, line, text)`` decides whether a finding may be fixed
    (``# noqa``, per-file ignores); by default every finding of a selected rule is.
    ``report_remaining=False`` skips the final check (``remaining`` stays empty).
    ``engine`` (a ``cachelint.engine.Engine``) lets a run over many files parse the
    app's shared modules once; the text's own override is removed afterwards.
    """
    settings = settings or AnalysisSettings()
    path = Path(path)
    current = text
    applied: list[AppliedFix] = []
    if not mentions_streamlit(text):
        return FixResult(text)
    if engine is None:
        from cachelint.engine import Engine

        engine = Engine(settings)
    try:
        for _ in range(MAX_PASSES):
            step = _one_pass(current, path, unsafe, settings, keep, engine)
            if step is None:
                break
            new_text, fixes = step
            if new_text == current:
                break
            current = new_text
            applied.extend(fixes)
        remaining = _remaining(current, path, keep, engine) if report_remaining and mentions_streamlit(current) else []
    finally:
        for key in (path, path.resolve()):  # later files read this one from disk again
            engine.project.overrides.pop(key, None)
        engine.project.forget(path)
    return FixResult(current, applied, remaining)


def fix_bytes(data: bytes, path: str | os.PathLike, unsafe: bool = False, *, settings: AnalysisSettings | None = None,
              keep: Keep | None = None, report_remaining: bool = True, engine=None) -> tuple[bytes, FixResult]:
    """``fix_source`` on a file's bytes: the encoding (PEP 263 cookie, BOM) and the line
    endings come back as they were."""
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        text = data.decode(encoding)
    except (SyntaxError, UnicodeDecodeError, LookupError):
        return data, FixResult(data.decode("latin-1"))
    result = fix_source(text, path, unsafe, settings=settings, keep=keep, report_remaining=report_remaining,
                        engine=engine)
    if not result.changed:
        return data, result
    try:
        return result.new_text.encode(encoding), result
    except UnicodeEncodeError:  # pragma: no cover - fixes only write ASCII
        return data, FixResult(text, [], result.remaining)


def fix_file(path: str | os.PathLike, unsafe: bool = False, *, settings: AnalysisSettings | None = None,
             keep: Keep | None = None, write: bool = True) -> tuple[bytes, bytes, FixResult]:
    """Fix the file at ``path`` in place (atomically) unless ``write`` is False.
    Returns (old bytes, new bytes, result)."""
    path = Path(path)
    data = path.read_bytes()
    new, result = fix_bytes(data, path, unsafe, settings=settings, keep=keep)
    if write and new != data:
        write_atomically(path, new)
    return data, new, result


def write_atomically(path: str | os.PathLike, data: bytes) -> None:
    """Replace the file's content with ``data``: written to a temporary file in the same
    folder, flushed to disk, given the file's permissions, then renamed over it, so the
    file is never half-written. A symbolic link keeps pointing to the updated file."""
    target = Path(os.path.realpath(path))
    try:
        mode = stat.S_IMODE(target.stat().st_mode)
    except FileNotFoundError:
        mode = None
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".cachelint.tmp", dir=target.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        if mode is not None:
            os.chmod(temporary, mode)
        os.replace(temporary, target)
    except BaseException:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise


# -- one pass ----------------------------------------------------------------------------------
def _one_pass(text: str, path: Path, unsafe: bool, settings: AnalysisSettings, keep: Keep | None,
              engine) -> tuple[str, list[AppliedFix]] | None:
    if not mentions_streamlit(text):
        return None
    from cachelint.analysis.project import ParseFailure
    from cachelint.rules.stc011_removed_cache_api import removed_api_uses
    from cachelint.rules.stc012_invalid_cache_option import option_problems
    from cachelint.streamlit_model.cache_options import api_for

    codes = {rule.code for rule in engine.rules}
    if not codes.intersection(FIXABLE):
        return None
    try:
        module = engine.project.module(path, text)
    except ParseFailure:
        return None
    inferrer = engine.analysis.inferrer
    model = api_for(settings.target_streamlit)
    uses = removed_api_uses(module, inferrer) if "STC011" in codes else []
    problems = option_problems(module, inferrer, model) if "STC012" in codes else []
    if not uses and not any(p.fix for p in problems):
        return None
    try:
        index = CstIndex(text)
    except (cst.ParserSyntaxError, RecursionError, ValueError):
        return None  # a grammar libcst does not read: leave the file alone
    edits = Edits()
    applied = RemovedApiFixer(index, edits, keep, model).plan(uses)
    applied += plan_option_fixes(index, problems, edits, unsafe, keep)
    if not edits:
        return None
    new_text = apply_edits(index.module, edits).code
    if not _parses(new_text):
        log.warning("cachelint: a fix for %s produced code that does not parse; the file is left unchanged", path)
        return None
    return new_text, applied


def _parses(text: str) -> bool:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # invalid escape sequences and the like: not ours
            ast.parse(text)
        cst.parse_module(text)
    except (SyntaxError, ValueError, cst.ParserSyntaxError, RecursionError, MemoryError):
        return False
    return True


def _remaining(text: str, path: Path, keep: Keep | None, engine):
    found = engine.check_file(path, text)
    if keep is not None:
        found = [f for f in found if keep(f.code, f.line, text)]
    return found
