"""What a rule reports."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from pathlib import Path


class Confidence(enum.Enum):
    """How sure a finding is, as pylint states it."""

    HIGH = "high"  # the signature alone shows it
    INFERENCE = "inference"  # inferred from call sites or values


@dataclass(frozen=True, order=True)
class Finding:
    path: Path
    line: int  # 1-based
    col: int  # 0-based, like flake8
    code: str
    message: str
    end_line: int = 0
    end_col: int = 0
    confidence: Confidence = Confidence.HIGH

    def flake8_text(self) -> str:
        return f"{self.code} {self.message}"
