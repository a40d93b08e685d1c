"""cachelint: find Streamlit caching bugs before the app runs."""

__version__ = "0.1.0"
