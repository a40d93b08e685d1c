import streamlit as st
from streamlit import cache_data as memo
from streamlit import (
    cache_resource as old_cache,  # legacy
    write,
)


@memo(ttl=60)
def count(text):
    return len(text)


@old_cache
def model():
    return object()


write(count("abc"), model())
