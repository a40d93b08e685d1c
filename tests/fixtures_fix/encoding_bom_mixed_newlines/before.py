import streamlit as st

@st.experimental_memo
def load(n):
    return 'ü' * n
