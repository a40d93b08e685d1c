import streamlit as st


@st.cache_data(ttl=3600)
def a(x):
    return x


@st.cache_data(ttl="5min")
def b(x):
    return x


@st.cache_resource(ttl="1W")
def c(x):
    return x


@st.cache_data(ttl="later")
def d(x):
    return x
