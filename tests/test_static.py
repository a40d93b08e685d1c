"""cachelint, run through real flake8, reports exactly what each fixture expects."""

from __future__ import annotations

import re
import subprocess
import sys
from collections import defaultdict
from importlib import metadata
from pathlib import Path

import pytest

from expectations import FIXTURES, Fixture, discover

# Fixtures whose expected findings hold only with this major version of a library installed, as
# in the oracle's environment (Streamlit 1.67 brings pandas 3); where it is not (Python 3.10 has
# neither), the findings rightly differ and the fixture is skipped.
NEEDS_MAJOR = {"hash_funcs/stc005_pandas_core_spelling.py": ("pandas", 3)}

FLAKE8_LINE = re.compile(r"^(?P<path>.+?):(?P<line>\d+):(?P<col>\d+):(?P<code>STC\d{3}):(?P<text>.*)$")


@pytest.fixture(scope="session")
def flake8_findings() -> dict[Path, list[tuple[int, str, str]]]:
    """One flake8 run over every fixture, preview rules on: {file: [(line, code, message)]}.

    Every fixture expects the preview rules' findings too (STC021, STC022 and STC024 are
    checked against the whole corpus); the opt-in STC023 is selected for the fixtures of
    tests/fixtures/preview only, by the pyproject.toml there."""
    result = subprocess.run(
        [sys.executable, "-m", "flake8", "--select", "STC", "--cachelint-preview", "--exclude", "bad",
         "--format", "%(path)s:%(row)d:%(col)d:%(code)s:%(text)s", str(FIXTURES)],
        capture_output=True, text=True, timeout=600,
    )
    assert result.returncode in (0, 1), result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    found: dict[Path, list[tuple[int, str, str]]] = defaultdict(list)
    for line in result.stdout.splitlines():
        match = FLAKE8_LINE.match(line)
        assert match, f"unexpected flake8 output: {line!r}"
        found[Path(match["path"]).resolve()].append((int(match["line"]), match["code"], match["text"]))
    return found


@pytest.mark.parametrize("fixture", discover(), ids=lambda f: f.name)
def test_flake8_reports_exactly_the_expected_findings(fixture: Fixture, flake8_findings) -> None:
    if fixture.name in NEEDS_MAJOR:
        library, major = NEEDS_MAJOR[fixture.name]
        if _installed_major(library) != major:
            pytest.skip(f"the expected findings hold with {library} {major}.x installed")
    expected = {(e.path.resolve(), e.line, e.code) for e in fixture.expected()}
    actual = {(path, line, code) for path in map(Path.resolve, fixture.files)
              for line, code, _ in flake8_findings.get(path, [])}
    assert sorted(actual) == sorted(expected)


def _installed_major(distribution: str) -> int | None:
    try:
        return int(metadata.version(distribution).split(".")[0])
    except (metadata.PackageNotFoundError, ValueError):
        return None


@pytest.mark.parametrize("fixture", [f for f in discover() if any(e.detail for e in f.expected())],
                         ids=lambda f: f.name)
def test_messages_name_the_parameter(fixture: Fixture, flake8_findings) -> None:
    for expected in fixture.expected():
        if not expected.detail:
            continue
        messages = [text for line, code, text in flake8_findings.get(expected.path.resolve(), [])
                    if line == expected.line and code == expected.code]
        assert any(f"'{expected.detail}'" in text for text in messages), messages
