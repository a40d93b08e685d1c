"""What a fix run reports."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from cachelint.findings import Finding

# Should the finding (code, line) in this text be fixed? (selection, ``# noqa``)
Keep = Callable[[str, int, str], bool]


@dataclass(frozen=True)
class AppliedFix:
    code: str  # the finding the fix resolves
    line: int  # where it was, in the text the fix was made on
    description: str  # "st.cache -> st.cache_resource (dropped allow_output_mutation)"
    safe: bool = True  # False: applied only because unsafe fixes were asked for


@dataclass
class FixResult:
    new_text: str
    applied: list[AppliedFix] = field(default_factory=list)
    remaining: list[Finding] = field(default_factory=list)  # findings left in new_text

    @property
    def changed(self) -> bool:
        return bool(self.applied)
