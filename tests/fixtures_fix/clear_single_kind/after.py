import streamlit as st


@st.cache_data
def a(x):
    return x


@st.cache_data(ttl=10)
def b(x):
    return x


if st.button("Reset"):
    st.cache_data.clear()
