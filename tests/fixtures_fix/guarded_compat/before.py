import streamlit as st

try:
    from streamlit import cache_data as cache
except ImportError:  # Streamlit < 1.18
    from streamlit import cache

memo = st.cache_data if hasattr(st, "cache_data") else st.experimental_memo


@cache
def parse(text):
    return text.split(",")
