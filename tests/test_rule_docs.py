"""Every rule documents itself, the catalogue and the rules agree, and docs/rules.md is
what they say."""

from pathlib import Path

import pytest

from cachelint import catalog
from cachelint.docs import REQUIRED_SECTIONS, rule_reference
from cachelint.registry import RULES

ROOT = Path(__file__).parent.parent


@pytest.mark.parametrize("code", catalog.CODES, ids=lambda c: c.code)
def test_every_code_has_every_doc_section(code: catalog.Code) -> None:
    docs = code.documentation
    for section in REQUIRED_SECTIONS:
        assert section in docs, f"{code.code} lacks {section!r}"
    assert catalog.SELECTOR.match(code.code) and len(code.code) == 6
    assert code.severity in (catalog.ERROR, catalog.WARNING)
    assert (code.fix == catalog.NO_FIX) == (not code.fix_safety)


def test_catalogue_and_rules_agree() -> None:
    """Every rule class has a catalogue row and lives in the module the row names; the
    codes about the file itself (STC9xx) have none."""
    assert [r.code for r in RULES] == [c.code for c in catalog.CODES if not c.about_file]
    for rule in RULES:
        row = catalog.BY_CODE[rule.code]
        assert type(rule).__module__ == f"cachelint.rules.{row.module}"
        assert (rule.name, rule.severity, rule.summary) == (row.name, row.severity, row.summary)
        assert rule.docs() == row.documentation
        for code in rule.supersedes:
            assert code in catalog.BY_CODE and code != rule.code


def test_codes_and_names_are_unique() -> None:
    assert len({c.code for c in catalog.CODES}) == len(catalog.CODES)
    assert len({c.name for c in catalog.CODES}) == len(catalog.CODES)


def test_generated_reference_is_up_to_date() -> None:
    assert (ROOT / "docs" / "rules.md").read_text(encoding="utf-8") == rule_reference(), (
        "run: python -m cachelint.docs > docs/rules.md")


def test_readme_lists_every_code() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for code in catalog.CODES:
        assert f"| {code.code} | {code.name} |" in readme, code.code
