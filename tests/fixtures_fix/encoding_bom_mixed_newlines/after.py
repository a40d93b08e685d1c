import streamlit as st

@st.cache_data
def load(n):
    return 'ü' * n
