import streamlit as st
import streamlit as stl


@st.cache_data(ttl=600, max_entries=20)
def fetch(base):
    return base


@stl.cache_resource
def connect(path):
    return path


class Registry:
    @staticmethod
    @st.cache_resource(show_spinner=False)
    def load(name):
        return name


st.cache_data.clear()
stl.cache_resource.clear()
