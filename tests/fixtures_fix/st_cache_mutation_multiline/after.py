import streamlit as st


@st.cache_resource(  # a shared model
    # the model is shared, not copied
    show_spinner="Loading the model...",
)
def load_model(size):
    return [size]


@st.cache_resource(ttl=60)
def load_pool(size):
    return [size]
