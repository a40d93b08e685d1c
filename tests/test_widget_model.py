"""The widget model (cachelint/streamlit_model/widgets.py) against real Streamlit.

Every public DeltaGenerator command must be classified, and calling each one
inside a cached function must show a ``CachedWidgetWarning`` exactly when the
model says it registers a widget (conditional ones: with and without the
arguments that turn them into widgets).
"""

from __future__ import annotations

import logging
import textwrap
from pathlib import Path

import pytest

from cachelint.streamlit_model import widgets

# A minimal call of each command: ``st.<command>(<args>)``.
CALLS = {
    "altair_chart": "alt.Chart(df).mark_point().encode(x='a')",
    "area_chart": "df",
    "audio": "b'RIFF'",
    "audio_input": "'rec'",
    "badge": "'b'",
    "balloons": "",
    "bar_chart": "df",
    "button": "'b'",
    "camera_input": "'cam'",
    "caption": "'c'",
    "chat_input": "'say'",
    "chat_message": "'user'",
    "checkbox": "'c'",
    "code": "'x = 1'",
    "color_picker": "'c'",
    "columns": "2",
    "container": "",
    "data_editor": "df",
    "dataframe": "df",
    "date_input": "'d'",
    "datetime_input": "'d'",
    "divider": "",
    "download_button": "'dl', 'data'",
    "echarts_chart": "{'xAxis': {'type': 'category', 'data': ['a']}, 'yAxis': {'type': 'value'}, "
                     "'series': [{'data': [1], 'type': 'bar'}]}",
    "empty": "",
    "error": "'e'",
    "exception": "ValueError('shown on purpose')",
    "expander": "'e'",
    "feedback": "",
    "file_uploader": "'f'",
    "form": "'f'",
    "form_submit_button": "'s'",
    "graphviz_chart": "'digraph {a -> b}'",
    "grid": "2",
    "header": "'h'",
    "help": "len",
    "html": "'<b>x</b>'",
    "iframe": "'https://example.com'",
    "image": "np.zeros((2, 2))",
    "info": "'i'",
    "json": "{'a': 1}",
    "latex": "'x'",
    "line_chart": "df",
    "link_button": "'l', 'https://example.com'",
    "map": "pd.DataFrame({'lat': [1.0], 'lon': [1.0]})",
    "markdown": "'m'",
    "menu_button": "'m', ['a', 'b']",
    "mermaid_chart": "'graph TD; A-->B'",
    "metric": "'m', 1",
    "multiselect": "'m', ['a']",
    "number_input": "'n'",
    "page_link": "'https://example.com', label='x'",
    "pagination": "5",
    "pills": "'p', ['a']",
    "popover": "'p'",
    "progress": "10",
    "pydeck_chart": "pdk.Deck()",
    "radio": "'r', ['a']",
    "scatter_chart": "df",
    "segmented_control": "'s', ['a']",
    "select_slider": "'s', ['a', 'b']",
    "selectbox": "'s', ['a']",
    "skeleton": "",
    "slider": "'s'",
    "snow": "",
    "space": "",
    "spinner": "'s'",
    "status": "'s'",
    "subheader": "'s'",
    "success": "'s'",
    "table": "df",
    "tabs": "['a', 'b']",
    "text": "'t'",
    "text_area": "'t'",
    "text_input": "'t'",
    "time_input": "'t'",
    "title": "'t'",
    "toast": "'t'",
    "toggle": "'t'",
    "vega_lite_chart": "df, {'mark': 'point', 'encoding': {'x': {'field': 'a', 'type': 'quantitative'}}}",
    "video": "b'x'",
    "warning": "'w'",
    "write": "'w'",
    "write_stream": "iter(['a'])",
}
# Need a package that is not installed (plotly) or a component (pdf): checked by reading the code only.
UNRUNNABLE = {"plotly_chart", "pyplot", "pdf"}

# Conditional widgets: (call, is a widget)
CONDITIONAL_CALLS = [
    ("dataframe(df, on_select='rerun')", True),
    ("dataframe(df, on_select=lambda: None)", True),
    ("dataframe(df, on_select='ignore')", False),
    ("dataframe(df, column_config={'a': st.column_config.ButtonColumn('go', key='go')})", True),
    ("dataframe(df, column_config={'a': st.column_config.ButtonColumn('go')})", False),
    ("altair_chart(alt.Chart(df).mark_point().encode(x='a').add_params(alt.selection_point(name='p')), "
     "on_select='rerun')", True),
    ("vega_lite_chart(df, {'mark': 'point', 'params': [{'name': 'p', 'select': 'point'}], "
     "'encoding': {'x': {'field': 'a', 'type': 'quantitative'}}}, on_select='rerun')", True),
    ("echarts_chart({'xAxis': {'type': 'category', 'data': ['a']}, 'yAxis': {'type': 'value'}, "
     "'series': [{'data': [1], 'type': 'bar'}]}, on_select='rerun')", True),
    ("pydeck_chart(pdk.Deck(), on_select='rerun')", True),
    ("tabs(['a', 'b'], on_change='rerun')", True),
    ("tabs(['a', 'b'], bind='query-params', key='t')", True),
    ("tabs(['a', 'b'], key='t')", False),
    ("expander('e', on_change='rerun')", True),
    ("expander('e', key='e')", False),
    ("popover('p', on_change='rerun')", True),
    ("link_button('l', 'https://example.com', key='k')", True),
    ("link_button('l', 'https://example.com', on_click='rerun')", True),
    ("slider('s', on_change='ignore')", True),
    ("sidebar.button('b')", True),
    ("bottom.chat_input('c')", True),
    ("columns(2)[1].button('b')", True),
    ("container().slider('s')", True),
    ("empty().toggle('t')", True),
    ("components.v2.component('probe', html='<div>x</div>')()", True),
]

HEADER = """
import altair as alt
import numpy as np
import pandas as pd
import pydeck as pdk
import streamlit as st

df = pd.DataFrame({'a': [1, 2]})


@st.cache_data
def probe():
    r = st.%s
    return 1


st.write(probe())
"""


def _warns(call: str, tmp_path: Path) -> tuple[bool, list[str]]:
    from streamlit.testing.v1 import AppTest

    import streamlit as st

    script = tmp_path / "probe_app.py"
    script.write_text(textwrap.dedent(HEADER % call), encoding="utf-8")
    st.cache_data.clear()
    at = AppTest.from_file(str(script), default_timeout=30).run()
    kinds = [(e.proto.type or "").rsplit(".", 1)[-1] for e in at.exception]
    st.cache_data.clear()
    others = [k for k in kinds if k not in ("CachedWidgetWarning", "ValueError")]
    return "CachedWidgetWarning" in kinds, others


@pytest.fixture(scope="module", autouse=True)
def _quiet():
    from streamlit.testing.v1 import AppTest  # noqa: F401  (creates Streamlit's loggers)

    for name in ("streamlit",):
        logging.getLogger(name).setLevel(logging.CRITICAL)


def test_every_public_command_is_classified() -> None:
    from streamlit.delta_generator import DeltaGenerator

    public = {n for n in dir(DeltaGenerator) if not n.startswith("_") and callable(getattr(DeltaGenerator, n))}
    unclassified = sorted(n for n in public if not widgets.is_command(n))
    assert not unclassified, f"classify these commands in cachelint/streamlit_model/widgets.py: {unclassified}"
    gone = sorted(n for n in (widgets.WIDGET_COMMANDS | widgets.DISPLAY_COMMANDS | set(widgets.CONDITIONAL_WIDGETS))
                  if n not in public)
    assert not gone, f"no longer Streamlit commands: {gone}"


@pytest.mark.parametrize("command", sorted(set(CALLS)))
def test_command_warns_exactly_when_modelled_as_widget(command: str, tmp_path: Path) -> None:
    expected = command in widgets.WIDGET_COMMANDS or command in widgets.FORM_COMMANDS
    warned, others = _warns(f"{command}({CALLS[command]})", tmp_path)
    if command == "form_submit_button":
        others = [k for k in others if k != "StreamlitInvalidLayoutContextError"]  # needs a form, warns first
    assert not others, others
    assert warned == expected


@pytest.mark.parametrize("call,expected", CONDITIONAL_CALLS, ids=[c for c, _ in CONDITIONAL_CALLS])
def test_conditional_widget(call: str, expected: bool, tmp_path: Path) -> None:
    warned, others = _warns(call, tmp_path)
    assert not others, others
    assert warned == expected


def test_every_command_has_a_probe() -> None:
    modelled = widgets.WIDGET_COMMANDS | widgets.DISPLAY_COMMANDS | set(widgets.CONDITIONAL_WIDGETS) | \
        widgets.CONTAINER_COMMANDS | widgets.CONTAINER_LIST_COMMANDS | widgets.FORM_COMMANDS
    assert modelled - set(CALLS) <= UNRUNNABLE


def _linted(call: str, tmp_path: Path) -> bool:
    from cachelint.service import Service

    script = tmp_path / "probe_app.py"
    script.write_text(textwrap.dedent(HEADER % call), encoding="utf-8")
    return any(f.code == "STC008" for f in Service().analyse(script))


@pytest.mark.parametrize("call,expected", [(f"{c}({a})", c in widgets.WIDGET_COMMANDS or c in widgets.FORM_COMMANDS)
                                           for c, a in sorted(CALLS.items())] + CONDITIONAL_CALLS,
                         ids=lambda v: v if isinstance(v, str) else None)
def test_linter_reports_what_streamlit_warns(call: str, expected: bool, tmp_path: Path) -> None:
    assert _linted(call, tmp_path) == expected
