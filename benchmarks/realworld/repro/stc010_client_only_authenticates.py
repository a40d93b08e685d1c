"""STC010 false alarm: a module-level client rebuilt from a widget (an API key) only
authenticates a lookup whose answer is fixed by a hashed argument (a unique id), so the
cached result cannot go stale when the key changes.

Family: "STC010 global that only authenticates a lookup fixed by a hashed argument".
run.py changes the key widget and compares the rerun (caches kept) with a fresh run."""

import streamlit as st

RUNS = {"0b7e": "https://tracker.example/runs/0b7e", "9f21": "https://tracker.example/runs/9f21"}


class Client:
    def __init__(self, api_key: str):
        self.api_key = api_key

    def read_run(self, run_id: str) -> str:
        if not self.api_key:
            raise PermissionError("no key")
        return RUNS[run_id]


api_key = st.text_input("API key", value="first-key")
client = Client(api_key)


@st.cache_data(ttl=7200)
def run_url(run_id: str) -> str:
    return client.read_run(run_id)


st.write(run_url("0b7e"))
