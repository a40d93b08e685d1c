"""Every code cachelint reports, as data: the one table that drives ``--select``
validation, ``cachelint rules``, the docs, every output format, the LSP and the pylint
message ids.

It imports nothing heavy (no astroid, no libcst), so a run the result cache answers,
the reporters and the configuration can read it for free. The rules take their name,
severity and summary from here; a test keeps the two in step.
"""

from __future__ import annotations

import ast
import inspect
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

ERROR, WARNING = "error", "warning"
STABLE, PREVIEW = "stable", "preview"
# Fix availability, as ruff states it.
NO_FIX, SOMETIMES, ALWAYS = "none", "sometimes", "always"
SAFE, UNSAFE = "safe", "unsafe"


@dataclass(frozen=True)
class Code:
    code: str  # "STC001"
    name: str  # "unhashable-argument"
    severity: str  # ERROR or WARNING
    summary: str  # one line, no final period
    fix: str = NO_FIX  # NO_FIX, SOMETIMES or ALWAYS
    fix_safety: tuple[str, ...] = ()  # which kinds of fixes it has: (SAFE,), (SAFE, UNSAFE) ...
    status: str = STABLE  # PREVIEW rules run only with --preview
    opt_in: bool = False  # reported only when selected by its own code (--select / extend-select STC0NN)
    about_file: bool = False  # STC9xx: about the file itself, not about caching
    docs: str = ""  # for codes without a rule class (STC9xx): the full documentation

    @property
    def anchor(self) -> str:
        """The section of docs/rules.md that documents the code."""
        return f"{self.code.lower()}-{self.name}"

    @property
    def module(self) -> str:
        """The rule's module under ``cachelint/rules/`` (``stc001_unhashable_argument``)."""
        return f"{self.code.lower()}_{self.name.replace('-', '_')}"

    @property
    def documentation(self) -> str:
        """What it does / Why is this bad? / Example / Use instead: the rule class's
        docstring, read from its source without importing it (nothing heavy)."""
        return self.docs or _rule_docstring(self.module)

    @property
    def fixable(self) -> bool:
        return self.fix != NO_FIX

    @property
    def preview(self) -> bool:
        return self.status == PREVIEW

    @property
    def status_note(self) -> str:
        """" (preview)", " (preview, opt-in)" or "": how listings mark the code."""
        parts = [PREVIEW] if self.preview else []
        parts += ["opt-in"] if self.opt_in else []
        return f" ({', '.join(parts)})" if parts else ""


_FILE_NOT_PARSED_DOCS = """\
The file could not be read or parsed, so it was not checked.

## What it does
Reports a file that is not Python this interpreter can read: a syntax error, an
encoding Python refuses (no PEP 263 cookie for non-UTF-8 text, UTF-16), null bytes,
syntax of a newer Python (PEP 701 f-strings and `type` aliases parse on 3.12+ only),
or a file that cannot be opened. The position is where Python itself stops. When
cachelint runs on Python 3.10 or 3.11 and the line Python stops at uses syntax from
3.12 (an f-string with its own quotes, a backslash or a comment inside a replacement
field; `type X = ...`; `def f[T]()`, `class C[T]`), the message names the feature and
says to run cachelint on Python 3.12+ to check the file.

## Why is this bad?
None of the file's caching bugs can be found, and Streamlit would not run it either
(or, for newer syntax, only on a newer Python).

## Example
```python
@st.cache_data
def load(path)
    return read(path)
```

## Use instead
Fix the syntax (or check the file with the Python that runs the app).
"""

_INTERNAL_ERROR_DOCS = """\
A rule failed on this file: cachelint has a bug.

## What it does
Reports an exception raised inside cachelint while it checked the file (one rule on
one cached function, or the whole file). The other rules and files are still checked.

## Why is this bad?
The findings of that rule on that code are missing. Please report the message: it
names the exception and where it was raised.

## Example
(none: this code is about cachelint itself)

## Use instead
Report it; silence it with `# noqa: STC901` on the line meanwhile.
"""

_BUDGET_DOCS = """\
The file is too big for the analysis budget: its findings may be incomplete.

## What it does
Reports a file over the size limit (generated code, data written as Python), or a
cached function whose inference ran past its step budget. The budget counts steps of
work, not seconds, so the same input gives the same result on any machine. The cheap
checks (removed APIs, decorator options, direct session-state reads) still run.

## Why is this bad?
Findings that need the skipped inference are missing from this file.

## Example
(none: this code is about the size of the input)

## Use instead
Split the file, or exclude generated code with `exclude` in `[tool.cachelint]`.
"""

CODES: tuple[Code, ...] = (
    Code("STC001", "unhashable-argument", ERROR, "Argument Streamlit cannot hash"),
    Code("STC002", "unhashable-self", ERROR, "Cached method whose self Streamlit cannot hash"),
    Code("STC003", "identity-hash-func", ERROR, "hash_funcs entry that hashes by object identity"),
    Code("STC004", "volatile-hash-func", ERROR,
         "hash_funcs entry whose result changes on every call or cannot be hashed"),
    Code("STC005", "dead-hash-funcs-key", ERROR, "hash_funcs key that never matches the type of any argument"),
    Code("STC006", "excluded-argument-affects-result", WARNING,
         "Parameter left out of the cache key that decides the result"),
    Code("STC007", "unserializable-return", ERROR,
         "st.cache_data function returning something pickle cannot store"),
    Code("STC008", "widget-in-cached-function", ERROR, "Widget command inside a cached function"),
    Code("STC009", "session-state-in-cache", ERROR, "Globally cached function reads per-session state"),
    Code("STC010", "hidden-global-input", WARNING,
         "Cached function reads a module-level name that changes between reruns"),
    Code("STC011", "removed-cache-api", ERROR,
         "st.cache / st.experimental_memo / st.experimental_singleton: removed in the targeted release",
         fix=SOMETIMES, fix_safety=(SAFE,)),
    Code("STC012", "invalid-cache-option", ERROR,
         "Cache decorator option Streamlit rejects or that makes the cache useless",
         fix=SOMETIMES, fix_safety=(SAFE, UNSAFE)),
    Code("STC013", "awaitable-from-sync-cache", ERROR,
         "Cached function returning an awaitable, or async code Streamlit's caches reject"),
    Code("STC014", "failing-hash-func", ERROR, "hash_funcs entry that raises for the type it is keyed on"),
    Code("STC015", "thread-bound-resource", ERROR,
         "st.cache_resource keeping a sqlite3 connection that only its own thread may use",
         fix=SOMETIMES, fix_safety=(SAFE,)),
    Code("STC016", "shared-resource-mutated", WARNING,
         "Per-session code changing in place a container or DataFrame that st.cache_resource shares"),
    Code("STC017", "event-loop-bound-resource", ERROR,
         "st.cache_resource keeping an asyncio primitive that binds to the first rerun's event loop"),
    Code("STC018", "cache-key-collision", ERROR,
         "Cached functions Streamlit keys as one: a factory's nested function, or one function on two pages"),
    Code("STC019", "exhaustible-resource", ERROR,
         "st.cache_resource keeping a generator, iterator or open file that the first run reads to the end"),
    Code("STC020", "validate-never-true", ERROR,
         "validate= function that never returns a value: the resource is rebuilt on every call"),
    Code("STC021", "unconditional-cache-clear", WARNING, "Cache cleared on every rerun, so it never hits",
         status=PREVIEW),
    Code("STC022", "session-cache-off-thread", ERROR,
         "scope=\"session\" cached function run in a worker thread: StreamlitAPIException", status=PREVIEW),
    Code("STC023", "unbounded-cache", WARNING,
         "Cache with no ttl, max_entries or max_size, keyed by free-form input: memory grows without bound",
         status=PREVIEW, opt_in=True),
    Code("STC024", "cached-side-effect", WARNING,
         "Cached function that sends, writes or deletes: the action happens only on a cache miss", status=PREVIEW),
    Code("STC025", "deprecated-cache-api", WARNING,
         "st.cache / st.experimental_memo / st.experimental_singleton: works on the targeted release, "
         "removed in a later one", fix=SOMETIMES, fix_safety=(SAFE,)),
    Code("STC026", "session-state-in-cache-indirect", ERROR,
         "Global cache whose result depends on per-session state through helpers, an outer cache or a token "
         "(inferred)", status=PREVIEW),
    Code("STC900", "file-not-parsed", ERROR, "File that could not be read or parsed, so it was not checked",
         about_file=True, docs=_FILE_NOT_PARSED_DOCS),
    Code("STC901", "internal-error", ERROR, "Internal error in cachelint: a rule failed on this file",
         about_file=True, docs=_INTERNAL_ERROR_DOCS),
    Code("STC902", "analysis-budget-exceeded", ERROR, "File or function too big for the analysis budget",
         about_file=True, docs=_BUDGET_DOCS),
)

_UNUSED_NOQA_DOCS = """\
A `# noqa: STCxxx` comment whose codes silence no finding on its line.

## What it does
With `cachelint check --report-unused-noqa` (as ruff's RUF100), reports the STC codes of a
`# noqa:` comment that no finding of a rule that ran on the file needs. A blanket `# noqa`
(no codes) is left alone: it may be meant for another flake8 plugin.

## Why is this bad?
A stale `# noqa` hides the next real finding on that line.

## Example
```python
x = 1  # noqa: STC001
```

## Use instead
```python
x = 1
```
"""

# Codes only the command reports (not rules, not in flake8 or pylint, which have their own).
COMMAND_CODES: tuple[Code, ...] = (
    Code("STC100", "unused-noqa", WARNING, "Unused noqa directive", about_file=True, docs=_UNUSED_NOQA_DOCS),
)
COMMAND_BY_CODE: dict[str, Code] = {c.code: c for c in COMMAND_CODES}

BY_CODE: dict[str, Code] = {c.code: c for c in CODES}
BY_NAME: dict[str, Code] = {c.name: c for c in CODES}

SYNTAX_ERROR = "STC900"
INTERNAL_ERROR = "STC901"
BUDGET_EXCEEDED = "STC902"

# A selector: a code or a prefix of codes ("STC", "STC0", "STC01", "STC011"), or ALL.
SELECTOR = re.compile(r"^STC[0-9]{0,3}$")


RULES_FOLDER = Path(__file__).resolve().parent / "rules"


@lru_cache(maxsize=None)
def _rule_docstring(module: str) -> str:
    try:
        tree = ast.parse((RULES_FOLDER / f"{module}.py").read_text(encoding="utf-8"))
    except (OSError, SyntaxError):
        return ""
    for node in tree.body:
        if isinstance(node, ast.ClassDef) and any(
                isinstance(base, ast.Name) and base.id == "Rule" for base in node.bases):
            return inspect.cleandoc(ast.get_docstring(node) or "")
    return ""


def lookup(code_or_name: str) -> Code | None:
    """The code for ``STC001``, ``stc001`` or ``unhashable-argument`` (the command's own codes too)."""
    wanted = code_or_name.upper()
    found = BY_CODE.get(wanted) or COMMAND_BY_CODE.get(wanted) or BY_NAME.get(code_or_name.lower())
    return found or next((c for c in COMMAND_CODES if c.name == code_or_name.lower()), None)


def severity(code: str) -> str:
    known = BY_CODE.get(code) or COMMAND_BY_CODE.get(code)
    return known.severity if known else ERROR


def unknown_selector(selector: str) -> str | None:
    """Why ``selector`` selects nothing (None when it is a known code or a prefix of one)."""
    if selector == "ALL":
        return None
    if not SELECTOR.match(selector):
        return f"'{selector}' is not a cachelint code or prefix (such as STC001 or STC0)"
    if not any(c.code.startswith(selector) for c in (*CODES, *COMMAND_CODES)):
        return f"'{selector}' matches no cachelint code (see 'cachelint rules')"
    return None


def selected(code: str, select: frozenset[str] | None, ignore: frozenset[str], preview: bool = False) -> bool:
    """Is ``code`` reported under ``select``/``ignore``?

    The most specific selector wins, as in flake8 and ruff: ``--select STC011 --ignore
    STC0`` reports STC011, ``--select STC0 --ignore STC011`` does not; on a tie ``ignore``
    wins. ``select=None`` selects every code. Preview codes are reported only when
    ``preview`` is on (as ruff's ``--preview``), and then like any other code. Opt-in
    codes (true but often harmless) are reported only when ``select`` names them
    exactly (``--select STC,STC023``, ``extend-select = ["STC023"]``), never through a
    prefix or ALL.
    """
    known = BY_CODE.get(code)
    if known is not None and known.preview and not preview:
        return False
    if known is not None and known.opt_in and (select is None or code not in select):
        return False
    chosen = 0 if select is None else _longest(code, select)
    return chosen >= 0 and _longest(code, ignore) < chosen


def _longest(code: str, selectors: frozenset[str] | None) -> int:
    """Length of the longest selector matching ``code`` (ALL counts as 0), -1 for none."""
    best = -1
    for selector in selectors or ():
        if selector == "ALL":
            best = max(best, 0)
        elif code.startswith(selector):
            best = max(best, len(selector))
    return best
