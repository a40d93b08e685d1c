"""STC012 false alarm: `st.cache_resource(func=f)` names the decorator's own first
parameter; Streamlit 1.67 accepts it and returns the cached function (no TypeError).

Family: "STC012 func= is the decorated function". run.py checks the app runs without
an exception and that the second call is a cache hit."""

import streamlit as st


def square(x: int) -> int:
    return x * x


cached_square = st.cache_resource(func=square)
cached_double = st.cache_data(func=lambda x: 2 * x)

st.write(f"square={cached_square(4)} again={cached_square(4)} double={cached_double(4)}")
