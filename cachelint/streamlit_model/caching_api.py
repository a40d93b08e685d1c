"""The names of Streamlit's caching API, as apps reach them."""

from __future__ import annotations

# Qualified name -> which cache it is.
CACHE_DECORATORS: dict[str, str] = {
    "streamlit.cache_data": "data",
    "streamlit.cache_resource": "resource",
    "streamlit.runtime.caching.cache_data": "data",
    "streamlit.runtime.caching.cache_resource": "resource",
}

# Names that mean "streamlit is involved" in a module path.
STREAMLIT_MODULE = "streamlit"
