"""Positions between cachelint and an editor: finding ranges, fix edits and ``# noqa``
insertions, in the client's position encoding (UTF-16 by default)."""

from __future__ import annotations

from typing import Callable, Sequence

from cachelint.catalog import SYNTAX_ERROR
from cachelint.findings import Edit, Finding


def _char_index(line: str, byte_col: int) -> int:
    """astroid columns count UTF-8 bytes; Python strings count code points."""
    return len(line.encode("utf-8")[:byte_col].decode("utf-8", errors="ignore"))


def _line_at(lines: Sequence[str], index: int) -> str:
    return lines[index].rstrip("\r\n") if 0 <= index < len(lines) else ""


def finding_range(finding: Finding, lines: Sequence[str], units: Callable[[str], int]):
    """The LSP range of a finding; ``units`` counts a string in the client's position encoding."""
    from lsprotocol import types

    start_line = max(finding.line - 1, 0)
    text = _line_at(lines, start_line)
    # SyntaxError offsets count code points; node offsets count UTF-8 bytes.
    to_chars = (lambda _line, col: col) if finding.code == SYNTAX_ERROR else _char_index
    start = min(to_chars(text, finding.col), len(text))
    if finding.end_line and (finding.end_line, finding.end_col) > (finding.line, finding.col):
        end_line = finding.end_line - 1
        end_text = _line_at(lines, end_line)
        end = min(to_chars(end_text, finding.end_col), len(end_text))
    else:  # no extent: to the end of the line, so the editor shows more than a dot
        end_line, end_text, end = start_line, text, len(text)
        if end <= start and start > 0:
            start = end - 1
    return types.Range(start=types.Position(line=start_line, character=units(text[:start])),
                       end=types.Position(line=end_line, character=units(end_text[:end])))


def edit_range(edit: Edit, lines: Sequence[str], units: Callable[[str], int]):
    """The LSP range of a fix's edit (its columns count code points)."""
    from lsprotocol import types

    def position(line: int, col: int):
        text = _line_at(lines, line - 1)
        return types.Position(line=line - 1, character=units(text[:col]))

    return types.Range(start=position(edit.line, edit.col), end=position(edit.end_line, edit.end_col))
