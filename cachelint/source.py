"""Reading source files, and the cheap text test that skips files with no Streamlit caching."""

from __future__ import annotations

import io
import re
import tokenize
from pathlib import Path

# A file that could hold a Streamlit cache decorator, a hash_funcs table or a call of a
# cached function defined elsewhere mentions one of these. Checked on raw text, before
# any parse, so a file that never mentions Streamlit costs only its read.
_CACHING_WORDS = re.compile(r"cache_data|cache_resource|experimental_memo|experimental_singleton|streamlit")


def mentions_streamlit(text: str) -> bool:
    return _CACHING_WORDS.search(text) is not None


def decode(data: bytes) -> str:
    """Decode Python source as the interpreter would (BOM, PEP 263 cookie), strictly."""
    encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    text = data.decode(encoding)
    return text[1:] if text.startswith("\ufeff") else text


def read_source(path: Path) -> str:
    return decode(path.read_bytes())
