import streamlit as st


@ st . cache ( allow_output_mutation = True , ttl = 60 )
def a(x):
    return x


@(st
  .experimental_memo)
def b(x):
    return x


@st.cache(suppress_st_warning=True,
          # why the spinner is off:
          show_spinner=False)
def c(x):
    return x


@st.cache(ttl=60,)
def d(x):
    return x
