"""Per-session state and what a cache's ``scope`` isolates, as data (Streamlit 1.67).

``st.session_state``, ``st.query_params``, ``st.context`` and ``st.user`` answer
for the session (browser tab, user) running the script. A cached function with
the default ``scope="global"`` keeps one cache for the whole server
(``DataCaches.get_cache`` / ``ResourceCaches.get_cache`` in
``runtime/caching/cache_data_api.py`` and ``cache_resource_api.py`` key the caches
by ``session_id=None``), so what one session read is served to every other one.

``scope="session"`` keys the in-memory caches by the session id, so per-session
state is isolated... except for ``st.cache_data(persist="disk")`` (or
``persist=True``): ``LocalDiskCacheStorage`` names its files
``{function_key}-{value_key}.memo`` with no session in them, and
``InMemoryCacheStorageWrapper`` falls back to the disk on an in-memory miss, so a
new session reads the result another session wrote (checked under AppTest with
two session ids and the disk storage).
"""

from __future__ import annotations

# Qualified name -> how apps spell it.
PER_SESSION_STATE: dict[str, str] = {
    "streamlit.session_state": "st.session_state",
    "streamlit.query_params": "st.query_params",
    "streamlit.context": "st.context",
    "streamlit.user": "st.user",
}

# Methods that only write (reading the state is what leaks; writing in a cached
# function is a different problem).
WRITE_ONLY_METHODS: dict[str, frozenset[str]] = {
    "streamlit.session_state": frozenset({"update", "clear", "__setitem__", "__delitem__", "__setattr__",
                                          "__delattr__"}),
    "streamlit.query_params": frozenset({"update", "clear", "from_dict", "__setitem__", "__delitem__",
                                         "__setattr__", "__delattr__"}),
}

# The ``scope`` values (decorator option) and which one keeps a cache per session.
DEFAULT_SCOPE = "global"
SESSION_SCOPE = "session"

# ``persist`` values that store st.cache_data results on disk, shared by every
# session whatever the scope (``persist=True`` means "disk").
DISK_PERSIST_VALUES: tuple = ("disk", True)
