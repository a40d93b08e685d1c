"""The measured per-release data (cachelint/streamlit_model/releases/) is well formed,
the loader answers for every release, and the 1.67 facts agree with the hand-written
1.67 tables in cachelint/streamlit_model/.

The data itself comes from scripts/probe_releases.py (never run by the suite)."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from importlib import resources
from pathlib import Path

import pytest

from cachelint.streamlit_model import awaitables, cache_options, hashing, releases
from cachelint.streamlit_model.releases import docs

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = "cachelint.streamlit_model.releases"


def _json(name: str) -> dict:
    return json.loads(resources.files(PACKAGE).joinpath(name).read_text(encoding="utf-8"))


def _all_timelines() -> dict[str, list]:
    out = {}
    for group in releases.GROUPS:
        doc = _json(f"{group}.json")
        assert doc["group"] == group
        for fact, entries in doc["facts"].items():
            assert fact not in out, f"{fact} in two groups"
            out[fact] = entries
    return out


TIMELINES = _all_timelines()
PROBED = _json("probed.json")["releases"]
LAST = releases.releases()[-1]
AT_LAST = releases.facts_at(LAST)


# --- the data --------------------------------------------------------------------------


def test_every_minor_from_1_18_was_probed_with_its_environment() -> None:
    minors = releases.releases()
    assert minors[0] == "1.18"
    keys = [releases.minor_key(m) for m in minors]
    assert keys == [(1, n) for n in range(18, 18 + len(keys))], "a minor is missing"
    for minor, info in PROBED.items():
        assert info["version"].startswith(minor + "."), minor
        assert info["python"] and info["probed"] and info["harness"], minor
        assert info["dependencies"]["streamlit"] == info["version"], minor
        for dependency in ("pandas", "numpy", "protobuf", "pydantic"):
            assert info["dependencies"].get(dependency), (minor, dependency)


@pytest.mark.parametrize("fact", sorted(TIMELINES))
def test_timeline_is_a_sorted_list_of_deltas_from_1_18(fact: str) -> None:
    entries = TIMELINES[fact]
    assert entries and entries[0][0] == "1.18", "every timeline starts at 1.18"
    keys = [releases.minor_key(minor) for minor, _ in entries]
    assert keys == sorted(set(keys)), "releases sorted, each once"
    for (_, before), (minor, after) in zip(entries, entries[1:]):
        assert before != after, f"{minor} repeats the value before it"
    for minor, value in entries:
        assert minor in PROBED, f"{minor} is not in probed.json"
        assert value is not None


def test_data_files_are_small_and_reviewable() -> None:
    for group in releases.GROUPS:
        text = resources.files(PACKAGE).joinpath(f"{group}.json").read_text(encoding="utf-8")
        assert len(text) < 200_000, group
        # One fact per line: a changed fact is a one-line diff.
        assert text.count("\n") >= len(_json(f"{group}.json")["facts"])


# --- the loader ------------------------------------------------------------------------


@pytest.mark.parametrize("minor", sorted(PROBED, key=releases.minor_key))
def test_loader_answers_for_every_modelled_minor(minor: str) -> None:
    assert releases.nearest(minor) == (minor, True)
    facts = releases.facts_at(minor)
    assert set(facts) == set(TIMELINES)
    version = PROBED[minor]["version"]
    assert releases.facts_at(version) == facts
    assert releases.facts_at(minor + ".0") == facts
    assert releases.facts_at(minor + ".9") == facts
    for fact, entries in TIMELINES.items():
        expected = [value for first, value in entries
                    if releases.minor_key(first) <= releases.minor_key(minor)][-1]
        got = facts[fact]
        assert (list(got) if isinstance(got, tuple) else got) == expected, fact


def test_out_of_range_versions_map_to_the_nearest_end() -> None:
    first = releases.releases()[0]
    assert releases.nearest("1.12.0") == (first, False)
    assert releases.nearest("0.89") == (first, False)
    assert releases.facts_at("1.17.2") == releases.facts_at(first)
    assert releases.nearest("2.0.0") == (LAST, False)
    assert releases.nearest(f"1.{releases.minor_key(LAST)[1] + 1}") == (LAST, False)
    assert releases.facts_at("9.9") == AT_LAST
    with pytest.raises(ValueError):
        releases.nearest("latest")


def test_timeline_and_fact_at() -> None:
    entries = releases.timeline("api.cache_data")
    assert entries[0][0] == "1.18"
    assert all(isinstance(entry, tuple) and len(entry) == 2 for entry in entries)
    assert releases.fact_at("api.cache_data", "1.40.1") == releases.facts_at("1.40")["api.cache_data"]
    with pytest.raises(KeyError):
        releases.timeline("no.such.fact")


def test_loader_imports_nothing_heavy() -> None:
    code = ("import sys; import cachelint.streamlit_model.releases as r; r.facts_at('1.25'); "
            "import cachelint.streamlit_model.releases.docs; "
            "heavy = {'streamlit', 'astroid', 'pandas', 'numpy'} & set(sys.modules); print(sorted(heavy))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip() == "[]"


# --- the generated page ----------------------------------------------------------------


def test_committed_doc_is_the_generated_one() -> None:
    committed = (ROOT / "docs" / "streamlit-versions.md").read_text(encoding="utf-8")
    assert committed == docs.render(), (
        "docs/streamlit-versions.md is stale: python -m cachelint.streamlit_model.releases.docs "
        "> docs/streamlit-versions.md")


def test_milestones() -> None:
    entries = [("1.18", "deprecated"), ("1.30", "absent:AttributeError")]
    assert docs.milestones(entries) == {"appeared": "1.18 or earlier", "deprecated": "1.18 or earlier",
                                        "removed": "1.30", "changed": ""}
    entries = [("1.18", "absent"), ("1.22", "accepted"), ("1.40", "other")]
    assert docs.milestones(entries)["appeared"] == "1.22"
    assert docs.milestones(entries)["changed"] == "1.40"


# --- 1.67: the measured facts agree with the hand-written tables ----------------------


def test_last_release_is_the_one_the_hand_tables_model() -> None:
    assert LAST == cache_options.LATEST.streamlit == hashing.LATEST.streamlit


@pytest.mark.parametrize("kind", ["data", "resource"])
def test_accepted_options_agree(kind: str) -> None:
    api = cache_options.NEW_NAMES[kind]
    accepted = {fact.rsplit(".", 1)[1] for fact, value in AT_LAST.items()
                if fact.startswith(f"option.{api}.") and value == "accepted"}
    assert accepted == set(cache_options.LATEST.options[kind])
    assert set(AT_LAST[f"option.{api}.signature"]) == set(cache_options.LATEST.options[kind])
    for keyword in cache_options.REMOVED_KEYWORDS:
        assert AT_LAST[f"option.{api}.{keyword}"] == "absent", keyword


@pytest.mark.parametrize("qualname", sorted(cache_options.REMOVED_APIS))
def test_removed_apis_agree(qualname: str) -> None:
    api = cache_options.REMOVED_APIS[qualname]
    assert AT_LAST[f"api.{api.name}"] == "absent:AttributeError"
    assert AT_LAST[f"api.{api.name}.from_import"] == "raises:ImportError"
    # The hand table lists the API's keyword options; the probe measured its signature on
    # every release that still had it. Where they differ, the difference is spelled out
    # below (for the lead to fix in cache_options.py, then to delete here).
    signatures = [set(value) for _, value in releases.timeline(f"option.{api.name}.signature")
                  if isinstance(value, tuple)]
    measured_last = signatures[-1]
    measured_only, hand_only = KNOWN_TABLE_DIFFERENCES.get(api.name, (set(), set()))
    assert measured_last - api.options == measured_only
    assert api.options - measured_last == hand_only


# api -> (accepted by its last release but missing from REMOVED_APIS[...].options,
#         in REMOVED_APIS[...].options but accepted by no release from 1.18 on).
KNOWN_TABLE_DIFFERENCES = {
    "experimental_memo": ({"hash_funcs"}, {"suppress_st_warning"}),
    "experimental_singleton": ({"hash_funcs", "max_entries", "ttl", "validate"}, {"suppress_st_warning"}),
}


def test_option_values_agree() -> None:
    model = cache_options.LATEST
    for value in model.persist_values:
        assert AT_LAST[f"value.cache_data.persist.{value}"] == "accepted", value
    for rejected in ("memory", "Disk", "1"):
        assert AT_LAST[f"value.cache_data.persist.{rejected}"].startswith("rejected"), rejected
    for api in ("cache_data", "cache_resource"):
        for scope in model.scopes:
            assert AT_LAST[f"value.{api}.scope.{scope}"] == "accepted"
        for mode in model.refresh_modes:
            assert AT_LAST[f"value.{api}.refresh_mode.{mode}"] == "accepted"
        assert AT_LAST[f"value.{api}.max_entries.0"].startswith("rejected-at-call")
    assert AT_LAST["ttl.string_parser"] == "pandas.Timedelta"
    assert AT_LAST["ttl.seconds.3600"] == pytest.approx(3.6e-6)
    assert AT_LAST["ttl.seconds.5 mins"].startswith("rejected")


def _hasher_cases() -> dict[str, bool]:
    tree = ast.parse((ROOT / "tests" / "test_hasher_model.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "CASES":
            return {name: hashable for name, (_source, hashable) in ast.literal_eval(node.value).items()}
    raise AssertionError("no CASES in tests/test_hasher_model.py")


@pytest.mark.parametrize("name,hashable", sorted(_hasher_cases().items()))
def test_hasher_outcomes_agree(name: str, hashable: bool) -> None:
    assert AT_LAST[f"hash.{name}"] == ("hashable" if hashable else "unhashable")


def test_hasher_steps_agree() -> None:
    steps = {step.what for step in hashing.LATEST.steps}
    # Steps of the 1.67 table whose presence the probe measures with a value of that kind.
    for step, case in (("a pydantic model", "pydantic_model"), ("uuid.UUID", "uuid"),
                       ("bytearray", "bytearray"), ("a mock, hashed by id", "mock"),
                       ("an Enum member", "enum_member"), ("a dataclass instance", "dataclass_fields"),
                       ("a numpy ufunc", "numpy_ufunc"), ("a PIL image", "pil_image")):
        assert step in steps
        assert AT_LAST[f"hash.{case}"] == "hashable", case
    # hash_funcs: matched on the exact type; bytes and bytearray are hashed before them.
    assert AT_LAST["hash.hash_funcs.exact_type_object"] == "used"
    assert AT_LAST["hash.hash_funcs.exact_type_name"] == "used"
    assert AT_LAST["hash.hash_funcs.base_class_key"] == "raises:UnhashableParamError"
    assert AT_LAST["hash.hash_funcs.bytes_key"] == "not-used"
    assert AT_LAST["hash.hash_funcs.bytearray_key"] == "not-used"


def test_async_and_widget_behaviour_agree() -> None:
    support = awaitables.LATEST
    assert support.async_def_supported
    assert "first=awaitable->2; second=awaitable->2" in AT_LAST["behaviour.async_def_cache_data"]
    assert f"raises:{support.sync_awaitable_error}" in AT_LAST["behaviour.coroutine_returned_cache_data"]
    for api in ("cache_data", "cache_resource"):
        assert "warning:CachedWidgetWarning" in AT_LAST[f"behaviour.widget_in_{api}"]
        assert "decoration-raises:TypeError" in AT_LAST[f"behaviour.widget_in_{api}.allow_widgets"]
    assert AT_LAST["behaviour.scope_session.cache_data"].startswith("isolated per session")
    assert AT_LAST["behaviour.scope_session_persist_disk.cache_data"].startswith("shared across sessions")
