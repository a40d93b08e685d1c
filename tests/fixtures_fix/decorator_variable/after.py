import streamlit as st

hourly = st.cache_data(ttl=3600)
shared = st.cache_resource
memo = st.cache_data


@hourly
def headline(day):
    return day


@shared(ttl=5)
def model():
    return object()


@memo
def other(x):
    return x


def _tokenize(text):
    return text.split()


tokenize = st.cache_data(_tokenize)
