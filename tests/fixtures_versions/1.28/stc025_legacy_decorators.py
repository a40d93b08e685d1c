# On 1.28 the legacy decorators still work (with a deprecation warning in the page):
# upgrade blockers, not errors.
import streamlit as st


@st.cache(allow_output_mutation=True)  # expect: STC025
def model():
    return {"weights": [1, 2]}


@st.experimental_memo(ttl=600)  # expect: STC025
def prices():
    return [1, 2]


@st.experimental_singleton  # expect: STC025
def connection():
    return {"open": True}


st.write(model(), prices(), connection())
