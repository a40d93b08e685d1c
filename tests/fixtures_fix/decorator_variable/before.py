import streamlit as st

hourly = st.cache(ttl=3600, suppress_st_warning=True)
shared = st.cache
memo = st.experimental_memo


@hourly
def headline(day):
    return day


@shared(allow_output_mutation=True, ttl=5)
def model():
    return object()


@memo
def other(x):
    return x


def _tokenize(text):
    return text.split()


tokenize = st.cache(_tokenize, allow_output_mutation=False)
