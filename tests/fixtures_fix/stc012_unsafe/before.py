import streamlit as st


@st.cache_data(ttl="3600")
def a(x):
    return x


@st.cache_data(ttl="5 mins", allow_output_mutation=True)
def b(x):
    return x


@st.cache_resource(persist="disk", ttl="1 week")
def c(x):
    return x


@st.cache_data(ttl="later")
def d(x):
    return x
