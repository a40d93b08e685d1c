"""A small shop dashboard with the Streamlit caching bugs cachelint finds.

Run:  flake8 --select STC examples/
"""

import streamlit as st

from catalog import Product, load_catalog, price_with_tax


class Basket:
    def __init__(self, items):
        self.items = items

    @st.cache_data
    def total(self, discount: float) -> float:  # STC002: Basket cannot be hashed as `self`
        return sum(p.price for p in self.items) * (1 - discount)


@st.cache_data(hash_funcs={Basket: id})  # STC003: identity hash, misses on every rerun
def item_count(basket: Basket) -> int:
    return len(basket.items)


products = load_catalog()
basket = Basket(products[:2])
st.metric("Items", item_count(basket))
st.metric("Total", basket.total(0.1))
st.write(price_with_tax(Product("Tea", 4.5)))  # STC001: Product cannot be hashed
