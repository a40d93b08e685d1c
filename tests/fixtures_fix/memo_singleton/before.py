import streamlit as st
import streamlit as stl


@st.experimental_memo(ttl=600, max_entries=20, suppress_st_warning=True)
def fetch(base):
    return base


@stl.experimental_singleton(experimental_allow_widgets=True)
def connect(path):
    return path


class Registry:
    @staticmethod
    @st.experimental_singleton(show_spinner=False)
    def load(name):
        return name


st.experimental_memo.clear()
stl.experimental_singleton.clear()
