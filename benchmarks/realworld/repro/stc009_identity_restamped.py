"""STC009 false alarm: a cached sync stamps the operator's name on shared state, but
the only code that uses the stamp (the commit) stamps the current operator again first.
On a cache hit the stamp is skipped, and nothing observable changes.

Family: "STC009 session value written to shared state that its only consumer rewrites
first". run.py: session A syncs (cache miss, stamps A), session B syncs (cache hit) and
commits; the commit must be authored by B. With restamp = False (the control) the
commit would carry A's name."""

import streamlit as st


@st.cache_resource
def shared_repo() -> dict:
    return {"author": None, "commits": []}


@st.cache_data(ttl=600)
def sync(team: str) -> str:
    shared_repo()["author"] = st.session_state.get("user")   # the read cachelint reports
    return f"head-of-{team}"


def commit(message: str) -> None:
    repo = shared_repo()
    if st.session_state.get("restamp", True):
        repo["author"] = st.session_state.get("user")
    repo["commits"].append((repo["author"], message))


head = sync("platform")
if st.session_state.get("do_commit"):
    commit(f"edit on {head}")
    author, message = shared_repo()["commits"][-1]
    st.write(f"last commit by {author}")
