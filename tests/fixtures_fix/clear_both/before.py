import streamlit as st

if st.button("Reset"):
    st.cache.clear()  # every cache
st.write("ok")
