"""What a run is asked to do, whichever host (CLI, flake8, editor) read the options."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Settings:
    select: frozenset[str] | None = None  # code prefixes; None: every rule
    ignore: frozenset[str] = frozenset()
    hashable_types: frozenset[str] = frozenset()  # qualified names the user vouches for
    unhashable_types: frozenset[str] = frozenset()
    entry_scripts: frozenset[Path] = frozenset()  # files Streamlit runs as __main__
    target_streamlit: str | None = None  # "1.67"; None: the latest model known
    target_pandas: int | None = None  # pandas major version the app runs with (None: unknown)
    preview: bool = False  # run the preview rules too
    file_budget_seconds: float = 5.0  # analysis time one file may take before STC902
    max_file_bytes: int = 2_000_000  # larger files are skipped with STC902 (generated code)
