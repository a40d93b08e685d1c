"""Fixtures written for one Streamlit release (tests/fixtures_versions/<release>/).

Statically, on any installed Streamlit: cachelint, with the target read from the
folder's pin (its requirements.txt), reports exactly the ``# expect:`` markers.

At run time, when the installed Streamlit is that release (``tox -e old-streamlit``,
``scripts/ci_old_streamlit.sh``): each app runs twice under ``AppTest`` and every
expected finding shows its consequence there; clean apps run clean.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import pytest

from cachelint import runner
from cachelint.config import load
from expectations import EXPECT, ITEM

FIXTURES = Path(__file__).parent / "fixtures_versions"


@dataclass(frozen=True)
class VersionFixture:
    path: Path

    @property
    def release(self) -> str:
        return self.path.parent.name

    @property
    def name(self) -> str:
        return f"{self.release}/{self.path.name}"

    def expected(self) -> list[tuple[int, str]]:
        found = []
        for number, line in enumerate(self.path.read_text(encoding="utf-8").splitlines(), 1):
            match = EXPECT.search(line)
            if match:
                found += [(number, item["code"]) for item in ITEM.finditer(match["items"])]
        return sorted(found)


def discover() -> list[VersionFixture]:
    return [VersionFixture(path) for path in sorted(FIXTURES.glob("*/*.py"))]


def _installed_minor() -> str | None:
    try:
        return ".".join(metadata.version("streamlit").split(".")[:2])
    except metadata.PackageNotFoundError:
        return None


@pytest.mark.parametrize("fixture", discover(), ids=lambda f: f.name)
def test_cachelint_reports_the_markers_for_the_pinned_release(fixture: VersionFixture) -> None:
    config = load(fixture.path.parent, cwd=fixture.path.parent)
    assert config.target.streamlit.source == "pin" and config.target.modelled == fixture.release
    report = runner.run([fixture.path], config, use_cache=False)
    assert sorted((f.line, f.code) for f in report.findings) == fixture.expected()


def test_every_release_folder_is_pinned_to_itself() -> None:
    for folder in sorted(p for p in FIXTURES.iterdir() if p.is_dir()):
        pin = (folder / "requirements.txt").read_text(encoding="utf-8")
        assert f"streamlit=={folder.name}." in pin, folder


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


def test_runtime_check_ran_or_says_why() -> None:
    """The runtime half runs under the release of a fixture folder (tox -e old-streamlit)."""
    releases = {f.release for f in discover()}
    if _installed_minor() not in releases:
        pytest.skip(f"installed Streamlit {_installed_minor()} has no fixture folder ({sorted(releases)}); "
                    f"scripts/ci_old_streamlit.sh runs them under their release")
