"""What Streamlit (and the libraries apps use) do, kept as data, one table per release."""
