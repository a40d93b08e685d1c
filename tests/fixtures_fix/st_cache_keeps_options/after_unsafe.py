import streamlit as st


@st.cache_data(max_entries=10, ttl=3600, show_spinner=False, hash_funcs={dict: str})
def load(n):
    return n


@st.cache_resource(ttl=60)
def connect(url):
    return url
