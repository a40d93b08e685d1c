import streamlit as st


@st.cache_data(suppress_st_warning=True)
def a(x):
    return x


@st.cache_resource(allow_output_mutation=True, experimental_allow_widgets=True, ttl=60)
def b(x):
    return x


@st.cache_data(
    ttl=60,
    allow_output_mutation=False,  # copies are fine
)
def c(x):
    return x


def _load(x):
    return x


load = st.cache_data(_load, suppress_st_warning=True)
