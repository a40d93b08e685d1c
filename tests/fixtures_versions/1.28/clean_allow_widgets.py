# Up to 1.37 experimental_allow_widgets=True makes the widget part of the cache key.
import streamlit as st


@st.cache_data(experimental_allow_widgets=True)
def rows(n):
    limit = st.slider("Rows", 1, 10, 5)
    return list(range(min(n, limit)))


st.write(rows(8))
