"""The hasher model agrees with Streamlit's own hasher on real values.

Each case is a small module that binds VALUE. cachelint infers what VALUE is and
asks its model of Streamlit 1.67 whether it can be hashed; the same module is then
imported for real and VALUE is handed to Streamlit's ``update_hash``.
"""

from __future__ import annotations

import importlib.util
import sys
import textwrap
from pathlib import Path

import pytest
from astroid import nodes

from cachelint.analysis.hashability import UNKNOWN
from cachelint.engine import Engine
from cachelint.streamlit_model import hashing

CASES = {
    # name: (source binding VALUE, Streamlit can hash it)
    "plain_class": ("class A:\n    def __init__(self):\n        self.x = 1\nVALUE = A()", False),
    "slots_class": ("class A:\n    __slots__ = ('x',)\n    def __init__(self):\n        self.x = 1\nVALUE = A()", False),
    "getstate_only": ("class A:\n    def __getstate__(self):\n        return {}\nVALUE = A()", False),
    "reduce_ex_only": ("class A:\n    def __reduce_ex__(self, p):\n        return (A, ())\nVALUE = A()", False),
    "hash_and_eq": ("class A:\n    def __hash__(self):\n        return 1\n    def __eq__(self, o):\n        return True\nVALUE = A()", False),
    "own_reduce": ("class A:\n    def __reduce__(self):\n        return (A, ())\nVALUE = A()", True),
    "inherited_reduce": ("class A:\n    def __reduce__(self):\n        return (A, ())\nclass B(A):\n    pass\nVALUE = B()", True),
    "dataclass_fields": ("from dataclasses import dataclass\n@dataclass\nclass P:\n    x: int\n    name: str\nVALUE = P(1, 'a')", True),
    "dataclass_plain_field": ("from dataclasses import dataclass\nclass A:\n    pass\n@dataclass\nclass P:\n    a: A\nVALUE = P(A())", False),
    "nested_dataclass": ("import dataclasses\n@dataclasses.dataclass(frozen=True)\nclass Q:\n    y: float\n@dataclasses.dataclass\nclass P:\n    q: Q\n    tags: list[str]\nVALUE = P(Q(1.0), ['a'])", True),
    "namedtuple_class": ("from typing import NamedTuple\nclass P(NamedTuple):\n    x: int\n    y: int\nVALUE = P(1, 2)", True),
    "namedtuple_plain_field": ("from typing import NamedTuple\nclass A:\n    pass\nclass P(NamedTuple):\n    a: A\nVALUE = P(A())", False),
    "enum_member": ("import enum\nclass Color(enum.Enum):\n    RED = 1\nVALUE = Color.RED", True),
    "dict_subclass": ("class D(dict):\n    pass\nVALUE = D(a=1)", True),
    "list_subclass": ("class L(list):\n    pass\nVALUE = L([1, 2])", True),
    "str_subclass": ("class S(str):\n    pass\nVALUE = S('x')", True),
    "exception": ("class Oops(Exception):\n    pass\nVALUE = Oops('x')", True),
    "function": ("def f():\n    return 1\nVALUE = f", False),
    "lambda": ("VALUE = lambda x: x", False),
    "partial_user_function": ("import functools\ndef f(a, b):\n    return a\nVALUE = functools.partial(f, 1)", False),
    "bound_method_plain": ("class A:\n    def m(self):\n        return 1\nVALUE = A().m", False),
    "builtin_function": ("VALUE = len", True),
    "class_object": ("class A:\n    pass\nVALUE = A", True),
    "module": ("import math\nVALUE = math", True),
    "list_of_plain": ("class A:\n    pass\nVALUE = [A(), A()]", False),
    "dict_of_plain": ("class A:\n    pass\nVALUE = {'a': A()}", False),
    "comprehension_of_plain": ("class A:\n    def __init__(self, t):\n        self.t = t\nVALUE = [A(t) for t in 'ab']", False),
    "tuple_of_ints": ("VALUE = (1, 2, 3)", True),
    "set_of_str": ("VALUE = {'a', 'b'}", True),
    "frozenset": ("VALUE = frozenset([1, 2])", True),
    "range": ("VALUE = range(3)", True),
    "complex": ("VALUE = 1j", False),
    "bare_object": ("VALUE = object()", False),
    "decimal": ("from decimal import Decimal\nVALUE = Decimal('1.5')", True),
    "path": ("from pathlib import Path\nVALUE = Path('x')", True),
    "datetime": ("import datetime\nVALUE = datetime.datetime.now()", True),
    "date": ("import datetime\nVALUE = datetime.date.today()", True),
    "uuid": ("import uuid\nVALUE = uuid.uuid4()", True),
    "regex": ("import re\nVALUE = re.compile('a+')", True),
    "stringio": ("import io\nVALUE = io.StringIO('x')", True),
    "simple_namespace": ("import types\nVALUE = types.SimpleNamespace(a=1)", True),
    "ordered_dict": ("import collections\nVALUE = collections.OrderedDict(a=1)", True),
    "deque": ("import collections\nVALUE = collections.deque([1, 2])", True),
    "lock": ("import threading\nVALUE = threading.Lock()", False),
    "sqlite_connection": ("import sqlite3\nVALUE = sqlite3.connect(':memory:')", False),
    "logger": ("import logging\nVALUE = logging.getLogger('x')", False),
    "argparse_namespace": ("import argparse\nVALUE = argparse.Namespace(a=1)", False),
    "dataframe": ("import pandas as pd\nVALUE = pd.DataFrame({'a': [1]})", True),
    "series": ("import pandas as pd\nVALUE = pd.Series([1, 2])", True),
    "dataframe_subclass": ("import pandas as pd\nclass Frame(pd.DataFrame):\n    pass\nVALUE = Frame({'a': [1]})", False),
    "pandas_index": ("import pandas as pd\nVALUE = pd.Index([1, 2])", False),
    "ndarray": ("import numpy as np\nVALUE = np.array([1, 2])", True),
    "numpy_generator": ("import numpy as np\nVALUE = np.random.default_rng(0)", False),
    "pydantic_model": ("from pydantic import BaseModel\nclass M(BaseModel):\n    x: int\nVALUE = M(x=1)", True),
}


def _static_verdict(tmp_path: Path, name: str, source: str) -> set[str]:
    path = tmp_path / f"case_{name}.py"
    path.write_text("import streamlit as st\n" + source + "\n", encoding="utf-8")
    engine = Engine()
    module = engine.project.module(path.resolve())
    assign = [n for n in module.tree.body if isinstance(n, nodes.Assign) and n.targets[0].as_string() == "VALUE"][-1]
    values = engine.analysis.inferrer.values(assign.value)
    assert values, f"cachelint could not infer VALUE in {name}"
    return {engine.analysis.hashability.verdict(v).outcome for v in values}


def _streamlit_hashes(tmp_path: Path, name: str, source: str) -> bool:
    from streamlit.runtime.caching.cache_errors import UnhashableTypeError
    from streamlit.runtime.caching.cache_type import CacheType
    from streamlit.runtime.caching.hashing import update_hash
    from streamlit import util

    path = tmp_path / f"real_{name}.py"
    path.write_text(textwrap.dedent(source) + "\n", encoding="utf-8")
    spec = importlib.util.spec_from_file_location(f"real_{name}", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    try:
        spec.loader.exec_module(module)
        update_hash(module.VALUE, util.create_fast_hasher(), CacheType.DATA)
        return True
    except UnhashableTypeError:
        return False
    finally:
        sys.modules.pop(spec.name, None)


@pytest.mark.parametrize("name", sorted(CASES))
def test_model_agrees_with_streamlit(tmp_path: Path, name: str) -> None:
    source, hashable = CASES[name]
    assert _streamlit_hashes(tmp_path, name, source) is hashable, "the case's own expectation is wrong"
    outcomes = _static_verdict(tmp_path, name, source)
    expected = hashing.HASHABLE if hashable else hashing.UNHASHABLE
    assert outcomes == {expected}, f"model says {outcomes}, Streamlit says {expected}"


def test_unknown_library_types_are_not_judged(tmp_path: Path) -> None:
    outcomes = _static_verdict(tmp_path, "unknown_lib", "import somelib\nVALUE = somelib.Client()")
    assert outcomes == {UNKNOWN}
