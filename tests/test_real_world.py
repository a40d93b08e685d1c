"""Crash-freeness on real code: a fixed sample of the standard library and the installed
packages (streamlit, pandas, numpy, astroid...). ``scripts/crashcheck.py`` runs all of it."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent.parent / "scripts"))

import crashcheck  # noqa: E402


def test_sample_of_real_world_files_runs_crash_free() -> None:
    files = crashcheck.corpus(crashcheck.corpus_roots(), sample=400, seed=2026)
    report = crashcheck.run(files)
    assert report.files == 400
    assert report.analysed > 350
    assert report.crashes == []


def test_streamlit_package_itself_runs_crash_free() -> None:
    import streamlit

    root = Path(streamlit.__file__).parent
    files = crashcheck.corpus([root], sample=150, seed=7)
    report = crashcheck.run(files, force=False)
    assert report.crashes == []
