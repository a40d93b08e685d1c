"""STC001, right failure, wrong type in the message: the target of `with cm() as s`
is the object the @contextmanager yields (a plain session object), not a generator.
Passing it to a cached function raises UnhashableParamError, as reported; but
hash_funcs keyed on `generator` (the message's suggestion) would not help.

run.py checks the exception and that its text names the yielded class."""

from contextlib import contextmanager

import streamlit as st


class DbSession:
    def __init__(self) -> None:
        self.rows = {"t1": ["a@example.com", "b@example.com"]}


@contextmanager
def db_session():
    session = DbSession()
    yield session


@st.cache_data(ttl=300)
def fetch_leads(session, template_id: str) -> list[str]:
    return session.rows[template_id]


with db_session() as session:
    st.write(fetch_leads(session, "t1"))
