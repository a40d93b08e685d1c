import functools

import streamlit as st


def outer():
    @st.experimental_memo
    def inner(x):
        return x

    return inner(1)


class Service:
    @st.cache(allow_output_mutation=True, hash_funcs={"__main__.Service": id})
    def client(self):
        return object()

    @functools.wraps(outer)
    @st.experimental_singleton
    def wrapped(self):
        return 2
