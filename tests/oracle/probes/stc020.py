"""STC020: a validate= function that never returns a true value.

Proof: the script runs three times with identical inputs (``count_bodies``
counts the executions of the fixture's functions): every cached function whose
options hold the marker ran its body on every run (3 executions), where a cache
that hits runs it once. The misses on reruns are the finding's.
"""

from __future__ import annotations

import ast
from pathlib import Path

from expectations import Expected, Fixture
from oracle.harness import TIMEOUT, ScriptResult, import_root, isolated
from oracle.internals import clear_caches
from oracle.registry import Verdict, probe, where
from oracle.source import cached_function_at
from oracle.tricks import count_bodies

RUNS = 3


@probe("STC020", reruns=RUNS - 1)
def check_validate_never_true(fixture: Fixture, expected: list[Expected], results: list[ScriptResult]) -> Verdict:
    """Each cached function the marked validate= applies to runs its body on every run."""
    verdict = Verdict(explains_rerun_misses=True)
    log = _bodies(fixture)
    for item in expected:
        names = _decorated_by(item.path, item.line)
        counts = {name: log.count(name) for name in names}
        if not names or any(count != RUNS for count in counts.values()):
            verdict.problems.append(f"{where(fixture, item)}: expected STC020: the cached body runs on each of "
                                    f"{RUNS} runs; body executions: {counts or 'no cached function found'}")
    return verdict


def _bodies(fixture: Fixture):
    from streamlit.testing.v1 import AppTest

    with isolated(import_root(fixture)), count_bodies(fixture) as log:
        clear_caches()
        at = AppTest.from_file(str(fixture.entry), default_timeout=TIMEOUT)
        for _ in range(RUNS):
            at.run()
        clear_caches()
    return log


def _decorated_by(path: Path, line: int) -> list[str]:
    """The functions the cache decorator on ``line`` applies to: the decorated function, or
    for a decorator kept in a variable (``cached = st.cache_resource(...)``) each function
    decorated with that variable."""
    name = cached_function_at(path, line)
    if name:
        return [name]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    variables = {target.id for node in ast.walk(tree) if isinstance(node, ast.Assign) and node.lineno == line
                 for target in node.targets if isinstance(target, ast.Name)}
    return [node.name for node in ast.walk(tree) if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
            and any(isinstance(d, ast.Name) and d.id in variables for d in node.decorator_list)]
