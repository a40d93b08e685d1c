import streamlit as st


@ st . cache_resource ( ttl = 60 )
def a(x):
    return x


@(st
  .cache_data)
def b(x):
    return x


@st.cache_data(
          # why the spinner is off:
          show_spinner=False)
def c(x):
    return x


@st.cache_data(ttl=60,)
def d(x):
    return x
