"""``# noqa`` exactly as flake8 applies it, for the standalone command.

* ``# noqa`` anywhere on the reported line silences every finding there;
  ``# noqa: STC001,STC003`` (or ``# noqa:STC001 STC003``) only findings whose code is one of,
  or starts with one of, the listed codes (so ``# noqa: STC`` silences all of ours).
  ``noqa`` is matched case-insensitively, the codes are compared as written.
* The line searched is the whole logical line the finding is on: a noqa comment on
  any physical line of a multi-line statement applies to all of them (flake8's
  ``FileProcessor._noqa_line_mapping``). When the file does not tokenize, the
  physical line alone is searched.
* A line that is only ``# flake8: noqa`` (or ``# flake8=noqa``) skips the whole file;
  the same words after code on a line do nothing.

The regular expressions are flake8 7's (``flake8/defaults.py``).
"""

from __future__ import annotations

import io
import re
import tokenize
from functools import cached_property

NOQA_INLINE = re.compile(r"# noqa(?::[\s]?(?P<codes>([A-Z]+[0-9]+(?:[,\s]+)?)+))?", re.IGNORECASE)
NOQA_FILE = re.compile(r"\s*# flake8[:=]\s*noqa", re.IGNORECASE)
_SEPARATORS = re.compile(r"[,\s]")
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n|$)")


def physical_lines(text: str) -> list[str]:
    """Lines as Python counts them (``\\n``, ``\\r\\n``, ``\\r``; not form feeds), with their ends."""
    lines = _LINE.findall(text)
    if lines and lines[-1] == "":
        lines.pop()
    return lines


class Noqa:
    """The noqa comments of one file's text."""

    def __init__(self, text: str):
        self.text = text
        self.lines = physical_lines(text)

    @cached_property
    def file_ignored(self) -> bool:
        return any(NOQA_FILE.match(line) for line in self.lines)

    @cached_property
    def _logical_lines(self) -> dict[int, str]:
        """Line number -> the text of the logical line holding it (flake8's mapping)."""
        mapping: dict[int, str] = {}
        try:
            tokens = list(tokenize.generate_tokens(io.StringIO(self.text).readline))
        except (tokenize.TokenError, SyntaxError):
            return {}
        first, last = len(self.lines) + 2, -1
        for kind, _, (start, _), (end, _), _ in tokens:
            if kind in (tokenize.ENDMARKER, tokenize.DEDENT):
                continue
            first, last = min(first, start), max(last, end)
            if kind in (tokenize.NL, tokenize.NEWLINE):
                joined = "".join(self.lines[first - 1: last])
                for number in range(first, last + 1):
                    mapping[number] = joined
                first, last = len(self.lines) + 2, -1
        return mapping

    def line_for(self, line: int) -> str:
        found = self._logical_lines.get(line)
        if found is not None:
            return found
        return self.lines[line - 1] if 0 < line <= len(self.lines) else ""

    @cached_property
    def _has_any(self) -> bool:
        return NOQA_INLINE.search(self.text) is not None

    def suppresses(self, line: int, code: str) -> bool:
        """Is a finding of ``code`` on ``line`` (1-based) silenced?"""
        if self.file_ignored:
            return True
        if not self._has_any:  # most files: no need to tokenize
            return False
        match = NOQA_INLINE.search(self.line_for(line))
        if match is None:
            return False
        codes_text = match.group("codes")
        if codes_text is None:
            return True
        codes = {item.strip() for item in _SEPARATORS.split(codes_text) if item.strip()}
        return code in codes or code.startswith(tuple(codes))


def noqa_insertion(text: str, line: int, code: str) -> tuple[int, int, str] | None:
    """Where and what to insert so that ``code`` on ``line`` (1-based) is silenced.

    Returns (line, code-point column, text) — extending an existing ``# noqa: X`` on that
    line, else appending ``  # noqa: CODE`` to it, or to the line that ends the multi-line
    string the line is inside (a comment there would be part of the string). None when a
    blanket ``# noqa`` is already there.
    """
    lines = text.splitlines()
    target = _line_outside_strings(text, line)
    if not 0 < target <= len(lines):
        return None
    physical = lines[target - 1]
    match = NOQA_INLINE.search(physical)
    if match is not None:
        codes = match["codes"]
        if codes is None:
            return None
        return target, match.start("codes") + len(codes.rstrip(", \t")), f",{code}"
    return target, len(physical), f"  # noqa: {code}"


def _line_outside_strings(text: str, line: int) -> int:
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(text).readline))
    except (tokenize.TokenError, SyntaxError, IndentationError):
        return line
    spanning = [(tok.start[0], tok.end[0]) for tok in tokens if tok.end[0] > tok.start[0]
                and tok.type not in (tokenize.NEWLINE, tokenize.NL, tokenize.DEDENT, tokenize.INDENT)]
    moved = True
    while moved:
        moved = False
        for first, last in spanning:
            if first <= line < last:
                line, moved = last, True
    return line
