from streamlit import experimental_memo, experimental_singleton
import streamlit as st


@experimental_memo
def words(text):
    return text.split()


@experimental_singleton(suppress_st_warning=True)
def pool():
    return []


experimental_memo.clear()
