import os

import streamlit as st

SHARED = os.environ.get("SHARED") == "1"


@st.cache(allow_output_mutation=SHARED)
def load(n):
    return n


@st.cache(**{"ttl": 60})
def other(n):
    return n


decorators = [st.cache]
