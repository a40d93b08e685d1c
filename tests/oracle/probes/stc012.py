"""STC012: a caching option Streamlit rejects (or a ttl whose entries expire at once).

Proof: each expected option makes Streamlit fail: an exception about that
option (or its value) when the decorator or the first call runs; or, for a ttl
whose entries expire at once, the cached function of the marker misses on every
rerun, with no exception; or, for a ttl next to ``persist="disk"`` / ``True``,
the value goes stale: with Streamlit's disk storage (``disk_caches``), a run, a
pause longer than the ttl and another run execute the cached body once, while
the same app without ``persist`` (the control, a copy) executes it twice.
"""

from __future__ import annotations

import ast
import re
import shutil
import tempfile
import time
from pathlib import Path

from expectations import Expected, Fixture
from oracle.harness import TIMEOUT, ScriptResult, ShownError, import_root, isolated
from oracle.internals import clear_caches, disk_caches
from oracle.registry import Verdict, probe, where
from oracle.source import cached_function_at
from oracle.tricks import count_bodies

_OPTION_ERRORS = frozenset({
    "TypeError", "StreamlitBadTimeStringError", "StreamlitValueError", "StreamlitMissingRequiredParameterError",
    "StreamlitIncompatibleParametersError", "StreamlitInvalidParameterTypeError", "ValueError", "AttributeError",
})
# Errors that do not name the option they are about.
_ERROR_OPTION = {"StreamlitBadTimeStringError": "ttl"}
_FIRST_CALL_ERRORS = {"max_entries": ("ValueError", "value too large"),
                      "hash_funcs": ("AttributeError", "has no attribute 'items'")}


@probe("STC012")
def check_invalid_option(fixture: Fixture, expected: list[Expected], results: list[ScriptResult]) -> Verdict:
    """Each expected option makes Streamlit fail: an exception about that option (or its
    value) when the decorator or the first call runs, or, for a ttl whose entries
    expire at once, a cached function that misses on every rerun."""
    verdict = Verdict()
    errors = [error for result in results for error in result.first.errors]
    marked: list[dict[str, str]] = []
    for item in expected:
        options = _options_at(item.path, item.line)
        marked.append(options)
        if not options:
            verdict.problems.append(f"{where(fixture, item)}: STC012 marker on a line with no keyword option")
            continue
        if any(_about_option(error, options) for error in errors):
            verdict.explains_rerun_misses = True  # a call that fails stores nothing: it misses every time
            continue
        if "ttl" in options and "persist" in options and not errors:
            stale = _stale_despite_ttl(fixture, item)
            if stale is None:
                continue
            verdict.problems.append(f"{where(fixture, item)}: expected STC012: a persisted value that outlives its "
                                    f"ttl; {stale}")
            continue
        qualname = cached_function_at(item.path, item.line)
        missed = [name for result in results for name in result.rerun_misses()
                  if qualname is None or name.endswith("." + qualname)]
        if missed and not errors:
            verdict.explains_rerun_misses = True
            continue
        shown = "; ".join(str(e) for e in errors) or "no exception"
        verdict.problems.append(f"{where(fixture, item)}: expected STC012: an error about "
                                f"{', '.join(options)} or a cache that never hits; the app showed: {shown}; "
                                f"rerun misses: {[dict(r.rerun_misses()) for r in results]}")
    verdict.explains_error = lambda error: any(_about_option(error, options) for options in marked)
    return verdict


def _about_option(error: ShownError, options: dict[str, str]) -> bool:
    if error.type not in _OPTION_ERRORS:
        return False
    for name, value in options.items():
        if f"'{name}'" in error.message or f"`{name}`" in error.message or f"{name}=" in error.message:
            return True
        if _ERROR_OPTION.get(error.type) == name:
            return True
        if (error.type, True) == (_FIRST_CALL_ERRORS.get(name, ("", ""))[0],
                                  _FIRST_CALL_ERRORS.get(name, ("", ""))[1] in error.message):
            return True
        if value and f"Got: {value}" in error.message:
            return True
    return False


def _options_at(path: Path, line: int) -> dict[str, str]:
    """Keyword options of calls written on ``line``: {name: literal value, or ""}."""
    found: dict[str, str] = {}
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.keyword) and node.arg and node.lineno == line:
            try:
                value = ast.literal_eval(node.value)
            except ValueError:
                value = ""
            found[node.arg] = value if isinstance(value, str) else ""
    return found


_PERSIST_DISK = re.compile(r"persist\s*=\s*(?:\"disk\"|'disk'|True)")
TTL_PAUSE = 1.6  # seconds: longer than the fixtures' ttl (1 s)


def _stale_despite_ttl(fixture: Fixture, item: Expected) -> str | None:
    """None when the persisted body runs once over two runs a ttl apart and the control
    (persist removed) twice; else what was seen."""
    persisted = _bodies_over_ttl(fixture)
    with tempfile.TemporaryDirectory(prefix="cachelint-oracle-control-") as scratch:
        root = Path(scratch) / fixture.root.name
        if fixture.root.is_dir():
            shutil.copytree(fixture.root, root)
        else:
            shutil.copy(fixture.root, root)
        marked = root / item.path.relative_to(fixture.root) if fixture.root.is_dir() else root
        lines = marked.read_text(encoding="utf-8").splitlines(keepends=True)
        lines[item.line - 1] = _PERSIST_DISK.sub("persist=None", lines[item.line - 1])
        marked.write_text("".join(lines), encoding="utf-8")
        entry = root / fixture.entry.relative_to(fixture.root) if fixture.root.is_dir() else root
        control = _bodies_over_ttl(Fixture(root, entry))
    if persisted == 1 and control == 2:
        return None
    return f"body executions over two runs {TTL_PAUSE} s apart: {persisted} with persist, {control} without"


def _bodies_over_ttl(fixture: Fixture) -> int:
    from streamlit.testing.v1 import AppTest

    with isolated(import_root(fixture)), disk_caches(), count_bodies(fixture) as log:
        clear_caches()
        at = AppTest.from_file(str(fixture.entry), default_timeout=TIMEOUT)
        at.run()
        time.sleep(TTL_PAUSE)
        at.run()
        clear_caches()
    return log.count()
