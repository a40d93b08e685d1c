"""Reading Python source as the interpreter does, the cheap text test that skips files
with no Streamlit caching (before any parse), and what to say when a file uses syntax
of a newer Python than the one running."""

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


# -- syntax from Python 3.12 ------------------------------------------------------------------
# What Python 3.10 and 3.11 refuse and 3.12 parses: PEP 701 f-strings (the f-string's own
# quotes, a backslash or a comment inside a replacement field) and PEP 695 (``type X = ...``,
# ``def f[T]()``, ``class C[T]``). Looked for only in a file that did not parse, on the line
# Python stopped at; a heuristic, cheap and without another interpreter.
PYTHON_312_FEATURES = (
    (re.compile(r"\s*type\s+\w+\s*(?:\[[^=]*\])?\s*="), "PEP 695 type alias: type X = ..."),
    (re.compile(r"\s*(?:async\s+)?def\s+\w+\s*\["), "PEP 695 type parameters: def f[T]()"),
    (re.compile(r"\s*class\s+\w+\s*\["), "PEP 695 type parameters: class C[T]"),
)
_STRING_START = re.compile(r"""(?<![\w'"])([rRbBuUfF]{0,2})('\'\'|"\"\"|'|")""")


def python_312_syntax(line: str, message: str) -> str | None:
    """The Python 3.12 feature that explains why ``line`` did not parse with the error
    ``message`` on an older Python, or None."""
    if "f-string expression part cannot include a backslash" in message:
        return "PEP 701 f-string: a backslash inside a replacement field"
    if "f-string expression part cannot include '#'" in message:
        return "PEP 701 f-string: a comment inside a replacement field"
    for pattern, feature in PYTHON_312_FEATURES:
        if pattern.match(line):
            return feature
    if _reuses_quotes(line):
        return "PEP 701 f-string: the f-string's own quotes inside a replacement field"
    return None


def _reuses_quotes(line: str) -> bool:
    """Does a string of ``line``, read as Python 3.12 reads f-strings, hold a string
    in a replacement field that uses the quotes of an f-string around it (``f"{d["k"]}"``)?
    Strings that do not close on the line are not read."""
    i = 0
    while i < len(line):
        if line[i] == "#":
            return False
        if _STRING_START.match(line, i):
            scanned = _scan_string(line, i, ())
            if scanned is None:
                return False
            i, reused = scanned
            if reused:
                return True
            continue
        i += 1
    return False


def _scan_string(line: str, start: int, enclosing: tuple[str, ...]) -> tuple[int, bool] | None:
    """(the index after the string that starts at ``start``, whether it or a string in
    it reuses a quote of the f-strings ``enclosing`` it), or None if it does not close."""
    match = _STRING_START.match(line, start)
    prefix, quote = match.group(1).lower(), match.group(2)
    reused = any(quote == outer or (len(outer) == 1 and quote[0] == outer) for outer in enclosing)
    i = match.end()
    while i < len(line):
        if line.startswith(quote, i):
            return i + len(quote), reused
        if line[i] == "\\" and "r" not in prefix:
            i += 2
        elif line[i] == "{" and "f" in prefix and not line.startswith("{{", i):
            scanned = _scan_replacement_field(line, i + 1, (*enclosing, quote))
            if scanned is None:
                return None
            i, inner = scanned
            reused = reused or inner
        elif line.startswith(("{{", "}}"), i) and "f" in prefix:
            i += 2
        else:
            i += 1
    return None


def _scan_replacement_field(line: str, start: int, enclosing: tuple[str, ...]) -> tuple[int, bool] | None:
    """As ``_scan_string``, for the replacement field whose expression starts at ``start``."""
    depth, reused, i = 0, False, start
    while i < len(line):
        if _STRING_START.match(line, i):
            scanned = _scan_string(line, i, enclosing)
            if scanned is None:
                return None
            i, inner = scanned
            reused = reused or inner
            continue
        if line[i] in "([{":
            depth += 1
        elif line[i] in ")]":
            depth -= 1
        elif line[i] == "}":
            if depth == 0:
                return i + 1, reused
            depth -= 1
        i += 1
    return None
