# scope= arrived in 1.53: on 1.28 the decorator raises TypeError.
import streamlit as st


@st.cache_data(scope="session")  # expect: STC012
def orders():
    return [1, 2]


st.write(orders())
