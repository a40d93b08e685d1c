"""STC009 false alarm: a session-state key that every session sets to the same
constant (a server URL, a deployment mode read from the settings file). The cached
function reads it, but no session can make it differ.

Family: "STC009 app-wide value held in session state". run.py runs two sessions with
different per-user values (user name) and checks that session B is served what a fresh
run shows. The control writes the user's name into the key instead (a leak)."""

import streamlit as st

SERVER = "https://tracker.example/api"

if "server_url" not in st.session_state:
    st.session_state.server_url = st.session_state.get("user") if st.session_state.get("leaky") else SERVER


@st.cache_data(ttl=3600)
def endpoint(path: str) -> str:
    return f"{st.session_state.server_url}/{path}"


st.write(endpoint("events"))
