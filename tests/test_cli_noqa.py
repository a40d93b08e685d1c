"""``# noqa`` in the command behaves exactly as flake8 applies it to the plugin's findings."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from cli_helpers import as_flake8, run, write
from cachelint.noqa import Noqa, physical_lines

HEADER = '''\
import streamlit as st


class Model:
    def __init__(self, weight):
        self.weight = weight

'''
COMMENTS = [
    "",
    "# noqa",
    "# noqa: STC001",
    "# noqa:STC001,STC003",
    "# noqa: STC003, STC001",
    "# noqa: STC",
    "# NOQA: STC001",
    "# NoQa",
    "# noqa: stc001",  # codes are compared as written: not silenced
    "# noqa: STC002",
    "# noqa:E501",
    "# noqa : STC002",  # not the codes syntax: a blanket noqa
    "# noqa:STC001 STC002",
    "#noqa",  # no space: not a noqa comment
    "# type: ignore # noqa: STC0",
]


def app_with_noqa_comments() -> str:
    parts = [HEADER]
    for i, comment in enumerate(COMMENTS):
        parts.append(f"\n@st.cache_data\ndef f{i}(model: Model) -> int:  {comment}\n    return 1\n")
    parts.append("\n@st.cache_data\ndef multi(\n    model: Model,\n    x: int,\n) -> int:  # noqa: STC001\n"
                 "    return 1\n")
    parts.append('\n@st.cache_data\ndef docstring_after(model: Model) -> int:\n    """# noqa"""\n    return 1\n')
    return "".join(parts)


def flake8_lines(root: Path) -> set[str]:
    result = subprocess.run([sys.executable, "-m", "flake8", "--select", "STC", "."], cwd=root,
                            capture_output=True, text=True)
    return {line.removeprefix("./") for line in result.stdout.splitlines()}


def test_same_lines_silenced_as_flake8(tmp_path: Path) -> None:
    write(tmp_path, {"app.py": app_with_noqa_comments()})
    ours = set(as_flake8(run(tmp_path, "check", "--format", "concise", "--no-cache").out).splitlines())
    expected = flake8_lines(tmp_path)
    assert ours == expected
    reported = sorted(int(line.split(":")[1]) for line in ours)
    lines = physical_lines((tmp_path / "app.py").read_text())
    shown = [lines[n - 1].strip() for n in reported]
    assert shown == [
        "def f0(model: Model) -> int:",
        "def f8(model: Model) -> int:  # noqa: stc001",
        "def f9(model: Model) -> int:  # noqa: STC002",
        "def f10(model: Model) -> int:  # noqa:E501",
        "def f13(model: Model) -> int:  #noqa",
        # flake8 joins only tokens that span lines (strings), not bracketed lines
        "model: Model,",
        "def docstring_after(model: Model) -> int:",
    ]


def test_file_level_noqa_as_flake8(tmp_path: Path) -> None:
    bad = HEADER + "\n@st.cache_data\ndef f(model: Model) -> int:\n    return 1\n"
    write(tmp_path, {"skipped.py": "# flake8: noqa\n" + bad, "skipped_too.py": "  # FLAKE8=NOQA: STC002\n" + bad,
                     "not_skipped.py": "x = 1  # flake8: noqa\n" + bad})
    ours = set(as_flake8(run(tmp_path, "check", "--format", "concise", "--no-cache").out).splitlines())
    assert ours == flake8_lines(tmp_path)
    assert [line.split(":")[0] for line in ours] == ["not_skipped.py"]


@pytest.mark.parametrize("comment, code, silenced", [
    ("# noqa", "STC001", True),
    ("# noqa: STC001", "STC001", True),
    ("# noqa:STC001,STC003", "STC003", True),
    ("# noqa: STC", "STC005", True),
    ("# noqa: STC002", "STC001", False),
    ("# noqa: stc001", "STC001", False),
    ("", "STC001", False),
])
def test_noqa_unit(comment: str, code: str, silenced: bool) -> None:
    assert Noqa(f"x = 1  {comment}\n").suppresses(1, code) is silenced


def test_untokenizable_file_uses_the_physical_line() -> None:
    noqa = Noqa('x = """unterminated  # noqa\ny = 1\n')
    assert noqa.suppresses(1, "STC900")
    assert not noqa.suppresses(2, "STC900")


def test_physical_lines_count_like_python() -> None:
    assert physical_lines("a\r\nb\x0cc\rd\n") == ["a\r\n", "b\x0cc\r", "d\n"]
    assert physical_lines("") == [] and physical_lines("x") == ["x"]


def test_noqa_after_a_multiline_string_covers_its_first_line() -> None:
    noqa = Noqa('x = f("""\na""", 1)  # noqa: STC001\ny = 2\n')
    assert noqa.suppresses(1, "STC001") and noqa.suppresses(2, "STC001")
    assert not noqa.suppresses(3, "STC001")
