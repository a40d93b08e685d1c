"""Every rule's examples run, as Fixit runs its rules' VALID/INVALID lists.

* ``INVALID`` examples mark each line the rule must report with ``# expect: STC0NN`` (as
  fixtures do): the rule reports exactly those lines. With ``fixed`` (``unsafe_fixed``),
  ``cachelint check --fix`` (``--unsafe-fixes``) must turn the example into that text.
* ``VALID`` examples: the rule reports nothing.
* The docs' "## Example" code must make the rule report, and "## Use instead" must not:
  the published documentation is checked like the examples.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from cachelint import catalog
from cachelint.autofix import fix_source
from cachelint.config import AnalysisSettings, Config
from cachelint.registry import RULES
from cachelint.rules.base import Example, Rule
from cachelint.service import Service
from expectations import EXPECT, ITEM

PYTHON_BLOCK = re.compile(r"```python\n(.*?)```", re.DOTALL)
# A docs example written for another release says so as its pin: "# requirements.txt: streamlit==1.25.0".
DOCS_PIN = re.compile(r"#\s*requirements\.txt:\s*streamlit==([0-9.]+)")
MARKER = re.compile(r"[ \t]*#\s*expect:[^\r\n]*")  # the markers stay in the fixed text


def _run(example: Example, code: str, tmp_path: Path) -> tuple[Path, list]:
    path = tmp_path / "app.py"
    path.write_text(example.text, encoding="utf-8")
    # preview rules on, and the rule selected by its code (opt-in rules need that)
    settings = AnalysisSettings(select=frozenset({"ALL", code}), target_streamlit=example.target_streamlit,
                                preview=True)
    config = Config(settings, tmp_path)
    return path, [f for f in Service(config).check(path.resolve()) if f.code == code]


def _marked(text: str, code: str) -> list[int]:
    lines = []
    for number, line in enumerate(text.splitlines(), 1):
        match = EXPECT.search(line)
        if match and any(item["code"] == code for item in ITEM.finditer(match["items"])):
            lines.append(number)
    return lines


def _cases(kind: str) -> list[tuple[Rule, int, Example]]:
    return [(rule, i, example) for rule in RULES for i, example in enumerate(getattr(rule, kind))]


def _id(case) -> str:
    rule, index, _ = case
    return f"{rule.code}-{index}"


@pytest.mark.parametrize("case", _cases("INVALID"), ids=_id)
def test_invalid_example_is_reported_on_its_marked_lines(case, tmp_path: Path) -> None:
    rule, _, example = case
    expected = _marked(example.text, rule.code)
    assert expected, f"{rule.code}: an INVALID example marks its lines with '# expect: {rule.code}'"
    path, found = _run(example, rule.code, tmp_path)
    assert sorted(f.line for f in found) == expected
    for unsafe, wanted in ((False, example.fixed), (True, example.unsafe_fixed)):
        if wanted is not None:
            config = Config(AnalysisSettings(target_streamlit=example.target_streamlit), tmp_path)
            result = fix_source(example.text, path, unsafe, config=config)
            assert MARKER.sub("", result.new_text) == _strip(wanted)


@pytest.mark.parametrize("case", _cases("VALID"), ids=_id)
def test_valid_example_is_not_reported(case, tmp_path: Path) -> None:
    rule, _, example = case
    _, found = _run(example, rule.code, tmp_path)
    assert found == []


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.code)
def test_every_rule_has_examples(rule: Rule) -> None:
    assert rule.INVALID and rule.VALID, f"{rule.code} needs INVALID and VALID examples"
    if catalog.BY_CODE[rule.code].fixable:
        assert any(e.fixed is not None or e.unsafe_fixed is not None for e in rule.INVALID), (
            f"{rule.code} fixes: one INVALID example shows the fixed text")


def _docs_blocks(rule: Rule, section: str) -> list[str]:
    docs = rule.docs()
    match = re.search(rf"^## {re.escape(section)}\s*\n(.*?)(?=^## |\Z)", docs, re.MULTILINE | re.DOTALL)
    assert match, f"{rule.code} has no '## {section}'"
    return PYTHON_BLOCK.findall(match.group(1))


def _as_app(block: str) -> Example:
    pin = DOCS_PIN.search(block)
    return Example(block if "import streamlit" in block else "import streamlit as st\n" + block,
                   target_streamlit=pin.group(1) if pin else None)


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.code)
def test_docs_example_is_reported_and_its_fix_is_not(rule: Rule, tmp_path: Path) -> None:
    bad, good = _docs_blocks(rule, "Example"), _docs_blocks(rule, "Use instead")
    assert bad, f"{rule.code}: '## Example' has a python block"
    for block in bad:
        _, found = _run(_as_app(block), rule.code, tmp_path)
        assert found, f"{rule.code}: the docs example is not reported:\n{block}"
    for block in good:
        _, found = _run(_as_app(block), rule.code, tmp_path)
        assert found == [], f"{rule.code}: the docs' fix is reported:\n{block}"


def _strip(text: str) -> str:
    return Example(text).text
