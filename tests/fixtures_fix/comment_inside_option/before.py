import streamlit as st


@st.cache(allow_output_mutation=(  # keep the model shared
    True
), ttl=60)
def load_model():
    return object()


@st.cache_data(suppress_st_warning=(
    True  # legacy
))
def load_data():
    return 1
