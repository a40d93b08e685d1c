"""STC006: an argument left out of the key (``_param``) that changes the result.

Proof: Streamlit's metrics show the function of the finding hit its cache on
the first run (a call that found an entry in the same run, although the fixture
passes a different value for the excluded parameter); the proof that it needed
a miss is that the app renders something else when the cache never hits
(``cache_never_hits``): the cached app showed a stale result.
"""

from __future__ import annotations

import ast
from pathlib import Path

from expectations import Expected, Fixture
from oracle.harness import ScriptResult, render_with_and_without_cache
from oracle.registry import Verdict, probe, where


@probe("STC006")
def check_excluded_argument(fixture: Fixture, expected: list[Expected], results: list[ScriptResult]) -> Verdict:
    """The function of the finding hit its cache on the first run, and that hit was wrong.

    Streamlit's metrics show the hit (a call that found an entry in the same run,
    although the fixture passes a different value for the excluded parameter); the
    proof that it needed a miss is that the app renders something else when the
    cache never hits (``cache_never_hits``): the cached app showed a stale result.
    """
    verdict = Verdict()
    for item in expected:
        qualname = _function_with_line(item.path, item.line)
        if qualname is None:
            verdict.problems.append(f"{where(fixture, item)}: STC006 marker is not in a function's signature")
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
                f"{where(fixture, item)}: expected STC006: '{qualname}' should hit its cache on the first run "
                f"(a call with another value of the excluded argument); first-run hits: "
                f"{ {s.name: c for s, c in hits.items()} }"
            )
            continue
        if not any(_differs_uncached(fixture, script) for script in hit_scripts):
            verdict.problems.append(
                f"{where(fixture, item)}: expected STC006: the app shows the same thing when the cache never "
                f"hits, so the hit on '{qualname}' returned the right result"
            )
    return verdict


def _differs_uncached(fixture: Fixture, script: Path) -> bool:
    cached, uncached = render_with_and_without_cache(fixture, script)
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
