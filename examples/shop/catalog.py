import streamlit as st


class Product:
    def __init__(self, name: str, price: float):
        self.name = name
        self.price = price


@st.cache_data
def load_catalog() -> list[Product]:
    return [Product("Coffee", 3.0), Product("Cake", 5.5), Product("Juice", 4.0)]


@st.cache_data
def price_with_tax(product, rate: float = 0.2) -> float:
    return round(product.price * (1 + rate), 2)
