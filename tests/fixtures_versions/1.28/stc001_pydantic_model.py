# Streamlit hashes pydantic models from 1.49: on 1.28 a model argument is unhashable.
import pydantic
import streamlit as st


class Query(pydantic.BaseModel):
    text: str


@st.cache_data
def search(query: Query):  # expect: STC001(query)
    return query.text.upper()


st.write(search(Query(text="a")))
