"""The runtime oracle: every fixture's expected findings really happen in Streamlit.

Each fixture (tests/fixtures/**) is run under ``streamlit.testing.v1.AppTest``:
its entry script and each ``pages/*.py`` script as its own app, once and then
rerun with identical inputs. Then:

* every expected finding must show its runtime consequence (a check per rule
  code, see ``CHECKS``; a code without a check fails loudly);
* the app must not show anything it does not expect: no unexplained exception
  element on any run, and no cache misses on reruns unless a finding explains
  them;
* a clean fixture (no ``# expect:`` marker) must really run (something rendered
  and at least one cache entry stored), show no exception, and hit its cache on
  the rerun.

``test_oracle_rejects_broken_fixture`` keeps the oracle honest: broken copies of
real fixtures (a marker removed, a wrong parameter, a syntax error ...) must be
rejected.

Extending to a new rule: add its check to ``CHECKS``. Cache entries and lookups
come from Streamlit's own metrics and storage (see oracle.py), never from the
fixtures.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

import oracle
import oracle_body
from expectations import Expected, Fixture, discover
from oracle import ScriptResult, ShownError

FIXTURES = discover()

RERUNS = 1  # reruns of a script with identical inputs
IDENTITY_RERUNS = 4  # more reruns when a finding predicts cache misses: CPython
# can reuse the id of a collected object, so one rerun may hit by accident


@dataclass
class Verdict:
    """What one rule's check concluded about a fixture run."""

    problems: list[str] = field(default_factory=list)
    explains_error: Callable[[ShownError], bool] = lambda error: False
    explains_rerun_misses: bool = False


Check = Callable[[Fixture, list[Expected], list[ScriptResult]], Verdict]


# ---------------------------------------------------------------------------
# STC001 / STC002: UnhashableParamError naming the parameter


def check_unhashable(fixture: Fixture, expected: list[Expected], results: list[ScriptResult]) -> Verdict:
    """The app shows an ``UnhashableParamError`` for the expected parameter.

    A finding in a script (entry or page) must be shown by that script; a
    finding in an imported module (a cached function annotated in utils.py) by
    any script of the fixture. On the first run each finding needs an error of
    its own; on every run, every ``UnhashableParamError`` must be explained by a
    finding.
    """
    verdict = Verdict()
    scripts = {result.script for result in results}
    wanted: list[tuple[Expected, str, Path | None]] = []  # (finding, param, script or None = any)
    for item in expected:
        param = item.detail or ("self" if item.code == "STC002" else None)
        if param is None:
            verdict.problems.append(f"{_where(fixture, item)}: {item.code} marker must name the parameter")
            continue
        wanted.append((item, param, item.path if item.path in scripts else None))

    def matches(error: ShownError, param: str, script: Path | None) -> bool:
        return (
            error.type == "UnhashableParamError"
            and error.param == param
            and (script is None or error.script == script)
        )

    available = [error for result in results for error in result.first.errors]
    # Findings bound to a script first, so a module finding cannot take their error.
    for item, param, script in sorted(wanted, key=lambda w: w[2] is None):
        for error in available:
            if matches(error, param, script):
                available.remove(error)
                break
        else:
            shown = "; ".join(str(e) for r in results for e in r.first.errors) or "no exception"
            where = script.name if script else "any script"
            verdict.problems.append(
                f"{_where(fixture, item)}: expected {item.code}: UnhashableParamError "
                f"\"Cannot hash argument '{param}'\" in {where}; the app showed: {shown}"
            )

    verdict.explains_error = lambda error: any(matches(error, p, s) for _, p, s in wanted)
    return verdict


# ---------------------------------------------------------------------------
# STC003: the cache misses on every rerun with identical inputs


def check_identity_hash(fixture: Fixture, expected: list[Expected], results: list[ScriptResult]) -> Verdict:
    """The cached body runs again on reruns with identical inputs, and the cache grows.

    Evidence comes from Streamlit's per-function lookup metrics (misses during
    the reruns) and from the number of stored cache entries. When the marker
    sits in the decorator of a function (or in a ``st.cache_data(func, ...)``
    call), that function must be the one that misses.
    """
    verdict = Verdict(explains_rerun_misses=True)
    misses = {result.script: result.rerun_misses() for result in results}
    growth = sum(result.entry_growth for result in results)
    for item in expected:
        qualname = _cached_function_at(item.path, item.line)
        missed = [
            name
            for per_script in misses.values()
            for name in per_script
            if qualname is None or name.endswith("." + qualname)
        ]
        if not missed:
            target = f"'{qualname}'" if qualname else "any cached function"
            seen = {str(s.name): dict(m) for s, m in misses.items()}
            verdict.problems.append(
                f"{_where(fixture, item)}: expected STC003: {target} should miss the cache on "
                f"reruns with identical inputs; rerun misses: {seen}"
            )
    if growth <= 0:
        verdict.problems.append(
            f"{_label(fixture)}: expected STC003 but the cache did not grow over the reruns"
        )
    return verdict


def _cached_function_at(path: Path, line: int) -> str | None:
    """Qualified name of the cached function whose decorator (or cache call) holds ``line``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))

    def spans(node: ast.AST) -> bool:
        return node.lineno <= line <= (node.end_lineno or node.lineno)

    def visit(node: ast.AST, prefix: str) -> str | None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                qualname = prefix + child.name
                if any(spans(d) for d in child.decorator_list):
                    return qualname
                found = visit(child, qualname + ".<locals>.")
            elif isinstance(child, ast.ClassDef):
                found = visit(child, prefix + child.name + ".")
            elif isinstance(child, ast.Call) and spans(child) and child.args and isinstance(child.args[0], ast.Name):
                # load = st.cache_data(_load, hash_funcs={...})
                found = prefix + child.args[0].id
            else:
                found = visit(child, prefix)
            if found:
                return found
        return None

    return visit(tree, "")


# ---------------------------------------------------------------------------
# STC006: a call with a different excluded argument gets an earlier call's result


def check_excluded_argument(fixture: Fixture, expected: list[Expected], results: list[ScriptResult]) -> Verdict:
    """The function of the finding hit its cache on the first run, and that hit was wrong.

    Streamlit's metrics show the hit (a call that found an entry in the same run,
    although the fixture passes a different value for the excluded parameter); the
    proof that it needed a miss is that the app renders something else when the
    cache never hits (``oracle.cache_never_hits``): the cached app showed a stale result.
    """
    verdict = Verdict()
    for item in expected:
        qualname = _function_with_line(item.path, item.line)
        if qualname is None:
            verdict.problems.append(f"{_where(fixture, item)}: STC006 marker is not in a function's signature")
            continue
        scripts = [r for r in results if item.path == r.script] or results
        hits = {
            r.script: sum(n for name, n in r.first.lookups.items() if name.endswith("." + qualname))
            - sum(n for name, n in r.first.misses.items() if name.endswith("." + qualname))
            for r in scripts
        }
        hit_scripts = [script for script, count in hits.items() if count > 0]
        if not hit_scripts:
            verdict.problems.append(
                f"{_where(fixture, item)}: expected STC006: '{qualname}' should hit its cache on the first run "
                f"(a call with another value of the excluded argument); first-run hits: "
                f"{ {s.name: c for s, c in hits.items()} }"
            )
            continue
        if not any(_differs_uncached(fixture, script) for script in hit_scripts):
            verdict.problems.append(
                f"{_where(fixture, item)}: expected STC006: the app shows the same thing when the cache never "
                f"hits, so the hit on '{qualname}' returned the right result"
            )
    return verdict


def _differs_uncached(fixture: Fixture, script: Path) -> bool:
    cached, uncached = oracle.render_with_and_without_cache(fixture, script)
    return cached != uncached


def _function_with_line(path: Path, line: int) -> str | None:
    """Qualified name of the innermost function whose signature (``def`` to body) holds ``line``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: str | None = None

    def visit(node: ast.AST, prefix: str) -> None:
        nonlocal found
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                qualname = prefix + child.name
                if child.lineno <= line <= max(child.lineno, child.body[0].lineno - 1):
                    found = qualname
                visit(child, qualname + ".<locals>.")
            elif isinstance(child, ast.ClassDef):
                visit(child, prefix + child.name + ".")
            else:
                visit(child, prefix)

    visit(tree, "")
    return found


# ---------------------------------------------------------------------------
# STC007 / STC013: the error Streamlit shows for what the function returns


def _function_named_at(path: Path, line: int) -> str | None:
    """Name of the function whose ``def`` is on ``line``."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.lineno == line:
            return node.name
    return None


def _unserializable(error: ShownError, name: str | None) -> bool:
    if error.type in ("UnserializableReturnValueError", "UnevaluatedDataFrameError"):  # the latter: DB-API cursors
        return name is None or f"`{name}()`" in error.message
    # pickle's own errors that Streamlit does not translate ("Can't pickle local object ...")
    return error.type in ("AttributeError", "PicklingError") and "pickle" in error.message


def _awaitable_rejected(error: ShownError, name: str | None) -> bool:
    if error.type == "CachedFunctionReturnedAwaitableError":
        return name is None or f"`{name}()`" in error.message
    if error.type == "StreamlitValueError":
        return "coroutine functions" in error.message
    if error.type == "StreamlitAPIException":
        return "Async-generator functions cannot be cached" in error.message
    # asyncio.create_task / ensure_future without a running (or current) event loop
    return error.type == "RuntimeError" and "event loop" in error.message


def _check_errors(code: str, what: str, matches: Callable[[ShownError, str | None], bool]) -> Check:
    """A finding at a ``def`` line: the app shows a matching error for that function."""

    def check(fixture: Fixture, expected: list[Expected], results: list[ScriptResult]) -> Verdict:
        verdict = Verdict(explains_rerun_misses=True)  # a call that fails stores nothing: it misses every time
        scripts = {result.script for result in results}
        available = [error for result in results for error in result.first.errors]
        for item in sorted(expected, key=lambda e: e.path not in scripts):
            name = _function_named_at(item.path, item.line)
            if name is None:
                verdict.problems.append(f"{_where(fixture, item)}: {code} marker is not on a def line")
                continue
            script = item.path if item.path in scripts else None
            for error in available:
                if matches(error, name) and (script is None or error.script == script):
                    available.remove(error)
                    break
            else:
                shown = "; ".join(str(e) for r in results for e in r.first.errors) or "no exception"
                verdict.problems.append(
                    f"{_where(fixture, item)}: expected {code}: {what} for '{name}'; the app showed: {shown}"
                )
        verdict.explains_error = lambda error: matches(error, None)
        return verdict

    return check


check_unserializable = _check_errors("STC007", "UnserializableReturnValueError (or pickle's error)",
                                     _unserializable)
check_awaitable = _check_errors("STC013", "CachedFunctionReturnedAwaitableError or a rejected async def",
                                _awaitable_rejected)


# ---------------------------------------------------------------------------
# STC008-STC010: what a cached body must not touch


def check_cached_widget(fixture: Fixture, expected: list[Expected], results: list[ScriptResult]) -> Verdict:
    """Every expected line is on the stack of a ``CachedWidgetWarning``, on every run.

    Streamlit attaches the call stack to the warning: a finding at a widget call
    (or at the helper call that leads to one) must be one of its frames. The
    warning is replayed on cache hits, so each rerun must show it again.
    """
    verdict = Verdict()
    wanted = {(item.path.resolve(), item.line) for item in expected}

    def warned_at(error: ShownError, place: tuple[Path, int]) -> bool:
        return error.type == "CachedWidgetWarning" and place in error.frames

    for item in expected:
        place = (item.path.resolve(), item.line)
        for result in results:
            runs = [run for run in result.runs if any(warned_at(e, place) for e in run.errors)]
            if runs and len(runs) == len(result.runs):
                break
        else:
            shown = "; ".join(f"{e} at {[f'{p.name}:{n}' for p, n in e.frames if p.suffix == '.py'][-3:]}"
                              for r in results for e in r.first.errors) or "no exception"
            verdict.problems.append(f"{_where(fixture, item)}: expected STC008: CachedWidgetWarning raised "
                                    f"through this line on every run; the app showed: {shown}")
    verdict.explains_error = lambda error: any(warned_at(error, place) for place in wanted)
    return verdict


def _cached_hit(shown: oracle_body.Shown, path: Path, line: int) -> bool:
    """Did the cached function whose body holds ``line`` hit its cache in this run?"""
    names = _functions_around(path, line)
    return any(lookups > shown.misses[name] for name, lookups in shown.lookups.items()
               if any(name.endswith("." + qualname) for qualname in names))


def _functions_around(path: Path, line: int) -> list[str]:
    """Qualified names of the functions whose body holds ``line``, innermost first."""
    found: list[str] = []

    def visit(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                qualname = prefix + child.name
                if child.lineno <= line <= (child.end_lineno or child.lineno):
                    found.insert(0, qualname)
                visit(child, qualname + ".<locals>.")
            elif isinstance(child, ast.ClassDef):
                visit(child, prefix + child.name + ".")
            else:
                visit(child, prefix)

    visit(ast.parse(path.read_text(encoding="utf-8")), "")
    return found


def _check_hidden_input(code: str, compare: Callable[[Fixture, Path], oracle_body.Comparison],
                        what: str) -> Check:
    """The run on shared caches shows a stale result: it differs from the same run on empty
    caches, and the cached function that holds the finding hit its cache."""

    def check(fixture: Fixture, expected: list[Expected], results: list[ScriptResult]) -> Verdict:
        verdict = Verdict()
        scripts = [result.script for result in results]
        comparisons = {script: compare(fixture, script) for script in scripts}
        for script, comparison in comparisons.items():
            for shown in (comparison.first, comparison.shared, comparison.fresh):
                if shown.errors:
                    verdict.problems.append(f"{script.name}: {code} oracle run showed errors: {shown.errors}")
        for item in expected:
            candidates = [item.path] if item.path in comparisons else scripts
            proofs = [s for s in candidates
                      if comparisons[s].stale and _cached_hit(comparisons[s].shared, item.path, item.line)]
            if not proofs:
                seen = {s.name: (comparisons[s].difference() if comparisons[s].stale else "no difference",
                                 dict(comparisons[s].shared.misses), comparisons[s].changed) for s in candidates}
                verdict.problems.append(f"{_where(fixture, item)}: expected {code}: {what}; saw {seen}")
        return verdict

    return check


check_session_leak = _check_hidden_input(
    "STC009", oracle_body.two_sessions,
    "a second session (other session id, session state, query params, context, user) is served the "
    "first session's cached result")
check_stale_global = _check_hidden_input(
    "STC010", oracle_body.changed_widgets,
    "after every widget changes, the rerun shows a stale cached result")


# ---------------------------------------------------------------------------
# STC004 / STC005 / STC014: hash_funcs entries that never hit, are ignored, or raise
# (the hasher spy in oracle.py records the entries Streamlit holds and calls)


def check_volatile_hash(fixture: Fixture, expected: list[Expected], results: list[ScriptResult]) -> Verdict:
    """Streamlit calls the entry, and its result defeats the cache.

    A marker without a parameter: the cached function misses on every rerun with
    identical inputs and its cache grows (a new key per call). A marker naming a
    parameter: the result cannot be hashed, so that argument raises
    ``UnhashableParamError``.
    """
    unhashable = [item for item in expected if item.detail]
    verdict = check_unhashable(fixture, unhashable, results) if unhashable else Verdict()
    volatile = [item for item in expected if not item.detail]
    verdict.explains_rerun_misses = bool(volatile)
    for item in expected:
        key = _hash_funcs_key_at(item.path, item.line)
        if key is None:
            verdict.problems.append(f"{_where(fixture, item)}: {item.code} marker on a line with no hash_funcs entry")
        elif not _entry_calls(results, key):
            verdict.problems.append(f"{_where(fixture, item)}: expected {item.code}: Streamlit never called the "
                                    f"hash_funcs entry {key.label}")
    for item in volatile:
        qualname = _cached_function_at(item.path, item.line)
        missed = [name for result in results for name in result.rerun_misses()
                  if qualname is None or name.endswith("." + qualname)]
        if not missed:
            target = f"'{qualname}'" if qualname else "any cached function"
            verdict.problems.append(f"{_where(fixture, item)}: expected STC004: {target} should miss the cache on "
                                    f"reruns with identical inputs; rerun misses: "
                                    f"{[dict(r.rerun_misses()) for r in results]}")
    if volatile and sum(result.entry_growth for result in results) <= 0:
        verdict.problems.append(f"{_label(fixture)}: expected STC004 but the cache did not grow over the reruns")
    return verdict


def check_dead_key(fixture: Fixture, expected: list[Expected], results: list[ScriptResult]) -> Verdict:
    """The entry is ignored: Streamlit's hasher held it (it hashed an argument with
    this table) and never called it. A marker naming a parameter: that argument
    still raised ``UnhashableParamError``. A key that is an object, not a type:
    Streamlit cannot name it and raises ``AttributeError`` (``__qualname__`` /
    ``__module__``) on the first call, before any table exists."""
    verdict = Verdict()
    first_errors = [error for result in results for error in result.first.errors]
    scripts = {result.script for result in results}
    unnamed_key = False
    for item in expected:
        key = _hash_funcs_key_at(item.path, item.line, keys_only=True)
        if key is None:
            verdict.problems.append(f"{_where(fixture, item)}: STC005 marker on a line with no hash_funcs key")
            continue
        held = {name for result in results for run in result.runs for name in run.hash_funcs_keys if key.matches(name)}
        calls = _entry_calls(results, key)
        if held and not calls:
            pass  # ignored
        elif not held and any(_unnamed_key_error(error) for error in first_errors):
            unnamed_key = True
        else:
            verdict.problems.append(f"{_where(fixture, item)}: expected STC005: the entry {key.label} held by "
                                    f"Streamlit's hasher and never called; held: {sorted(held)}, calls: {calls}, "
                                    f"errors: {[str(e) for e in first_errors]}")
        if item.detail and not any(error.type == "UnhashableParamError" and error.param == item.detail
                                   and (item.path not in scripts or error.script == item.path)
                                   for error in first_errors):
            verdict.problems.append(f"{_where(fixture, item)}: expected STC005: argument '{item.detail}' still "
                                    f"raises UnhashableParamError; the app showed: {[str(e) for e in first_errors]}")
    params = {item.detail for item in expected if item.detail}
    verdict.explains_error = lambda error: (error.type == "UnhashableParamError" and error.param in params) or (
        unnamed_key and _unnamed_key_error(error))
    return verdict


def check_failing_hash(fixture: Fixture, expected: list[Expected], results: list[ScriptResult]) -> Verdict:
    """Streamlit called the entry and it raised: ``UserHashError`` on the first call,
    one per finding (in the finding's script when it is in one)."""
    verdict = Verdict()
    scripts = {result.script for result in results}
    available = [error for result in results for error in result.first.errors if error.type == "UserHashError"]
    for item in sorted(expected, key=lambda e: e.path not in scripts):
        key = _hash_funcs_key_at(item.path, item.line)
        if key is None or not _entry_calls(results, key):
            verdict.problems.append(f"{_where(fixture, item)}: expected STC014: Streamlit never called the "
                                    f"hash_funcs entry on this line")
        error = next((e for e in available if item.path not in scripts or e.script == item.path), None)
        if error is None:
            shown = "; ".join(str(e) for r in results for e in r.first.errors) or "no exception"
            verdict.problems.append(f"{_where(fixture, item)}: expected STC014: UserHashError on the first call; "
                                    f"the app showed: {shown}")
        else:
            available.remove(error)
    verdict.explains_error = lambda error: error.type == "UserHashError"
    return verdict


@dataclass(frozen=True)
class _HashFuncsKey:
    label: str
    exact: str | None  # a string key, as written
    last: str | None  # the last dotted part of a class (or other object) key

    def matches(self, name: str) -> bool:
        """Is ``name`` (how Streamlit's hasher keys the table) this key?"""
        if self.exact is not None:
            return name == self.exact
        return self.last is not None and name.rsplit(".", 1)[-1] == self.last


def _hash_funcs_key_at(path: Path, line: int, keys_only: bool = False) -> _HashFuncsKey | None:
    """The key of the dict entry whose key (or value, unless ``keys_only``) starts on ``line``."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Dict):
            continue
        for key, value in zip(node.keys, node.values):
            if key is None or (key.lineno != line and (keys_only or value.lineno != line)):
                continue
            text = ast.unparse(key)
            if isinstance(key, ast.Constant):
                return _HashFuncsKey(text, key.value if isinstance(key.value, str) else None, None)
            return _HashFuncsKey(text, None, text.rsplit(".", 1)[-1])
    return None


def _entry_calls(results: list[ScriptResult], key: _HashFuncsKey) -> int:
    return sum(count for result in results for run in result.runs
               for name, count in run.hash_funcs_calls.items() if key.matches(name))


def _unnamed_key_error(error: ShownError) -> bool:
    return error.type == "AttributeError" and ("'__qualname__'" in error.message or "'__module__'" in error.message)


# ---------------------------------------------------------------------------
# STC011 / STC012: removed caching APIs and options Streamlit rejects

_REMOVED_NAME = re.compile(r"'(?:cache|experimental_memo|experimental_singleton)'")
_OPTION_ERRORS = frozenset({
    "TypeError", "StreamlitBadTimeStringError", "StreamlitValueError", "StreamlitMissingRequiredParameterError",
    "StreamlitIncompatibleParametersError", "StreamlitInvalidParameterTypeError", "ValueError", "AttributeError",
})
# Errors that do not name the option they are about.
_ERROR_OPTION = {"StreamlitBadTimeStringError": "ttl"}
_FIRST_CALL_ERRORS = {"max_entries": ("ValueError", "value too large"),
                      "hash_funcs": ("AttributeError", "has no attribute 'items'")}


def check_removed_api(fixture: Fixture, expected: list[Expected], results: list[ScriptResult]) -> Verdict:
    """The app dies with ``AttributeError`` (``ImportError`` for ``from streamlit import
    cache``) naming the removed API, raised at an expected line (the error's stack).

    A script stops at the first removed API it reaches, so later expected lines of the
    same script cannot raise: tests/test_fixes.py runs the fixed app to prove them.
    """
    verdict = Verdict(explains_rerun_misses=True)  # the app stops before its caches are used
    wanted = {(item.path.resolve(), item.line) for item in expected}

    def matches(error: ShownError) -> bool:
        return (error.type in ("AttributeError", "ImportError") and _REMOVED_NAME.search(error.message) is not None
                and any(frame in wanted for frame in error.frames))

    if not any(matches(error) for result in results for error in result.first.errors):
        shown = "; ".join(str(e) for r in results for e in r.first.errors) or "no exception"
        verdict.problems.append(f"{fixture.root.name}: expected STC011: AttributeError or ImportError naming a removed "
                                f"caching API, raised at an expected line; the app showed: {shown}")
    verdict.explains_error = matches
    return verdict


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
            verdict.problems.append(f"{_where(fixture, item)}: STC012 marker on a line with no keyword option")
            continue
        if any(_about_option(error, options) for error in errors):
            verdict.explains_rerun_misses = True  # a call that fails stores nothing: it misses every time
            continue
        qualname = _cached_function_at(item.path, item.line)
        missed = [name for result in results for name in result.rerun_misses()
                  if qualname is None or name.endswith("." + qualname)]
        if missed and not errors:
            verdict.explains_rerun_misses = True
            continue
        shown = "; ".join(str(e) for e in errors) or "no exception"
        verdict.problems.append(f"{_where(fixture, item)}: expected STC012: an error about "
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


# ---------------------------------------------------------------------------
# Dispatch

CHECKS: dict[str, Check] = {
    "STC001": check_unhashable,
    "STC002": check_unhashable,
    "STC003": check_identity_hash,
    "STC004": check_volatile_hash,
    "STC005": check_dead_key,
    "STC006": check_excluded_argument,
    "STC007": check_unserializable,
    "STC008": check_cached_widget,
    "STC009": check_session_leak,
    "STC010": check_stale_global,
    "STC011": check_removed_api,
    "STC012": check_invalid_option,
    "STC013": check_awaitable,
    "STC014": check_failing_hash,
}


def _where(fixture: Fixture, item: Expected) -> str:
    root = fixture.root if fixture.root.is_dir() else fixture.root.parent
    return f"{item.path.relative_to(root)}:{item.line}"


@pytest.fixture(scope="session", autouse=True)
def _quiet_logs():
    from streamlit.testing.v1 import AppTest  # noqa: F401  (creates Streamlit's loggers)

    oracle.quiet_streamlit_logs()


def verify(fixture: Fixture) -> list[str]:
    """Run a fixture under Streamlit; return what contradicts its expectations."""
    label = _label(fixture)
    expected = fixture.expected()
    unchecked = sorted({item.code for item in expected} - CHECKS.keys())
    if unchecked:
        return [f"{label}: no oracle check for {', '.join(unchecked)} yet"]

    by_check: dict[Check, list[Expected]] = {}
    for item in expected:
        by_check.setdefault(CHECKS[item.code], []).append(item)
    reruns = IDENTITY_RERUNS if any(i.code == "STC003" for i in expected) else RERUNS

    results = oracle.run_fixture(fixture, reruns)
    verdicts = [check(fixture, items, results) for check, items in by_check.items()]
    problems = [problem for verdict in verdicts for problem in verdict.problems]

    for result in results:
        name = result.script.relative_to(fixture.root.parent).as_posix()
        if not result.ran:
            problems.append(f"{name}: the script did not run (nothing rendered: a syntax error?)")
        for number, run in enumerate(result.runs, 1):
            for error in run.errors:
                if not any(v.explains_error(error) for v in verdicts):
                    problems.append(f"{name}: run {number} showed an unexpected error: {error}")
        if not any(v.explains_rerun_misses for v in verdicts):
            if result.rerun_misses():
                problems.append(
                    f"{name}: the cache missed on reruns with identical inputs: {dict(result.rerun_misses())}"
                )
            if result.entry_growth:
                problems.append(f"{name}: the reruns added {result.entry_growth} cache entries")

    if not expected and not any(result.first.entries for result in results):
        problems.append(f"{label}: clean fixture stored no cache entry (did it call a cached function?)")
    return problems


def _label(fixture: Fixture) -> str:
    try:
        return fixture.name
    except ValueError:  # a fixture outside tests/fixtures (the oracle's self-tests)
        return fixture.root.name


@pytest.mark.parametrize("fixture", FIXTURES, ids=[f.name for f in FIXTURES])
def test_fixture_runtime(fixture: Fixture) -> None:
    problems = verify(fixture)
    assert not problems, "\n".join(problems)


def test_fixtures_exist() -> None:
    assert discover("core"), "no fixtures under tests/fixtures/core"


# ---------------------------------------------------------------------------
# The oracle's own tests: broken copies of real fixtures must be rejected.

MUTANTS: dict[str, tuple[str, list[tuple[str, str]], str]] = {
    # name: (fixture, [(old text, new text), ...], a problem the oracle must report)
    "cached-widget-unmarked": ("body/stc008_slider_in_body.py", [("  # expect: STC008", "")], "unexpected error"),
    "cached-widget-on-display": (
        "body/clean_display_in_cached.py",
        [('st.metric("Rows", len(df))', 'st.metric("Rows", len(df))  # expect: STC008')],
        "expected STC008",
    ),
    "cached-widget-wrong-line": (
        "body/stc008_slider_in_body.py",
        [("  # expect: STC008", ""), ("return df.head(limit)", "return df.head(limit)  # expect: STC008")],
        "expected STC008",
    ),
    "session-leak-on-session-scope": (
        "body/clean_session_scope.py",
        [("'nowhere')}\"", "'nowhere')}\"  # expect: STC009")],
        "expected STC009",
    ),
    "session-leak-on-argument": (
        "body/clean_widget_value_as_argument.py",
        [('return f"Hello {customer}"', 'return f"Hello {customer}"  # expect: STC009')],
        "expected STC009",
    ),
    "stale-global-on-parameter": (
        "body/clean_shadowed_names.py",
        [("if v > threshold]", "if v > threshold]  # expect: STC010")],
        "expected STC010",
    ),
    "stale-global-on-constant": (
        "body/clean_module_constants.py",
        [("CONFIG[\"unit\"], math.pi]", "CONFIG[\"unit\"], math.pi]  # expect: STC010")],
        "expected STC010",
    ),
    "marker-on-clean": (
        "core/seed2_hash_funcs_by_score.py",
        [("multiplier: int) -> int:", "multiplier: int) -> int:  # expect: STC001(obj)")],
        "expected STC001",
    ),
    "marker-removed": ("core/seed1_custom_class_arg.py", [("  # expect: STC001(obj)", "")], "unexpected error"),
    "wrong-param": ("core/seed1_custom_class_arg.py", [("STC001(obj)", "STC001(multiplier)")], "'multiplier'"),
    "one-of-several-removed": (
        "core/stc001_callable_args.py",
        [("  # expect: STC001(predicate)", "")],
        "unexpected error",
    ),
    "identity-unmarked": ("core/seed5_hash_funcs_id.py", [("  # expect: STC003", "")], "missed on reruns"),
    "identity-on-value-hash": (
        "core/seed2_hash_funcs_by_score.py",
        [("hash_funcs={MyCustomClass: hash_func})", "hash_funcs={MyCustomClass: hash_func})  # expect: STC003")],
        "should miss the cache",
    ),
    "syntax-error": (
        "core/seed2_hash_funcs_by_score.py",
        [("st.write(multiply_score(score, multiplier))", "st.write(")],
        "did not run",
    ),
    "no-cache-used": (
        "core/seed2_hash_funcs_by_score.py",
        [("st.write(multiply_score(score, multiplier))", "st.write(score.my_score)")],
        "no cache entry",
    ),
    "unchecked-code": ("core/seed1_custom_class_arg.py", [("STC001(obj)", "STC099")], "no oracle check for STC099"),
    "finding-in-wrong-script": (
        "core/stc001_multipage_page_call",
        [
            ("  # expect: STC001(spec)", ""),
            ("st.dataframe(load_sales())", "st.dataframe(load_sales())  # expect: STC001(spec)"),
        ],
        "expected STC001",
    ),
    "stale-on-key-decided-data": (
        "excluded/clean_key_decides_data.py",
        [("def total(_df: pd.DataFrame, name: str) -> int:",
          "def total(_df: pd.DataFrame, name: str) -> int:  # expect: STC006(_df)")],
        "expected STC006",
    ),
    "stale-on-right-hit": (
        "excluded/clean_same_value_everywhere.py",
        [("def column_sum(_df: pd.DataFrame, column: str) -> int:",
          "def column_sum(_df: pd.DataFrame, column: str) -> int:  # expect: STC006(_df)")],
        "when the cache never hits",
    ),
    "unserializable-on-rows": (
        "returns/clean_query_rows.py",
        [("def fetch(sql: str) -> list[tuple]:", "def fetch(sql: str) -> list[tuple]:  # expect: STC007")],
        "expected STC007",
    ),
    "unserializable-unmarked": ("returns/stc007_sqlite_connection.py", [("  # expect: STC007", "")], "unexpected error"),
    "awaitable-on-asyncio-run": (
        "returns/clean_sync_runs_coroutine.py",
        [("def total(region: str) -> int:", "def total(region: str) -> int:  # expect: STC013")],
        "expected STC013",
    ),
    "volatile-unmarked": ("hash_funcs/stc004_time_in_tuple.py", [("  # expect: STC004", "")], "missed on reruns"),
    "volatile-on-hourly-key": (
        "hash_funcs/clean_stc004_hour_bucket.py",
        [("int(time.time() // 3600))})", "int(time.time() // 3600))})  # expect: STC004")],
        "should miss the cache",
    ),
    "unhashable-result-wrong-param": (
        "hash_funcs/stc004_object_result.py", [("STC004(conn)", "STC004(dsn)")], "'dsn'"),
    "dead-key-on-live-key": (
        "hash_funcs/clean_stc005_pandas_runtime_name.py",
        [("tuple(df.columns))})", "tuple(df.columns))})  # expect: STC005")],
        "expected STC005",
    ),
    "failing-unmarked": ("hash_funcs/stc014_missing_attribute.py", [("  # expect: STC014", "")], "unexpected error"),
    "failing-on-working-hash": (
        "hash_funcs/clean_stc014_frozen_pydantic.py",
        [("hash_funcs={Point: hash})", "hash_funcs={Point: hash})  # expect: STC014")],
        "expected STC014",
    ),
    "removed-api-unmarked": ("api/stc011_st_cache_bare.py", [("  # expect: STC011", "")], "unexpected error"),
    "removed-api-on-valid-decorator": (
        "api/clean_compat_try_import.py",
        [("@cache\n", "@cache  # expect: STC011\n")],
        "expected STC011",
    ),
    "invalid-option-on-valid-ttl": (
        "api/clean_ttl_forms.py",
        [("@st.cache_data(ttl=3600)", "@st.cache_data(ttl=3600)  # expect: STC012")],
        "expected STC012",
    ),
    "invalid-option-unmarked": ("api/stc012_ttl_mins.py", [("  # expect: STC012", "")], "unexpected error"),
    "never-hit-unmarked": ("api/stc012_ttl_zero.py", [("  # expect: STC012", "")], "missed on reruns"),
}


@pytest.mark.parametrize("mutant", MUTANTS, ids=list(MUTANTS))
def test_oracle_rejects_broken_fixture(mutant: str, tmp_path: Path) -> None:
    import shutil

    source, edits, problem = MUTANTS[mutant]
    original = next(f for f in FIXTURES if f.name == source)
    if original.root.is_dir():
        root = tmp_path / original.root.name
        shutil.copytree(original.root, root)
        fixture = Fixture(root, root / "app.py")
    else:
        root = tmp_path / original.root.name
        shutil.copy(original.root, root)
        fixture = Fixture(root, root)
    for old, new in edits:
        changed = 0
        for path in fixture.files:
            text = path.read_text(encoding="utf-8")
            if old in text:
                path.write_text(text.replace(old, new), encoding="utf-8")
                changed += 1
        assert changed, f"mutant {mutant}: {old!r} not found in {source}"

    problems = verify(fixture)
    assert any(problem in p for p in problems), f"oracle missed a broken fixture ({mutant}): {problems}"


# ---------------------------------------------------------------------------
# STC006's clean fixtures: what they leave out of the key really does not change the result

EXCLUDED_CLEAN = [f for f in discover("excluded") if not f.expected()]


@pytest.mark.parametrize("fixture", EXCLUDED_CLEAN, ids=[f.name for f in EXCLUDED_CLEAN])
def test_excluded_clean_fixture_shows_what_the_uncached_app_shows(fixture: Fixture) -> None:
    for script in oracle.scripts_of(fixture):
        cached, uncached = oracle.render_with_and_without_cache(fixture, script)
        assert cached == uncached, f"{script.name}: the cache changed what the app shows"


# ---------------------------------------------------------------------------
# STC008-STC010's clean fixtures: no session is served another's result, and no
# widget change leaves a stale result

BODY_CLEAN = [f for f in discover("body") if not f.expected()]


@pytest.mark.parametrize("fixture", BODY_CLEAN, ids=[f.name for f in BODY_CLEAN])
def test_body_clean_fixture_is_neither_shared_nor_stale(fixture: Fixture) -> None:
    problems = []
    for script in oracle.scripts_of(fixture):
        for what, compare in (("two sessions", oracle_body.two_sessions),
                              ("changed widgets", oracle_body.changed_widgets)):
            comparison = compare(fixture, script)
            if comparison.stale:
                problems.append(f"{script.name}, {what}: {comparison.difference()}")
            errors = comparison.first.errors + comparison.shared.errors + comparison.fresh.errors
            if errors:
                problems.append(f"{script.name}, {what}: errors {errors}")
    assert not problems, "\n".join(problems)
