from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Iterator

import libcst as cst
from astroid import nodes

from cachelint.analysis.walk import nodes_in
from cachelint.analysis.constants import UNKNOWN, literal
from cachelint.analysis.infer import Inferrer
from cachelint.analysis.project import Module
from cachelint.analysis.values import BoundMethod, CacheDecorator, Function, Instance
from cachelint.findings import Finding, Fix
from cachelint.fixes.edits import CstIndex, Edits, arg_has_inner_comment, fix_for, index_of
from cachelint.analysis.context import ModuleContext
from cachelint.rules.base import Example, Rule
from cachelint.streamlit_model import StreamlitModel, releases
from cachelint.streamlit_model.cache_options import NEW_NAMES, REMOVED_KEYWORDS, CacheApiModel
from cachelint.streamlit_model.durations import is_bare_number, parse_ttl_string

# What ``hash_funcs`` can be without a ``.items()`` method.
_NOT_A_MAPPING = frozenset({"builtins.list", "builtins.tuple", "builtins.set", "builtins.frozenset",
                            "builtins.str", "builtins.bytes", "builtins.int", "builtins.float", "builtins.bool"})
# Spellings people try for units pandas does not know, and the ones it does.
_UNIT_FIXES = {"mins": "min", "secs": "s", "hrs": "h", "hs": "h", "week": "W", "weeks": "W", "wk": "W",
               "wks": "W", "sec.": "s", "min.": "min", "minuts": "minutes", "seg": "s", "d.": "D"}
_NUMBER_UNIT = re.compile(r"^\s*(?P<number>\d+(?:\.\d+)?)\s*(?P<unit>[A-Za-z.]+)\s*$")


@dataclass(frozen=True)
class OptionProblem:
    """One option of one ``st.cache_data(...)`` / ``st.cache_resource(...)`` call."""

    call: nodes.Call
    keyword: nodes.Keyword
    message: str
    fix: str | None = None  # "drop", or "replace" the value with ``replacement``
    safe: bool = False  # the fix keeps what the author meant for certain
    replacement: str | int | None = None  # the new value (a str keeps the literal's quotes)


def option_problems(module: Module, inferrer: Inferrer, model: StreamlitModel) -> list[OptionProblem]:
    """Options Streamlit rejects, or that make the cache useless, in every call of a
    cache decorator in ``module`` (decorators, decorators kept in variables, the call form),
    on the release ``model`` describes."""
    found: list[OptionProblem] = []
    for call in nodes_in(module.tree, nodes.Call):
        if not call.keywords:
            continue
        kinds = _decorator_kinds(call, inferrer)
        if not kinds:
            continue
        per_kind = [{(p.keyword, p.message): p for p in _check_call(call, kind, model, inferrer)} for kind in kinds]
        common = set(per_kind[0]).intersection(*per_kind[1:]) if len(per_kind) > 1 else set(per_kind[0])
        found.extend(per_kind[0][key] for key in common)
    return sorted(found, key=lambda p: (p.keyword.lineno or 0, p.keyword.col_offset or 0))


def _decorator_kinds(call: nodes.Call, inferrer: Inferrer) -> list[str]:
    """["data"] for ``st.cache_data(...)``; several when the callee may be either."""
    values = inferrer.values(call.func)
    if not values or not all(isinstance(v, CacheDecorator) and v.call is None for v in values):
        return []
    return sorted({v.kind for v in values})


def _api(kind: str) -> str:
    return f"st.{NEW_NAMES[kind]}"


def _check_call(call: nodes.Call, kind: str, model: StreamlitModel,
                inferrer: Inferrer) -> Iterator[OptionProblem]:
    keywords = {k.arg: k for k in call.keywords if k.arg is not None}
    api_model = model.api
    accepted = api_model.options[kind]
    errors = api_model.errors
    api = _api(kind)
    for name, keyword in keywords.items():
        if name not in accepted:
            yield _unknown_option(call, keyword, kind, model)
    yield from _check_ttl(call, keywords, kind, model)
    yield from _check_persist_ttl(call, keywords, kind, api)
    if "max_entries" in keywords:
        value = literal(keywords["max_entries"].value)
        if _is_number(value) and value <= 0:
            yield OptionProblem(call, keywords["max_entries"],
                                f"{api}(max_entries={value!r}) raises ValueError ('value too large') on the first "
                                f"call: the cache cannot hold any entry; use a positive number, or None for no limit")
    if "max_size" in keywords and "max_size" in accepted:
        problem = _max_size_problem(literal(keywords["max_size"].value), api_model)
        if problem:
            yield OptionProblem(call, keywords["max_size"], f"{api}(max_size={problem}")
    if "persist" in keywords and "persist" in accepted:
        value = literal(keywords["persist"].value)
        if value is not UNKNOWN and not (value is None or isinstance(value, bool) or value == "disk"):
            yield OptionProblem(call, keywords["persist"],
                                f"{api}(persist={value!r}) raises {errors['persist']} when the decorator runs: "
                                f"persist takes \"disk\", True, False or None")
    if "validate" in keywords and "validate" in accepted:
        value = literal(keywords["validate"].value)
        if value is not UNKNOWN and value is not None:
            yield OptionProblem(call, keywords["validate"],
                                f"{api}(validate={value!r}) raises TypeError when a cached value is reused: "
                                f"validate takes a function of the cached value that says whether it is still good")
    if "hash_funcs" in keywords and "hash_funcs" in accepted:
        shown = _not_a_mapping(keywords["hash_funcs"].value, inferrer)
        if shown:
            yield OptionProblem(call, keywords["hash_funcs"],
                                f"{api}(hash_funcs=...) is given {shown}, not a dict: AttributeError ('no attribute "
                                f"items') on the first call; map each type to its hash function, "
                                f"e.g. hash_funcs={{MyClass: lambda o: o.key}}")
    for option, allowed in (("scope", api_model.scopes), ("refresh_mode", api_model.refresh_modes)):
        if option in keywords and option in accepted:
            value = literal(keywords[option].value)
            if value is not UNKNOWN and value not in allowed:
                close = difflib.get_close_matches(str(value), allowed, n=1)
                hint = f"; did you mean {close[0]!r}?" if close else ""
                yield OptionProblem(call, keywords[option],
                                    f"{api}({option}={value!r}) raises {errors[option]} when the decorator runs: "
                                    f"{option} takes {' or '.join(repr(a) for a in allowed)}{hint}")
    if "refresh_mode" in accepted:
        yield from _check_background(call, keywords, kind, api, errors)


def _unknown_option(call: nodes.Call, keyword: nodes.Keyword, kind: str, model: StreamlitModel) -> OptionProblem:
    name, api = keyword.arg, _api(kind)
    api_model = model.api
    head = f"{api} does not accept '{name}': TypeError when the decorator runs"
    other = "resource" if kind == "data" else "data"
    added, removed = api_model.added_in(kind, name), api_model.removed_in(kind, name)
    if added:
        return OptionProblem(call, keyword, f"{api} does not accept '{name}' on {model.shown}: TypeError when the "
                             f"decorator runs; '{name}' arrived in Streamlit {added}: require streamlit>={added}, "
                             f"or drop it")
    if removed:
        return OptionProblem(call, keyword, f"{api} does not accept '{name}' on {model.shown}: TypeError when the "
                             f"decorator runs; '{name}' was removed in Streamlit {removed}: drop it "
                             f"(cachelint --fix does)", fix="drop", safe=name in REMOVED_KEYWORDS)
    if name in REMOVED_KEYWORDS:
        value = literal(keyword.value)
        if name == "allow_output_mutation" and kind == "data" and value is not False:
            return OptionProblem(call, keyword, f"{head}; it was an st.cache option: drop it, or use "
                                 f"st.cache_resource if the function returns a shared object to mutate",
                                 fix="drop", safe=False)
        return OptionProblem(call, keyword, f"{head}; it was an option of the removed st.cache API: drop it "
                             f"(cachelint --fix does)", fix="drop", safe=True)
    if name in api_model.options[other]:
        return OptionProblem(call, keyword, f"{head}; '{name}' is an option of {_api(other)} only",
                             fix="drop" if name == "persist" else None, safe=False)
    close = difflib.get_close_matches(name, sorted(api_model.options[kind]), n=1)
    hint = f"; did you mean '{close[0]}'?" if close else ""
    return OptionProblem(call, keyword, f"{head}{hint}")


def _check_ttl(call: nodes.Call, keywords: dict[str, nodes.Keyword], kind: str,
               model: StreamlitModel) -> Iterator[OptionProblem]:
    keyword = keywords.get("ttl")
    if keyword is None:
        return
    api = _api(kind)
    value = literal(keyword.value)
    if isinstance(value, str) and not model.api.ttl_strings:
        parsed = parse_ttl_string(value)
        seconds = _seconds_literal(parsed.seconds) if parsed.ok and parsed.seconds and parsed.seconds > 0 and \
            not is_bare_number(value) else None
        hint = f"; write ttl={seconds}" if seconds is not None else "; give the number of seconds"
        yield OptionProblem(call, keyword,
                            f"{api}(ttl={value!r}) raises TypeError on the first call on {model.shown}: ttl "
                            f"strings are read from Streamlit {_ttl_strings_from()} on{hint}",
                            fix="replace" if seconds is not None else None, safe=True, replacement=seconds)
    elif isinstance(value, str):
        parsed = parse_ttl_string(value)
        if parsed.rejected:
            suggestion = _ttl_suggestion(value)
            hint = f"; write {suggestion!r}" if suggestion else "; write it like '10m', '1h30m', '2 days' or give seconds"
            when = "when the decorator runs" if model.api.ttl_error_stage[kind] == "decoration" else "on the first call"
            yield OptionProblem(call, keyword,
                                f"{api}(ttl={value!r}) raises {model.api.errors['ttl']} {when}: "
                                f"pandas cannot read it as a duration ({parsed.reason}){hint}",
                                fix="replace" if suggestion else None, safe=False, replacement=suggestion)
        elif parsed.ok and is_bare_number(value) and int(value.replace(" ", "").replace(",", "").lstrip("+")) > 0:
            seconds = value.replace(" ", "").replace(",", "").lstrip("+")
            yield OptionProblem(call, keyword,
                                f"{api}(ttl={value!r}) means {seconds} nanoseconds (a string without a unit): "
                                f"every entry expires at once and the cache never hits; "
                                f"write ttl={seconds} for seconds", fix="replace", safe=False, replacement=int(seconds))
        elif parsed.ok and parsed.seconds is not None and parsed.seconds <= 0:
            yield _never_hits(call, keyword, api, value, keywords, model.api.errors)
    elif _is_number(value) and value <= 0:
        yield _never_hits(call, keyword, api, value, keywords, model.api.errors)


def _ttl_strings_from() -> str:
    """The first release that reads ttl strings (measured)."""
    return next(minor for minor, value in releases.timeline("ttl.string_parser") if value != "no string support")


def _seconds_literal(seconds: float) -> int | float:
    return int(seconds) if float(seconds).is_integer() else seconds


def _check_persist_ttl(call: nodes.Call, keywords: dict[str, nodes.Keyword], kind: str,
                       api: str) -> Iterator[OptionProblem]:
    """``persist="disk"`` (or ``True``) with a ttl: the disk cache ignores the ttl (Streamlit only
    logs it) and serves the first value forever, stale. Reported at ``persist``, which the
    (unsafe) fix drops: the ttl then refreshes as written, and a restart starts cold."""
    ttl, persist = keywords.get("ttl"), keywords.get("persist")
    if kind != "data" or ttl is None or persist is None:
        return
    stored = literal(persist.value)
    if not (stored is True or stored == "disk") or _literal_option(keywords, "refresh_mode") == "background":
        return  # with background refresh the decorator raises: _check_background
    value = literal(ttl.value)
    if isinstance(value, str):
        parsed = parse_ttl_string(value)
        expires = parsed.ok and parsed.seconds is not None and parsed.seconds > 0 and not is_bare_number(value)
    elif _is_number(value):
        expires = 0 < value < float("inf")
    else:
        expires = value is UNKNOWN and isinstance(ttl.value, nodes.Call) and \
            ttl.value.func.as_string().rpartition(".")[2] == "timedelta"
    if expires:
        yield OptionProblem(call, persist, f"{api}(persist={stored!r}, ttl={ttl.value.as_string()}): Streamlit "
                            f"ignores the ttl of a disk-persisted cache (it only logs a warning) and serves the first "
                            f"value forever, so results go stale; drop one of them: persist to refresh every ttl "
                            f"(--unsafe-fixes does), or the ttl to keep results until the cache is cleared",
                            fix="drop", safe=False)


def _never_hits(call: nodes.Call, keyword: nodes.Keyword, api: str, value: object,
                keywords: dict[str, nodes.Keyword], errors: dict[str, str]) -> OptionProblem:
    if _literal_option(keywords, "refresh_mode") == "background":
        return OptionProblem(call, keyword, f"{api}(ttl={value!r}, refresh_mode='background') raises "
                             f"StreamlitValueError when the decorator runs: background refresh needs a positive ttl")
    return OptionProblem(call, keyword, f"{api}(ttl={value!r}): entries expire as soon as they are stored, so the "
                         f"cache never hits and the function runs every time; use a positive ttl, or None to keep "
                         f"entries")


def _ttl_suggestion(value: str) -> str | None:
    match = _NUMBER_UNIT.match(value)
    if not match:
        return None
    unit = match["unit"]
    fixed = _UNIT_FIXES.get(unit) or _UNIT_FIXES.get(unit.lower())
    if fixed is None:
        return None
    candidate = f"{match['number']}{fixed}"
    return candidate if parse_ttl_string(candidate).ok else None


def _check_background(call: nodes.Call, keywords: dict[str, nodes.Keyword], kind: str,
                      api: str, errors: dict[str, str]) -> Iterator[OptionProblem]:
    keyword = keywords.get("refresh_mode")
    if keyword is None or literal(keyword.value) != "background":
        return
    ttl = keywords.get("ttl")
    if ttl is None or (literal(ttl.value) is None):
        yield OptionProblem(call, keyword, f"{api}(refresh_mode='background') without a ttl raises "
                            f"{errors['background_no_ttl']} when the decorator runs: set a positive ttl "
                            f"(e.g. ttl='1h') or use refresh_mode='foreground'")
    if kind == "data" and "persist" in keywords:
        persist = literal(keywords["persist"].value)
        if persist is True or persist == "disk":
            yield OptionProblem(call, keyword, f"{api}(refresh_mode='background', persist={persist!r}) raises "
                                f"{errors['background_persist']} when the decorator runs: disk caches have "
                                f"no ttl to refresh; drop persist or use refresh_mode='foreground'")


def _literal_option(keywords: dict[str, nodes.Keyword], name: str):
    keyword = keywords.get(name)
    return literal(keyword.value) if keyword is not None else UNKNOWN


def _max_size_problem(value, model: CacheApiModel) -> str | None:
    """What is wrong with a ``max_size`` literal (the text after ``max_size=``), if anything."""
    if value is UNKNOWN or value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        return (f"{value!r}) raises {model.errors['max_size_type']} when the decorator runs: "
                f"give a number of bytes (int) or a size such as '500MB'")
    if isinstance(value, int):
        size = value
    else:
        match = model.byte_size_pattern.fullmatch(value)
        if match is None:
            return (f"{value!r}) raises {model.errors['max_size']} when the decorator runs: not a byte size; "
                    f"write it like '500MB', '1.5GB' or '200KiB'")
        whole, _, fraction = match["value"].partition(".")
        digits = f"{whole or '0'}{fraction}"
        if len(digits) > model.byte_size_max_digits:
            return None
        size = int(digits) * 1024 ** "bkmgt".index(match["unit"][0].lower()) // 10 ** len(fraction)
    if size <= 0:
        return f"{value!r}) raises {model.errors['max_size']} when the decorator runs: the size must be positive"
    return None


def _not_a_mapping(expr: nodes.NodeNG, inferrer: Inferrer) -> str | None:
    """What ``hash_funcs`` is when it certainly has no ``.items()`` (a list, a function...)."""
    if isinstance(expr, nodes.Const) and expr.value is None:
        return None
    if isinstance(expr, nodes.Dict):
        return None
    if isinstance(expr, (nodes.List, nodes.Tuple, nodes.Set)) and not expr.elts:
        return None  # empty: Streamlit reads hash_funcs only when it is truthy (measured: accepted)
    values = inferrer.values(expr)
    if not values:
        return None
    shown = []
    for value in values:
        if isinstance(value, Instance) and value.cls.node is None and value.cls.qualname in _NOT_A_MAPPING:
            shown.append(f"a {value.cls.name}")
        elif isinstance(value, (Function, BoundMethod)):
            shown.append("a lambda" if isinstance(value, Function) and isinstance(value.node, nodes.Lambda)
                         else "a function")
        else:
            return None
    return " or ".join(sorted(set(shown)))


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


class InvalidCacheOption(Rule):
    """A cache decorator option that Streamlit rejects, or that makes the cache useless.

    ## What it does
    Checks the options of every `st.cache_data(...)` / `st.cache_resource(...)` call
    (decorators, decorators kept in variables, the call form) against the signatures
    of the targeted Streamlit release: unknown keywords (options of the removed
    `st.cache` such as `allow_output_mutation` and `suppress_st_warning`, `persist` or
    `max_size` on `st.cache_resource`, `validate` or `on_release` on
    `st.cache_data`, typos), `ttl` strings pandas cannot read (`"5 mins"`,
    `"1 week"`, `"24hrs"`), `ttl` strings without a unit (`"3600"` is 3600
    *nanoseconds*), a `ttl` of zero or less, an invalid `persist`, `scope` or
    `refresh_mode`, `refresh_mode="background"` without a `ttl` or with `persist`,
    `max_entries` of zero or less, a `max_size` that is not a positive size, a
    `validate` that is not a function, `hash_funcs` that is not a dict, and a `ttl`
    together with `persist="disk"` (or `persist=True`), which Streamlit ignores. Only
    values written in the source (or module constants bound once) are judged.

    ## Why is this bad?
    Most of these raise when the decorator runs, so the app dies on import:
    `TypeError` for an unknown keyword, `StreamlitBadTimeStringError` for an
    unreadable `ttl`, `StreamlitValueError` for a bad `persist`, `scope`,
    `refresh_mode` or `max_size`. A `max_entries` of 0 and a non-dict `hash_funcs`
    fail on the first call (`ValueError: value too large`, `AttributeError`). A
    `ttl` of zero, less, or a few nanoseconds is accepted, but every entry expires
    as soon as it is stored: the cache never hits and the function runs on every
    rerun. A disk-persisted cache ignores its `ttl` (Streamlit only logs it): the
    first value is served forever, stale.

    ## By release
    Checked against the release the app targets (its pin; `cachelint check -v`),
    as measured on every release (docs/streamlit-versions.md): an option that did
    not exist yet raises `TypeError` there (`hash_funcs` arrived in 1.24,
    `show_time` in 1.47, `scope` and `on_release` in 1.53, `refresh_mode` in 1.61,
    `max_size` in 1.67), `experimental_allow_widgets` is accepted up to 1.48,
    `ttl` strings are read from 1.23 (before, any string raises `TypeError` on the
    first call: `--fix` writes the seconds), and the exception names follow the
    release (`BadTTLStringError` up to 1.32, `StreamlitAPIException` for a bad
    `persist` or `scope` up to 1.61...).

    ## Example
    ```python
    @st.cache_data(ttl="5 mins", allow_output_mutation=True)
    def load_prices():
        return fetch()

    @st.cache_resource(ttl="3600")
    def connect():
        return make_connection()
    ```

    ## Use instead
    ```python
    @st.cache_data(ttl="5min")
    def load_prices():
        return fetch()

    @st.cache_resource(ttl=3600)
    def connect():
        return make_connection()
    ```

    ## Fix safety
    `cachelint --fix` drops the options of the removed `st.cache` API
    (`suppress_st_warning`, `experimental_allow_widgets`, `allow_output_mutation`
    where it changes nothing). Rewriting a `ttl` (`"3600"` to `3600`, `"5 mins"` to
    `"5min"`) and dropping `allow_output_mutation=True` from `st.cache_data` or
    `persist` from `st.cache_resource` change what the code says, so they are
    applied only with `--unsafe-fixes`; so is dropping `persist` next to a `ttl`
    (the ttl then refreshes as written; results no longer survive a restart).
    """

    code = "STC012"
    INVALID = (
        Example("""
            import streamlit as st


            @st.cache_data(suppress_st_warning=True)  # expect: STC012
            def load():
                return [1, 2]


            @st.cache_data(ttl="3600")  # expect: STC012
            def prices():
                return [1, 2]
        """, fixed="""
            import streamlit as st


            @st.cache_data
            def load():
                return [1, 2]


            @st.cache_data(ttl="3600")
            def prices():
                return [1, 2]
        """, unsafe_fixed="""
            import streamlit as st


            @st.cache_data
            def load():
                return [1, 2]


            @st.cache_data(ttl=3600)
            def prices():
                return [1, 2]
        """),
        # On 1.20: ttl strings are not read yet (the fix writes seconds), scope does not exist.
        Example("""
            import streamlit as st


            @st.cache_data(ttl="1h")  # expect: STC012
            def prices():
                return [1, 2]


            @st.cache_resource(scope="session")  # expect: STC012
            def connection():
                return object()
        """, fixed="""
            import streamlit as st


            @st.cache_data(ttl=3600)
            def prices():
                return [1, 2]


            @st.cache_resource(scope="session")
            def connection():
                return object()
        """, target_streamlit="1.20"),
    )
    VALID = (
        Example("""
            import streamlit as st


            @st.cache_data(ttl="1h", experimental_allow_widgets=True)
            def prices():
                return [1, 2]
        """, target_streamlit="1.40"),
        Example("""
            import datetime

            import streamlit as st


            @st.cache_data(ttl=datetime.timedelta(hours=1), max_entries=100, show_spinner="Loading...")
            def prices():
                return [1, 2]
        """),
    )

    def check_module(self, ctx: ModuleContext) -> Iterator[Finding]:
        problems = option_problems(ctx.module, ctx.inferrer, ctx.model)
        index = index_of(ctx) if any(p.fix for p in problems) else None
        for problem in problems:
            fix = option_fix(index, problem) if index is not None and problem.fix else None
            yield self.report(ctx, problem.keyword, problem.message, fix=fix)


# -- the fix: drop an option, or rewrite its value --------------------------------------------
def option_fix(index: CstIndex, problem: OptionProblem) -> Fix | None:
    """Drop the option (its comments stay), or rewrite a ``ttl`` literal; safe only when
    the intent is certain (see "Fix safety")."""
    call = index.find(problem.call, cst.Call)
    if call is None:
        return None
    position = next((i for i, arg in enumerate(call.args)
                     if arg.keyword is not None and arg.keyword.value == problem.keyword.arg), None)
    if position is None:
        return None
    arg = call.args[position]
    shown = " ".join(index.code(arg.with_changes(comma=cst.MaybeSentinel.DEFAULT,
                                                 whitespace_after_arg=cst.SimpleWhitespace(""))).split())
    edits = Edits()
    if problem.fix == "drop":
        if arg_has_inner_comment(arg):
            return None
        edits.drop(call, position)
        description = f"dropped {shown}"
    elif problem.fix == "replace" and problem.replacement is not None and isinstance(arg.value, cst.SimpleString):
        value = _literal(problem.replacement, arg.value)
        edits.arg_values[arg] = cst.parse_expression(value)
        description = f"{shown} -> {problem.keyword.arg}={value}"
    else:
        return None
    return fix_for(index, edits, description, safe=problem.safe)


def _literal(value: str | int, old: cst.BaseExpression) -> str:
    """Source for ``value``; a string is written with the quotes of the literal it replaces."""
    if not isinstance(value, str):
        return repr(value)
    if isinstance(old, cst.SimpleString) and not old.prefix.strip("uU"):
        quote = old.quote
        if quote not in value and "\\" not in value:
            return f"{quote}{value}{quote}"
    return repr(value)

