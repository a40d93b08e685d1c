"""STC011: a caching API that Streamlit removed (``st.cache``, ``experimental_memo`` ...).

Proof: the app dies with ``AttributeError`` (``ImportError`` for ``from
streamlit import cache``) naming the removed API, raised at an expected line
(one of the error's stack frames). A script stops at the first removed API it
reaches, so later expected lines of the same script cannot raise:
tests/test_fixes.py runs the fixed app to prove them.
"""

from __future__ import annotations

import re

from expectations import Expected, Fixture
from oracle.harness import ScriptResult, ShownError
from oracle.registry import Verdict, probe

_REMOVED_NAME = re.compile(r"'(?:cache|experimental_memo|experimental_singleton)'")


@probe("STC011")
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
