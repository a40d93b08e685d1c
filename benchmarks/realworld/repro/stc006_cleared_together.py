"""STC006 false alarm: an excluded DataFrame-like argument that comes from a no-ttl
cached loader which the app only ever resets with st.cache_data.clear(): the consumer's
entry is cleared at the same moment, so it never outlives the value it was computed from.

Family: "STC006 excluded input from a loader that is only cleared together with it".
run.py switches the data source (button) and compares with a fresh run. The control
(session_state clear_all = False: only the loader is cleared) shows the stale result.
cachelint is silent on this minimal app; on the real one (a longer chain of loaders
with excluded arguments) it reports STC006 on the consumers."""

import os

import pandas as pd
import streamlit as st


@st.cache_resource
def source() -> dict:
    return {"company": os.environ.get("REPRO_COMPANY", "A"), "rows": {"A": [1, 2, 3], "B": [10, 20]}}


@st.cache_data
def load() -> pd.DataFrame:
    src = source()
    return pd.DataFrame({"amount": src["rows"][src["company"]]})


@st.cache_data
def positive(_base):
    return _base[_base["amount"] > 0]


@st.cache_data
def summarise(_frame):
    return f"n={len(_frame)} total={int(_frame['amount'].sum())}"


if st.button("switch company"):
    source()["company"] = "B" if source()["company"] == "A" else "A"
    if st.session_state.get("clear_all", True):
        st.cache_data.clear()
    else:
        load.clear()

frame = positive(load())
st.write(summarise(frame))
