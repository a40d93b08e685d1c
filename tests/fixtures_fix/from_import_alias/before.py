import streamlit as st
from streamlit import experimental_memo as memo
from streamlit import (
    cache as old_cache,  # legacy
    write,
)


@memo(ttl=60)
def count(text):
    return len(text)


@old_cache(allow_output_mutation=True)
def model():
    return object()


write(count("abc"), model())
