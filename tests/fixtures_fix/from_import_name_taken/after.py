from streamlit import cache_data as experimental_memo

cache_data = {}  # the app's own dict, named like the decorator


@experimental_memo
def square(x):
    return x * x


cache_data["sq"] = square(3)
