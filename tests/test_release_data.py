"""The measured per-release data (cachelint/streamlit_model/releases/) is well formed,
the loader answers for every release, the model of every release follows its facts,
and the hasher table of every release gives the verdict the release's own hasher gave.

The data itself comes from scripts/probe_releases.py (never run by the suite)."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from importlib import resources
from pathlib import Path

import pytest

from cachelint.streamlit_model import cache_options, from_facts, hashing, model_for, releases, widgets
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
    assert releases.milestones(entries) == {"appeared": "1.18 or earlier", "deprecated": "1.18 or earlier",
                                        "removed": "1.30", "changed": ""}
    entries = [("1.18", "absent"), ("1.22", "accepted"), ("1.40", "other")]
    assert releases.milestones(entries)["appeared"] == "1.22"
    assert releases.milestones(entries)["changed"] == "1.40"


# --- the model of every release, built from the data ------------------------------------
#
# cachelint/streamlit_model/from_facts.py turns the facts into model fields. These tests
# reload the facts independently and check the model of every release against them, and
# check the latest model against the hand-written 1.67 hasher table and against the
# installed Streamlit (tests/test_cache_options_model.py).

MINORS = releases.releases()


@pytest.mark.parametrize("minor", MINORS)
def test_model_of_every_release_follows_its_facts(minor: str) -> None:
    facts = releases.facts_at(minor)
    model = model_for(minor)
    assert model.release == minor and model.api.streamlit == minor and model.hasher.streamlit == minor
    for kind, api in cache_options.NEW_NAMES.items():
        signature = set(facts[f"option.{api}.signature"])
        assert set(model.api.options[kind]) == signature
        accepted = {fact.rsplit(".", 1)[1] for fact, value in facts.items()
                    if fact.startswith(f"option.{api}.") and value == "accepted"}
        assert accepted == signature, "every option of the signature is accepted by a real decoration"
        for option in ("scope", "refresh_mode"):
            values = model.api.scopes if option == "scope" else model.api.refresh_modes
            if option in signature:
                assert values and all(facts[f"value.{api}.{option}.{v}"] == "accepted" for v in values)
            else:
                assert values == ()
        assert model.api.ttl_strings == (facts[f"value.{api}.ttl.str_1h"] == "accepted")
        stage = "call" if facts[f"value.{api}.ttl.str_garbage"].startswith("rejected-at-call") else "decoration"
        assert model.api.ttl_error_stage[kind] == stage
    if model.api.ttl_strings:
        assert facts["value.cache_data.ttl.str_garbage"].endswith(":" + model.api.errors["ttl"])
    assert facts["value.cache_data.persist.memory"].endswith(":" + model.api.errors["persist"])
    if model.api.scopes:
        assert facts["value.cache_data.scope.user"].endswith(":" + model.api.errors["scope"])
    # Legacy APIs: works / deprecated / raises, from the access, clear and import facts.
    for name, status in model.legacy.items():
        value = facts[f"api.{name}"]
        assert (status.access is None) == (value in ("works", "deprecated")), name
        assert status.deprecated == (value == "deprecated")
        if status.access:
            assert value == f"absent:{status.access}"
        assert (status.from_import is None) == (facts[f"api.{name}.from_import"] == "works")
        assert status.removed_in and releases.fact_at(f"api.{name}", status.removed_in).startswith("absent")
    # Async: a case fails exactly where the measured behaviour raises (or hands back a spent generator).
    for case in ("async_def", "coroutine_returned", "async_generator"):
        for kind, api in cache_options.NEW_NAMES.items():
            value = facts[f"behaviour.{case}_{api}"]
            works = "first=awaitable->2; second=awaitable->2" in value
            assert (model.async_support.failure(case, kind) is None) == works, (case, kind, value)
    assert model.async_support.async_def_supported == ("second=awaitable->2" in facts["behaviour.async_def_cache_data"])
    # Widgets: the era of the measured checkbox run.
    widget = facts["behaviour.widget_in_cache_data"]
    assert facts["behaviour.widget_in_cache_resource"] == widget, "one widget model serves both caches"
    behaviour = model.widgets
    assert (behaviour.outcome == widgets.RAISES) == ("call=raises:" in widget)
    if behaviour.warning:
        assert f"warning:{behaviour.warning}" in widget
    allow = facts["behaviour.widget_in_cache_data.allow_widgets"]
    assert (behaviour.allow_widgets == "rejected") == ("decoration-raises:TypeError" in allow)
    assert (behaviour.allow_widgets == "honoured") == ("warning:" not in allow and "decoration-raises" not in allow)
    # Hasher: the gated steps follow the facts of the values that reach them.
    steps = {step.what: step for step in model.hasher.steps}
    assert ("a hash_funcs entry for the exact type" in steps) == (facts["hash.hash_funcs"] == "accepted")
    latest = {step.what: step for step in hashing.LATEST.steps}
    for what, fact in from_facts.MEASURED_STEPS.items():
        expected = latest[what].outcome if facts[fact] == "hashable" else hashing.UNHASHABLE
        assert steps[what].outcome == expected, (what, facts[fact])


def test_headline_releases() -> None:
    """The facts the README and the rule docs quote."""
    assert model_for("1.61").legacy["cache"].access is None and model_for("1.62").legacy["cache"].access
    assert model_for("1.36").legacy["experimental_memo"].access is None
    assert model_for("1.37").legacy["experimental_memo"].access == "AttributeError"
    assert not model_for("1.22").api.ttl_strings and model_for("1.23").api.ttl_strings
    assert "hash_funcs" not in model_for("1.23").api.options["data"]
    assert "hash_funcs" in model_for("1.24").api.options["data"]
    assert model_for("1.52").api.scopes == () and model_for("1.53").api.scopes == ("global", "session")
    assert model_for("1.60").api.refresh_modes == () and model_for("1.61").api.refresh_modes
    assert "max_size" in model_for("1.67").api.options["data"] and "max_size" not in model_for("1.66").api.options["data"]
    assert "experimental_allow_widgets" in model_for("1.48").api.options["data"]
    assert "experimental_allow_widgets" not in model_for("1.49").api.options["data"]
    assert model_for("1.63").async_support.async_def_from == "1.64"
    assert not model_for("1.63").async_support.async_def_supported and model_for("1.64").async_support.async_def_supported
    eras = {minor: model_for(minor).widgets.outcome for minor in ("1.22", "1.23", "1.31", "1.32", "1.34", "1.38")}
    assert eras == {"1.22": widgets.RAISES, "1.23": widgets.WARNS_REPLAYED, "1.31": widgets.WARNS_REPLAYED,
                    "1.32": widgets.RAISES, "1.34": widgets.WARNS_NOT_REPLAYED, "1.38": widgets.WARNS_REPLAYED}


def test_option_history() -> None:
    api = model_for("1.40").api
    assert api.added_in("data", "scope") == "1.53" and api.added_in("resource", "on_release") == "1.53"
    assert api.added_in("data", "ttl") is None  # there already
    assert api.removed_in("data", "experimental_allow_widgets") == "1.49"


def test_models_are_built_once() -> None:
    assert model_for("1.25.0") is model_for("1.25.0")
    assert model_for("1.25.0").api is model_for("1.25.1").api is model_for("1.25").api
    assert model_for("1.12").release == MINORS[0] and model_for("9.0").release == LAST


def test_last_release_is_the_one_the_hand_hasher_table_models() -> None:
    assert LAST == hashing.LATEST.streamlit
    assert model_for(LAST).hasher.steps == hashing.LATEST.steps


@pytest.mark.parametrize("qualname", sorted(cache_options.REMOVED_APIS))
def test_removed_apis_agree(qualname: str) -> None:
    api = cache_options.REMOVED_APIS[qualname]
    assert AT_LAST[f"api.{api.name}"] == "absent:AttributeError"
    assert AT_LAST[f"api.{api.name}.from_import"] == "raises:ImportError"
    # The options the migration drops or keeps: the API's signature on the last release that had it.
    signatures = [set(value) for _, value in releases.timeline(f"option.{api.name}.signature")
                  if isinstance(value, tuple)]
    assert api.options == signatures[-1]


def test_latest_option_values() -> None:
    model = model_for(LAST).api
    for value in model.persist_values:
        assert AT_LAST[f"value.cache_data.persist.{value}"] == "accepted", value
    for rejected in ("memory", "Disk", "1"):
        assert AT_LAST[f"value.cache_data.persist.{rejected}"].startswith("rejected"), rejected
    for api in ("cache_data", "cache_resource"):
        assert AT_LAST[f"value.{api}.max_entries.0"].startswith("rejected-at-call")
    assert AT_LAST["ttl.string_parser"] == "pandas.Timedelta"
    assert AT_LAST["ttl.seconds.3600"] == pytest.approx(3.6e-6)
    assert AT_LAST["ttl.seconds.5 mins"].startswith("rejected")
    for key, error in model.errors.items():
        assert error.startswith("Streamlit"), (key, error)


def _hasher_cases() -> dict[str, tuple[str, bool | None]]:
    """name -> (source binding VALUE, hashable on 1.67 or None): the hasher test's CASES and
    the probe's EXTRA_HASH_CASES, read with ast."""
    cases: dict[str, tuple[str, bool | None]] = {}
    for path, name in ((ROOT / "tests" / "test_hasher_model.py", "CASES"),
                       (ROOT / "scripts" / "release_probe_inside.py", "EXTRA_HASH_CASES")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in tree.body:
            target = node.target if isinstance(node, ast.AnnAssign) else (
                node.targets[0] if isinstance(node, ast.Assign) else None)
            if isinstance(target, ast.Name) and target.id == name:
                for key, value in ast.literal_eval(node.value).items():
                    cases.setdefault(key, value if isinstance(value, tuple) else (value, None))
    assert cases
    return cases


HASHER_CASES = _hasher_cases()


@pytest.mark.parametrize("name,case", sorted((n, c) for n, c in HASHER_CASES.items() if c[1] is not None))
def test_hasher_outcomes_agree(name: str, case: tuple[str, bool]) -> None:
    assert AT_LAST[f"hash.{name}"] == ("hashable" if case[1] else "unhashable")


def _distinct_hashers() -> dict[tuple, list[str]]:
    found: dict[tuple, list[str]] = {}
    for minor in MINORS:
        found.setdefault(model_for(minor).hasher.steps, []).append(minor)
    return found


@pytest.mark.parametrize("minors", list(_distinct_hashers().values()), ids=lambda m: f"{m[0]}-{m[-1]}")
def test_hasher_table_of_each_release_agrees_with_the_release(minors: list[str], tmp_path: Path) -> None:
    """Every value kind the probe hashed, judged by the hasher table of each release
    (releases sharing a table are judged once): where cachelint gives a verdict, it is the
    one the release's own update_hash gave (``error:TypeError`` counts as unhashable)."""
    from astroid import nodes

    from cachelint.analysis.hashability import UNKNOWN, Hashability
    from cachelint.engine import Engine

    hasher = model_for(minors[0]).hasher
    judged, wrong = 0, []
    for name, (source, _) in sorted(HASHER_CASES.items()):
        path = tmp_path / f"case_{name}.py"
        path.write_text("import streamlit as st\n" + source + "\n", encoding="utf-8")
        engine = Engine()
        module = engine.project.module(path.resolve())
        assign = [n for n in module.tree.body if isinstance(n, nodes.Assign)
                  and n.targets[0].as_string() == "VALUE"][-1]
        hashability = Hashability(engine.analysis.inferrer, hasher)
        outcomes = {hashability.verdict(v).outcome for v in engine.analysis.inferrer.values(assign.value)}
        if not outcomes or UNKNOWN in outcomes:
            continue
        judged += 1
        for minor in minors:
            measured = releases.fact_at(f"hash.{name}", minor)
            expected = hashing.HASHABLE if measured == "hashable" else hashing.UNHASHABLE
            if outcomes != {expected}:
                wrong.append((name, minor, measured, sorted(outcomes)))
    assert judged >= 60
    assert wrong == [], "\n".join(map(str, wrong))


def test_the_model_reads_exactly_the_facts_the_docs_list() -> None:
    """``from_facts.RULE_FACTS`` (the "Facts the rules use" table) is what ``build`` reads."""
    read: set[str] = set()

    class Recording(dict):
        def __getitem__(self, key):
            read.add(key)
            return super().__getitem__(key)

    for minor in MINORS:
        facts = Recording(releases.facts_at(minor))
        for part in (from_facts.hasher, from_facts.api, from_facts.legacy, from_facts.async_support,
                     from_facts.widget_behaviour):
            part(minor, facts)
    read |= {f"option.{cache_options.NEW_NAMES[kind]}.{option}" for kind, option in from_facts.option_history()}
    patterns = from_facts.RULE_FACTS
    unlisted = sorted(fact for fact in read if not any(from_facts.fact_matches(p, fact) for p in patterns))
    assert unlisted == [], "facts the model reads but RULE_FACTS does not list"
    unused = [p for p in patterns if not any(from_facts.fact_matches(p, fact) for fact in read)]
    assert unused == [], "RULE_FACTS rows the model never reads"


def test_agreement_with_every_release_is_stored_and_high() -> None:
    """scripts/agreement.py --write stored, for every modelled release, how often cachelint's
    findings on the generated apps agree with what the release did: 98% or more."""
    stored = _json("agreement.json")
    assert list(stored["releases"]) == MINORS
    for minor, row in stored["releases"].items():
        assert row["version"] == PROBED[minor]["version"], minor
        assert row["apps"] + row["unmeasured"] == stored["apps"] and row["unmeasured"] <= 2, minor
        assert row["rate"] >= 0.98, (minor, row["disagreements"])
        assert row["agree"] == sum(agree for agree, _ in row["families"].values())
