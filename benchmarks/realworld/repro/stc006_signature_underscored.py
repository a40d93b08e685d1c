"""Miss (STC006): a cache_resource index keyed by a signature that was underscored by
mistake, so neither parameter is hashed. Its input comes from a ttl loader that is
cleared after each write: the index keeps its first value until the server restarts.

run.py adds an item (button) and compares the rerun with a fresh run: stale."""

import os

import streamlit as st


@st.cache_resource
def store() -> list[str]:
    return os.environ.get("REPRO_SEED", "alice,bob").split(",")


@st.cache_data(ttl=300)
def all_items() -> list[str]:
    return list(store())


@st.cache_resource
def build_index(_signature: str, _items: list[str]) -> dict:
    return {"count": len(_items)}


if st.button("add item"):
    store().append(f"user{len(store())}")
    all_items.clear()

items = all_items()
st.write(f"index count={build_index(f'n={len(items)}', items)['count']} items={len(items)}")
