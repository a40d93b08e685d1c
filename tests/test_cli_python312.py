"""Files that use syntax from Python 3.12 (PEP 701 f-strings, PEP 695 type aliases and type
parameters), through the real ``cachelint`` process: before 3.12 they are STC900 with a
message that says which 3.12 feature and to run cachelint on 3.12+; from 3.12 on they parse
and their caching bug is found. A plain syntax error says nothing about 3.12 on any version.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from cli_helpers import write

HEAD = '''\
import streamlit as st


class Model:
    pass


'''

# Each file: the 3.12 syntax, then (or around it) a cached function whose argument Streamlit
# cannot hash: STC001 at (line, column) once the file parses.
FILES = {
    "fstring_quotes.py": HEAD + '''\
@st.cache_data
def label(model: Model) -> str:
    return f"{model.__dict__["name"]}"
''',
    "fstring_backslash.py": HEAD + '''\
@st.cache_data
def label(model: Model) -> str:
    return f"{'\\n'.join(model.names)}"
''',
    "fstring_comment.py": HEAD + '''\
@st.cache_data
def label(model: Model) -> str:
    return f"""{
        model.name  # the name only
    }"""
''',
    "type_alias.py": HEAD + '''\
type Names = list[str]


@st.cache_data
def label(model: Model) -> str:
    return "x"
''',
    "generic_function.py": HEAD + '''\
@st.cache_data
def first[T](model: Model, items: list[T]) -> T:
    return items[0]
''',
    "generic_class.py": HEAD + '''\
class Box[T]:
    pass


@st.cache_data
def label(model: Model) -> str:
    return "x"
''',
    "plain_error.py": HEAD + '''\
@st.cache_data
def label(model: Model) -> str
    return "x"
''',
}

RUNNING = f"{sys.version_info.major}.{sys.version_info.minor}"


def unparsed(feature: str, reason: str) -> str:
    return (f"STC900 [error] cannot parse the file, so it was not checked: it uses syntax from Python 3.12 "
            f"({feature}), which Python {RUNNING} cannot parse ({reason}); run cachelint on Python 3.12+ "
            "to check this file")


def unhashable(function: str) -> str:
    return (f"STC001 [error] argument 'model' of cached '{function}' has type 'Model', which Streamlit cannot "
            "hash (UnhashableParamError); add hash_funcs={Model: ...} or rename it '_model'")


def test_syntax_from_python_312_is_named_in_stc900_or_parses(tmp_path: Path) -> None:
    write(tmp_path, FILES)
    result = subprocess.run([sys.executable, "-m", "cachelint", "check", "--no-cache", "--format", "concise", "."],
                            cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert result.returncode == 1, result.stderr
    plain_error = "plain_error.py:9:31: STC900 [error] cannot parse the file, so it was not checked: expected ':'"
    if sys.version_info >= (3, 12):
        expected = [
            f"fstring_backslash.py:9:11: {unhashable('label')}",
            f"fstring_comment.py:9:11: {unhashable('label')}",
            f"fstring_quotes.py:9:11: {unhashable('label')}",
            f"generic_class.py:13:11: {unhashable('label')}",
            f"generic_function.py:9:14: {unhashable('first')}",
            plain_error,
            f"type_alias.py:12:11: {unhashable('label')}",
        ]
    else:
        quotes = "PEP 701 f-string: the f-string's own quotes inside a replacement field"
        expected = [
            "fstring_backslash.py:10:39: " + unparsed("PEP 701 f-string: a backslash inside a replacement field",
                                                      "f-string expression part cannot include a backslash"),
            "fstring_comment.py:12:9: " + unparsed("PEP 701 f-string: a comment inside a replacement field",
                                                   "f-string expression part cannot include '#'"),
            "fstring_quotes.py:10:31: " + unparsed(quotes, "f-string: unmatched '['"),
            "generic_class.py:8:10: " + unparsed("PEP 695 type parameters: class C[T]", "invalid syntax"),
            "generic_function.py:9:10: " + unparsed("PEP 695 type parameters: def f[T]()",
                                                    "expected '('" if sys.version_info >= (3, 11) else "invalid syntax"),
            plain_error,
            "type_alias.py:8:6: " + unparsed("PEP 695 type alias: type X = ...", "invalid syntax"),
        ]
    assert result.stdout.splitlines() == expected
