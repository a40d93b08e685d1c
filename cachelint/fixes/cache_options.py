"""STC012's fixes: drop the options of removed APIs; rewrite a ``ttl`` when asked to.

Safe: dropping ``suppress_st_warning``, ``experimental_allow_widgets``, and
``allow_output_mutation`` where it changes nothing (``False``, or on
``st.cache_resource``, which already returns the shared object). Unsafe (only with
``unsafe=True``): dropping ``allow_output_mutation=True`` from ``st.cache_data`` and
``persist`` from ``st.cache_resource``, and rewriting a ``ttl`` (``"3600"`` -> ``3600``,
``"5 mins"`` -> ``"5min"``).
"""

from __future__ import annotations

import libcst as cst

from cachelint.fixes.edits import CstIndex, Edits, arg_has_inner_comment
from cachelint.fixes.model import AppliedFix, Keep
from cachelint.rules.stc012_invalid_cache_option import OptionProblem

CODE = "STC012"


def plan_option_fixes(index: CstIndex, problems: list[OptionProblem], edits: Edits, unsafe: bool,
                      keep: Keep | None) -> list[AppliedFix]:
    applied: list[AppliedFix] = []
    for problem in problems:
        if problem.fix is None or (not problem.safe and not unsafe):
            continue
        line = problem.keyword.lineno
        if keep is not None and not keep(CODE, line, index.text):
            continue
        call = index.find(problem.call, cst.Call)
        if call is None:
            continue
        position = next((i for i, arg in enumerate(call.args)
                         if arg.keyword is not None and arg.keyword.value == problem.keyword.arg), None)
        if position is None:
            continue
        arg = call.args[position]
        shown = " ".join(index.code(arg.with_changes(comma=cst.MaybeSentinel.DEFAULT,
                                                     whitespace_after_arg=cst.SimpleWhitespace(""))).split())
        if problem.fix == "drop":
            if arg_has_inner_comment(arg):
                continue
            edits.drop(call, position)
            description = f"dropped {shown}"
        elif problem.fix == "replace" and problem.replacement is not None and isinstance(arg.value, cst.SimpleString):
            value = _literal(problem.replacement, arg.value)
            edits.arg_values[arg] = cst.parse_expression(value)
            description = f"{shown} -> {problem.keyword.arg}={value}"
        else:
            continue
        applied.append(AppliedFix(CODE, line, description, safe=problem.safe))
    return applied


def _literal(value: str | int, old: cst.BaseExpression) -> str:
    """Source for ``value``; a string is written with the quotes of the literal it replaces."""
    if not isinstance(value, str):
        return repr(value)
    if isinstance(old, cst.SimpleString) and not old.prefix.strip("uU"):
        quote = old.quote
        if quote not in value and "\\" not in value:
            return f"{quote}{value}{quote}"
    return repr(value)
