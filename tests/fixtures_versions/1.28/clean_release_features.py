# What 1.28 has: ttl strings (1.23), hash_funcs (1.24), uuid arguments (1.22).
import uuid

import streamlit as st


class Basket:
    def __init__(self, items):
        self.items = items


@st.cache_data(ttl="1h", hash_funcs={Basket: lambda b: tuple(b.items)})
def total(basket: Basket, order: uuid.UUID) -> int:
    return len(basket.items)


st.write(total(Basket([1, 2]), uuid.UUID(int=1)))
