"""Fixtures written for one Streamlit release (tests/fixtures_versions/<release>/).

Statically, on any installed Streamlit: cachelint, with the target read from the
folder's pin (its requirements.txt), reports exactly the ``# expect:`` markers.

At run time, under that release: tests/test_fixtures_versions_runtime.py, which CI runs
under Streamlit 1.28 (scripts/ci_old_streamlit.sh, ``tox -e old-streamlit``) and which is
not collected under another release (tests/conftest.py).
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


def test_the_runtime_half_runs_in_ci() -> None:
    """The oracle of these fixtures needs their own release: CI's old-release stage runs it."""
    root = Path(__file__).parent.parent
    script = (root / "scripts" / "ci_old_streamlit.sh").read_text(encoding="utf-8")
    assert "tests/test_fixtures_versions_runtime.py" in script
    assert "scripts/ci_old_streamlit.sh" in (root / ".ci" / "run").read_text(encoding="utf-8")
    assert {f.release for f in discover()} == {"1.28"} and "MINOR=1.28" in script
