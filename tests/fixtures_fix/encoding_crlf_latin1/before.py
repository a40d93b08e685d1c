# -*- coding: latin-1 -*-
# Préférences: données en cache
import streamlit as st


@st.cache(suppress_st_warning=True)  # café
def load(n):
    return "é" * n
