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


def test_a_global_streamlit_cannot_hash_is_not_suggested_as_an_argument() -> None:
    fixture = Path(__file__).parent / "fixtures" / "body" / "stc010_unhashable_global.py"
    result = run(fixture.parent, "check", fixture.name, "--output-format", "json")
    [finding] = json.loads(result.out)["findings"]
    assert (finding["code"], finding["location"]["line"]) == ("STC010", 21)
    assert finding["message"].endswith(
        "pass what 'loader' is built from as an argument (Streamlit cannot hash the 'Loader' itself), "
        "or pass it as '_loader' together with a hashed argument that identifies it")


def test_a_comparison_with_a_removed_api_is_not_offered_a_migration(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text("import streamlit as st\n\nif st.cache is not None:\n    st.write('old')\n")
    removed = json.loads(run(tmp_path, "check", "app.py", "--output-format", "json", "--target-streamlit", "1.67").out)
    [finding] = removed["findings"]
    assert (finding["code"], finding["fix"]) == ("STC011", None)
    assert finding["message"] == (
        "'st.cache is not None' raises AttributeError on Streamlit 1.67 (--target-streamlit), so the app dies when "
        "this line runs: it was removed in 1.62; the line only compares st.cache, it caches nothing: test "
        "hasattr(st, 'cache') instead, or drop the check")
    deprecated = json.loads(run(tmp_path, "check", "app.py", "--output-format", "json",
                                "--target-streamlit", "1.40").out)
    [finding] = deprecated["findings"]
    assert (finding["code"], finding["fix"]) == ("STC025", None)
    assert finding["message"].endswith("and then this comparison raises AttributeError: test hasattr(st, 'cache') "
                                       "instead")
