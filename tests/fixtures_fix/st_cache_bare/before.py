import streamlit as st


@st.cache
def load(n):
    return list(range(n))


st.write(load(3))
