import streamlit as st


@st.cache_data
def load(n):
    return list(range(n))


st.write(load(3))
