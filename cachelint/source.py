"""Reading Python source as the interpreter does, and the cheap text test that skips
files with no Streamlit caching (before any parse)."""

from __future__ import annotations

import io
import re
import tokenize
from pathlib import Path

from cachelint.catalog import SYNTAX_ERROR
from cachelint.findings import Finding

# A file that could hold a Streamlit cache decorator, a hash_funcs table or a call of a
# cached function defined elsewhere mentions one of these. Checked on raw text, before
# any parse, so a file that never mentions Streamlit costs only its read.
MENTIONS = re.compile(r"cache_data|cache_resource|experimental_memo|experimental_singleton|streamlit")
MENTIONS_BYTES = re.compile(MENTIONS.pattern.encode())


def mentions_streamlit(text: str) -> bool:
    return MENTIONS.search(text) is not None


class Unreadable(Exception):
    """The file is not Python source this interpreter reads; the finding says where and why."""

    def __init__(self, finding: Finding):
        super().__init__(finding.message)
        self.finding = finding


def decode(data: bytes, path: Path = Path("<text>")) -> str:
    """Decode Python source as the interpreter does (BOM, PEP 263 cookie, else UTF-8).

    Raises ``Unreadable`` with an STC900 finding at the line Python itself stops at."""
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as exc:  # an unknown or conflicting cookie
        raise Unreadable(Finding(path, getattr(exc, "lineno", None) or 1, 0, SYNTAX_ERROR,
                                 f"cannot read the file as Python source: {exc.msg}")) from None
    try:
        text = data.decode(encoding)
    except (UnicodeDecodeError, LookupError) as exc:
        start = getattr(exc, "start", 0)
        line = data[:start].count(b"\n") + 1
        col = start - (data.rfind(b"\n", 0, start) + 1)
        if isinstance(exc, UnicodeDecodeError):
            declared = "no encoding declared" if encoding == "utf-8" else f"the declared encoding is {encoding}"
            reason = (f"byte 0x{data[start]:02x} on line {line} is not {exc.encoding} and {declared} "
                      f"(PEP 263): Python refuses the file; save it as UTF-8 or add a coding cookie")
        else:
            reason = str(exc)
        raise Unreadable(Finding(path, line, col, SYNTAX_ERROR,
                                 f"cannot read the file as Python source: {reason}")) from None
    return text[1:] if text.startswith("\ufeff") else text


def read_source(path: Path) -> str:
    """The text of a file, decoded as Python would; ``Unreadable`` if it cannot be."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise Unreadable(Finding(path, 1, 0, SYNTAX_ERROR,
                                 f"cannot read the file: {exc.strerror or type(exc).__name__}")) from None
    return decode(data, path)
