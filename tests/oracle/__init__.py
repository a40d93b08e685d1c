"""The runtime oracle: run fixtures under Streamlit's ``AppTest`` and prove each
expected finding's runtime consequence (see README.md in this folder).

* ``harness``: run a fixture's scripts and record errors, lookups, entries.
* ``internals``: every private Streamlit name the oracle touches, checked on import.
* ``comparisons``: two sessions / changed widgets, for hidden inputs (STC009, STC010).
* ``tricks``: session ids, new thread ids, disk caches, body counts, page switches.
* ``registry``: ``@probe(code)``, ``Verdict``, ``load_probes``; ``probes/``: one module per rule.
* ``source`` / ``checks``: what probes share (where a marker points, check builders).

The names below are the oracle's public face (tests/test_fixes.py runs fixed apps
with ``oracle.run_fixture``).
"""

from oracle.harness import (
    TIMEOUT,
    Run,
    ScriptResult,
    ShownError,
    import_root,
    isolated,
    quiet_streamlit_logs,
    render_with_and_without_cache,
    rendered,
    run_fixture,
    run_script,
    scripts_of,
)
from oracle.internals import cache_entry_count, cache_never_hits, clear_caches, hash_funcs_spy, lookup_counts
from oracle.registry import PROBES, Check, Probe, Verdict, label, load_probes, probe, where

__all__ = [
    "TIMEOUT", "Run", "ScriptResult", "ShownError", "import_root", "isolated", "quiet_streamlit_logs",
    "render_with_and_without_cache", "rendered", "run_fixture", "run_script", "scripts_of",
    "cache_entry_count", "cache_never_hits", "clear_caches", "hash_funcs_spy", "lookup_counts",
    "PROBES", "Check", "Probe", "Verdict", "label", "load_probes", "probe", "where",
]
