from streamlit import cache_data, experimental_memo


@cache_data
def a(x):
    return x


@experimental_memo(ttl=5)
def b(x):
    return x
