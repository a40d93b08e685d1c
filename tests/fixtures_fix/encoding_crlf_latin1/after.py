# -*- coding: latin-1 -*-
# Préférences: données en cache
import streamlit as st


@st.cache_data  # café
def load(n):
    return "é" * n
