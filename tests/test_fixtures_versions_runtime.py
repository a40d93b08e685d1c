"""The fixtures of tests/fixtures_versions/<release>/ under their own release: each app runs
twice under ``AppTest`` and every expected finding shows its consequence there; clean apps
run clean. Collected only when the installed Streamlit is a fixture folder's release
(tests/conftest.py); CI runs it under 1.28 (scripts/ci_old_streamlit.sh)."""

from __future__ import annotations

from pathlib import Path

import pytest

from test_fixtures_versions import VersionFixture, _installed_minor, discover

# --- the release's own runtime ------------------------------------------------------------

# What each expected code must show when its app runs: an exception (not a warning) on
# the first or the rerun, a warning element, or a deprecation shown in a page that runs.
FAILS = {"STC001", "STC011", "STC012", "STC013"}


def _runs(path: Path) -> list[dict]:
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(path), default_timeout=60)
    seen = []
    for _ in range(2):
        at.run()
        seen.append({
            "exceptions": [e.proto.type for e in at.exception if not e.proto.is_warning],
            "warnings": [e.proto.type for e in at.exception if e.proto.is_warning],
            "deprecated": any("deprecated" in w.value.lower() for w in at.warning),
        })
    return seen


@pytest.mark.parametrize("fixture", [f for f in discover() if f.release == _installed_minor()],
                         ids=lambda f: f.name)
def test_the_release_does_what_the_markers_say(fixture: VersionFixture) -> None:
    runs = _runs(fixture.path)
    codes = {code for _, code in fixture.expected()}
    failed = any(r["exceptions"] for r in runs)
    if codes & FAILS:
        assert failed, f"{fixture.name}: expected {sorted(codes & FAILS)} to fail, it ran: {runs}"
    else:
        assert not failed, f"{fixture.name}: {runs}"
    if "STC008" in codes:
        assert failed or any(r["warnings"] for r in runs), runs
    if "STC025" in codes:
        assert any(r["deprecated"] for r in runs), f"{fixture.name}: no deprecation shown: {runs}"
    if not codes:
        assert not any(r["warnings"] or r["deprecated"] for r in runs), runs
