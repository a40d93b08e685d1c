import streamlit as st


@st.cache_data
def a(x):
    return x


@st.cache_resource(ttl=60)
def b(x):
    return x


@st.cache_data(
    ttl=60,  # copies are fine
)
def c(x):
    return x


def _load(x):
    return x


load = st.cache_data(_load)
