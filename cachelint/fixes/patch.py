"""Text edits: the minimal edits between two texts, and applying edits to a text.

A fix travels on its finding as a few ``Edit``\\ s (line, column in code points). They
are computed once, by diffing the source with what the rule's libcst change makes of
it, and applied by ``--fix``, the language server and anyone reading the JSON output.
"""

from __future__ import annotations

import bisect
import difflib
from typing import Iterable

from cachelint.findings import Edit
from cachelint.noqa import physical_lines


def edits_between(old: str, new: str) -> tuple[Edit, ...]:
    """The smallest replacements (one per changed block of lines) turning ``old`` into ``new``."""
    old_lines, new_lines = physical_lines(old), physical_lines(new)
    starts = _line_starts(old_lines)
    matcher = difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False)
    edits: list[Edit] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        before, after = "".join(old_lines[i1:i2]), "".join(new_lines[j1:j2])
        start, end, text = _trimmed(before, after)
        edits.append(Edit(*_position(old_lines, starts, starts[i1] + start),
                          *_position(old_lines, starts, starts[i1] + end), text))
    return tuple(edits)


def _line_starts(lines: list[str]) -> list[int]:
    """Offsets where each line starts, and one more: where a line after the last would."""
    starts = [0]
    for text in lines:
        starts.append(starts[-1] + len(text))
    return starts


def _position(lines: list[str], starts: list[int], at: int) -> tuple[int, int]:
    """(1-based line, 0-based column) of the text offset ``at``; the end of a last line
    without a line break is a position on that line."""
    index = bisect.bisect_right(starts, at) - 1
    if index == len(lines) and lines and not lines[-1].endswith(("\n", "\r")):
        return len(lines), len(lines[-1])
    return index + 1, at - starts[index]


def _trimmed(before: str, after: str) -> tuple[int, int, str]:
    """(start, end in ``before``, replacement) without the common prefix and suffix."""
    prefix = 0
    limit = min(len(before), len(after))
    while prefix < limit and before[prefix] == after[prefix]:
        prefix += 1
    suffix = 0
    while suffix < limit - prefix and before[-1 - suffix] == after[-1 - suffix]:
        suffix += 1
    return prefix, len(before) - suffix, after[prefix:len(after) - suffix]


def offset(lines: list[str], line: int, col: int) -> int:
    """The offset in the text of ``lines`` of a (1-based line, column) position."""
    return sum(len(text) for text in lines[: line - 1]) + col


def apply(text: str, edits: Iterable[Edit]) -> str:
    """``text`` with the edits made; they must not overlap."""
    lines = physical_lines(text)
    spans = sorted(((offset(lines, e.line, e.col), offset(lines, e.end_line, e.end_col), e.text) for e in edits),
                   reverse=True)
    for start, end, replacement in spans:
        text = text[:start] + replacement + text[end:]
    return text


def span(text_lines: list[str], edits: Iterable[Edit]) -> tuple[int, int]:
    """The (start, end) offsets the edits cover, to tell fixes that overlap."""
    points = [(offset(text_lines, e.line, e.col), offset(text_lines, e.end_line, e.end_col)) for e in edits]
    return min(p[0] for p in points), max(p[1] for p in points)
