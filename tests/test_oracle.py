"""The runtime oracle: every fixture's expected findings really happen in Streamlit.

Each fixture (tests/fixtures/**) is run under ``streamlit.testing.v1.AppTest``:
its entry script and each ``pages/*.py`` script as its own app, once and then
rerun with identical inputs. Then:

* every expected finding must show its runtime consequence: the probe
  registered for its code proves it (tests/oracle/probes/stcNNN.py, found by
  ``oracle.load_probes``; a code without a probe fails loudly);
* the app must not show anything it does not expect: no unexplained exception
  element on any run, and no cache misses on reruns unless a finding explains
  them;
* a clean fixture (no ``# expect:`` marker) must really run (something rendered
  and at least one cache entry stored), show no exception, and hit its cache on
  the rerun.

``test_oracle_rejects_broken_fixture`` keeps the oracle honest: broken copies of
real fixtures (a marker removed, a wrong parameter, a syntax error ...) must be
rejected.

Extending to a new rule: add tests/oracle/probes/stcNNN.py (see
tests/oracle/README.md); this driver does not change. Cache entries and lookups
come from Streamlit's own metrics and storage (tests/oracle/internals.py), never
from the fixtures.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import oracle
from expectations import Expected, Fixture, discover
from oracle import comparisons
from oracle.registry import Probe, Verdict, label

FIXTURES = discover()
PROBES = oracle.load_probes()

RERUNS = 1  # reruns of a script with identical inputs (a probe may ask for more: STC003)


@pytest.fixture(scope="session", autouse=True)
def _quiet_logs():
    from streamlit.testing.v1 import AppTest  # noqa: F401  (creates Streamlit's loggers)

    oracle.quiet_streamlit_logs()


def verify(fixture: Fixture) -> list[str]:
    """Run a fixture under Streamlit; return what contradicts its expectations."""
    title = label(fixture)
    expected = fixture.expected()
    unchecked = sorted({item.code for item in expected} - PROBES.keys())
    if unchecked:
        return [f"{title}: no oracle check for {', '.join(unchecked)} yet "
                f"(add tests/oracle/probes/{unchecked[0].lower()}.py)"]

    by_probe: dict[Probe, list[Expected]] = {}
    for item in expected:
        by_probe.setdefault(PROBES[item.code], []).append(item)
    reruns = max([RERUNS] + [p.reruns for p in by_probe if p.reruns is not None])

    results = oracle.run_fixture(fixture, reruns)
    verdicts: list[Verdict] = [p.check(fixture, items, results) for p, items in by_probe.items()]
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
        problems.append(f"{title}: clean fixture stored no cache entry (did it call a cached function?)")
    if not expected:
        for result in results:
            cached, uncached = oracle.render_with_and_without_cache(fixture, result.script)
            if cached != uncached:
                problems.append(f"{result.script.name}: a clean fixture shows something else with its cache than "
                                f"with a cache that never hits: {_first_difference(uncached, cached)}")
            for number, run in enumerate(result.reruns, 2):
                if run.shown != result.first.shown:
                    problems.append(f"{result.script.name}: run {number} of a clean fixture showed something else "
                                    f"than run 1 with identical inputs: "
                                    f"{_first_difference(result.first.shown, run.shown)}")
    return problems


def _first_difference(before: list[str], after: list[str]) -> str:
    for old, new in zip(before, after):
        if old != new:
            return f"{' '.join(old.split())[:160]!r} became {' '.join(new.split())[:160]!r}"
    return f"{len(before)} elements became {len(after)}"


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
    "thread-bound-unmarked": ("resources/stc015_direct_connect.py", [("  # expect: STC015", "")], "unexpected error"),
    "thread-bound-on-unchecked-connection": (
        "resources/clean_stc015_check_same_thread_false.py",
        [("check_same_thread=False)", "check_same_thread=False)  # expect: STC015")],
        "expected STC015",
    ),
    "shared-mutation-unmarked": ("resources/stc016_drop_inplace.py", [("  # expect: STC016", "")], "unexpected error"),
    "shared-mutation-on-copy": (
        "resources/clean_stc016_copy_first.py",
        [('inplace=True)', 'inplace=True)  # expect: STC016')],
        "expected STC016",
    ),
    "loop-bound-unmarked": ("resources/stc017_semaphore_gather.py", [("  # expect: STC017", "")], "unexpected error"),
    "exhausted-unmarked": ("resources/stc019_csv_dictreader.py", [("  # expect: STC019", "")], "showed something else"),
    "exhausted-on-list": (
        "resources/clean_stc019_list_inside.py",
        [('\\nbob,5\\n")))', '\\nbob,5\\n")))  # expect: STC019')],
        "expected STC019",
    ),
    "validate-unmarked": ("resources/stc020_raises_when_dead.py", [("  # expect: STC020", "")], "missed on reruns"),
    "validate-on-truthy-cursor": (
        "resources/clean_stc020_truthy_cursor.py",
        [('conn.execute("select 1"))', 'conn.execute("select 1"))  # expect: STC020')],
        "expected STC020",
    ),
    "collision-unmarked": ("keys/stc018_factory_two_regions.py", [("  # expect: STC018", "")],
                           "with a cache that never hits"),
    "collision-on-passed-argument": (
        "keys/clean_stc018_passed_as_argument.py",
        [('return f"sales for {region}"', 'return f"sales for {region}"  # expect: STC018')],
        "expected STC018",
    ),
    "page-collision-on-differing-copies": (
        "keys/clean_stc018_pages_comment_differs",
        [('REGION = "US"', 'REGION = "US"  # expect: STC018')],
        "expected STC018",
    ),
    "persist-without-ttl-marked": (
        "api/clean_persist_without_ttl.py",
        [('@st.cache_data(persist="disk")', '@st.cache_data(persist="disk")  # expect: STC012')],
        "expected STC012",
    ),
    "persist-ttl-on-memory-cache": (
        "api/clean_persist_without_ttl.py",
        [("@st.cache_data(persist=False, ttl=600)", "@st.cache_data(persist=False, ttl=600)  # expect: STC012")],
        "expected STC012",
    ),
    "clear-unmarked": ("preview/stc021_clear_all_at_top.py", [("  # expect: STC021", "")], "missed on reruns"),
    "clear-under-button": (
        "preview/clean_stc021_button.py",
        [("    st.cache_data.clear()", "    st.cache_data.clear()  # expect: STC021")],
        "expected STC021",
    ),
    "session-thread-unmarked": ("preview/stc022_pool_map.py", [("  # expect: STC022", "")], "unexpected error"),
    "session-thread-on-global-scope": (
        "preview/clean_stc022_global_scope_pool.py",
        [('["a", "bb"])))', '["a", "bb"])))  # expect: STC022')],
        "expected STC022",
    ),
    "unbounded-unmarked": ("preview/stc023_clock_argument.py", [("  # expect: STC023", "")], "missed on reruns"),
    "unbounded-on-bounded": (
        "preview/clean_stc023_max_entries.py",
        [("def answer(question: str) -> bytes:", "def answer(question: str) -> bytes:  # expect: STC023")],
        "expected STC023",
    ),
    "side-effect-unmarked": ("preview/stc024_visit_counter.py", [("  # expect: STC024", "")], "showed something else"),
    "side-effect-on-reader": (
        "preview/clean_stc024_reads_only.py",
        [("(item,)).fetchone()[0]", "(item,)).fetchone()[0]  # expect: STC024")],
        "expected STC024",
    ),
    "loop-bound-on-sync-queue": (
        "resources/clean_stc017_sync_queue.py",
        [("    return asyncio.Queue()", "    return asyncio.Queue()  # expect: STC017")],
        "expected STC017",
    ),
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

BODY_CLEAN = [f for group in ("body", "session") for f in discover(group) if not f.expected()]


@pytest.mark.parametrize("fixture", BODY_CLEAN, ids=[f.name for f in BODY_CLEAN])
def test_body_clean_fixture_is_neither_shared_nor_stale(fixture: Fixture) -> None:
    problems = []
    for script in oracle.scripts_of(fixture):
        for what, compare in (("two sessions", comparisons.two_sessions),
                              ("changed widgets", comparisons.changed_widgets)):
            comparison = compare(fixture, script)
            if comparison.stale:
                problems.append(f"{script.name}, {what}: {comparison.difference()}")
            errors = comparison.first.errors + comparison.shared.errors + comparison.fresh.errors
            if errors:
                problems.append(f"{script.name}, {what}: errors {errors}")
    assert not problems, "\n".join(problems)


# ---------------------------------------------------------------------------
# STC018's clean multipage fixtures: a page visited after the others shows what it shows
# on its own (same functions reading the same values, differing copies, a shared module)

KEYS_CLEAN_PAGES = [f for f in discover("keys") if not f.expected() and f.pages]


@pytest.mark.parametrize("fixture", KEYS_CLEAN_PAGES, ids=[f.name for f in KEYS_CLEAN_PAGES])
def test_keys_clean_page_is_not_served_another_page_result(fixture: Fixture) -> None:
    from oracle.probes.stc018 import shown_after

    for page in fixture.pages:
        others = [p for p in fixture.pages if p != page]
        after, alone, errors = shown_after(fixture, page, others)
        assert not errors and after == alone, f"{page.name}: {after} after {[p.name for p in others]}, {alone} alone"


# ---------------------------------------------------------------------------
# STC016's clean fixtures: a second session (other session id and query params) sees
# what it sees on empty caches, except where the fixture shares on purpose

SHARED_ON_PURPOSE = {"resources/clean_stc016_lock_protected_room.py", "resources/clean_stc016_shared_registry.py"}
SHARED_CLEAN = [f for f in discover("resources")
                if not f.expected() and "stc016" in f.name and f.name not in SHARED_ON_PURPOSE]


@pytest.mark.parametrize("fixture", SHARED_CLEAN, ids=[f.name for f in SHARED_CLEAN])
def test_shared_resource_clean_fixture_leaks_nothing(fixture: Fixture) -> None:
    for script in oracle.scripts_of(fixture):
        comparison = comparisons.two_sessions(fixture, script)
        errors = comparison.first.errors + comparison.shared.errors + comparison.fresh.errors
        assert not comparison.stale and not errors, f"{script.name}: {comparison.difference()} {errors}"
