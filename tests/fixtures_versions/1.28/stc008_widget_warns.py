# 1.23-1.31: a widget in a cached function shows CachedStFunctionWarning on every run.
import streamlit as st


@st.cache_data
def rows(n):
    st.checkbox("Show all")  # expect: STC008
    return list(range(n))


st.write(rows(3))
