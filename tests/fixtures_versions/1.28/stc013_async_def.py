# async def cached functions are supported from 1.64: on 1.28 st.cache_data tries to
# pickle the coroutine (UnserializableReturnValueError).
import asyncio

import streamlit as st


@st.cache_data
async def load(n):  # expect: STC013
    return n * 2


async def main():
    return await load(2)


st.write(asyncio.run(main()))
