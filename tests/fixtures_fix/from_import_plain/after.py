from streamlit import cache_data, cache_resource
import streamlit as st


@cache_data
def words(text):
    return text.split()


@cache_resource
def pool():
    return []


cache_data.clear()
