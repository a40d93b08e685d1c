"""Expected findings written inline in fixtures.

A fixture line that should be reported carries a trailing comment::

    def multiply_score(obj: MyCustomClass, multiplier: int):  # expect: STC001(obj)
    @st.cache_data(hash_funcs={"__main__.MyCustomClass": id})  # expect: STC003

Several findings on one line are separated by commas. The optional
parenthesised detail names the parameter a finding is about (the oracle checks
that Streamlit's error names that parameter; the static test checks that the
message names it).

A fixture is either a single ``.py`` file (run as the app's entry script) or a
directory holding ``app.py`` (the entry script), its modules and ``pages/``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures"
EXPECT = re.compile(r"#\s*expect:\s*(?P<items>STC\d{3}(?:\([\w.]+\))?(?:\s*,\s*STC\d{3}(?:\([\w.]+\))?)*)")
ITEM = re.compile(r"(?P<code>STC\d{3})(?:\((?P<detail>[\w.]+)\))?")


@dataclass(frozen=True, order=True)
class Expected:
    path: Path  # absolute path of the file the finding is reported in
    line: int
    code: str
    detail: str | None = None


@dataclass(frozen=True)
class Fixture:
    root: Path  # the fixture file, or the fixture directory
    entry: Path  # the script Streamlit runs

    @property
    def name(self) -> str:
        return self.root.relative_to(FIXTURES).as_posix()

    @property
    def files(self) -> list[Path]:
        if self.root.is_file():
            return [self.root]
        return sorted(self.root.rglob("*.py"))

    @property
    def pages(self) -> list[Path]:
        """Scripts Streamlit runs as pages of a multipage app (besides the entry)."""
        if self.root.is_file():
            return []
        return sorted((self.root / "pages").glob("*.py"))

    def expected(self) -> list[Expected]:
        found = []
        for path in self.files:
            for lineno, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                match = EXPECT.search(text)
                if not match:
                    continue
                for item in ITEM.finditer(match["items"]):
                    found.append(Expected(path, lineno, item["code"], item["detail"]))
        return sorted(found)


def discover(group: str | None = None) -> list[Fixture]:
    """Every fixture under tests/fixtures (or one group of it, e.g. "core")."""
    base = FIXTURES / group if group else FIXTURES
    fixtures = []
    for app in sorted(base.rglob("*.py")):
        rel = app.relative_to(FIXTURES).parts
        if any(part.startswith(("_", ".")) for part in rel) or rel[0] == "bad":
            continue
        directory = _fixture_dir(app)
        if directory is None:
            fixtures.append(Fixture(app, app))
        elif app == directory / "app.py":
            fixtures.append(Fixture(directory, app))
    return fixtures


def _fixture_dir(path: Path) -> Path | None:
    """The multi-file fixture directory holding ``path`` (it has an app.py), if any."""
    for parent in path.parents:
        if parent == FIXTURES or FIXTURES not in parent.parents:
            return None
        if (parent / "app.py").exists():
            return parent
    return None
