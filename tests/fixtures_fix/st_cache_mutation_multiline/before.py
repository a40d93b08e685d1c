import streamlit as st


@st.cache(  # a shared model
    allow_output_mutation=True,  # the model is shared, not copied
    suppress_st_warning=True,
    show_spinner="Loading the model...",
)
def load_model(size):
    return [size]


@st.cache(ttl=60,
          allow_output_mutation=True)
def load_pool(size):
    return [size]
