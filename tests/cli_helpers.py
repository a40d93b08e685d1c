"""Small apps and a way to run the command in-process, shared by the CLI tests."""

from __future__ import annotations

import io
import re
import textwrap
from dataclasses import dataclass
from pathlib import Path

from cachelint import cli

# A class instance passed to an @st.cache_data function: STC001 at the parameter (10:13).
BAD_APP = '''\
import streamlit as st


class Model:
    def __init__(self, weight):
        self.weight = weight


@st.cache_data
def predict(model: Model, x: float) -> float:
    return model.weight * x


st.write(predict(Model(2.0), 3.0))
'''

# hash_funcs that hash by identity: STC003 at the ``id`` (9:36).
IDENTITY_APP = '''\
import streamlit as st


class Basket:
    def __init__(self, items):
        self.items = items


@st.cache_data(hash_funcs={Basket: id})
def count(basket: Basket) -> int:
    return len(basket.items)
'''

CLEAN_APP = '''\
import streamlit as st


@st.cache_data
def square(x: int) -> int:
    return x * x
'''


_SEVERITY_TAG = re.compile(r"^(.*?:\d+:\d+: STC\d{3}) (?:\[\*\] )?\[(?:error|warning)\] ", re.MULTILINE)


def as_flake8(text: str) -> str:
    """Concise output as flake8 prints the same findings: without the fix mark and the
    severity after the code."""
    return _SEVERITY_TAG.sub(r"\1 ", text)


@dataclass
class Result:
    code: int
    out: str
    err: str


def run(cwd: Path, *args: str, stdin: bytes | None = None) -> Result:
    out, err = io.StringIO(), io.StringIO()
    code = cli.run(list(args), stdout=out, stderr=err, stdin=io.BytesIO(stdin) if stdin is not None else None,
                   cwd=cwd)
    return Result(code, out.getvalue(), err.getvalue())


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text) if text.startswith("\n") else text)
