import functools

import streamlit as st


def outer():
    @st.cache_data
    def inner(x):
        return x

    return inner(1)


class Service:
    @st.cache_resource(hash_funcs={"__main__.Service": id})
    def client(self):
        return object()

    @functools.wraps(outer)
    @st.cache_resource
    def wrapped(self):
        return 2
