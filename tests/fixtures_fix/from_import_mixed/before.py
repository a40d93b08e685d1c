import streamlit as st
from streamlit import cache, write  # both decorators


@cache(ttl=3600)
def load_table(name):
    return name


@cache(allow_output_mutation=True)
def load_settings():
    return {}


@cache
def load_other():
    return 1


write(load_table("a"), load_settings(), load_other())
