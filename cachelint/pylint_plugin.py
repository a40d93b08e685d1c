"""The pylint plugin: ``pylint --load-plugins=cachelint.pylint_plugin`` (or
``load-plugins = ["cachelint.pylint_plugin"]`` under ``[tool.pylint.main]``).

pylint ids are five characters, a category letter and four digits, and plugins use
checker ids 51-99, so each STC code gets an id in the 95 block, one to one:

* a rule ``STC0NN`` -> ``E95NN`` (an "error" rule) or ``W95NN`` (a "warning" rule),
  its symbol the rule's name: ``STC001`` -> ``E9501 unhashable-argument``;
* a finding about the file itself ``STC90N`` -> ``95 9N``: ``STC900`` -> ``F9590
  cachelint-file-not-parsed``, ``STC901`` -> ``F9591 cachelint-internal-error`` (fatal, as
  pylint's own parse and astroid errors), any other -> ``W959N cachelint-<name>``.

The table is built from the catalogue, so a new rule appears here by itself. The
checks are the service's, as for flake8 and the CLI: run on the file pylint checks,
with the app's other modules read from disk (parsed by cachelint without astroid's
transforms, so nothing of the app or of Streamlit is imported), under the
``[tool.cachelint]`` of the nearest ``pyproject.toml``. Silence a finding as any pylint
message (``# pylint: disable=unhashable-argument``) or with ``# noqa: STC001``.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from pylint.checkers import BaseChecker
from pylint.constants import WarningScope
from pylint.interfaces import HIGH, INFERENCE

from cachelint import catalog
from cachelint.findings import Confidence
from cachelint.service import Services
from cachelint.source import Unreadable, decode

if TYPE_CHECKING:
    from astroid import nodes
    from pylint.lint import PyLinter

CHECKER_ID = "95"
_FATAL = {catalog.SYNTAX_ERROR, catalog.INTERNAL_ERROR}


def pylint_id(code: str) -> str:
    """The pylint message id of an STC code: ``STC001`` -> ``E9501``."""
    found = catalog.BY_CODE[code]
    number = int(code[3:])
    if not found.about_file:
        if not 1 <= number <= 89:
            raise ValueError(f"{code}: rule numbers 001-089 map into pylint's {CHECKER_ID}xx block")
        category = "E" if found.severity == catalog.ERROR else "W"
        return f"{category}{CHECKER_ID}{number:02d}"
    if not 900 <= number <= 909:
        raise ValueError(f"{code}: file codes STC900-STC909 map to {CHECKER_ID}90-{CHECKER_ID}99")
    category = "F" if code in _FATAL else ("E" if found.severity == catalog.ERROR else "W")
    return f"{category}{CHECKER_ID}9{number - 900}"


def pylint_symbol(code: str) -> str:
    found = catalog.BY_CODE[code]
    return f"cachelint-{found.name}" if found.about_file else found.name


def message_table() -> dict[str, tuple[str, str, str, dict]]:
    """pylint's ``msgs``: {id: (template, symbol, description, options)}, every STC code once.

    Findings come with a line and columns, not with one of pylint's nodes: LINE scope.
    """
    line = {"scope": WarningScope.LINE}
    return {pylint_id(c.code): ("%s", pylint_symbol(c.code), f"{c.code}: {c.summary}", line) for c in catalog.CODES}


SYMBOLS = {c.code: pylint_symbol(c.code) for c in catalog.CODES}
_CONFIDENCE = {Confidence.HIGH: HIGH, Confidence.INFERENCE: INFERENCE}

_services = Services()  # one per pylint process


class CachelintChecker(BaseChecker):
    """Streamlit caching bugs, found by cachelint."""

    name = "cachelint"
    msgs = message_table()

    def visit_module(self, node: nodes.Module) -> None:
        if not node.file or not any(self.linter.is_message_enabled(s) for s in SYMBOLS.values()):
            return
        try:
            with node.stream() as stream:
                text = decode(stream.read())
        except (OSError, Unreadable):
            return  # pylint reports unreadable files itself
        path = Path(node.file).resolve()
        # pylint applies its own disable comments; cachelint's select/ignore and # noqa
        # apply as on the command line.
        for finding in _services.for_file(path).check(path, text):
            self.add_message(SYMBOLS[finding.code], line=finding.line, col_offset=finding.col,
                             end_lineno=finding.end_line or None, end_col_offset=finding.end_col or None,
                             args=(finding.message,), confidence=_CONFIDENCE[finding.confidence])


def register(linter: PyLinter) -> None:
    linter.register_checker(CachelintChecker(linter))
