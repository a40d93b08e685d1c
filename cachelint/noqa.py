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

Also here: where a ``# noqa: CODE`` goes so that it silences a finding (``noqa_insertion``,
for ``--add-noqa`` and the language server's quick fix), ``add_noqa`` for a whole file, and
the ``# noqa: STCxxx`` codes that silence nothing (``Noqa.unused``, ``--report-unused-noqa``,
as ruff's RUF100).
"""

from __future__ import annotations

import io
import re
import tokenize
from dataclasses import dataclass
from functools import cached_property
from typing import Callable, Iterable

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
    def _spans(self) -> dict[int, tuple[int, int]]:
        """Line number -> (first, last) physical line of the logical line holding it
        (flake8's mapping: a string or a backslash continuation joins lines, brackets do not)."""
        mapping: dict[int, tuple[int, int]] = {}
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
                for number in range(first, last + 1):
                    mapping[number] = (first, last)
                first, last = len(self.lines) + 2, -1
        return mapping

    def span(self, line: int) -> tuple[int, int]:
        """First and last physical line of the logical line holding ``line``."""
        return self._spans.get(line, (line, line))

    def line_for(self, line: int) -> str:
        """The text of the logical line holding ``line`` (the physical line when the file
        does not tokenize)."""
        span = self._spans.get(line)
        if span is None:
            return self.lines[line - 1] if 0 < line <= len(self.lines) else ""
        return "".join(self.lines[span[0] - 1: span[1]])

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

    # -- unused directives (ruff's RUF100) ------------------------------------------------
    def unused(self, findings: Iterable[tuple[int, str]], ran: Callable[[str], bool]) -> list[UnusedNoqa]:
        """The ``# noqa: STCxxx`` codes that silence none of ``findings`` ((line, code) pairs:
        what the run found on this file before ``# noqa``).

        Only our codes (``STC...``), only codes for which ``ran(code)`` is true (a rule the
        configuration runs on this file), only directives with codes (a blanket ``# noqa``
        may be for another flake8 plugin), and only the directive flake8 reads (the first
        on a logical line). A directive listing ``STC100`` itself is left alone."""
        if self.file_ignored or not self._has_any:
            return []
        by_line: dict[int, set[str]] = {}
        for line, code in findings:
            by_line.setdefault(line, set()).add(code)
        found: list[UnusedNoqa] = []
        seen: set[tuple[int, int]] = set()
        for number, physical in enumerate(self.lines, start=1):
            if "noqa" not in physical.lower():
                continue
            first, last = self.span(number)
            if (first, last) in seen:
                continue
            seen.add((first, last))
            joined = "".join(self.lines[first - 1: last])
            match = NOQA_INLINE.search(joined)
            if match is None or match.group("codes") is None:
                continue
            codes = [c for c in (item.strip() for item in _SEPARATORS.split(match.group("codes"))) if c]
            if UNUSED_NOQA in codes:
                continue
            here = set().union(*(by_line.get(n, set()) for n in range(first, last + 1)))
            unused = [c for c in dict.fromkeys(codes) if c.startswith("STC") and ran(c)
                      and not any(code == c or code.startswith(c) for code in here)]
            if not unused:
                continue
            before = joined[: match.start()]
            line = first + before.count("\n") + before.count("\r") - before.count("\r\n")
            start = match.start() - (max(before.rfind("\n"), before.rfind("\r")) + 1)
            text = self.lines[line - 1]
            end = start + len(match.group(0).rstrip(", \t"))
            found.append(UnusedNoqa(line, len(text[:start].encode("utf-8", "surrogatepass")),
                                    len(text[:end].encode("utf-8", "surrogatepass")), tuple(unused), tuple(codes)))
        return found


UNUSED_NOQA = "STC100"  # the code of an unused-noqa finding (--report-unused-noqa)


@dataclass(frozen=True)
class UnusedNoqa:
    line: int  # 1-based
    col: int  # 0-based UTF-8 byte offset of the ``# noqa``
    end_col: int
    unused: tuple[str, ...]  # the codes that silence nothing
    codes: tuple[str, ...]  # every code of the directive

    @property
    def message(self) -> str:
        listed = ", ".join(self.unused)
        what = "no finding of that code" if len(self.unused) == 1 else "no finding of those codes"
        return f"unused noqa directive (unused: {listed}): {what} on this line; remove it"


# -- adding directives ---------------------------------------------------------------------
def noqa_insertion(text: str, line: int, code: str) -> tuple[int, int, str] | None:
    """Where and what to insert so that ``code`` on ``line`` (1-based) is silenced.

    Returns (line, code-point column, text) — extending an existing ``# noqa: X`` on that
    line, else appending ``  # noqa: CODE`` to it, or to the line that ends the logical
    line (the end of a multi-line string the line is inside, where a comment is not part
    of the string; the end of a backslash continuation). None when a blanket ``# noqa``
    is already there.
    """
    lines = [physical.rstrip("\r\n") for physical in physical_lines(text)]
    target = Noqa(text).span(line)[1]
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


def insert(text: str, line: int, column: int, new: str) -> str:
    """``text`` with ``new`` inserted at (1-based line, code-point column); line endings kept."""
    lines = physical_lines(text)
    physical = lines[line - 1]
    body = physical.rstrip("\r\n")
    lines[line - 1] = body[:column] + new + body[column:] + physical[len(body):]
    return "".join(lines)


def add_noqa(text: str, wanted: Iterable[tuple[int, str]]) -> tuple[str, int]:
    """``text`` with a ``# noqa: CODE`` for every (line, code) it does not silence yet, and
    how many codes were added. Existing directives are extended, never replaced."""
    added = 0
    for line, code in sorted(set(wanted)):
        if Noqa(text).suppresses(line, code):
            continue
        insertion = noqa_insertion(text, line, code)
        if insertion is None:
            continue
        changed = insert(text, *insertion)
        if Noqa(changed).suppresses(line, code):
            text, added = changed, added + 1
    return text, added
