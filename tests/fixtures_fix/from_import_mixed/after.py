import streamlit as st
from streamlit import cache_data, cache_resource, write  # both decorators


@cache_data(ttl=3600)
def load_table(name):
    return name


@cache_resource
def load_settings():
    return {}


@cache_data
def load_other():
    return 1


write(load_table("a"), load_settings(), load_other())
