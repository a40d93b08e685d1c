# show_time= arrived in 1.47: on 1.28 the decorator raises TypeError.
import streamlit as st


@st.cache_resource(show_time=True)  # expect: STC012
def connection():
    return {"open": True}


st.write(connection())
