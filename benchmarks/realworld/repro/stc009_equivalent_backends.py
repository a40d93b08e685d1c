"""STC009 false alarm: a per-session switch that picks between two back ends holding
the same rows. The cached function reads the switch, but its result cannot differ.

Family: "STC009 per-session switch between equivalent back ends".
run.py runs it in two sessions (switch on, switch off); with REPRO_EQUIVALENT=0 the
back ends disagree and the same run shows the leak (the control)."""

import os

import streamlit as st

PRIMARY = {"builds": [3, 5, 8]}
MIRROR = {"builds": [3, 5, 8]} if os.environ.get("REPRO_EQUIVALENT", "1") == "1" else {"builds": [1]}


def use_mirror() -> bool:
    return bool(st.session_state.get("use_mirror", True))


def search(index: str) -> list[int]:
    source = MIRROR if use_mirror() else PRIMARY
    return list(source[index])


@st.cache_data(ttl=600)
def build_counts(index: str) -> int:
    return sum(search(index))


st.write(f"total={build_counts('builds')}")
