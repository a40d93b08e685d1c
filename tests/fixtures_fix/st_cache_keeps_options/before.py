import streamlit as st


@st.cache(persist=True, max_entries=10, ttl=3600, show_spinner=False, hash_funcs={dict: str}, suppress_st_warning=True)
def load(n):
    return n


@st.cache(persist=True, allow_output_mutation=True, ttl=60)
def connect(url):
    return url
