"""Generated Python through the whole pipeline: no crash, and the same answer twice."""

from __future__ import annotations

import tempfile
from pathlib import Path

import hypothesmith
from hypothesis import HealthCheck, given, settings

from cachelint.engine import Engine

# Generated code follows a cached function, so discovery, inference and every rule
# run over it (a file that never mentions Streamlit would stop at the prefilter).
PRELUDE = "import streamlit as st\n\n@st.cache_data\ndef cached(x, y=None):\n    return x\n\n"
SUFFIX = "\ncached(locals(), y=globals())\n"


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
@given(hypothesmith.from_grammar())
def test_generated_modules_never_crash_and_are_deterministic(source: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder, "app.py")
        text = PRELUDE + source + SUFFIX
        path.write_text(text, encoding="utf-8")
        first = Engine().check_file(path.resolve(), text)
        second = Engine().check_file(path.resolve(), text)
    assert first == second
    assert not any(f.code == "STC901" for f in first), first  # an internal error is a bug
    assert all(f.path == path.resolve() and f.line >= 1 and f.col >= 0 for f in first)
