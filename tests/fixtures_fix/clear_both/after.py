import streamlit as st

if st.button("Reset"):
    st.cache_data.clear()
    st.cache_resource.clear()  # every cache
st.write("ok")
