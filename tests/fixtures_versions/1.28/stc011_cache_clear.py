# st.cache has no clear() on any release since 1.18: an error even where st.cache works.
import streamlit as st


@st.cache  # expect: STC025
def model():
    return 1


st.write(model())
st.cache.clear()  # expect: STC011
