from streamlit import cache_data


@cache_data
def a(x):
    return x


@cache_data(ttl=5)
def b(x):
    return x
