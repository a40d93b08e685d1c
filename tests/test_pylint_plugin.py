"""The pylint plugin reports what the flake8 plugin reports, under pylint's ids."""

from __future__ import annotations

import json
import re
import subprocess
import sys

from expectations import FIXTURES

from cachelint.pylint_plugin import CachelintChecker, message_table, pylint_id, pylint_symbol
from cachelint import catalog

CORE = FIXTURES / "core"
CODES = [c.code for c in catalog.CODES]


def test_every_code_has_one_pylint_id_and_back() -> None:
    ids = {code: pylint_id(code) for code in CODES}
    assert len(set(ids.values())) == len(CODES)
    for code, msgid in ids.items():
        assert re.fullmatch(r"[EWF]95\d\d", msgid), msgid
    for rule in catalog.CODES:
        if not rule.about_file:
            assert ids[rule.code] == ("E" if rule.severity == "error" else "W") + "95" + rule.code[-2:]
            assert pylint_symbol(rule.code) == rule.name
    assert ids["STC001"] == "E9501" and pylint_symbol("STC001") == "unhashable-argument"
    assert ids["STC900"] == "F9590" and ids["STC901"] == "F9591"
    assert set(message_table()) == set(ids.values())


def test_pylint_accepts_the_checker() -> None:
    from pylint.lint import PyLinter

    linter = PyLinter()
    linter.register_checker(CachelintChecker(linter))  # pylint validates ids, symbols and scope here
    for code in CODES:
        assert linter.msgs_store.get_message_definitions(pylint_id(code))[0].symbol == pylint_symbol(code)


def test_pylint_findings_match_flake8_on_the_core_fixtures() -> None:
    flake8 = subprocess.run(
        [sys.executable, "-m", "flake8", "--select", "STC", "--format", "%(path)s:%(row)d:%(code)s", "."],
        cwd=CORE, capture_output=True, text=True, timeout=300)
    assert flake8.returncode in (0, 1), flake8.stderr
    from_flake8 = set()
    for line in flake8.stdout.splitlines():
        path, row, code = line.rsplit(":", 2)
        from_flake8.add(((CORE / path).resolve(), int(row), code))

    to_code = {pylint_id(code): code for code in CODES}
    pylint = subprocess.run(
        [sys.executable, "-m", "pylint", "--disable=all", f"--enable={','.join(to_code)}",
         "--load-plugins=cachelint.pylint_plugin", "--recursive=y", "--jobs=1", "--persistent=n",
         "--output-format=json", "."],
        cwd=CORE, capture_output=True, text=True, timeout=300)
    assert "Traceback" not in pylint.stderr, pylint.stderr
    messages = json.loads(pylint.stdout)
    assert {m["message-id"] for m in messages} <= set(to_code), messages  # no crash (F0002) or other message
    from_pylint = {((CORE / m["path"]).resolve(), m["line"], to_code[m["message-id"]]) for m in messages}

    assert len(from_flake8) >= 10
    assert sorted(from_pylint) == sorted(from_flake8)
    by_symbol = {(m["symbol"], to_code[m["message-id"]]) for m in messages}
    assert all(symbol == pylint_symbol(code) for symbol, code in by_symbol)


def test_one_engine_finds_the_same_whatever_the_file_order() -> None:
    """pylint (like flake8 -j1) checks every file with one engine: checking a module again
    with the same text must keep its parsed nodes, which other modules' inference refers to."""
    from cachelint.engine import Engine

    app = CORE / "stc001_multipage_page_call"
    files = [app / "app.py", app / "utils.py", app / "pages" / "1_Report.py"]
    alone = {f: [x.code for x in Engine().check_file(f.resolve(), f.read_text())] for f in files}
    engine = Engine()
    in_order = {f: [x.code for x in engine.check_file(f.resolve(), f.read_text())] for f in files}
    assert alone[files[2]] == ["STC001"]
    assert in_order == alone


def test_the_editors_page_states_the_mapping_right() -> None:
    page = (FIXTURES.parents[1] / "docs" / "editors.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| (STC\d{3}) \| ([EWF]\d{4}) \| ([\w-]+) \|$", page, re.MULTILINE)
    assert len(rows) >= 5
    for code, msgid, symbol in rows:
        assert (pylint_id(code), pylint_symbol(code)) == (msgid, symbol)
