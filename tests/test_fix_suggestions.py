"""A suggested fix must itself work: STC009's advice for a leaking cached function whose
result an outer global cache stores names the outer one too (scope="session" on the inner
function alone leaves the outer cache serving the first session's result), and advises
scope="session" only on releases that have it."""

from __future__ import annotations

import json
from pathlib import Path

from cli_helpers import run

FIXTURE = Path(__file__).parent / "fixtures" / "session" / "stc009_outer_cache_of_leaking_callee.py"


def _messages(*options: str) -> dict[int, str]:
    result = run(FIXTURE.parent, "check", FIXTURE.name, "--output-format", "json", *options)
    return {f["location"]["line"]: f["message"] for f in json.loads(result.out)["findings"]}


def test_the_inner_leak_names_the_outer_cache_that_stores_its_result() -> None:
    messages = _messages("--target-streamlit", "1.67")
    assert sorted(messages) == [12, 18]
    assert messages[12].endswith(
        "pass 'odds' as an argument, through 'analyze_all' too, whose global cache stores this result, "
        "or use scope=\"session\" here and on 'analyze_all'")
    assert messages[18].endswith(
        "or use scope=\"session\" on 'analyze_all' too: fixing 'analyze_game' alone leaves this cache leaking")


def test_no_scope_advice_on_a_release_without_scope() -> None:
    messages = _messages("--target-streamlit", "1.40")
    assert messages[12].endswith("pass 'odds' as an argument, through 'analyze_all' too, whose global cache "
                                 "stores this result")
    assert all("scope=" not in message for message in messages.values())
