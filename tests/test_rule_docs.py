"""Every rule documents itself, and docs/rules.md is what the rules say."""

from pathlib import Path

import pytest

from cachelint.docs import REQUIRED_SECTIONS, rule_reference
from cachelint.registry import RULES

ROOT = Path(__file__).parent.parent


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.code)
def test_rule_has_every_doc_section(rule) -> None:
    docs = rule.docs()
    for section in REQUIRED_SECTIONS:
        assert section in docs, f"{rule.code} lacks {section!r}"
    assert rule.code.startswith("STC") and len(rule.code) == 6
    assert rule.severity in ("error", "warning")


def test_codes_and_names_are_unique() -> None:
    assert len({r.code for r in RULES}) == len(RULES)
    assert len({r.name for r in RULES}) == len(RULES)


def test_generated_reference_is_up_to_date() -> None:
    assert (ROOT / "docs" / "rules.md").read_text(encoding="utf-8") == rule_reference(), (
        "run: python -m cachelint.docs > docs/rules.md")


def test_readme_lists_every_code() -> None:
    from cachelint.registry import FILE_CODES

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for code, name in [(r.code, r.name) for r in RULES] + list(FILE_CODES.items()):
        assert f"| {code} | {name} |" in readme, code
