import streamlit as st


@st.cache
def a(x):
    return x


@st.cache(ttl=10)
def b(x):
    return x


if st.button("Reset"):
    st.cache.clear()
